import { describe, expect, it } from 'vitest';
import { type Caller, createHarness } from './support/harness.js';

// createContact refuses bad input as data: no GraphQL error, `contact: null`, a userError with
// the exact code and path inside `input` (list indices as strings, null for the whole input),
// and nothing written. One case per rule of contact-input.ts, prepare-contact.ts and
// custom-field-value.ts.

const h = await createHarness();
const owner = await h.organization();
const stranger = await h.organization();

type Json = any;

const mutate = async (caller: Caller, mutation: string, object: string, input: Record<string, unknown>): Promise<Json> => {
  const type = `${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input`;
  const res = await caller.gql(
    `mutation($input: ${type}!) { ${mutation}(input: $input) { ${object} { id } userErrors { code field message } } }`,
    { input },
  );
  expect(res.errors).toBeUndefined();
  expect(res.data[mutation].userErrors).toEqual([]);
  return res.data[mutation][object].id as string;
};
const company = (input: Record<string, unknown>, caller = owner) => mutate(caller, 'createCompany', 'company', input);
const group = (name: string, caller = owner) => mutate(caller, 'createGroup', 'group', { name });
const customField = (groupId: string, name: string, type: string, options?: string[], caller = owner) =>
  mutate(caller, 'createCustomField', 'customField', { groupId, name, type, options });
const contact = (input: Record<string, unknown>, caller = owner) => mutate(caller, 'createContact', 'contact', input);

// The world the cases refer to.
const vip = await group('VIP');
const other = await group('Other');
const fields = {
  TEXT: await customField(vip, 'Text', 'TEXT'),
  NUMBER: await customField(vip, 'Number', 'NUMBER'),
  DATE: await customField(vip, 'Date', 'DATE'),
  SINGLE_SELECT: await customField(vip, 'Single', 'SINGLE_SELECT', ['Gold', 'Silver']),
  MULTIPLE_SELECT: await customField(vip, 'Multiple', 'MULTIPLE_SELECT', ['Red', 'Blue']),
  CONTACT: await customField(vip, 'Contact', 'CONTACT'),
  USER: await customField(vip, 'User', 'USER'),
  OBJECT: await customField(vip, 'Object', 'OBJECT'),
  MAGIC: await customField(vip, 'Magic', 'MAGIC'),
  ELSEWHERE: await customField(other, 'Elsewhere', 'TEXT'),
};
const acme = await company({ name: 'Acme', externalRefs: [{ namespace: 'erp', externalId: 'ACME-1' }] });
const holder = await contact({ firstName: 'Holder', email: 'taken@x.example', externalRefs: [{ namespace: 'crm', externalId: 'TAKEN-1' }] });
const binned = await contact({ firstName: 'Binned', email: 'binned@x.example' });
{
  const res = await owner.gql('mutation($id: ID!) { deleteContact(input: { id: $id }) { userErrors { code } } }', { id: binned });
  expect(res.data.deleteContact.userErrors).toEqual([]);
}

const foreignCompany = await company({ name: 'Theirs', externalRefs: [{ namespace: 'erp', externalId: 'THEIRS-1' }] }, stranger);
const foreignGroup = await group('Theirs', stranger);
const foreignField = await customField(foreignGroup, 'Theirs', 'TEXT', undefined, stranger);
const foreignContact = await contact({ firstName: 'Theirs' }, stranger);
const foreignUser = `usr_${stranger.userId}`;
const strangerEmail = (await stranger.gql('{ viewer { user { email } } }')).data.viewer.user.email as string;

const UNKNOWN_UUID = '01890000-0000-7000-8000-000000000000';
const many = <T>(n: number, make: (i: number) => T) => Array.from({ length: n }, (_, i) => make(i));
const daysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
/** A contact in the VIP group with one value for `field`. */
const value = (field: string, v: unknown) => ({ firstName: 'V', groups: [vip], customFieldValues: [{ field, value: v }] });

type Expected = { code: string; field: string[] | null };
type Case = [string, Record<string, unknown>, Expected];
const V = (...field: string[]): Expected => ({ code: 'VALIDATION', field });
const NF = (...field: string[]): Expected => ({ code: 'NOT_FOUND', field });
const DUP = (...field: string[]): Expected => ({ code: 'DUPLICATE', field });
const WHOLE: Expected = { code: 'VALIDATION', field: null };
const A = { firstName: 'A' };

const cases: Case[] = [
  // identifiers
  ['an empty input', {}, WHOLE],
  ['no identifier, only a title and tags', { title: 'Dr', tags: ['x'] }, WHOLE],
  ['only blank names', { firstName: '   ', lastName: '', fullName: ' ' }, WHOLE],
  ['only an address, a url and an external ref', { addresses: [{ city: 'Paris' }], urls: [{ url: 'https://a.example' }], externalRefs: [{ namespace: 'sf', externalId: 'no-name' }] }, WHOLE],

  // maximum lengths
  ['firstName over 255', { firstName: 'x'.repeat(256) }, V('firstName')],
  ['middleName over 255', { ...A, middleName: 'x'.repeat(256) }, V('middleName')],
  ['lastName over 255', { lastName: 'x'.repeat(256) }, V('lastName')],
  ['fullName over 500', { fullName: 'x'.repeat(501) }, V('fullName')],
  ['title over 50', { ...A, title: 'x'.repeat(51) }, V('title')],
  ['abbreviation over 50', { ...A, abbreviation: 'x'.repeat(51) }, V('abbreviation')],
  ['description over 5000', { ...A, description: 'x'.repeat(5001) }, V('description')],
  ['strategy over 5000', { ...A, strategy: 'x'.repeat(5001) }, V('strategy')],
  ['jobTitle over 255', { ...A, jobTitle: 'x'.repeat(256) }, V('jobTitle')],
  ['department over 255', { ...A, department: 'x'.repeat(256) }, V('department')],
  ['purchaseOrderNumber over 50 on an INVOICE contact', { ...A, type: 'INVOICE', purchaseOrderNumber: 'x'.repeat(51) }, V('purchaseOrderNumber')],
  ['ssn over 50', { ...A, ssn: 'x'.repeat(51) }, V('ssn')],
  ['phone over 50', { ...A, phone: '1'.repeat(51) }, V('phone')],
  ['a listed phone over 50', { ...A, phones: [{ number: '1'.repeat(51) }] }, V('phones', '0', 'number')],
  ['a url over 500', { ...A, urls: [{ url: `https://x.example/${'a'.repeat(483)}` }] }, V('urls', '0', 'url')],
  ['profilePictureUrl over 500', { ...A, profilePictureUrl: `https://x.example/${'a'.repeat(483)}.png` }, V('profilePictureUrl')],
  ['email over 320', { ...A, email: `${'a'.repeat(311)}@x.example` }, V('email')],
  ['a listed email over 320', { ...A, emails: [{ address: `${'a'.repeat(311)}@x.example` }] }, V('emails', '0', 'address')],
  ['an email label over 50', { ...A, emails: [{ address: 'label@x.example', label: 'x'.repeat(51) }] }, V('emails', '0', 'label')],
  ['an address street over 500', { ...A, addresses: [{ street: 'x'.repeat(501) }] }, V('addresses', '0', 'street')],
  ['an address postalCode over 50', { ...A, addresses: [{ postalCode: '1'.repeat(51) }] }, V('addresses', '0', 'postalCode')],
  ['an address city over 255', { ...A, addresses: [{ city: 'x'.repeat(256) }] }, V('addresses', '0', 'city')],

  // INVOICE only
  ['purchaseOrderNumber on a GENERAL contact', { ...A, purchaseOrderNumber: 'PO-1' }, V('purchaseOrderNumber')],
  ['purchaseOrderNumber on a FINANCE contact', { ...A, type: 'FINANCE', purchaseOrderNumber: 'PO-1' }, V('purchaseOrderNumber')],

  // birthday (a malformed or impossible date is refused by the LocalDate scalar: see below)
  ['birthday in the future', { ...A, birthday: daysFromNow(2) }, V('birthday')],
  ['birthday far in the future', { ...A, birthday: '2999-01-01' }, V('birthday')],
  ['birthday before 1900', { ...A, birthday: '1899-12-31' }, V('birthday')],

  // primary language
  ['primaryLanguage not an ISO 639-1 code', { ...A, primaryLanguage: 'xx' }, V('primaryLanguage')],
  ['primaryLanguage as ISO 639-2', { ...A, primaryLanguage: 'eng' }, V('primaryLanguage')],
  ['primaryLanguage as a locale', { ...A, primaryLanguage: 'en-GB' }, V('primaryLanguage')],

  // LinkedIn, picture and urls
  ['linkedInUrl over http', { ...A, linkedInUrl: 'http://www.linkedin.com/in/jane-smith' }, V('linkedInUrl')],
  ['linkedInUrl on another host', { ...A, linkedInUrl: 'https://linkedin.evil.example/in/jane-smith' }, V('linkedInUrl')],
  ['linkedInUrl without www', { ...A, linkedInUrl: 'https://linkedin.com/in/jane-smith' }, V('linkedInUrl')],
  ['linkedInUrl of a company page', { ...A, linkedInUrl: 'https://www.linkedin.com/company/acme' }, V('linkedInUrl')],
  ['linkedInUrl with no slug', { ...A, linkedInUrl: 'https://www.linkedin.com/in/' }, V('linkedInUrl')],
  ['profilePictureUrl over ftp', { ...A, profilePictureUrl: 'ftp://x.example/a.png' }, V('profilePictureUrl')],
  ['profilePictureUrl not a url', { ...A, profilePictureUrl: 'picture.png' }, V('profilePictureUrl')],
  ['a url over ftp', { ...A, urls: [{ url: 'ftp://files.example/x' }] }, V('urls', '0', 'url')],
  ['a url that is not one', { ...A, urls: [{ url: 'https://ok.example' }, { url: 'not a url' }] }, V('urls', '1', 'url')],
  ['a javascript: url', { ...A, urls: [{ url: 'javascript:alert(1)' }] }, V('urls', '0', 'url')],

  // emails
  ['an invalid email', { ...A, email: 'not-an-email' }, V('email')],
  ['an email with no domain', { ...A, emails: [{ address: 'ok@x.example' }, { address: 'x@' }] }, V('emails', '1', 'address')],
  ['an email with spaces', { ...A, emails: [{ address: 'jane smith@x.example' }] }, V('emails', '0', 'address')],
  ['an invalid loginEmail', { ...A, loginEmail: 'nope@' }, V('loginEmail')],
  ['a loginEmail that is a name', { ...A, loginEmail: 'Jane Smith' }, V('loginEmail')],

  // phones
  ['an unparseable phone', { ...A, phones: [{ number: '12' }] }, V('phones', '0', 'number')],
  ['a blank listed phone', { ...A, phones: [{ number: '  ' }] }, V('phones', '0', 'number')],
  ['a phone in words', { ...A, phone: 'call me' }, V('phone')],
  ['a bad mobile', { ...A, mobile: '+1 555' }, V('mobile')],
  ['a national number without countryCode', { ...A, phones: [{ number: '030 1234567' }] }, V('phones', '0', 'number')],
  ['a national number with the wrong countryCode', { ...A, phones: [{ number: '030 1234567', countryCode: 'US' }] }, V('phones', '0', 'number')],
  ['an unknown phone countryCode', { ...A, phones: [{ number: '030 1234567', countryCode: 'XX' }] }, V('phones', '0', 'countryCode')],
  ['a three-letter phone countryCode', { ...A, phones: [{ number: '030 1234567', countryCode: 'DEU' }] }, V('phones', '0', 'countryCode')],

  // addresses
  ['an address with no parts', { ...A, addresses: [{ city: 'Paris' }, { street: '  ', isPrimary: true }] }, V('addresses', '1')],
  ['an address with an unknown country', { ...A, addresses: [{ city: 'X', country: 'ZZ' }] }, V('addresses', '0', 'country')],
  ['an address with a country name', { ...A, addresses: [{ city: 'Berlin', country: 'Germany' }] }, V('addresses', '0', 'country')],

  // duplicates inside a list
  ['an email listed twice', { emails: [{ address: 'd@x.example' }, { address: 'D@X.example' }] }, V('emails', '1', 'address')],
  ['a phone listed twice', { ...A, phones: [{ number: '+14155550100' }, { number: '+1 415 555 0100' }] }, V('phones', '1', 'number')],
  ['a url listed twice', { ...A, urls: [{ url: 'https://a.example/x' }, { url: 'https://A.example/x' }] }, V('urls', '1', 'url')],
  ['an external ref listed twice', { ...A, externalRefs: [{ namespace: 'sf', externalId: '1' }, { namespace: 'hs', externalId: '1' }, { namespace: 'SF', externalId: '1' }] }, V('externalRefs', '2')],
  ['a custom field listed twice', { ...A, groups: [vip], customFieldValues: [{ field: fields.TEXT, value: 'a' }, { field: fields.TEXT, value: 'b' }] }, V('customFieldValues', '1', 'field')],

  // two primaries
  ['two primary emails', { emails: [{ address: 'p1@x.example', isPrimary: true }, { address: 'p2@x.example', isPrimary: true }] }, V('emails', '1', 'isPrimary')],
  ['two primary listed emails after the convenience email', { email: 'p0@x.example', emails: [{ address: 'p1@x.example', isPrimary: true }, { address: 'p2@x.example', isPrimary: true }] }, V('emails', '1', 'isPrimary')],
  ['two primary phones', { ...A, phones: [{ number: '+14155550101', isPrimary: true }, { number: '+14155550102', isPrimary: true }] }, V('phones', '1', 'isPrimary')],
  ['two primary listed phones after the convenience phone', { ...A, phone: '+14155550100', phones: [{ number: '+14155550101', isPrimary: true }, { number: '+14155550102', isPrimary: true }] }, V('phones', '1', 'isPrimary')],
  ['two primary listed phones after the convenience phone and mobile', { ...A, phone: '+14155550109', mobile: '+14155550108', phones: [{ number: '+14155550101', isPrimary: true }, { number: '+14155550102', isPrimary: true }] }, V('phones', '1', 'isPrimary')],
  ['two primary addresses', { ...A, addresses: [{ city: 'A', isPrimary: true }, { city: 'B' }, { city: 'C', isPrimary: true }] }, V('addresses', '2', 'isPrimary')],
  ['two primary urls', { ...A, urls: [{ url: 'https://a.example', isPrimary: true }, { url: 'https://b.example', isPrimary: true }] }, V('urls', '1', 'isPrimary')],
  ['two primary companies', { ...A, companies: [{ company: { name: 'P1' }, isPrimary: true }, { company: { name: 'P2' }, isPrimary: true }] }, V('companies', '1', 'isPrimary')],

  // list limits
  ['21 emails', { emails: many(21, (i) => ({ address: `e${i}@x.example` })) }, V('emails')],
  ['21 phones', { ...A, phones: many(21, (i) => ({ number: `+1415555${1000 + i}` })) }, V('phones')],
  ['21 addresses', { ...A, addresses: many(21, (i) => ({ city: `C${i}` })) }, V('addresses')],
  ['21 urls', { ...A, urls: many(21, (i) => ({ url: `https://u${i}.example` })) }, V('urls')],
  ['21 companies', { ...A, companies: many(21, (i) => ({ company: { name: `Co ${i}` } })) }, V('companies')],
  ['21 external refs', { ...A, externalRefs: many(21, (i) => ({ namespace: 'sf', externalId: `r${i}` })) }, V('externalRefs')],
  ['101 groups', { ...A, groups: many(101, () => vip) }, V('groups')],
  ['101 tags', { ...A, tags: many(101, (i) => `t${i}`) }, V('tags')],
  ['a tag of 51 characters', { ...A, tags: ['ok', 'x'.repeat(51)] }, V('tags', '1')],
  ['a blank tag', { ...A, tags: ['  '] }, V('tags', '0')],
  ['201 custom field values', { ...A, groups: [vip], customFieldValues: many(201, () => ({ field: fields.TEXT, value: 'x' })) }, V('customFieldValues')],

  // external refs
  ['an external ref namespace with spaces', { ...A, externalRefs: [{ namespace: 'sales force', externalId: '1' }] }, V('externalRefs', '0', 'namespace')],
  ['an empty external ref namespace', { ...A, externalRefs: [{ namespace: ' ', externalId: '1' }] }, V('externalRefs', '0', 'namespace')],
  ['an external ref namespace over 100', { ...A, externalRefs: [{ namespace: 'n'.repeat(101), externalId: '1' }] }, V('externalRefs', '0', 'namespace')],
  ['an empty external ref id', { ...A, externalRefs: [{ namespace: 'sf', externalId: ' ' }] }, V('externalRefs', '0', 'externalId')],
  ['an external ref id over 255', { ...A, externalRefs: [{ namespace: 'sf', externalId: 'i'.repeat(256) }] }, V('externalRefs', '0', 'externalId')],

  // companies
  ['a company by an unknown id', { ...A, companies: [{ company: { id: `com_${UNKNOWN_UUID}` } }] }, NF('companies', '0', 'company', 'id')],
  ['a company by a malformed id', { ...A, companies: [{ company: { name: 'Fine' } }, { company: { id: 'acme' } }] }, NF('companies', '1', 'company', 'id')],
  ['a company by the id of a group', { ...A, companies: [{ company: { id: vip } }] }, NF('companies', '0', 'company', 'id')],
  ["a company of another organisation, by id", { ...A, companies: [{ company: { name: 'Fine' } }, { company: { id: acme } }, { company: { id: foreignCompany } }] }, NF('companies', '2', 'company', 'id')],
  ['a company by an unknown external ref', { ...A, companies: [{ company: { externalRef: { namespace: 'erp', externalId: 'nope' } } }] }, NF('companies', '0', 'company', 'externalRef')],
  ["a company by another organisation's external ref", { ...A, companies: [{ company: { externalRef: { namespace: 'erp', externalId: 'THEIRS-1' } } }] }, NF('companies', '0', 'company', 'externalRef')],
  ['a company by a malformed external ref', { ...A, companies: [{ company: { externalRef: { namespace: 'e r p', externalId: 'ACME-1' } } }] }, V('companies', '0', 'company', 'externalRef', 'namespace')],
  ['a company by an empty name', { ...A, companies: [{ company: { name: '  ' } }] }, V('companies', '0', 'company', 'name')],
  ['a company name over 255', { ...A, companies: [{ company: { name: 'x'.repeat(256) } }] }, V('companies', '0', 'company', 'name')],
  ['a company link jobTitle over 255', { ...A, companies: [{ company: { id: acme }, jobTitle: 'x'.repeat(256) }] }, V('companies', '0', 'jobTitle')],
  ['a company link department over 255', { ...A, companies: [{ company: { id: acme }, department: 'x'.repeat(256) }] }, V('companies', '0', 'department')],

  // groups
  ['an unknown group', { ...A, groups: [`grp_${UNKNOWN_UUID}`] }, NF('groups', '0')],
  ['a malformed group id', { ...A, groups: [vip, 'vip'] }, NF('groups', '1')],
  ['a group by the id of a company', { ...A, groups: [acme] }, NF('groups', '0')],
  ['a group of another organisation', { ...A, groups: [vip, other, foreignGroup] }, NF('groups', '2')],

  // custom fields
  ['an unknown custom field', { ...A, customFieldValues: [{ field: `fld_${UNKNOWN_UUID}`, value: 'x' }] }, NF('customFieldValues', '0', 'field')],
  ['a malformed custom field id', { ...A, groups: [vip], customFieldValues: [{ field: fields.TEXT, value: 'x' }, { field: 'text', value: 'x' }] }, NF('customFieldValues', '1', 'field')],
  ['a custom field of another organisation', { ...A, customFieldValues: [{ field: foreignField, value: 'x' }] }, NF('customFieldValues', '0', 'field')],
  ["a field whose group is not among the contact's groups", { ...A, groups: [vip], customFieldValues: [{ field: fields.ELSEWHERE, value: 'x' }] }, V('customFieldValues', '0', 'field')],
  ['a field while the contact is in no group', { ...A, customFieldValues: [{ field: fields.TEXT, value: 'x' }] }, V('customFieldValues', '0', 'field')],

  // a wrong value for each of the nine types
  ['TEXT given a number', value(fields.TEXT, 42), V('customFieldValues', '0', 'value')],
  ['TEXT given a list of strings', value(fields.TEXT, ['a', 'b']), V('customFieldValues', '0', 'value')],
  ['TEXT over 5000 characters', value(fields.TEXT, 'x'.repeat(5001)), V('customFieldValues', '0', 'value')],
  ['NUMBER given words', value(fields.NUMBER, 'abc'), V('customFieldValues', '0', 'value')],
  ['NUMBER given a number with a unit', value(fields.NUMBER, '12 kg'), V('customFieldValues', '0', 'value')],
  ['NUMBER given a boolean', value(fields.NUMBER, true), V('customFieldValues', '0', 'value')],
  ['DATE given month 13', value(fields.DATE, '2024-13-01'), V('customFieldValues', '0', 'value')],
  ['DATE given 30 February', value(fields.DATE, '2024-02-30'), V('customFieldValues', '0', 'value')],
  ['DATE given a timestamp', value(fields.DATE, '2024-01-01T10:00:00Z'), V('customFieldValues', '0', 'value')],
  ['SINGLE_SELECT given an unknown label', value(fields.SINGLE_SELECT, 'Bronze'), V('customFieldValues', '0', 'value')],
  ['SINGLE_SELECT given a number', value(fields.SINGLE_SELECT, 1), V('customFieldValues', '0', 'value')],
  ['MULTIPLE_SELECT with one unknown label', value(fields.MULTIPLE_SELECT, ['Red', 'Green']), V('customFieldValues', '0', 'value')],
  ['MULTIPLE_SELECT given numbers', value(fields.MULTIPLE_SELECT, [1, 2]), V('customFieldValues', '0', 'value')],
  ["CONTACT given another organisation's contact", value(fields.CONTACT, [{ id: foreignContact }]), NF('customFieldValues', '0', 'value', '0')],
  ['CONTACT given a malformed id', value(fields.CONTACT, [{ id: 'x' }]), NF('customFieldValues', '0', 'value', '0')],
  ['CONTACT given a group id', value(fields.CONTACT, [{ id: vip }]), NF('customFieldValues', '0', 'value', '0')],
  ["CONTACT given another organisation's company", value(fields.CONTACT, [{ id: acme }, foreignCompany]), NF('customFieldValues', '0', 'value', '1')],
  ['CONTACT given a contact in the recycle bin', value(fields.CONTACT, [{ id: binned }]), V('customFieldValues', '0', 'value', '0')],
  ['CONTACT given a number, not an id or { id }', value(fields.CONTACT, 42), V('customFieldValues', '0', 'value')],
  ['USER given an unknown email', value(fields.USER, [{ email: 'ghost@nowhere.example' }]), NF('customFieldValues', '0', 'value', '0')],
  ["USER given another organisation's user by email", value(fields.USER, [{ email: strangerEmail }]), NF('customFieldValues', '0', 'value', '0')],
  ["USER given another organisation's user by id", value(fields.USER, [{ id: foreignUser }]), NF('customFieldValues', '0', 'value', '0')],
  ['OBJECT given a malformed id', value(fields.OBJECT, [{ id: 'zzz_1' }]), NF('customFieldValues', '0', 'value', '0')],
  ["OBJECT given another organisation's company", value(fields.OBJECT, [{ id: foreignCompany }]), NF('customFieldValues', '0', 'value', '0')],
  ['OBJECT given an unknown contact', value(fields.OBJECT, [{ id: `con_${UNKNOWN_UUID}` }]), NF('customFieldValues', '0', 'value', '0')],
  ['MAGIC given an object', value(fields.MAGIC, { a: 1 }), V('customFieldValues', '0', 'value')],
  ['MAGIC given a number', value(fields.MAGIC, 7), V('customFieldValues', '0', 'value')],
  [
    'a bad value at index 2',
    { ...A, groups: [vip], customFieldValues: [{ field: fields.TEXT, value: 'ok' }, { field: fields.NUMBER, value: 3 }, { field: fields.DATE, value: 'soon' }] },
    V('customFieldValues', '2', 'value'),
  ],

  // conflicts with existing contacts
  ['an email another contact holds (convenience field)', { ...A, email: 'TAKEN@x.example' }, DUP('email')],
  ['an email another contact holds (list)', { ...A, emails: [{ address: 'free@x.example' }, { address: 'taken@X.example' }] }, DUP('emails', '1', 'address')],
  ['an email a contact in the recycle bin holds', { ...A, email: 'binned@x.example' }, DUP('email')],
  ['an external ref another contact holds', { ...A, externalRefs: [{ namespace: 'crm', externalId: 'free' }, { namespace: 'CRM', externalId: 'TAKEN-1' }] }, DUP('externalRefs', '1')],
];

/** Rows of everything a createContact may write, for the owner's organisation. */
const counts = async () => {
  const tables = [
    'contacts', 'contact_emails', 'contact_phones', 'contact_addresses', 'contact_urls', 'companies',
    'contact_companies', 'group_memberships', 'custom_field_values', 'external_refs', 'contact_changes',
  ];
  const result: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await h.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE organization_id = $1`, [owner.organizationId]);
    result[table] = row!.n;
  }
  return result;
};

const CREATE = 'mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } companyResolutions { index } userErrors { code field message existingId } } }';

describe(`createContact refuses bad input (${cases.length} cases): a typed error at the exact path, nothing written`, () => {
  it('has at least 45 cases', () => expect(cases.length).toBeGreaterThanOrEqual(45));

  it.each(cases)('%s', async (_name, input, expected) => {
    const before = await counts();
    const res = await owner.gql(CREATE, { input });
    expect(res.errors).toBeUndefined();
    expect(res.data.createContact.contact).toBeNull();
    expect(res.data.createContact.userErrors).toContainEqual({
      code: expected.code,
      field: expected.field,
      message: expect.stringMatching(/\S/),
      existingId: expected.code === 'DUPLICATE' ? expect.stringMatching(/^con_/) : null,
    });
    expect(await counts()).toEqual(before);
  });

  it('names the contact a DUPLICATE collided with', async () => {
    const byEmail = await owner.gql(CREATE, { input: { ...A, email: 'taken@x.example' } });
    expect(byEmail.data.createContact.userErrors).toEqual([
      { code: 'DUPLICATE', field: ['email'], message: expect.any(String), existingId: holder },
    ]);
    const byRef = await owner.gql(CREATE, { input: { ...A, externalRefs: [{ namespace: 'crm', externalId: 'TAKEN-1' }] } });
    expect(byRef.data.createContact.userErrors).toEqual([
      { code: 'DUPLICATE', field: ['externalRefs', '0'], message: expect.any(String), existingId: holder },
    ]);
  });

  it('reports several validation errors in different fields at once', async () => {
    const before = await counts();
    const res = await owner.gql(CREATE, {
      input: {
        firstName: 'x'.repeat(300),
        email: 'bad',
        phones: [{ number: '+14155550100' }, { number: '12' }],
        birthday: '2999-01-01',
        primaryLanguage: 'xx',
        linkedInUrl: 'http://www.linkedin.com/in/jane',
        tags: ['x'.repeat(51)],
      },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data.createContact.contact).toBeNull();
    const errors = res.data.createContact.userErrors as { code: string; field: string[] }[];
    expect(errors.every((e) => e.code === 'VALIDATION')).toBe(true);
    expect(errors.map((e) => e.field.join('.')).sort()).toEqual(
      ['birthday', 'email', 'firstName', 'linkedInUrl', 'phones.1.number', 'primaryLanguage', 'tags.0'].sort(),
    );
    expect(await counts()).toEqual(before);
  });

  it('reports several unresolved references and conflicts at once', async () => {
    const before = await counts();
    const res = await owner.gql(CREATE, {
      input: {
        firstName: 'Many problems',
        email: 'taken@x.example',
        companies: [{ company: { name: 'Would be new' } }, { company: { id: `com_${UNKNOWN_UUID}` } }],
        groups: [vip, foreignGroup],
        customFieldValues: [{ field: fields.NUMBER, value: 'abc' }, { field: `fld_${UNKNOWN_UUID}`, value: 'x' }],
      },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data.createContact.contact).toBeNull();
    const errors = (res.data.createContact.userErrors as { code: string; field: string[] }[]).map((e) => `${e.code} ${e.field.join('.')}`);
    expect(errors.sort()).toEqual(
      [
        'DUPLICATE email',
        'NOT_FOUND companies.1.company.id',
        'NOT_FOUND groups.1',
        'VALIDATION customFieldValues.0.value',
        'NOT_FOUND customFieldValues.1.field',
      ].sort(),
    );
    // not even the company that would have been created by name
    expect(await counts()).toEqual(before);
  });

  it('naming a company two ways at once (or none) is a GraphQL error: CompanyRef is @oneOf', async () => {
    const before = await counts();
    for (const ref of [{ name: 'X', id: acme }, { id: acme, externalRef: { namespace: 'erp', externalId: 'ACME-1' } }, {}]) {
      const res = await owner.gql(CREATE, { input: { ...A, companies: [{ company: ref }] } });
      expect(res.errors?.length).toBeGreaterThan(0);
      expect(res.errors![0]!.message).toMatch(/exactly one/i);
      expect(res.data?.createContact ?? null).toBeNull();
    }
    expect(await counts()).toEqual(before);
  });

  it.each([
    ['not a real calendar date', '2026-02-30'],
    ['29 February of a common year', '1999-02-29'],
    ['not a date at all', 'yesterday'],
    ['in another format', '14/07/1990'],
  ])('a birthday %s (%s) is a BAD_USER_INPUT GraphQL error from the LocalDate scalar, naming input.birthday', async (_name, birthday) => {
    const before = await counts();
    const res = await owner.gql(CREATE, { input: { ...A, birthday } });
    expect(res.data?.createContact ?? null).toBeNull();
    expect(res.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(new RegExp(`^Variable "\\$input" got invalid value "${birthday}" at "input\\.birthday"; .*LocalDate`)),
        extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }),
      }),
    ]);
    expect(await counts()).toEqual(before);
  });

  it('refuses an impossible birthday the same way in an update, a bulk item and a literal in the document', async () => {
    const id = await contact({ firstName: 'Has', lastName: 'Birthday', birthday: '1990-07-14' });
    const before = await counts();
    const update = await owner.gql('mutation($input: UpdateContactInput!) { updateContact(input: $input) { contact { id } } }', {
      input: { id, patch: { birthday: '2026-02-30' } },
    });
    expect(update.errors?.[0]).toMatchObject({ message: expect.stringContaining('at "input.patch.birthday"'), extensions: { code: 'BAD_USER_INPUT' } });
    const bulk = await owner.gql('mutation($input: CreateContactsInput!) { createContacts(input: $input) { results { contact { id } } } }', {
      input: { contacts: [{ ...A }, { ...A, birthday: '2026-02-30' }] },
    });
    expect(bulk.errors?.[0]).toMatchObject({ message: expect.stringContaining('at "input.contacts[1].birthday"'), extensions: { code: 'BAD_USER_INPUT' } });
    const literal = await owner.gql('mutation { createContact(input: { firstName: "Lit", birthday: "2026-02-30" }) { contact { id } } }');
    expect(literal.errors?.[0]?.message).toMatch(/LocalDate/);
    expect(literal.data ?? null).toBeNull();
    expect(await counts()).toEqual(before);
    const read = await owner.gql('query($id: ID!) { contact(by: { id: $id }) { birthday } }', { id });
    expect(read.data.contact.birthday).toBe('1990-07-14');
  });

  it('accepts every value at its limit', async () => {
    const res = await owner.gql(CREATE, {
      input: {
        type: 'INVOICE',
        firstName: 'f'.repeat(255),
        middleName: 'm'.repeat(255),
        lastName: 'l'.repeat(255),
        fullName: 'n'.repeat(500),
        title: 't'.repeat(50),
        abbreviation: 'a'.repeat(50),
        description: 'd'.repeat(5000),
        strategy: 's'.repeat(5000),
        jobTitle: 'j'.repeat(255),
        department: 'p'.repeat(255),
        purchaseOrderNumber: 'o'.repeat(50),
        ssn: 'x'.repeat(50),
        birthday: '1900-01-01',
        primaryLanguage: 'en',
        linkedInUrl: 'https://www.linkedin.com/in/limit-case',
        profilePictureUrl: `https://x.example/${'p'.repeat(478)}.png`,
        email: `${'e'.repeat(310)}@x.example`,
        emails: many(19, (i) => ({ address: `limit${i}@x.example` })),
        phones: many(20, (i) => ({ number: `+1415555${2000 + i}` })),
        addresses: many(20, (i) => ({ city: `City ${i}` })),
        urls: [{ url: `https://x.example/${'u'.repeat(482)}` }, ...many(19, (i) => ({ url: `https://limit${i}.example` }))],
        externalRefs: many(20, (i) => ({ namespace: 'limit', externalId: `L${i}` })),
        companies: many(20, (i) => ({ company: { name: `Limit Co ${i}` } })),
        tags: many(100, (i) => `${i}`.padEnd(50, '-')),
        groups: many(100, () => vip),
      },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data.createContact.userErrors).toEqual([]);
    expect(res.data.createContact.contact.id).toMatch(/^con_/);
  });

  it('writes nothing in the other organisation either', async () => {
    const strangerRows = async () => {
      const [row] = await h.db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM contacts WHERE organization_id = $1', [stranger.organizationId]);
      return row!.n;
    };
    const before = await strangerRows();
    const res = await owner.gql(CREATE, { input: { ...A, groups: [foreignGroup] } });
    expect(res.data.createContact.userErrors).toContainEqual(expect.objectContaining(NF('groups', '0')));
    expect(await strangerRows()).toBe(before);
  });
});

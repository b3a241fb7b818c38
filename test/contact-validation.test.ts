import { describe, expect, it } from 'vitest';
import { type Caller, createHarness } from './support/harness.js';
import { documentText, graphql, type ResultOf, idOf, type TextMutationData } from './support/graphql.js';

// createContact refuses bad input as data: no GraphQL error, `contact: null`, a userError with
// the exact code and path inside `input` (list indices as strings, null for the whole input),
// and nothing written. One case per rule of contact-input.ts, prepare-contact.ts and
// custom-field-value.ts.

const h = await createHarness();
const owner = await h.organization();
const stranger = await h.organization();

const mutate = async (caller: Caller, mutation: string, object: string, input: Record<string, unknown>): Promise<string> => {
  const type = `${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input`;
  const res = await caller.gql<TextMutationData>(
    `mutation($input: ${type}!) { ${mutation}(input: $input) { ${object} { id } userErrors { code field message } } }`,
    { input },
  );
  expect(res.errors).toBeUndefined();
  expect(res.data![mutation]!.userErrors).toEqual([]);
  return idOf(res.data![mutation]![object]);
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
  const res = await owner.gql(graphql('mutation($id: ID!) { deleteContact(input: { id: $id }) { userErrors { code } } }'), { id: binned });
  expect(res.data!.deleteContact.userErrors).toEqual([]);
}

const foreignCompany = await company({ name: 'Theirs', externalRefs: [{ namespace: 'erp', externalId: 'THEIRS-1' }] }, stranger);
const foreignGroup = await group('Theirs', stranger);
const foreignField = await customField(foreignGroup, 'Theirs', 'TEXT', undefined, stranger);
const foreignContact = await contact({ firstName: 'Theirs' }, stranger);
const foreignUser = `usr_${stranger.userId}`;
const strangerEmail = (await stranger.gql(graphql('{ viewer { user { email } } }'))).data!.viewer.user.email as string;

const UNKNOWN_UUID = '01890000-0000-7000-8000-000000000000';
const many = <T>(n: number, make: (i: number) => T) => Array.from({ length: n }, (_, i) => make(i));
const daysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
/** A contact in the VIP group with one value for `field`. */
const value = (field: string, v: unknown) => ({ firstName: 'V', groups: [vip], customFieldValues: [{ field, value: v }] });

/** A valid address of exactly `length` characters: a 64-character local part (RFC 5321's most) and labels of at most 63. */
function emailOf(length: number, tag: string) {
  const local = tag.padEnd(64, 'e');
  let domain = 'example';
  while (domain.length < length - local.length - 1) {
    const room = length - local.length - 1 - domain.length - 1;
    domain = `${'d'.repeat(Math.min(63, room))}.${domain}`;
  }
  return `${local}@${domain}`;
}
/** A valid US number with an extension, padded with spaces to exactly `length` characters. */
const phoneOf = (length: number) => `+1 (415) 555-0123${' '.repeat(length - 24)}ext. 12`;

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
  ['only names of zero-width and other invisible characters', { firstName: '\u200B', middleName: '\u200C\u200D', lastName: '\u2060\uFEFF', fullName: ' \u3164\u00AD ' }, WHOLE],

  // email: RFC 5321's 64 characters before the @
  ['an email with 65 characters before the @', { ...A, email: `${'l'.repeat(65)}@x.example` }, V('email')],
  ['a listed email with 65 characters before the @', { ...A, emails: [{ address: `${'l'.repeat(65)}@x.example` }] }, V('emails', '0', 'address')],
  ['a loginEmail with 65 characters before the @', { ...A, loginEmail: `${'l'.repeat(65)}@x.example` }, V('loginEmail')],

  // names: bidi overrides and isolates would display the name as another
  ['a firstName with a right-to-left override', { firstName: 'Ada\u202Enilmoc' }, V('firstName')],
  ['a middleName with a left-to-right embedding', { ...A, middleName: '\u202AB' }, V('middleName')],
  ['a lastName with a first-strong isolate', { lastName: 'Lovelace\u2068x\u2069' }, V('lastName')],
  ['a fullName with a pop directional formatting', { fullName: 'Ada\u202C' }, V('fullName')],
  ['a company named with a right-to-left isolate', { ...A, companies: [{ company: { name: 'Acme\u2067' } }] }, V('companies', '0', 'company', 'name')],
  ['a company named only with zero-width characters', { ...A, companies: [{ company: { name: '\u200B\u200B' } }] }, V('companies', '0', 'company', 'name')],
  ['only an address, a url and an external ref', { addresses: [{ city: 'Paris' }], urls: [{ url: 'https://a.example' }], externalRefs: [{ namespace: 'sf', externalId: 'no-name' }] }, WHOLE],

  // maximum lengths: the limits table below, at max and max + 1

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
  ['primaryLanguage with a region that is not ISO 3166-1', { ...A, primaryLanguage: 'en-UK' }, V('primaryLanguage')],
  ['primaryLanguage with an unknown script', { ...A, primaryLanguage: 'zh-Hanx-TW' }, V('primaryLanguage')],
  ['primaryLanguage with an unknown language and a real region', { ...A, primaryLanguage: 'xx-GB' }, V('primaryLanguage')],
  ['primaryLanguage with a variant subtag', { ...A, primaryLanguage: 'de-DE-1901' }, V('primaryLanguage')],

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
  ['a vanity number in letters', { ...A, phones: [{ number: '1-800-FLOWERS' }] }, V('phones', '0', 'number')],
  ['a phone with four digits', { ...A, phones: [{ number: '+1 (555)' }] }, V('phones', '0', 'number')],
  ['a phone with a + inside', { ...A, phones: [{ number: '+44 +20 7946 0958' }] }, V('phones', '0', 'number')],
  ['a phone with an extension in words', { ...A, phones: [{ number: '+1 415 555 0123 ext. twelve' }] }, V('phones', '0', 'number')],
  ['a phone with an extension of 11 digits', { ...A, phones: [{ number: '+1 415 555 0123 x12345678901' }] }, V('phones', '0', 'number')],
  ['two phones in one text', { ...A, phone: '+14155550123; +14155550124' }, V('phone')],
  ['a phone as an email', { ...A, phone: 'jane@x.example' }, V('phone')],
  ['an unknown phone countryCode', { ...A, phones: [{ number: '030 1234567', countryCode: 'XX' }] }, V('phones', '0', 'countryCode')],
  ['a three-letter phone countryCode', { ...A, phones: [{ number: '030 1234567', countryCode: 'DEU' }] }, V('phones', '0', 'countryCode')],

  // addresses
  ['an address with no parts', { ...A, addresses: [{ city: 'Paris' }, { street: '  ', isPrimary: true }] }, V('addresses', '1')],
  ['an address with a blank line and no parts', { ...A, addresses: [{ line: ' \t ' }] }, V('addresses', '0')],
  ['an address line with a country name and a bad country', { ...A, addresses: [{ line: '123 Main St, Springfield, USA', country: 'USA' }] }, V('addresses', '0', 'country')],
  ['an address with an unknown country', { ...A, addresses: [{ city: 'X', country: 'ZZ' }] }, V('addresses', '0', 'country')],
  ['an address with a country name', { ...A, addresses: [{ city: 'Berlin', country: 'Germany' }] }, V('addresses', '0', 'country')],

  // duplicates inside a list
  ['an email listed twice', { emails: [{ address: 'd@x.example' }, { address: 'D@X.example' }] }, V('emails', '1', 'address')],
  ['a phone listed twice', { ...A, phones: [{ number: '+14155550100' }, { number: '+1 415 555 0100' }] }, V('phones', '1', 'number')],
  ['a phone with its extension listed twice', { ...A, phones: [{ number: '+1 415 555 0100 x12' }, { number: '+14155550100 ext. 12' }] }, V('phones', '1', 'number')],
  ['a number kept as given listed twice, spaced differently', { ...A, phones: [{ number: '+0987654321' }, { number: '555 0100' }, { number: ' 555   0100 ' }] }, V('phones', '2', 'number')],
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

const CREATE = graphql('mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } companyResolutions { index } userErrors { code field message existingId } } }');

describe(`createContact refuses bad input (${cases.length} cases): a typed error at the exact path, nothing written`, () => {
  it('has at least 45 cases', () => expect(cases.length).toBeGreaterThanOrEqual(45));

  it.each(cases)('%s', async (_name, input, expected) => {
    const before = await counts();
    const res = await owner.gql(CREATE, { input });
    expect(res.errors).toBeUndefined();
    expect(res.data!.createContact.contact).toBeNull();
    expect(res.data!.createContact.userErrors).toContainEqual({
      code: expected.code,
      field: expected.field,
      message: expect.stringMatching(/\S/),
      existingId: expected.code === 'DUPLICATE' ? expect.stringMatching(/^con_/) : null,
    });
    expect(await counts()).toEqual(before);
  });

  it('names the contact a DUPLICATE collided with', async () => {
    const byEmail = await owner.gql(CREATE, { input: { ...A, email: 'taken@x.example' } });
    expect(byEmail.data!.createContact.userErrors).toEqual([
      { code: 'DUPLICATE', field: ['email'], message: expect.any(String), existingId: holder },
    ]);
    const byRef = await owner.gql(CREATE, { input: { ...A, externalRefs: [{ namespace: 'crm', externalId: 'TAKEN-1' }] } });
    expect(byRef.data!.createContact.userErrors).toEqual([
      { code: 'DUPLICATE', field: ['externalRefs', '0'], message: expect.any(String), existingId: holder },
    ]);
  });

  it('reports several validation errors in different fields at once', async () => {
    const before = await counts();
    const res = await owner.gql(CREATE, {
      input: {
        firstName: 'x'.repeat(501),
        email: 'bad',
        phones: [{ number: '+14155550100' }, { number: '12' }],
        birthday: '2999-01-01',
        primaryLanguage: 'xx',
        linkedInUrl: 'http://www.linkedin.com/in/jane',
        tags: ['x'.repeat(51)],
      },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data!.createContact.contact).toBeNull();
    const errors = res.data!.createContact.userErrors as { code: string; field: string[] }[];
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
    expect(res.data!.createContact.contact).toBeNull();
    const errors = (res.data!.createContact.userErrors as { code: string; field: string[] }[]).map((e) => `${e.code} ${e.field.join('.')}`);
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
      // a ref @oneOf refuses: sent as text, since the typed document's variables cannot be this wrong
      const res = await owner.gql<ResultOf<typeof CREATE>>(documentText(CREATE), { input: { ...A, companies: [{ company: ref }] } });
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
    const update = await owner.gql(graphql('mutation($input: UpdateContactInput!) { updateContact(input: $input) { contact { id } } }'), {
      input: { id, patch: { birthday: '2026-02-30' } },
    });
    expect(update.errors?.[0]).toMatchObject({ message: expect.stringContaining('at "input.patch.birthday"'), extensions: { code: 'BAD_USER_INPUT' } });
    const bulk = await owner.gql(graphql('mutation($input: CreateContactsInput!) { createContacts(input: $input) { results { contact { id } } } }'), {
      input: { contacts: [{ ...A }, { ...A, birthday: '2026-02-30' }] },
    });
    expect(bulk.errors?.[0]).toMatchObject({ message: expect.stringContaining('at "input.contacts[1].birthday"'), extensions: { code: 'BAD_USER_INPUT' } });
    const literal = await owner.gql(graphql('mutation { createContact(input: { firstName: "Lit", birthday: "2026-02-30" }) { contact { id } } }'));
    expect(literal.errors?.[0]?.message).toMatch(/LocalDate/);
    expect(literal.data ?? null).toBeNull();
    expect(await counts()).toEqual(before);
    const read = await owner.gql(graphql('query($id: ID!) { contact(by: { id: $id }) { birthday } }'), { id });
    expect(read.data!.contact!.birthday).toBe('1990-07-14');
  });

  it('takes a name of invisible characters only as no name when another identifier is given, and keeps joiners inside names', async () => {
    const res = await owner.gql(
      graphql('mutation($input: CreateContactInput!) { createContact(input: $input) { contact { firstName lastName fullName } userErrors { field message } } }'),
      { input: { firstName: '\u200B\u200D', lastName: 'Rahimi', fullName: 'Ma\u200Chsa Rahimi \u{1F469}\u200D\u{1F4BB}', email: 'invisible@x.example' } },
    );
    expect(res.data!.createContact).toEqual({ contact: { firstName: null, lastName: 'Rahimi', fullName: 'Ma\u200Chsa Rahimi \u{1F469}\u200D\u{1F4BB}' }, userErrors: [] });
  });

  it('accepts every value at its limit', async () => {
    const res = await owner.gql(CREATE, {
      input: {
        type: 'INVOICE',
        firstName: 'f'.repeat(500),
        middleName: 'm'.repeat(500),
        lastName: 'l'.repeat(500),
        fullName: 'n'.repeat(1000),
        title: 't'.repeat(50),
        abbreviation: 'a'.repeat(50),
        description: 'd'.repeat(5000),
        strategy: 's'.repeat(5000),
        jobTitle: 'j'.repeat(500),
        department: 'p'.repeat(255),
        purchaseOrderNumber: 'o'.repeat(50),
        ssn: 'x'.repeat(50),
        birthday: '1900-01-01',
        primaryLanguage: 'zh-Hant-TW',
        linkedInUrl: `https://www.linkedin.com/in/${'k'.repeat(472)}`,
        profilePictureUrl: `https://x.example/${'p'.repeat(478)}.png`,
        email: emailOf(255, 'every-limit'),
        emails: many(19, (i) => ({ address: `limit${i}@x.example` })),
        phones: [{ number: phoneOf(50) }, ...many(19, (i) => ({ number: `+1415555${2000 + i}` }))],
        addresses: [{ line: 'a'.repeat(1000) }, ...many(19, (i) => ({ city: `City ${i}` }))],
        urls: [{ url: `https://x.example/${'u'.repeat(482)}` }, ...many(19, (i) => ({ url: `https://limit${i}.example` }))],
        externalRefs: many(20, (i) => ({ namespace: 'limit', externalId: `L${i}` })),
        companies: many(20, (i) => ({ company: { name: `Limit Co ${i}` }, jobTitle: 'j'.repeat(500), department: 'd'.repeat(255) })),
        tags: many(100, (i) => `${i}`.padEnd(50, '-')),
        groups: many(100, () => vip),
      },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data!.createContact.userErrors).toEqual([]);
    expect(res.data!.createContact.contact!.id).toMatch(/^con_/);
  });

  it('writes nothing in the other organisation either', async () => {
    const strangerRows = async () => {
      const [row] = await h.db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM contacts WHERE organization_id = $1', [stranger.organizationId]);
      return row!.n;
    };
    const before = await strangerRows();
    const res = await owner.gql(CREATE, { input: { ...A, groups: [foreignGroup] } });
    expect(res.data!.createContact.userErrors).toContainEqual(expect.objectContaining(NF('groups', '0')));
    expect(await strangerRows()).toBe(before);
  });
});

// One row per length limit (the README's table): the longest value is written (the column takes
// it), one character more is a VALIDATION error at the field's path and writes nothing.
type Limit = [string, number, (length: number) => Record<string, unknown>, string[]];
const x = (length: number) => 'x'.repeat(length);
const limits: Limit[] = [
  ['firstName', 500, (n) => ({ firstName: x(n) }), ['firstName']],
  ['middleName', 500, (n) => ({ ...A, middleName: x(n) }), ['middleName']],
  ['lastName', 500, (n) => ({ lastName: x(n) }), ['lastName']],
  ['fullName', 1000, (n) => ({ fullName: x(n) }), ['fullName']],
  ['title', 50, (n) => ({ ...A, title: x(n) }), ['title']],
  ['abbreviation', 50, (n) => ({ ...A, abbreviation: x(n) }), ['abbreviation']],
  ['jobTitle', 500, (n) => ({ ...A, jobTitle: x(n) }), ['jobTitle']],
  ['department', 255, (n) => ({ ...A, department: x(n) }), ['department']],
  ['a company link jobTitle', 500, (n) => ({ ...A, companies: [{ company: { id: acme }, jobTitle: x(n) }] }), ['companies', '0', 'jobTitle']],
  ['a company link department', 255, (n) => ({ ...A, companies: [{ company: { id: acme }, department: x(n) }] }), ['companies', '0', 'department']],
  ['description', 5000, (n) => ({ ...A, description: x(n) }), ['description']],
  ['strategy', 5000, (n) => ({ ...A, strategy: x(n) }), ['strategy']],
  ['email', 255, (n) => ({ ...A, email: emailOf(n, `limit-email-${n}`) }), ['email']],
  ['a listed email', 255, (n) => ({ ...A, emails: [{ address: emailOf(n, `limit-listed-${n}`) }] }), ['emails', '0', 'address']],
  ['an email label', 50, (n) => ({ ...A, emails: [{ address: `label-${n}@x.example`, label: x(n) }] }), ['emails', '0', 'label']],
  ['loginEmail', 255, (n) => ({ ...A, loginEmail: emailOf(n, 'login') }), ['loginEmail']],
  ['phone', 50, (n) => ({ ...A, phone: phoneOf(n) }), ['phone']],
  ['a listed phone', 50, (n) => ({ ...A, phones: [{ number: phoneOf(n) }] }), ['phones', '0', 'number']],
  ['a phone kept as given', 50, (n) => ({ ...A, phones: [{ number: `+0${'9'.repeat(n - 2)}` }] }), ['phones', '0', 'number']],
  ['mobile', 50, (n) => ({ ...A, mobile: phoneOf(n) }), ['mobile']],
  ['linkedInUrl', 500, (n) => ({ ...A, linkedInUrl: `https://www.linkedin.com/in/${'k'.repeat(n - 28)}` }), ['linkedInUrl']],
  ['profilePictureUrl', 500, (n) => ({ ...A, profilePictureUrl: `https://x.example/${'p'.repeat(n - 22)}.png` }), ['profilePictureUrl']],
  ['a url', 500, (n) => ({ ...A, urls: [{ url: `https://x.example/${'u'.repeat(n - 18)}` }] }), ['urls', '0', 'url']],
  ['primaryLanguage', 10, (n) => ({ ...A, primaryLanguage: 'zh-Hant-TW'.padEnd(n, 'W') }), ['primaryLanguage']],
  ['purchaseOrderNumber', 50, (n) => ({ ...A, type: 'INVOICE', purchaseOrderNumber: x(n) }), ['purchaseOrderNumber']],
  ['ssn', 50, (n) => ({ ...A, ssn: x(n) }), ['ssn']],
  ['a tag', 50, (n) => ({ ...A, tags: [x(n)] }), ['tags', '0']],
  ['an address line', 1000, (n) => ({ ...A, addresses: [{ line: x(n) }] }), ['addresses', '0', 'line']],
  ['an address street', 500, (n) => ({ ...A, addresses: [{ street: x(n) }] }), ['addresses', '0', 'street']],
  ['an address secondaryAddress', 500, (n) => ({ ...A, addresses: [{ secondaryAddress: x(n) }] }), ['addresses', '0', 'secondaryAddress']],
  ['an address postalCode', 50, (n) => ({ ...A, addresses: [{ postalCode: x(n) }] }), ['addresses', '0', 'postalCode']],
  ['an address city', 255, (n) => ({ ...A, addresses: [{ city: x(n) }] }), ['addresses', '0', 'city']],
  ['an address state', 255, (n) => ({ ...A, addresses: [{ state: x(n) }] }), ['addresses', '0', 'state']],
];

describe(`length limits (${limits.length}): the longest value is written, one character more is refused`, () => {
  it.each(limits)('%s: %i characters', async (_name, max, input, path) => {
    const longest = input(max);
    const written = await owner.gql(CREATE, { input: longest });
    expect(written.errors).toBeUndefined();
    expect(written.data!.createContact.userErrors).toEqual([]);
    expect(written.data!.createContact.contact!.id).toMatch(/^con_/);

    const before = await counts();
    const res = await owner.gql(CREATE, { input: input(max + 1) });
    expect(res.errors).toBeUndefined();
    expect(res.data!.createContact.contact).toBeNull();
    expect(res.data!.createContact.userErrors).toEqual([
      { code: 'VALIDATION', field: path, message: `must be at most ${max} characters`, existingId: null },
    ]);
    expect(await counts()).toEqual(before);
  });

  it('stores a name, a full name and a job title of multi-byte characters at their limits', async () => {
    const han = (n: number) => Array.from({ length: n }, (_, i) => String.fromCodePoint(0x4e00 + ((i * 7919) % 20000))).join('');
    const res = await owner.gql(
      graphql('mutation($input: CreateContactInput!) { createContact(input: $input) { contact { firstName lastName fullName jobTitle } userErrors { field message } } }'),
      { input: { firstName: han(500), middleName: han(500), lastName: han(500), jobTitle: han(500) } },
    );
    expect(res.data!.createContact.userErrors).toEqual([]);
    const stored = res.data!.createContact.contact;
    expect([...stored!.firstName!]).toHaveLength(500);
    expect([...stored!.jobTitle!]).toHaveLength(500);
    // derived from the parts: longer than a given full name may be
    expect([...stored!.fullName!]).toHaveLength(1502);
  });
});

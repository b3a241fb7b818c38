import { describe, expect, it } from 'vitest';
import { createHarness } from './support/harness.js';

const h = await createHarness();
const owner = await h.organization();
const stranger = await h.organization();

const run = async (caller: typeof owner, query: string, input: Record<string, unknown>) =>
  Object.values((await caller.gql(query, { input })).data)[0] as any;

const group = (await run(owner, 'mutation($input: CreateGroupInput!) { createGroup(input: $input) { group { id } } }', { name: 'VIP' })).group.id;
const otherGroup = (await run(owner, 'mutation($input: CreateGroupInput!) { createGroup(input: $input) { group { id } } }', { name: 'Other' })).group.id;
const fieldOf = async (type: string, options?: string[], groupId = group) =>
  (await run(owner, 'mutation($input: CreateCustomFieldInput!) { createCustomField(input: $input) { customField { id } } }', { groupId, name: `${type} field`, type, options })).customField.id;
const fields = {
  TEXT: await fieldOf('TEXT'),
  NUMBER: await fieldOf('NUMBER'),
  DATE: await fieldOf('DATE'),
  SINGLE_SELECT: await fieldOf('SINGLE_SELECT', ['Gold', 'Silver']),
  MULTIPLE_SELECT: await fieldOf('MULTIPLE_SELECT', ['Red', 'Blue']),
  CONTACT: await fieldOf('CONTACT'),
  USER: await fieldOf('USER'),
  OBJECT: await fieldOf('OBJECT'),
  MAGIC: await fieldOf('MAGIC'),
  ELSEWHERE: await fieldOf('TEXT', undefined, otherGroup),
};
const foreignCompany = (await run(stranger, 'mutation($input: CreateCompanyInput!) { createCompany(input: $input) { company { id } } }', { name: 'Theirs' })).company.id;
const foreignGroup = (await run(stranger, 'mutation($input: CreateGroupInput!) { createGroup(input: $input) { group { id } } }', { name: 'Theirs' })).group.id;
const foreignContact = (await run(stranger, 'mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } } }', { firstName: 'Theirs' })).contact.id;

const value = (field: string, v: unknown) => ({ firstName: 'V', groups: [group], customFieldValues: [{ field, value: v }] });
const many = (n: number, make: (i: number) => unknown) => Array.from({ length: n }, (_, i) => make(i));

type Case = [string, Record<string, unknown>, { code: string; field: string[] | null }];
const V = (...field: string[]) => ({ code: 'VALIDATION', field });
const cases: Case[] = [
  ['no identifier at all', { title: 'Dr', tags: ['x'] }, { code: 'VALIDATION', field: null }],
  ['firstName over 255', { firstName: 'x'.repeat(256) }, V('firstName')],
  ['middleName over 255', { firstName: 'A', middleName: 'x'.repeat(256) }, V('middleName')],
  ['lastName over 255', { lastName: 'x'.repeat(256) }, V('lastName')],
  ['fullName over 500', { fullName: 'x'.repeat(501) }, V('fullName')],
  ['title over 50', { firstName: 'A', title: 'x'.repeat(51) }, V('title')],
  ['abbreviation over 50', { firstName: 'A', abbreviation: 'x'.repeat(51) }, V('abbreviation')],
  ['description over 5000', { firstName: 'A', description: 'x'.repeat(5001) }, V('description')],
  ['strategy over 5000', { firstName: 'A', strategy: 'x'.repeat(5001) }, V('strategy')],
  ['jobTitle over 255', { firstName: 'A', jobTitle: 'x'.repeat(256) }, V('jobTitle')],
  ['department over 255', { firstName: 'A', department: 'x'.repeat(256) }, V('department')],
  ['purchaseOrderNumber over 50', { firstName: 'A', type: 'INVOICE', purchaseOrderNumber: 'x'.repeat(51) }, V('purchaseOrderNumber')],
  ['purchaseOrderNumber on a GENERAL contact', { firstName: 'A', purchaseOrderNumber: 'PO-1' }, V('purchaseOrderNumber')],
  ['ssn over 50', { firstName: 'A', ssn: 'x'.repeat(51) }, V('ssn')],
  ['birthday not a real date', { firstName: 'A', birthday: '2023-02-30' }, V('birthday')],
  ['birthday not a date', { firstName: 'A', birthday: 'yesterday' }, V('birthday')],
  ['birthday in the future', { firstName: 'A', birthday: '2999-01-01' }, V('birthday')],
  ['birthday before 1900', { firstName: 'A', birthday: '1899-12-31' }, V('birthday')],
  ['primaryLanguage not ISO 639-1', { firstName: 'A', primaryLanguage: 'xx' }, V('primaryLanguage')],
  ['primaryLanguage as ISO 639-2', { firstName: 'A', primaryLanguage: 'eng' }, V('primaryLanguage')],
  ['linkedInUrl over http', { firstName: 'A', linkedInUrl: 'http://www.linkedin.com/in/jane' }, V('linkedInUrl')],
  ['linkedInUrl of a company page', { firstName: 'A', linkedInUrl: 'https://www.linkedin.com/company/acme' }, V('linkedInUrl')],
  ['linkedInUrl on another host', { firstName: 'A', linkedInUrl: 'https://linkedin.evil.example/in/jane' }, V('linkedInUrl')],
  ['profilePictureUrl over ftp', { firstName: 'A', profilePictureUrl: 'ftp://x.example/a.png' }, V('profilePictureUrl')],
  ['a url that is not one', { firstName: 'A', urls: [{ url: 'not a url' }] }, V('urls', '0', 'url')],
  ['a url over 500', { firstName: 'A', urls: [{ url: `https://x.example/${'a'.repeat(500)}` }] }, V('urls', '0', 'url')],
  ['an invalid email', { firstName: 'A', email: 'not-an-email' }, V('email')],
  ['an email over 320', { firstName: 'A', emails: [{ address: `${'a'.repeat(320)}@x.example` }] }, V('emails', '0', 'address')],
  ['an invalid loginEmail', { firstName: 'A', loginEmail: 'nope@' }, V('loginEmail')],
  ['an unparseable phone', { firstName: 'A', phones: [{ number: '12' }] }, V('phones', '0', 'number')],
  ['a phone over 50', { firstName: 'A', phone: '1'.repeat(51) }, V('phone')],
  ['a national number without countryCode', { firstName: 'A', phones: [{ number: '030 1234567' }] }, V('phones', '0', 'number')],
  ['an unknown phone countryCode', { firstName: 'A', phones: [{ number: '030 1234567', countryCode: 'XX' }] }, V('phones', '0', 'countryCode')],
  ['an address with no parts', { firstName: 'A', addresses: [{ street: '  ' }] }, V('addresses', '0')],
  ['an address with an unknown country', { firstName: 'A', addresses: [{ city: 'X', country: 'ZZ' }] }, V('addresses', '0', 'country')],
  ['an email listed twice', { emails: [{ address: 'd@x.example' }, { address: 'D@x.example' }] }, V('emails', '1', 'address')],
  ['a phone listed twice', { firstName: 'A', phones: [{ number: '+14155550100' }, { number: '+1 415 555 0100' }] }, V('phones', '1', 'number')],
  ['a url listed twice', { firstName: 'A', urls: [{ url: 'https://a.example' }, { url: 'https://A.example' }] }, V('urls', '1', 'url')],
  ['an external ref listed twice', { firstName: 'A', externalRefs: [{ namespace: 'sf', id: '1' }, { namespace: 'SF', id: '1' }] }, V('externalRefs', '1')],
  ['a custom field listed twice', { firstName: 'A', groups: [group], customFieldValues: [{ field: fields.TEXT, value: 'a' }, { field: fields.TEXT, value: 'b' }] }, V('customFieldValues', '1', 'field')],
  ['two primary emails', { emails: [{ address: 'p1@x.example', isPrimary: true }, { address: 'p2@x.example', isPrimary: true }] }, V('emails', '1', 'isPrimary')],
  ['two primary companies', { firstName: 'A', companies: [{ company: { name: 'P1' }, isPrimary: true }, { company: { name: 'P2' }, isPrimary: true }] }, V('companies', '1', 'isPrimary')],
  ['21 emails', { emails: many(21, (i) => ({ address: `e${i}@x.example` })) }, V('emails')],
  ['21 phones', { firstName: 'A', phones: many(21, (i) => ({ number: `+1415555${String(1000 + i)}` })) }, V('phones')],
  ['21 addresses', { firstName: 'A', addresses: many(21, (i) => ({ city: `C${i}` })) }, V('addresses')],
  ['21 urls', { firstName: 'A', urls: many(21, (i) => ({ url: `https://u${i}.example` })) }, V('urls')],
  ['21 companies', { firstName: 'A', companies: many(21, (i) => ({ company: { name: `Co ${i}` } })) }, V('companies')],
  ['101 groups', { firstName: 'A', groups: many(101, () => group) }, V('groups')],
  ['101 tags', { firstName: 'A', tags: many(101, (i) => `t${i}`) }, V('tags')],
  ['a tag over 50', { firstName: 'A', tags: ['x'.repeat(51)] }, V('tags', '0')],
  ['an external ref namespace with spaces', { firstName: 'A', externalRefs: [{ namespace: 'sales force', id: '1' }] }, V('externalRefs', '0', 'namespace')],
  ['an external ref with an empty id', { firstName: 'A', externalRefs: [{ namespace: 'sf', id: ' ' }] }, V('externalRefs', '0', 'id')],
  ['a company by an unknown id', { firstName: 'A', companies: [{ company: { id: 'com_01890000-0000-7000-8000-000000000000' } }] }, { code: 'NOT_FOUND', field: ['companies', '0', 'company', 'id'] }],
  ['a company by a malformed id', { firstName: 'A', companies: [{ company: { name: 'Fine' } }, { company: { id: 'acme' } }] }, { code: 'NOT_FOUND', field: ['companies', '1', 'company', 'id'] }],
  ["a company of another organisation", { firstName: 'A', companies: [{ company: { id: foreignCompany } }] }, { code: 'NOT_FOUND', field: ['companies', '0', 'company', 'id'] }],
  ['a company by an unknown external ref', { firstName: 'A', companies: [{ company: { externalRef: { namespace: 'erp', id: 'nope' } } }] }, { code: 'NOT_FOUND', field: ['companies', '0', 'company', 'externalRef'] }],
  ['an empty company name', { firstName: 'A', companies: [{ company: { name: '  ' } }] }, V('companies', '0', 'company', 'name')],
  ['an unknown group', { firstName: 'A', groups: ['grp_01890000-0000-7000-8000-000000000000'] }, { code: 'NOT_FOUND', field: ['groups', '0'] }],
  ["a group of another organisation", { firstName: 'A', groups: [group, foreignGroup] }, { code: 'NOT_FOUND', field: ['groups', '1'] }],
  ['an unknown custom field', { firstName: 'A', customFieldValues: [{ field: 'fld_01890000-0000-7000-8000-000000000000', value: 'x' }] }, { code: 'NOT_FOUND', field: ['customFieldValues', '0', 'field'] }],
  ["a field whose group the contact is not in", { firstName: 'A', groups: [group], customFieldValues: [{ field: fields.ELSEWHERE, value: 'x' }] }, V('customFieldValues', '0', 'field')],
  ['TEXT given a number', value(fields.TEXT, 42), V('customFieldValues', '0', 'value')],
  ['NUMBER given words', value(fields.NUMBER, 'abc'), V('customFieldValues', '0', 'value')],
  ['DATE given month 13', value(fields.DATE, '2024-13-01'), V('customFieldValues', '0', 'value')],
  ['SINGLE_SELECT given an unknown label', value(fields.SINGLE_SELECT, 'Bronze'), V('customFieldValues', '0', 'value')],
  ['MULTIPLE_SELECT with one unknown label', value(fields.MULTIPLE_SELECT, ['Red', 'Green']), V('customFieldValues', '0', 'value')],
  ["CONTACT given another organisation's contact", value(fields.CONTACT, [{ id: foreignContact }]), V('customFieldValues', '0', 'value')],
  ['CONTACT given a malformed id', value(fields.CONTACT, [{ id: 'x' }]), V('customFieldValues', '0', 'value')],
  ['USER given an unknown email', value(fields.USER, [{ email: 'ghost@nowhere.example' }]), V('customFieldValues', '0', 'value')],
  ['OBJECT given a malformed id', value(fields.OBJECT, [{ id: 'zzz_1' }]), V('customFieldValues', '0', 'value')],
  ['MAGIC given an object', value(fields.MAGIC, { a: 1 }), V('customFieldValues', '0', 'value')],
];

const counts = async () => {
  const tables = ['contacts', 'contact_emails', 'contact_phones', 'contact_addresses', 'contact_urls', 'companies', 'contact_companies', 'group_memberships', 'custom_field_values', 'external_refs', 'contact_changes'];
  const result: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await h.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE organization_id = $1`, [owner.organizationId]);
    result[table] = row!.n;
  }
  return result;
};

const CREATE = 'mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } userErrors { code field message } } }';

describe(`createContact refuses bad input (${cases.length} cases): typed error at the exact path, nothing written`, () => {
  it.each(cases)('%s', async (_name, input, expected) => {
    const before = await counts();
    const res = await owner.gql(CREATE, { input });
    expect(res.errors).toBeUndefined();
    expect(res.data.createContact.contact).toBeNull();
    expect(res.data.createContact.userErrors).toContainEqual({ ...expected, message: expect.any(String) });
    expect(await counts()).toEqual(before);
  });

  it('has at least 40 cases', () => expect(cases.length).toBeGreaterThanOrEqual(40));

  it('naming a company two ways at once is a GraphQL error (@oneOf), and writes nothing', async () => {
    const before = await counts();
    const res = await owner.gql(CREATE, { input: { firstName: 'A', companies: [{ company: { name: 'X', id: foreignCompany } }] } });
    expect(res.errors?.[0]?.message).toMatch(/exactly one/i);
    expect(await counts()).toEqual(before);
  });

  it('a client cannot send an id, organisation, createdAt, createdBy or etag', async () => {
    for (const field of ['id', 'organizationId', 'createdAt', 'createdBy', 'etag']) {
      const res = await owner.gql(CREATE, { input: { firstName: 'A', [field]: 'x' } });
      expect(res.errors?.[0]?.message).toContain(field);
    }
  });
});

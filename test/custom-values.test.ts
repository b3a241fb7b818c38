import { describe, expect, it } from 'vitest';
import { type Caller, createHarness } from './support/harness.js';
import { graphql, idOf, type TextMutationData, type VariablesOf } from './support/graphql.js';

// Custom values as a CRM (folk) writes them: fields named by group and name, numbers as text,
// references as bare ids or { id } objects, one or a list, companies in CONTACT fields, users
// by email.

// The owner's key stays warm for the whole file (by default a cache entry lives
// KEY_CACHE_TTL_MS): the statements compared below do not depend on the time between requests.
const h = await createHarness({ apiKeyCache: { ttlMs: 60 * 60_000 } });
const owner = await h.organization();
const stranger = await h.organization();


const mutate = async (caller: Caller, mutation: string, object: string, input: Record<string, unknown>): Promise<string> => {
  const type = `${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input`;
  const res = await caller.gql<TextMutationData>(`mutation($input: ${type}!) { ${mutation}(input: $input) { ${object} { id } userErrors { code field message } } }`, { input });
  expect(res.errors).toBeUndefined();
  expect(res.data![mutation]!.userErrors).toEqual([]);
  return idOf(res.data![mutation]![object]);
};
const group = (name: string, caller = owner) => mutate(caller, 'createGroup', 'group', { name });
const customField = (groupId: string, name: string, type: string, options?: string[], caller = owner) =>
  mutate(caller, 'createCustomField', 'customField', { groupId, name, type, options });
const company = (name: string, caller = owner) => mutate(caller, 'createCompany', 'company', { name });
const contact = (input: Record<string, unknown>, caller = owner) => mutate(caller, 'createContact', 'contact', input);

const sales = await group('Sales');
const support = await group('Support');
const fields = {
  status: await customField(sales, 'Deal Status', 'TEXT'),
  seats: await customField(sales, 'Seats', 'NUMBER'),
  related: await customField(sales, 'Related', 'CONTACT'),
  owners: await customField(sales, 'Owners', 'USER'),
  linked: await customField(sales, 'Linked', 'OBJECT'),
  supportStatus: await customField(support, 'Deal Status', 'TEXT'),
};
const acme = await company('Acme');
const ada = await contact({ firstName: 'Ada' });
const binned = await contact({ firstName: 'Binned' });
expect((await owner.gql(graphql('mutation($id: ID!) { deleteContact(input: { id: $id }) { userErrors { code } } }'), { id: binned })).data!.deleteContact.userErrors).toEqual([]);
const userId = `usr_${owner.userId}`;
const userEmail = (await owner.gql(graphql('{ viewer { user { email } } }'))).data!.viewer.user.email as string;
const foreignGroup = await group('Sales', stranger);
await customField(foreignGroup, 'Deal Status', 'TEXT', undefined, stranger);
const foreignCompany = await company('Theirs', stranger);
const UNKNOWN = '01890000-0000-7000-8000-000000000000';

const VALUES = graphql(`fragment CustomValues on Contact @_unmask { customFieldValues {
  field { id name }
  ... on TextFieldValue { text }
  ... on NumberFieldValue { number }
  ... on ContactFieldValue { contacts { id } companies { id name } }
  ... on UserFieldValue { users { id email } }
  ... on ObjectFieldValue { objects { __typename id } }
} }`);
const CREATE = graphql(`mutation($input: CreateContactInput!) {
  createContact(input: $input) { contact { id ...CustomValues } userErrors { code field message } }
}`, [VALUES]);
const BULK = graphql(`mutation($input: CreateContactsInput!) {
  createContacts(input: $input) { results { contact { id ...CustomValues } userErrors { code field message } } userErrors { code field message } }
}`, [VALUES]);
type ValuesInput = NonNullable<VariablesOf<typeof CREATE>['input']['customFieldValues']>;

/** createContact in Sales (and Support) with these custom values; the answer's payload. */
const create = async (customFieldValues: ValuesInput, groups = [sales, support]) => {
  const res = await owner.gql(CREATE, { input: { firstName: 'Valued', groups, customFieldValues } });
  expect(res.errors).toBeUndefined();
  return res.data!.createContact;
};
/** The stored values of the created contact by field id (asserting there was no error). */
const created = async (customFieldValues: ValuesInput) => {
  const payload = await create(customFieldValues);
  expect(payload.userErrors).toEqual([]);
  return Object.fromEntries(payload.contact!.customFieldValues.map(({ field, ...value }) => [field.id, value]));
};
const valueCount = async () => h.db.prisma.customFieldValue.count({ where: { organizationId: owner.organizationId } });
const contactCount = async () => h.db.prisma.contact.count({ where: { organizationId: owner.organizationId } });

/** Expects createContact to refuse these values with exactly these errors, writing nothing. */
const refused = async (customFieldValues: ValuesInput, errors: { code: string; field: string[] }[], groups?: string[]) => {
  const before = [await contactCount(), await valueCount()];
  const payload = await create(customFieldValues, groups);
  expect(payload.contact).toBeNull();
  expect(payload.userErrors).toEqual(errors.map((e) => ({ ...e, message: expect.stringMatching(/\S/) })));
  expect([await contactCount(), await valueCount()]).toEqual(before);
};

describe('custom values named by group and field name', () => {
  it('stores a value named { group, name }, the name matched as field names are kept unique', async () => {
    const values = await created([
      { group: sales, name: '  deal   STATUS ', value: 'Active' },
      { group: support, name: 'Deal Status', value: 'Open ticket' },
      { group: sales, name: 'Seats', value: 12 },
    ]);
    expect(values).toEqual({
      [fields.status]: { text: 'Active' },
      [fields.supportStatus]: { text: 'Open ticket' },
      [fields.seats]: { number: 12 },
    });
  });

  it('mixes both forms in one contact', async () => {
    const values = await created([{ field: fields.seats, value: 3 }, { group: sales, name: 'Deal Status', value: 'Won' }]);
    expect(values).toEqual({ [fields.seats]: { number: 3 }, [fields.status]: { text: 'Won' } });
  });

  it('takes exactly one of field or the pair: VALIDATION at the item', async () => {
    await refused([{ field: fields.status, group: sales, name: 'Deal Status', value: 'x' }], [{ code: 'VALIDATION', field: ['customFieldValues', '0'] }]);
    await refused([{ field: fields.status, name: 'Deal Status', value: 'x' }], [{ code: 'VALIDATION', field: ['customFieldValues', '0'] }]);
    await refused([{ field: fields.seats, value: 1 }, { group: sales, value: 'x' }], [{ code: 'VALIDATION', field: ['customFieldValues', '1'] }]);
    await refused([{ name: 'Deal Status', value: 'x' }], [{ code: 'VALIDATION', field: ['customFieldValues', '0'] }]);
    await refused([{ value: 'x' }], [{ code: 'VALIDATION', field: ['customFieldValues', '0'] }]);
  });

  it('answers NOT_FOUND at the exact path for an unknown group or name', async () => {
    await refused([{ group: `grp_${UNKNOWN}`, name: 'Deal Status', value: 'x' }], [{ code: 'NOT_FOUND', field: ['customFieldValues', '0', 'group'] }]);
    await refused([{ group: 'sales', name: 'Deal Status', value: 'x' }], [{ code: 'NOT_FOUND', field: ['customFieldValues', '0', 'group'] }]);
    await refused(
      [{ group: sales, name: 'Seats', value: 1 }, { group: sales, name: 'Stage', value: 'x' }],
      [{ code: 'NOT_FOUND', field: ['customFieldValues', '1', 'name'] }],
    );
  });

  it("treats another organisation's group like a missing one", async () => {
    await refused([{ group: foreignGroup, name: 'Deal Status', value: 'x' }], [{ code: 'NOT_FOUND', field: ['customFieldValues', '0', 'group'] }]);
  });

  it("refuses a group that is not among the contact's groups (VALIDATION at group), as for field", async () => {
    await refused([{ group: support, name: 'Deal Status', value: 'x' }], [{ code: 'VALIDATION', field: ['customFieldValues', '0', 'group'] }], [sales]);
    await refused([{ field: fields.supportStatus, value: 'x' }], [{ code: 'VALIDATION', field: ['customFieldValues', '0', 'field'] }], [sales]);
  });

  it('refuses one field named twice, in either form', async () => {
    await refused(
      [{ group: sales, name: 'Seats', value: 1 }, { group: sales, name: ' SEATS', value: 2 }],
      [{ code: 'VALIDATION', field: ['customFieldValues', '1', 'name'] }],
    );
    await refused(
      [{ field: fields.seats, value: 1 }, { group: sales, name: 'seats', value: 2 }],
      [{ code: 'VALIDATION', field: ['customFieldValues', '1', 'name'] }],
    );
  });

  it('updateContact takes the pair too, errors under patch', async () => {
    const id = await contact({ firstName: 'Patched', groups: [sales] });
    const UPDATE = graphql('mutation($input: UpdateContactInput!) { updateContact(input: $input) { contact { ...CustomValues } userErrors { code field message } } }', [VALUES]);
    const good = await owner.gql(UPDATE, { input: { id, patch: { customFieldValues: [{ group: sales, name: 'deal status', value: 'Lost' }] } } });
    expect(good.data!.updateContact.userErrors).toEqual([]);
    expect(good.data!.updateContact.contact!.customFieldValues).toEqual([{ field: { id: fields.status, name: 'Deal Status' }, text: 'Lost' }]);
    const bad = await owner.gql(UPDATE, { input: { id, patch: { customFieldValues: [{ group: sales, name: 'Nope', value: 'x' }] } } });
    expect(bad.data!.updateContact.userErrors).toEqual([{ code: 'NOT_FOUND', field: ['patch', 'customFieldValues', '0', 'name'], message: expect.any(String) }]);
  });

  it('resolves a whole batch with one field lookup, not one per item', async () => {
    const items = (n: number, tag: string) =>
      Array.from({ length: n }, (_, i) => ({
        firstName: `${tag}${i}`,
        groups: [sales, support],
        customFieldValues: [
          { group: i % 2 ? sales : support, name: i % 3 ? 'Deal Status' : 'deal status', value: `s${i}` },
          { group: sales, name: 'Seats', value: i },
        ],
      }));
    const run = async (n: number, tag: string) => {
      const { result, statements } = await h.statementsOf(() => owner.gql(BULK, { input: { contacts: items(n, tag) } }));
      expect(result.errors).toBeUndefined();
      expect(result.data!.createContacts.results.every((r) => r.userErrors.length === 0 && r.contact!.customFieldValues.length === 2)).toBe(true);
      return { total: statements.length, fieldLookups: statements.filter((sql) => /FROM "public"\."custom_fields"/.test(sql)).length };
    };
    const one = await run(1, 'One');
    const many = await run(30, 'Many');
    expect(many.total).toBe(one.total);
    expect(many.fieldLookups).toBe(one.fieldLookups);
    expect(many.fieldLookups).toBeGreaterThan(0);
  });
});

describe('NUMBER values', () => {
  it('takes numeric strings as well as numbers', async () => {
    expect((await created([{ field: fields.seats, value: '42' }]))[fields.seats]).toEqual({ number: 42 });
    expect((await created([{ field: fields.seats, value: '-3.5' }]))[fields.seats]).toEqual({ number: -3.5 });
    expect((await created([{ field: fields.seats, value: ' 1e3 ' }]))[fields.seats]).toEqual({ number: 1000 });
    expect((await created([{ field: fields.seats, value: 7.25 }]))[fields.seats]).toEqual({ number: 7.25 });
  });

  it.each([['0x1F'], ['0b101'], ['0o17'], ['12 kg'], ['1,5'], ['Infinity'], ['1e400'], ['abc'], ['--1']])('refuses non-decimal text %j', async (text) => {
    await refused([{ field: fields.seats, value: text }], [{ code: 'VALIDATION', field: ['customFieldValues', '0', 'value'] }]);
  });

  // Stored as a double (a JSON number, read back as a GraphQL Float): what it cannot hold as written is refused.
  it.each([
    ['2^53 + 1 as text', '9007199254740993', /between -9007199254740991 and 9007199254740991/],
    ['2^53 + 1 as a JSON number (read as 2^53)', 9007199254740993, /between -9007199254740991 and 9007199254740991/],
    ['-(2^53) as text', '-9007199254740992', /between/],
    ['1e300 as text', '1e300', /between/],
    ['1e-400 as text (would read back as 0)', '1e-400', /too close to zero/],
    ['a subnormal as text (would keep fewer digits)', '4.9e-320', /too close to zero/],
    ['a subnormal as a JSON number', 5e-324, /too close to zero/],
  ])('refuses %s', async (_name, value, message) => {
    const before = await contactCount();
    const payload = await create([{ field: fields.seats, value }]);
    expect(payload).toEqual({ contact: null, userErrors: [{ code: 'VALIDATION', field: ['customFieldValues', '0', 'value'], message: expect.stringMatching(message) }] });
    expect(await contactCount()).toBe(before);
  });

  it.each([
    ['9007199254740991', 9007199254740991],
    ['-9007199254740991', -9007199254740991],
    ['0e-400', 0],
    ['0.1', 0.1],
    ['2.2250738585072014e-308', 2.2250738585072014e-308],
    ['1.5e-300', 1.5e-300],
  ])('takes %j', async (text, number) => {
    expect((await created([{ field: fields.seats, value: text }]))[fields.seats]).toEqual({ number });
  });
});

describe('references as a CRM writes them', () => {
  it('CONTACT takes a bare id, { id } and lists of them, companies included', async () => {
    expect((await created([{ field: fields.related, value: ada }]))[fields.related]).toEqual({ contacts: [{ id: ada }], companies: [] });
    expect((await created([{ field: fields.related, value: acme }]))[fields.related]).toEqual({ contacts: [], companies: [{ id: acme, name: 'Acme' }] });
    expect((await created([{ field: fields.related, value: { id: acme } }]))[fields.related]).toEqual({ contacts: [], companies: [{ id: acme, name: 'Acme' }] });
    expect((await created([{ field: fields.related, value: [acme, { id: ada }, ada] }]))[fields.related]).toEqual({
      contacts: [{ id: ada }],
      companies: [{ id: acme, name: 'Acme' }],
    });
  });

  it('CONTACT refuses what is not a contact or company of the organisation, at the entry', async () => {
    const at = (...path: string[]) => ['customFieldValues', '0', 'value', ...path];
    await refused([{ field: fields.related, value: [ada, foreignCompany] }], [{ code: 'NOT_FOUND', field: at('1') }]);
    await refused([{ field: fields.related, value: `con_${UNKNOWN}` }], [{ code: 'NOT_FOUND', field: at() }]);
    await refused([{ field: fields.related, value: [{ id: sales }] }], [{ code: 'NOT_FOUND', field: at('0') }]);
    await refused([{ field: fields.related, value: [ada, binned] }], [{ code: 'VALIDATION', field: at('1') }]);
    await refused([{ field: fields.related, value: [ada, 42] }], [{ code: 'VALIDATION', field: at('1') }]);
  });

  it('OBJECT takes a bare id, { id } and lists of them, of any type', async () => {
    expect((await created([{ field: fields.linked, value: acme }]))[fields.linked]).toEqual({ objects: [{ __typename: 'Company', id: acme }] });
    expect((await created([{ field: fields.linked, value: [ada, { id: sales }] }]))[fields.linked]).toEqual({
      objects: [{ __typename: 'Contact', id: ada }, { __typename: 'Group', id: sales }],
    });
    await refused([{ field: fields.linked, value: foreignCompany }], [{ code: 'NOT_FOUND', field: ['customFieldValues', '0', 'value'] }]);
  });

  it('USER takes ids and emails, bare or as objects, one or a list', async () => {
    const expected = { users: [{ id: userId, email: userEmail }] };
    for (const value of [userId, { id: userId }, userEmail.toUpperCase(), { email: userEmail }, [userEmail, { id: userId }]]) {
      expect((await created([{ field: fields.owners, value }]))[fields.owners]).toEqual(expected);
    }
  });

  it('USER answers NOT_FOUND for an unknown email or id, at the entry', async () => {
    const at = (...path: string[]) => ['customFieldValues', '0', 'value', ...path];
    await refused([{ field: fields.owners, value: 'ghost@nowhere.example' }], [{ code: 'NOT_FOUND', field: at() }]);
    await refused([{ field: fields.owners, value: [userEmail, { email: 'ghost@nowhere.example' }] }], [{ code: 'NOT_FOUND', field: at('1') }]);
    await refused([{ field: fields.owners, value: [{ id: `usr_${stranger.userId}` }] }], [{ code: 'NOT_FOUND', field: at('0') }]);
  });
});

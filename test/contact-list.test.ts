import type { TadaDocumentNode } from 'gql.tada';
import { describe, expect, it } from 'vitest';
import { createHarness } from './support/harness.js';
import { graphql, type ResultOf, type VariablesOf } from './support/graphql.js';

// The key stays warm for the whole file (by default an entry lives KEY_CACHE_TTL_MS): the
// statements counted below are the query's own, whatever the time between requests.
const h = await createHarness({ apiKeyCache: { ttlMs: 60 * 60_000 } });
const owner = await h.organization();

/** The canonical list query: every field of a contact, with every relation. */
export const CANONICAL = graphql(`query($first: Int!) {
  contacts(first: $first, filter: { tags: ["canon"] }, orderBy: { field: CREATED_AT, direction: ASC }) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id type firstName middleName lastName fullName abbreviation title gender birthday primaryLanguage
      description strategy jobTitle department email phone mobile linkedInUrl profilePictureUrl tags
      loginEmail mailingListOptIn purchaseOrderNumber etag version createdAt updatedAt deletedAt
      emails { address label isPrimary }
      phones { number original label countryCode isPrimary }
      addresses { street postalCode city country formatted isPrimary }
      urls { url isPrimary }
      externalRefs { namespace externalId }
      companies { jobTitle isPrimary company { id name domain } }
      primaryCompany { id name }
      groups { id name }
      customFieldValues {
        __typename field { id name type }
        ... on TextFieldValue { text }
        ... on NumberFieldValue { number }
        ... on SingleSelectFieldValue { option }
        ... on ContactFieldValue { contacts { id fullName } }
        ... on UserFieldValue { users { id fullName } }
        ... on ObjectFieldValue { objects { id } }
      }
      createdBy { id fullName }
      updatedBy { id }
      interactionMetadata {
        user { approximateCount lastInteractedAt }
        workspace { approximateCount lastInteractedAt lastInteractedBy { id fullName } }
      }
    } }
  }
}`);

const mutate = async <Data extends Record<string, { userErrors: unknown[] }>, Input>(query: TadaDocumentNode<Data, { input: Input }>, input: Input) => {
  const res = await owner.gql(query, { input });
  const [payload] = Object.values(res.data ?? {}) as Data[keyof Data][];
  expect(res.errors).toBeUndefined();
  expect(payload!.userErrors).toEqual([]);
  return payload;
};

const group = await mutate(graphql('mutation($input: CreateGroupInput!) { createGroup(input: $input) { group { id } userErrors { message } } }'), { name: 'Canonical' });
// One after another: fields list in the order they were made.
const CREATE_FIELD = graphql('mutation($input: CreateCustomFieldInput!) { createCustomField(input: $input) { customField { id } userErrors { message } } }');
const fields: ResultOf<typeof CREATE_FIELD>['createCustomField'][] = [];
const fieldInputs: Omit<VariablesOf<typeof CREATE_FIELD>['input'], 'groupId'>[] = [
  { name: 'Note', type: 'TEXT' },
  { name: 'Score', type: 'NUMBER' },
  { name: 'Tier', type: 'SINGLE_SELECT', options: ['Gold', 'Silver'] },
  { name: 'Buddy', type: 'CONTACT' },
  { name: 'Owner', type: 'USER' },
  { name: 'Related', type: 'OBJECT' },
];
for (const field of fieldInputs) {
  fields.push(
    (await mutate(CREATE_FIELD, {
      groupId: group!.group!.id,
      ...field,
    }))!,
  );
}
const viewerEmail = (await owner.gql(graphql('{ viewer { user { email } } }'))).data!.viewer.user.email;
const buddy = await mutate(graphql('mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } userErrors { message } } }'), { firstName: 'Buddy' });

async function seed(count: number) {
  const contacts = Array.from({ length: count }, (_, i) => ({
    firstName: `Canon${i}`,
    lastName: `Ical${i}`,
    emails: [{ address: `canon${i}@a.example` }, { address: `canon${i}@b.example` }],
    phones: [{ number: `+4420794${String(60000 + i).padStart(5, '0')}` }],
    addresses: [{ city: 'London', country: 'GB' }],
    urls: [{ url: `https://canon${i}.example` }],
    externalRefs: [{ namespace: 'crm', externalId: `C${i}` }],
    tags: ['canon'],
    companies: [{ company: { name: `Canon Co ${i % 7}` }, jobTitle: 'Engineer' }, { company: { name: 'Canon Shared' } }],
    groups: [group!.group!.id],
    customFieldValues: [
      { field: fields[0]!.customField!.id, value: 'hello' },
      { field: fields[1]!.customField!.id, value: i },
      { field: fields[2]!.customField!.id, value: 'Gold' },
      { field: fields[3]!.customField!.id, value: [{ id: buddy!.contact!.id }] },
      { field: fields[4]!.customField!.id, value: [{ email: viewerEmail }] },
      { field: fields[5]!.customField!.id, value: [{ id: group!.group!.id }] },
    ],
  }));
  const res = await owner.gql(graphql('mutation($input: CreateContactsInput!) { createContacts(input: $input) { results { contact { id } userErrors { field message } } } }'), { input: { contacts } });
  if (!res.data) throw new Error(JSON.stringify(res.errors));
  const failed = res.data.createContacts.results.filter((r: { contact: unknown }) => !r.contact);
  expect(failed).toEqual([]);
  const ids = res.data.createContacts.results.map((r) => r.contact!.id);
  await Promise.all(ids.slice(0, 5).map((contactId: string) => mutate(graphql('mutation($input: RecordInteractionInput!) { recordInteraction(input: $input) { contact { id } userErrors { message } } }'), { contactId })));
}

await seed(100);

describe('the canonical list query', () => {
  it.each([1, 10, 100])('issues the same few SQL statements for %i contacts', async (first) => {
    const { result, statements } = await h.statementsOf(() => owner.gql(CANONICAL, { first }));
    expect(result.errors).toBeUndefined();
    const edges = result.data!.contacts.edges;
    expect(edges).toHaveLength(first);
    const node = edges[0]!.node;
    expect(node.customFieldValues).toHaveLength(6);
    expect(node.groups).toEqual([{ id: group!.group!.id, name: 'Canonical' }]);
    expect(node.companies).toHaveLength(2);
    expect(statements.length).toBeLessThanOrEqual(8);
  });

  it('issues the same statements whatever the page size (N+1 guard)', async () => {
    const shapes = [];
    for (const first of [1, 10, 100]) {
      const { statements } = await h.statementsOf(() => owner.gql(CANONICAL, { first }));
      // Parameter values differ with the page; the statements themselves must not.
      shapes.push(statements.map((sql) => sql.replace(/\$\d+/g, '$').replace(/\$(\s*,\s*\$)*/g, '$')).sort());
    }
    expect(shapes[1]).toEqual(shapes[0]);
    expect(shapes[2]).toEqual(shapes[0]);
    expect(shapes[0]).toMatchSnapshot();
  });
});

describe('what the canonical query reads', () => {
  it('resolves every relation and typed custom value to the right records', async () => {
    const res = await owner.gql(CANONICAL, { first: 1 });
    const node = res.data!.contacts.edges[0]!.node;
    expect(node).toMatchObject({
      firstName: 'Canon0',
      email: 'canon0@a.example',
      phone: '+442079460000',
      mobile: null,
      tags: ['canon'],
      jobTitle: 'Engineer',
      externalRefs: [{ namespace: 'crm', externalId: 'C0' }],
      primaryCompany: { name: 'Canon Co 0' },
      addresses: [{ street: null, postalCode: null, city: 'London', country: 'GB', formatted: 'London, GB', isPrimary: true }],
      urls: [{ url: 'https://canon0.example', isPrimary: true }],
      createdBy: { id: `usr_${owner.userId}` },
    });
    expect(node.companies.map((link: { company: { name: string }; isPrimary: boolean }) => [link.company.name, link.isPrimary])).toEqual([
      ['Canon Co 0', true],
      ['Canon Shared', false],
    ]);
    const values = Object.fromEntries(node.customFieldValues.map((v) => [v.field.name, v]));
    expect(values.Note).toMatchObject({ __typename: 'TextFieldValue', text: 'hello' });
    expect(values.Score).toMatchObject({ __typename: 'NumberFieldValue', number: 0 });
    expect(values.Tier).toMatchObject({ __typename: 'SingleSelectFieldValue', option: 'Gold' });
    type Value = (typeof values)[string];
    const ofType = <T extends Value['__typename']>(value: Value | undefined, typename: T) => {
      expect(value?.__typename).toBe(typename);
      return value as Extract<Value, { __typename: T }>;
    };
    expect(ofType(values.Buddy, 'ContactFieldValue').contacts).toEqual([{ id: buddy!.contact!.id, fullName: 'Buddy' }]);
    expect(ofType(values.Owner, 'UserFieldValue').users).toEqual([{ id: `usr_${owner.userId}`, fullName: expect.any(String) }]);
    expect(ofType(values.Related, 'ObjectFieldValue').objects).toEqual([{ id: group!.group!.id }]);
    expect(node.interactionMetadata.user.approximateCount).toBe(1);
    expect(node.interactionMetadata.workspace).toMatchObject({
      approximateCount: 1,
      lastInteractedAt: expect.any(String),
      lastInteractedBy: [{ id: `usr_${owner.userId}`, fullName: expect.any(String) }],
    });
  });

  it('lists a company’s and a group’s contacts, and a group’s custom fields', async () => {
    const res = await owner.gql(graphql(`{
      company(by: { name: "canon shared" }) { name contacts(first: 5) { totalCount edges { node { id } } } }
      companies(first: 3, search: "canon co") { edges { node { name } } }
      groups(first: 10) { edges { node { name customFields { name type options } contacts(first: 1) { totalCount } } } }
    }`));
    expect(res.errors).toBeUndefined();
    expect(res.data!.company!.contacts.totalCount).toBe(100);
    expect(res.data!.company!.contacts.edges).toHaveLength(5);
    expect(res.data!.companies.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(['Canon Co 0', 'Canon Co 1', 'Canon Co 2']);
    const [canonical] = res.data!.groups.edges;
    expect(canonical!.node.contacts.totalCount).toBe(100);
    expect(canonical!.node.customFields.map((f: { name: string }) => f.name)).toEqual(['Note', 'Score', 'Tier', 'Buddy', 'Owner', 'Related']);
    expect(canonical!.node.customFields[2]).toEqual({ name: 'Tier', type: 'SINGLE_SELECT', options: ['Gold', 'Silver'] });
  });

  it('rejects companies(first: 101) rather than clamping it', async () => {
    const res = await owner.gql(graphql('{ companies(first: 101) { edges { node { id } } } }'));
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('records interactions for the viewer, refusing future dates', async () => {
    const target = (await owner.gql(graphql('{ contacts(first: 1, filter: { search: "canon99@" }) { edges { node { id } } } }'))).data!.contacts.edges[0]!.node.id;
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const bad = await owner.gql(graphql('mutation($input: RecordInteractionInput!) { recordInteraction(input: $input) { userErrors { code field } } }'), { input: { contactId: target, occurredAt: future } });
    expect(bad.data!.recordInteraction.userErrors).toEqual([{ code: 'VALIDATION', field: ['occurredAt'] }]);
    const at = '2026-01-02T03:04:05.000Z';
    const ok = await owner.gql(graphql('mutation($input: RecordInteractionInput!) { recordInteraction(input: $input) { contact { interactionMetadata { user { approximateCount lastInteractedAt } } } userErrors { code } } }'), {
      input: { contactId: target, occurredAt: at },
    });
    expect(ok.data!.recordInteraction).toEqual({ contact: { interactionMetadata: { user: { approximateCount: 1, lastInteractedAt: at } } }, userErrors: [] });
  });
});

describe('search finds phone numbers by their digits', () => {
  const SEARCH = graphql('query($search: String!) { contacts(first: 10, filter: { search: $search }) { edges { node { firstName } } } }');
  const found = async (search: string) =>
    ((await owner.gql(SEARCH, { search })).data!.contacts.edges as { node: { firstName: string } }[]).map((e) => e.node.firstName).sort();

  it('valid and kept-as-given numbers alike', async () => {
    for (const [firstName, number, countryCode] of [
      ['Valid', '020 7946 1234', 'GB'],
      ['KeptIntl', '+0987 654 321', null],
      ['KeptNational', '(030) 555-0177 x12', null],
    ] as const) {
      await mutate(graphql('mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } userErrors { message } } }'), {
        firstName,
        phones: [{ number, countryCode }],
      });
    }
    expect(await found('2079461234')).toEqual(['Valid']); // the national digits
    expect(await found('+442079461234')).toEqual(['Valid']); // E.164
    expect(await found('442079461234')).toEqual(['Valid']);
    expect(await found('0987654321')).toEqual(['KeptIntl']);
    expect(await found('+0987 654 321')).toEqual(['KeptIntl']); // as given
    expect(await found('0305550177')).toEqual(['KeptNational']);
    expect(await found('(030) 555-0177')).toEqual(['KeptNational']);
  });
});

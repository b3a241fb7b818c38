import { describe, expect, it } from 'vitest';
import { createHarness } from './support/harness.js';

const h = await createHarness();
const owner = await h.organization();

/** The canonical list query: every field of a contact, with every relation. */
export const CANONICAL = `query($first: Int!) {
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
      externalRefs { namespace id }
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
}`;

const mutate = async (query: string, input: Record<string, unknown>) => {
  const res = await owner.gql(query, { input });
  const payload = Object.values(res.data ?? {})[0] as { userErrors: unknown[] } & Record<string, any>;
  expect(res.errors).toBeUndefined();
  expect(payload.userErrors).toEqual([]);
  return payload;
};

const group = await mutate('mutation($input: CreateGroupInput!) { createGroup(input: $input) { group { id } userErrors { message } } }', { name: 'Canonical' });
const fields = await Promise.all(
  [
    { name: 'Note', type: 'TEXT' },
    { name: 'Score', type: 'NUMBER' },
    { name: 'Tier', type: 'SINGLE_SELECT', options: ['Gold', 'Silver'] },
    { name: 'Buddy', type: 'CONTACT' },
    { name: 'Owner', type: 'USER' },
    { name: 'Related', type: 'OBJECT' },
  ].map((field) =>
    mutate('mutation($input: CreateCustomFieldInput!) { createCustomField(input: $input) { customField { id } userErrors { message } } }', {
      groupId: group.group.id,
      ...field,
    }),
  ),
);
const viewerEmail = (await owner.gql('{ viewer { user { email } } }')).data.viewer.user.email;
const buddy = await mutate('mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } userErrors { message } } }', { firstName: 'Buddy' });

async function seed(count: number) {
  const contacts = Array.from({ length: count }, (_, i) => ({
    firstName: `Canon${i}`,
    lastName: `Ical${i}`,
    emails: [{ address: `canon${i}@a.example` }, { address: `canon${i}@b.example` }],
    phones: [{ number: `+4420794${String(60000 + i).padStart(5, '0')}` }],
    addresses: [{ city: 'London', country: 'GB' }],
    urls: [{ url: `https://canon${i}.example` }],
    externalRefs: [{ namespace: 'crm', id: `C${i}` }],
    tags: ['canon'],
    companies: [{ company: { name: `Canon Co ${i % 7}` }, jobTitle: 'Engineer' }, { company: { name: 'Canon Shared' } }],
    groups: [group.group.id],
    customFieldValues: [
      { field: fields[0]!.customField.id, value: 'hello' },
      { field: fields[1]!.customField.id, value: i },
      { field: fields[2]!.customField.id, value: 'Gold' },
      { field: fields[3]!.customField.id, value: [{ id: buddy.contact.id }] },
      { field: fields[4]!.customField.id, value: [{ email: viewerEmail }] },
      { field: fields[5]!.customField.id, value: [{ id: group.group.id }] },
    ],
  }));
  const res = await owner.gql('mutation($input: CreateContactsInput!) { createContacts(input: $input) { results { contact { id } userErrors { field message } } } }', { input: { contacts } });
  if (!res.data) throw new Error(JSON.stringify(res.errors));
  const failed = res.data.createContacts.results.filter((r: { contact: unknown }) => !r.contact);
  expect(failed).toEqual([]);
  const ids = res.data.createContacts.results.map((r: { contact: { id: string } }) => r.contact.id);
  await Promise.all(ids.slice(0, 5).map((contactId: string) => mutate('mutation($input: RecordInteractionInput!) { recordInteraction(input: $input) { contact { id } userErrors { message } } }', { contactId })));
}

await seed(100);

describe('the canonical list query', () => {
  it.each([1, 10, 100])('issues the same few SQL statements for %i contacts', async (first) => {
    const { result, statements } = await h.statementsOf(() => owner.gql(CANONICAL, { first }));
    expect(result.errors).toBeUndefined();
    const edges = result.data.contacts.edges;
    expect(edges).toHaveLength(first);
    const node = edges[0].node;
    expect(node.customFieldValues).toHaveLength(6);
    expect(node.groups).toEqual([{ id: group.group.id, name: 'Canonical' }]);
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

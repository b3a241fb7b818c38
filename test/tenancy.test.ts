import { describe, expect, it } from 'vitest';
import { createHarness } from './support/harness.js';

// Every path, given another organisation's identifiers, behaves as if they did not exist.
const h = await createHarness();
const victim = await h.organization();
const intruder = await h.organization();

const one = async (caller: typeof victim, query: string, input: Record<string, unknown>) => {
  const res = await caller.gql(query, { input });
  expect(res.errors).toBeUndefined();
  return Object.values(res.data)[0] as any;
};

const company = (await one(victim, 'mutation($input: CreateCompanyInput!) { createCompany(input: $input) { company { id } } }', {
  name: 'Secret Corp',
  externalRefs: [{ namespace: 'erp', id: 'SECRET-1' }],
})).company;
const group = (await one(victim, 'mutation($input: CreateGroupInput!) { createGroup(input: $input) { group { id } } }', { name: 'Secret Group' })).group;
const field = (await one(victim, 'mutation($input: CreateCustomFieldInput!) { createCustomField(input: $input) { customField { id } } }', {
  groupId: group.id,
  name: 'Secret Field',
  type: 'TEXT',
})).customField;
const contact = (await one(victim, 'mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } } }', {
  firstName: 'Secret',
  lastName: 'Agent',
  email: 'agent@secret.example',
  externalRefs: [{ namespace: 'salesforce', id: 'SF-SECRET' }],
  companies: [{ company: { id: company.id } }],
  groups: [group.id],
  customFieldValues: [{ field: field.id, value: 'classified' }],
})).contact;
const victimUser = `usr_${victim.userId}`;
const victimOrg = `org_${victim.organizationId}`;

describe('tenant isolation: a second organisation sees nothing and changes nothing', () => {
  it('node and nodes answer null for every foreign id', async () => {
    const ids = [contact.id, company.id, group.id, field.id, victimUser, victimOrg];
    for (const id of ids) {
      const res = await intruder.gql('query($id: ID!) { node(id: $id) { id } }', { id });
      expect(res.errors).toBeUndefined();
      expect(res.data.node).toBeNull();
    }
    const res = await intruder.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids });
    expect(res.data.nodes).toEqual(ids.map(() => null));
  });

  it('lookups by id, email, external ref and name answer null', async () => {
    const queries: [string, object][] = [
      ['query($v: ContactLookup!) { contact(by: $v) { id } }', { v: { id: contact.id } }],
      ['query($v: ContactLookup!) { contact(by: $v) { id } }', { v: { email: 'agent@secret.example' } }],
      ['query($v: ContactLookup!) { contact(by: $v) { id } }', { v: { externalRef: { namespace: 'salesforce', id: 'SF-SECRET' } } }],
      ['query($v: CompanyLookup!) { company(by: $v) { id } }', { v: { id: company.id } }],
      ['query($v: CompanyLookup!) { company(by: $v) { id } }', { v: { name: 'secret corp' } }],
      ['query($v: CompanyLookup!) { company(by: $v) { id } }', { v: { externalRef: { namespace: 'erp', id: 'SECRET-1' } } }],
      ['query($v: ID!) { group(id: $v) { id } }', { v: group.id }],
    ];
    for (const [query, variables] of queries) {
      const res = await intruder.gql(query, variables as Record<string, unknown>);
      expect(res.errors).toBeUndefined();
      expect(Object.values(res.data)[0]).toBeNull();
    }
  });

  it('lists are empty, whatever the filter names', async () => {
    const lists = [
      '{ contacts(first: 100) { totalCount edges { node { id } } } }',
      `{ contacts(first: 100, filter: { groupId: "${group.id}" }) { totalCount edges { node { id } } } }`,
      `{ contacts(first: 100, filter: { companyId: "${company.id}" }) { totalCount edges { node { id } } } }`,
      '{ contacts(first: 100, filter: { search: "secret", includeDeleted: true }) { totalCount edges { node { id } } } }',
      '{ contacts(first: 100, filter: { externalRefNamespace: "salesforce" }) { totalCount edges { node { id } } } }',
    ];
    for (const query of lists) {
      const res = await intruder.gql(query);
      expect(res.errors).toBeUndefined();
      expect(res.data.contacts).toEqual({ totalCount: 0, edges: [] });
    }
    const companies = await intruder.gql('{ companies(first: 100) { edges { node { id } } } groups(first: 100) { edges { node { id } } } }');
    expect(companies.data).toEqual({ companies: { edges: [] }, groups: { edges: [] } });
  });

  it("a cursor taken from another organisation's list shows only the caller's contacts", async () => {
    const theirs = await victim.gql('{ contacts(first: 1) { pageInfo { endCursor } } }');
    const cursor = theirs.data.contacts.pageInfo.endCursor;
    const res = await intruder.gql('query($c: String) { contacts(first: 10, after: $c) { edges { node { id } } } }', { c: cursor });
    expect(res.data.contacts.edges).toEqual([]);
  });

  it('writes that reference foreign records fail as NOT_FOUND and write nothing', async () => {
    const before = await h.db.prisma.contact.count();
    const create = await one(intruder, 'mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } userErrors { code field } } }', {
      firstName: 'Intruder',
      companies: [{ company: { id: company.id } }, { company: { externalRef: { namespace: 'erp', id: 'SECRET-1' } } }],
      groups: [group.id],
    });
    expect(create.contact).toBeNull();
    expect(create.userErrors).toEqual(
      expect.arrayContaining([
        { code: 'NOT_FOUND', field: ['companies', '0', 'company', 'id'] },
        { code: 'NOT_FOUND', field: ['companies', '1', 'company', 'externalRef'] },
        { code: 'NOT_FOUND', field: ['groups', '0'] },
      ]),
    );
    const field2 = await one(intruder, 'mutation($input: CreateCustomFieldInput!) { createCustomField(input: $input) { customField { id } userErrors { code field } } }', {
      groupId: group.id,
      name: 'x',
      type: 'TEXT',
    });
    expect(field2.userErrors).toEqual([{ code: 'NOT_FOUND', field: ['groupId'] }]);
    const interaction = await one(intruder, 'mutation($input: RecordInteractionInput!) { recordInteraction(input: $input) { contact { id } userErrors { code field } } }', {
      contactId: contact.id,
    });
    expect(interaction.userErrors).toEqual([{ code: 'NOT_FOUND', field: ['contactId'] }]);
    expect(await h.db.prisma.contact.count()).toBe(before);
    expect(await h.db.prisma.interaction.count()).toBe(0);
  });

  it('may reuse the same names, emails and external refs in its own organisation', async () => {
    const mine = await one(intruder, 'mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id companies { company { id } } } userErrors { code } } }', {
      firstName: 'Secret',
      email: 'agent@secret.example',
      externalRefs: [{ namespace: 'salesforce', id: 'SF-SECRET' }],
      companies: [{ company: { name: 'Secret Corp' } }],
    });
    expect(mine.userErrors).toEqual([]);
    expect(mine.contact.companies[0].company.id).not.toBe(company.id);
  });

  it("the victim's data is untouched", async () => {
    const res = await victim.gql('query($id: ID!) { node(id: $id) { ... on Contact { fullName customFieldValues { ... on TextFieldValue { text } } } } }', { id: contact.id });
    expect(res.data.node).toEqual({ fullName: 'Secret Agent', customFieldValues: [{ text: 'classified' }] });
  });
});

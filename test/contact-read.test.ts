import { describe, expect, it } from 'vitest';
import { createApiKey } from '../src/modules/api-key/api-key.js';
import { createHarness } from './support/harness.js';
import type { TadaDocumentNode } from 'gql.tada';
import { graphql, rootField } from './support/graphql.js';

const h = await createHarness();
const owner = await h.organization();
const stranger = await h.organization();

const create = async (input: Record<string, unknown>) => {
  const res = await owner.gql(
    graphql('mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } userErrors { message } } }'),
    { input },
  );
  expect(res.data!.createContact.userErrors).toEqual([]);
  return res.data!.createContact.contact!.id as string;
};

const ada = await create({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@analytical.example' });
const grace = await create({ firstName: 'Grace', lastName: 'Hopper' });

const BY = graphql('query($by: ContactLookup!) { contact(by: $by) { id fullName } }');

describe('contact(by:)', () => {
  it('finds a contact by id and by email, case-insensitively', async () => {
    expect((await owner.gql(BY, { by: { id: ada } })).data!.contact).toEqual({ id: ada, fullName: 'Ada Lovelace' });
    expect((await owner.gql(BY, { by: { email: 'ADA@Analytical.example' } })).data!.contact!.id).toBe(ada);
  });

  it('answers null for a malformed id, an id of another type and a missing id', async () => {
    for (const id of ['garbage', 'con_123', ada.replace('con_', 'com_'), 'con_01890000-0000-7000-8000-000000000000']) {
      const res = await owner.gql(BY, { by: { id } });
      expect(res.errors).toBeUndefined();
      expect(res.data!.contact).toBeNull();
    }
  });

  it("answers null for another organisation's contact, exactly as for a missing one", async () => {
    const res = await stranger.gql(BY, { by: { id: ada } });
    expect(res).toMatchObject({ status: 200, data: { contact: null } });
    expect(res.errors).toBeUndefined();
    expect((await stranger.gql(BY, { by: { email: 'ada@analytical.example' } })).data!.contact).toBeNull();
  });

  it('rejects a lookup that names two keys at once (@oneOf)', async () => {
    const res = await owner.gql(BY, { by: { id: ada, email: 'ada@analytical.example' } });
    expect(res.errors?.[0]?.message).toMatch(/exactly one/i);
  });
});

describe('node and nodes', () => {
  const NODE = graphql('query($id: ID!) { node(id: $id) { __typename id ... on Contact { fullName } } }');
  const NODES = graphql('query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }');

  it('resolves contacts, users and the organisation by their prefixed ids', async () => {
    expect((await owner.gql(NODE, { id: grace })).data!.node).toEqual({ __typename: 'Contact', id: grace, fullName: 'Grace Hopper' });
    const user = `usr_${owner.userId}`;
    expect((await owner.gql(NODE, { id: user })).data!.node).toEqual({ __typename: 'User', id: user });
    const org = `org_${owner.organizationId}`;
    expect((await owner.gql(NODE, { id: org })).data!.node).toEqual({ __typename: 'Organization', id: org });
  });

  it('answers null, never an error, for malformed and foreign ids', async () => {
    for (const id of ['', 'xyz_1', 'con_not-a-uuid', `usr_${owner.userId}`, `org_${owner.organizationId}`, ada]) {
      const res = await stranger.gql(NODE, { id });
      expect(res.errors).toBeUndefined();
      expect(res.data!.node).toBeNull();
    }
  });

  it('keeps the order of nodes(ids) with nulls where nothing resolves', async () => {
    const res = await owner.gql(NODES, { ids: [grace, 'bogus', ada, `usr_${stranger.userId}`] });
    expect(res.errors).toBeUndefined();
    expect(res.data!.nodes).toEqual([
      { __typename: 'Contact', id: grace },
      null,
      { __typename: 'Contact', id: ada },
      null,
    ]);
  });

  it('refuses more than 100 ids with BAD_USER_INPUT, loading nothing', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => (i % 2 ? ada : grace));
    const { result, statements } = await h.statementsOf(() => owner.gql(NODES, { ids }));
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0]!.message).toMatch(/at most 100 ids, got 101/);
    expect(statements.filter((sql) => /FROM "public"\."contacts"/.test(sql))).toEqual([]);
    expect((await owner.gql(NODES, { ids: ids.slice(0, 100) })).data!.nodes).toHaveLength(100);
  });

  it('loads 100 ids of every type with one statement per type', async () => {
    const one = async <Data extends object, Input>(mutation: TadaDocumentNode<Data, { input: Input }>, input: Input) => {
      const res = await owner.gql(mutation, { input });
      expect(res.errors).toBeUndefined();
      return rootField(res.data!);
    };
    const CREATE_COMPANY = graphql('mutation($input: CreateCompanyInput!) { createCompany(input: $input) { company { id } } }');
    const companies = [(await one(CREATE_COMPANY, { name: 'Node Corp' })).company!.id, (await one(CREATE_COMPANY, { name: 'Node Ltd' })).company!.id];
    const group = (await one(graphql('mutation($input: CreateGroupInput!) { createGroup(input: $input) { group { id } } }'), { name: 'Node Group' })).group!.id;
    const field = (await one(graphql('mutation($input: CreateCustomFieldInput!) { createCustomField(input: $input) { customField { id } } }'), { groupId: group, name: 'Node Field', type: 'TEXT' })).customField!.id;
    const groups = [group];
    const others = [`usr_${owner.userId}`, `org_${owner.organizationId}`, ...companies, ...groups, field, 'bogus'];
    const ids = Array.from({ length: 100 }, (_, i) => (i < others.length ? others[i]! : i % 2 ? ada : grace));
    const { result, statements } = await h.statementsOf(() => owner.gql(NODES, { ids }));
    expect(result.errors).toBeUndefined();
    expect(result.data!.nodes.slice(0, others.length + 2)).toEqual([
      { __typename: 'User', id: `usr_${owner.userId}` },
      { __typename: 'Organization', id: `org_${owner.organizationId}` },
      ...companies.map((id) => ({ __typename: 'Company', id })),
      ...groups.map((id) => ({ __typename: 'Group', id })),
      { __typename: 'CustomField', id: field },
      null,
      { __typename: 'Contact', id: ada },
      { __typename: 'Contact', id: grace },
    ]);
    const selects = (table: string) => statements.filter((sql) => /^\s*SELECT\b/i.test(sql) && sql.includes(`FROM "public"."${table}"`)).length;
    expect(['contacts', 'companies', 'groups', 'custom_fields', 'users', 'organizations'].map(selects)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('loads several contacts of nodes(ids) in one statement', async () => {
    const { result, statements } = await h.statementsOf(() => owner.gql(NODES, { ids: [ada, grace] }));
    expect(result.data!.nodes).toHaveLength(2);
    // Prisma's `FROM "public"."contacts"`, or the compiled read's `JOIN contacts k`
    const contactSelects = statements.filter((sql) => /(?:FROM "public"\."contacts"|JOIN contacts )/.test(sql));
    expect(contactSelects).toHaveLength(1);
  });
});

const binned = await create({ firstName: 'Bea', lastName: 'Binned', email: 'bea@bin.example', externalRefs: [{ namespace: 'crm', externalId: 'BIN-1' }] });
const deleted = await owner.gql(graphql('mutation($input: DeleteContactInput!) { deleteContact(input: $input) { contact { deletedAt } userErrors { code } } }'), { input: { id: binned } });
expect(deleted.data!.deleteContact.userErrors).toEqual([]);
const deletedAt = deleted.data!.deleteContact.contact!.deletedAt!;
const LOOKUP = graphql('query($by: ContactLookup!, $all: Boolean) { contact(by: $by, includeDeleted: $all) { id deletedAt } }');
const lookups = [{ id: binned }, { email: 'BEA@bin.example' }, { externalRef: { namespace: 'CRM', externalId: 'BIN-1' } }];

describe('the recycle bin', () => {
  it('hides a binned contact from contact(by:) by id, email and external ref unless includeDeleted', async () => {
    for (const by of lookups) {
      const hidden = await owner.gql(LOOKUP, { by });
      expect(hidden.errors).toBeUndefined();
      expect(hidden.data!.contact).toBeNull();
      expect((await owner.gql(LOOKUP, { by, all: false })).data!.contact).toBeNull();
      expect((await owner.gql(LOOKUP, { by, all: true })).data!.contact).toEqual({ id: binned, deletedAt });
    }
  });

  it('hides a binned contact from node and nodes unless includeDeleted', async () => {
    const NODE = graphql('query($id: ID!, $all: Boolean) { node(id: $id, includeDeleted: $all) { id ... on Contact { deletedAt } } }');
    expect((await owner.gql(NODE, { id: binned })).data!.node).toBeNull();
    expect((await owner.gql(NODE, { id: binned, all: true })).data!.node).toEqual({ id: binned, deletedAt });
    const NODES = graphql('query($ids: [ID!]!, $all: Boolean) { nodes(ids: $ids, includeDeleted: $all) { id } }');
    expect((await owner.gql(NODES, { ids: [ada, binned] })).data!.nodes).toEqual([{ id: ada }, null]);
    expect((await owner.gql(NODES, { ids: [ada, binned], all: true })).data!.nodes).toEqual([{ id: ada }, { id: binned }]);
  });

  it('never shows another organisation a binned contact, even with includeDeleted', async () => {
    for (const by of lookups) expect((await stranger.gql(LOOKUP, { by, all: true })).data!.contact).toBeNull();
    expect((await stranger.gql(graphql('query($id: ID!) { node(id: $id, includeDeleted: true) { id } }'), { id: binned })).data!.node).toBeNull();
  });

  it('keeps answering CONTACT_DELETED to writes, and shows the contact again once restored', async () => {
    const update = await owner.gql(graphql('mutation($input: UpdateContactInput!) { updateContact(input: $input) { userErrors { code } } }'), { input: { id: binned, patch: { lastName: 'X' } } });
    expect(update.data!.updateContact.userErrors).toEqual([{ code: 'CONTACT_DELETED' }]);
    const restore = await owner.gql(graphql('mutation($input: RestoreContactInput!) { restoreContact(input: $input) { userErrors { code } } }'), { input: { id: binned } });
    expect(restore.data!.restoreContact.userErrors).toEqual([]);
    for (const by of lookups) expect((await owner.gql(LOOKUP, { by })).data!.contact).toEqual({ id: binned, deletedAt: null });
    expect((await owner.gql(graphql('query($id: ID!) { node(id: $id) { id } }'), { id: binned })).data!.node).toEqual({ id: binned });
  });
});

describe('statement recorder', () => {
  it('records the statements of a contact lookup with its lists folded into few queries', async () => {
    // a key of the owner's this app has not seen: its first request looks it up (a warm key is cached)
    const { key } = await createApiKey(h.db.prisma, { organizationId: owner.organizationId, userId: owner.userId, scopes: ['contacts:read'] });
    const { statements } = await h.statementsOf(() =>
      h.request(
        { query: graphql('query($by: ContactLookup!) { contact(by: $by) { id emails { address } phones { number } createdBy { email } } }'), variables: { by: { id: ada } } },
        { authorization: `Bearer ${key}` },
      ),
    );
    // the key lookup of authentication, then the contact with its relations
    expect(statements.length).toBeGreaterThanOrEqual(2);
    expect(statements.length).toBeLessThanOrEqual(5);
    expect(statements.some((sql) => sql.includes('"api_keys"'))).toBe(true);
  });
});

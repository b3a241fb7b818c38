import { isInputObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/graphql/schema.js';
import { snapshotOrganization } from './support/consistency.js';
import { idKindOf, type IdKind, minimalCall } from './support/fuzz.js';
import type { TadaDocumentNode } from 'gql.tada';
import { createHarness } from './support/harness.js';
import { subscribe } from './support/sse.js';
import { graphql, idOf, rootField, type TextMutationData } from './support/graphql.js';

// Every path, given another organisation's identifiers, behaves as if they did not exist.
const h = await createHarness();
const victim = await h.organization();
const intruder = await h.organization();

const one = async <Data extends object, Input>(caller: typeof victim, query: TadaDocumentNode<Data, { input: Input }>, input: Input) => {
  const res = await caller.gql(query, { input });
  expect(res.errors).toBeUndefined();
  return rootField(res.data!);
};

const company = (await one(victim, graphql('mutation($input: CreateCompanyInput!) { createCompany(input: $input) { company { id } } }'), {
  name: 'Secret Corp',
  externalRefs: [{ namespace: 'erp', externalId: 'SECRET-1' }],
})).company;
const group = (await one(victim, graphql('mutation($input: CreateGroupInput!) { createGroup(input: $input) { group { id } } }'), { name: 'Secret Group' })).group;
const field = (await one(victim, graphql('mutation($input: CreateCustomFieldInput!) { createCustomField(input: $input) { customField { id } } }'), {
  groupId: group!.id,
  name: 'Secret Field',
  type: 'TEXT',
})).customField;
const contact = (await one(victim, graphql('mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } } }'), {
  firstName: 'Secret',
  lastName: 'Agent',
  email: 'agent@secret.example',
  externalRefs: [{ namespace: 'salesforce', externalId: 'SF-SECRET' }],
  companies: [{ company: { id: company!.id } }],
  groups: [group!.id],
  customFieldValues: [{ field: field!.id, value: 'classified' }],
})).contact;
const victimUser = `usr_${victim.userId}`;
const victimOrg = `org_${victim.organizationId}`;

describe('tenant isolation: a second organisation sees nothing and changes nothing', () => {
  it('node and nodes answer null for every foreign id', async () => {
    const ids = [contact!.id, company!.id, group!.id, field!.id, victimUser, victimOrg];
    for (const id of ids) {
      const res = await intruder.gql(graphql('query($id: ID!) { node(id: $id) { id } }'), { id });
      expect(res.errors).toBeUndefined();
      expect(res.data!.node).toBeNull();
    }
    const res = await intruder.gql(graphql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }'), { ids });
    expect(res.data!.nodes).toEqual(ids.map(() => null));
  });

  it('lookups by id, email, external ref and name answer null', async () => {
    const queries: [string, object][] = [
      ['query($v: ContactLookup!) { contact(by: $v) { id } }', { v: { id: contact!.id } }],
      ['query($v: ContactLookup!) { contact(by: $v) { id } }', { v: { email: 'agent@secret.example' } }],
      ['query($v: ContactLookup!) { contact(by: $v) { id } }', { v: { externalRef: { namespace: 'salesforce', externalId: 'SF-SECRET' } } }],
      ['query($v: CompanyLookup!) { company(by: $v) { id } }', { v: { id: company!.id } }],
      ['query($v: CompanyLookup!) { company(by: $v) { id } }', { v: { name: 'secret corp' } }],
      ['query($v: CompanyLookup!) { company(by: $v) { id } }', { v: { externalRef: { namespace: 'erp', externalId: 'SECRET-1' } } }],
      ['query($v: ID!) { group(id: $v) { id } }', { v: group!.id }],
    ];
    for (const [query, variables] of queries) {
      const res = await intruder.gql<Record<string, unknown>>(query, variables as Record<string, unknown>);
      expect(res.errors).toBeUndefined();
      expect(Object.values(res.data!)[0]).toBeNull();
    }
  });

  it('lists are empty, whatever the filter names', async () => {
    const lists = [
      '{ contacts(first: 100) { totalCount edges { node { id } } } }',
      `{ contacts(first: 100, filter: { groupId: "${group!.id}" }) { totalCount edges { node { id } } } }`,
      `{ contacts(first: 100, filter: { companyId: "${company!.id}" }) { totalCount edges { node { id } } } }`,
      '{ contacts(first: 100, filter: { search: "secret", includeDeleted: true }) { totalCount edges { node { id } } } }',
      '{ contacts(first: 100, filter: { externalRefNamespace: "salesforce" }) { totalCount edges { node { id } } } }',
    ];
    for (const query of lists) {
      const res = await intruder.gql<{ contacts: unknown }>(query);
      expect(res.errors).toBeUndefined();
      expect(res.data!.contacts).toEqual({ totalCount: 0, edges: [] });
    }
    const companies = await intruder.gql(graphql('{ companies(first: 100) { edges { node { id } } } groups(first: 100) { edges { node { id } } } }'));
    expect(companies.data).toEqual({ companies: { edges: [] }, groups: { edges: [] } });
  });

  it("a cursor taken from another organisation's list shows only the caller's contacts", async () => {
    const theirs = await victim.gql(graphql('{ contacts(first: 1) { pageInfo { endCursor } } }'));
    const cursor = theirs.data!.contacts.pageInfo.endCursor;
    const res = await intruder.gql(graphql('query($c: String) { contacts(first: 10, after: $c) { edges { node { id } } } }'), { c: cursor });
    expect(res.data!.contacts.edges).toEqual([]);
  });

  it('writes that reference foreign records fail as NOT_FOUND and write nothing', async () => {
    const before = await h.db.prisma.contact.count();
    const create = await one(intruder, graphql('mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } userErrors { code field } } }'), {
      firstName: 'Intruder',
      companies: [{ company: { id: company!.id } }, { company: { externalRef: { namespace: 'erp', externalId: 'SECRET-1' } } }],
      groups: [group!.id],
    });
    expect(create.contact).toBeNull();
    expect(create.userErrors).toEqual(
      expect.arrayContaining([
        { code: 'NOT_FOUND', field: ['companies', '0', 'company', 'id'] },
        { code: 'NOT_FOUND', field: ['companies', '1', 'company', 'externalRef'] },
        { code: 'NOT_FOUND', field: ['groups', '0'] },
      ]),
    );
    const field2 = await one(intruder, graphql('mutation($input: CreateCustomFieldInput!) { createCustomField(input: $input) { customField { id } userErrors { code field } } }'), {
      groupId: group!.id,
      name: 'x',
      type: 'TEXT',
    });
    expect(field2.userErrors).toEqual([{ code: 'NOT_FOUND', field: ['groupId'] }]);
    const interaction = await one(intruder, graphql('mutation($input: RecordInteractionInput!) { recordInteraction(input: $input) { contact { id } userErrors { code field } } }'), {
      contactId: contact!.id,
    });
    expect(interaction.userErrors).toEqual([{ code: 'NOT_FOUND', field: ['contactId'] }]);
    expect(await h.db.prisma.contact.count()).toBe(before);
    expect(await h.db.prisma.interaction.count()).toBe(0);
  });

  it('may reuse the same names, emails and external refs in its own organisation', async () => {
    const mine = await one(intruder, graphql('mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id companies { company { id } } } userErrors { code } } }'), {
      firstName: 'Secret',
      email: 'agent@secret.example',
      externalRefs: [{ namespace: 'salesforce', externalId: 'SF-SECRET' }],
      companies: [{ company: { name: 'Secret Corp' } }],
    });
    expect(mine.userErrors).toEqual([]);
    expect(mine.contact!.companies[0]!.company.id).not.toBe(company!.id);
  });

  it("the victim's data is untouched", async () => {
    const res = await victim.gql(graphql('query($id: ID!) { node(id: $id) { ... on Contact { fullName customFieldValues { ... on TextFieldValue { text } } } } }'), { id: contact!.id });
    expect(res.data!.node).toEqual({ fullName: 'Secret Agent', customFieldValues: [{ text: 'classified' }] });
  });
});

describe('tenant isolation: federation, the change feed, subscriptions and every id-taking mutation', () => {
  const CREATE = graphql('mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } userErrors { code } } }');

  it("_entities answers null for the victim's Contact, Company and Group", async () => {
    const representations = [
      { __typename: 'Contact', id: contact!.id },
      { __typename: 'Company', id: company!.id },
      { __typename: 'Group', id: group!.id },
    ];
    const res = await intruder.gql<{ _entities: unknown[] }>(
      'query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Contact { id fullName email } ... on Company { id name } ... on Group { id name } } }',
      { r: representations },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!._entities).toEqual([null, null, null]);
    // the same representations resolve for their owner, so the test can fail
    const own = await victim.gql<{ _entities: unknown[] }>('query($r: [_Any!]!) { _entities(representations: $r) { ... on Contact { id } ... on Company { id } ... on Group { id } } }', { r: representations });
    expect(own.data!._entities).toEqual([{ id: contact!.id }, { id: company!.id }, { id: group!.id }]);
  });

  it('the change feed shows each organisation only its own entries, whatever cursor it is given', async () => {
    const victimContacts = new Set((await h.db.sql.query<{ id: string }>('SELECT id FROM contacts WHERE organization_id = $1', [victim.organizationId])).map((r) => `con_${r.id}`));
    const intruderContacts = new Set((await h.db.sql.query<{ id: string }>('SELECT id FROM contacts WHERE organization_id = $1', [intruder.organizationId])).map((r) => `con_${r.id}`));
    expect(intruderContacts.size).toBeGreaterThan(0);
    const FEED = graphql('query($after: String) { contactChanges(first: 100, after: $after) { changes { contactId contact { id } } endCursor } }');

    const theirs = await victim.gql(FEED);
    expect(theirs.data!.contactChanges.changes.length).toBeGreaterThan(0);
    expect(theirs.data!.contactChanges.changes.every((c: { contactId: string }) => victimContacts.has(c.contactId))).toBe(true);

    const mine = await intruder.gql(FEED);
    expect(mine.errors).toBeUndefined();
    const ids = mine.data!.contactChanges.changes.map((c: { contactId: string }) => c.contactId);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.filter((id: string) => !intruderContacts.has(id))).toEqual([]);

    // a cursor from the victim's feed: an error, or the intruder's own entries only
    for (const after of [theirs.data!.contactChanges.endCursor, null]) {
      const res = await intruder.gql(FEED, { after });
      if (res.errors) {
        expect(res.errors.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
        continue;
      }
      expect(res.data!.contactChanges.changes.filter((c: { contactId: string }) => victimContacts.has(c.contactId) || !intruderContacts.has(c.contactId))).toEqual([]);
    }
  });

  it("a contactChanged subscriber hears its own organisation's writes and nobody else's", async () => {
    const appFetch = (input: string, init: RequestInit) => Promise.resolve(h.app.fetch(input, init));
    const sub = await subscribe(appFetch, 'http://test/graphql', intruder.key, graphql('subscription { contactChanged { changeType contactId contact { fullName } } }'));
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const theirs = await victim.gql(CREATE, { input: { firstName: 'Victim', lastName: 'Write' } });
      expect(theirs.data!.createContact.userErrors).toEqual([]);
      await victim.gql(graphql('mutation($input: UpdateContactInput!) { updateContact(input: $input) { userErrors { code } } }'), { input: { id: contact!.id, patch: { strategy: 'moved' } } });
      await victim.gql(graphql('mutation($input: UpdateContactInput!) { updateContact(input: $input) { userErrors { code } } }'), { input: { id: contact!.id, patch: { strategy: null } } });
      const mine = await intruder.gql(CREATE, { input: { firstName: 'Intruder', lastName: 'Write' } });
      const myId = mine.data!.createContact.contact!.id;
      const [event] = await sub.waitFor(1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(event!.data!.contactChanged).toEqual({ changeType: 'CREATED', contactId: myId, contact: { fullName: 'Intruder Write' } });
      expect(sub.events).toHaveLength(1);
    } finally {
      sub.close();
    }
  });

  it("every mutation that takes an id, given the victim's ids, changes none of the victim's rows", async () => {
    const own = async (mutation: string, object: string, input: Record<string, unknown>) => {
      const res = await intruder.gql<TextMutationData>(`mutation($input: ${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input!) { ${mutation}(input: $input) { ${object} { id } userErrors { code } } }`, { input });
      expect(res.errors).toBeUndefined();
      return idOf(res.data![mutation]![object]);
    };
    const ownGroup = await own('createGroup', 'group', { name: 'Own Group' });
    const intruderIds: Record<IdKind, string> = {
      Contact: await own('createContact', 'contact', { firstName: 'Own', groups: [ownGroup] }),
      Company: await own('createCompany', 'company', { name: 'Own Corp' }),
      Group: ownGroup,
      CustomField: await own('createCustomField', 'customField', { groupId: ownGroup, name: 'Own Field', type: 'TEXT' }),
      User: `usr_${intruder.userId}`,
      Organization: `org_${intruder.organizationId}`,
    };
    const victimIds: Record<IdKind, string> = { Contact: contact!.id, Company: company!.id, Group: group!.id, CustomField: field!.id, User: victimUser, Organization: victimOrg };
    const victimUuids = Object.values(victimIds).map((id) => id.slice(id.indexOf('_') + 1));

    const before = await snapshotOrganization(h.db, victim.organizationId);
    const mutations = Object.values(schema.getMutationType()!.getFields());
    const aimed = new Set<string>();
    const problems: string[] = [];
    // which of the victim's kinds a variant aims at; the other kinds get the intruder's own ids
    const variants: { name: string; allIds: boolean; victimKinds: IdKind[] }[] = [
      { name: 'every id the victim’s', allIds: true, victimKinds: ['Contact', 'Company', 'Group', 'CustomField', 'User', 'Organization'] },
      { name: 'required ids only, the victim’s', allIds: false, victimKinds: ['Contact', 'Company', 'Group', 'CustomField', 'User', 'Organization'] },
      { name: 'own contacts, the victim’s companies/groups/fields', allIds: true, victimKinds: ['Company', 'Group', 'CustomField', 'User'] },
      { name: 'the victim’s contacts, own companies/groups/fields', allIds: true, victimKinds: ['Contact'] },
    ];
    for (const variant of variants) {
      for (const mutation of mutations) {
        const call = minimalCall(mutation, (path) => {
          const kind = idKindOf(mutation.name, path);
          return (variant.victimKinds.includes(kind) ? victimIds : intruderIds)[kind];
        }, { allIds: variant.allIds });
        const text = JSON.stringify(call.variables);
        if (!victimUuids.some((uuid) => text.includes(uuid))) continue;
        aimed.add(mutation.name);
        // try to overwrite something, too
        const input = call.variables.input as Record<string, unknown> | undefined;
        if (input && typeof input === 'object') {
          if (input.patch && typeof input.patch === 'object') Object.assign(input.patch, { firstName: 'Pwned', tags: ['pwned'] });
          const inputType = mutation.args.find((a) => a.name === 'input')?.type.toString().replace('!', '');
          const named = inputType ? schema.getType(inputType) : undefined;
          const fields = isInputObjectType(named) ? named.getFields() : {};
          if ('firstName' in fields) input.firstName = 'Pwned';
          if ('name' in fields && !input.name) input.name = 'Pwned';
        }
        const res = await intruder.gql(`mutation Aim${call.declarations} { ${mutation.name}${call.args} { __typename } }`, call.variables);
        if (res.status >= 500 || (res.errors ?? []).some((e) => e.message === 'Unexpected error.' || !e.extensions?.code)) {
          problems.push(`${mutation.name} (${variant.name}): HTTP ${res.status} ${JSON.stringify(res.errors)} for ${text}`);
        }
      }
    }
    const after = await snapshotOrganization(h.db, victim.organizationId);
    for (const table of Object.keys(before)) expect(after[table], `victim's ${table} changed`).toBe(before[table]);
    // the list comes from the schema; these must be among it, so the test can't pass by aiming at nothing
    expect([...aimed]).toEqual(expect.arrayContaining([
      'updateContact', 'deleteContact', 'restoreContact', 'purgeContact', 'upsertContact', 'upsertContacts',
      'recordInteraction', 'addContactsToGroup', 'removeContactsFromGroup', 'createCustomField', 'createContact', 'createContacts',
    ]));
    expect(problems).toEqual([]);
  });
});


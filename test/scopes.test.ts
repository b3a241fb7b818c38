import { getNamedType, isLeafType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SCOPES, type Scope } from '../src/graphql/context.js';
import { schema } from '../src/graphql/schema.js';
import { createApiKey } from '../src/modules/api-key/api-key.js';
import { minimalCall } from './support/fuzz.js';
import { type Caller, createHarness } from './support/harness.js';
import { subscribe } from './support/sse.js';

// Which scope every root field needs, checked against the live schema: a field missing from
// these tables fails the test, so a new operation cannot ship without a decision about its scope.
// `null` means any valid key may call it.

const READ: Scope = 'contacts:read';
const WRITE: Scope = 'contacts:write';
const ADMIN: Scope = 'admin';

const MUTATION_SCOPES: Record<string, Scope | null> = {
  // contacts
  createContact: WRITE,
  createContacts: WRITE,
  updateContact: WRITE,
  deleteContact: WRITE,
  restoreContact: WRITE,
  purgeContact: WRITE,
  upsertContact: WRITE,
  upsertContacts: WRITE,
  mergeContacts: WRITE,
  recordInteraction: WRITE,
  // companies are contact data (createContact creates them by name)
  createCompany: WRITE,
  updateCompany: WRITE,
  deleteCompany: WRITE,
  // group membership is contact data; the groups themselves are configuration
  addContactsToGroup: WRITE,
  removeContactsFromGroup: WRITE,
  createGroup: ADMIN,
  updateGroup: ADMIN,
  deleteGroup: ADMIN,
  // custom field definitions and API keys: admin
  createCustomField: ADMIN,
  updateCustomField: ADMIN,
  deleteCustomField: ADMIN,
  createApiKey: ADMIN,
  revokeApiKey: ADMIN,
};

const QUERY_SCOPES: Record<string, Scope | null> = {
  viewer: null,
  node: READ,
  nodes: READ,
  contact: READ,
  contacts: READ,
  contactChanges: READ,
  company: READ,
  companies: READ,
  group: READ,
  groups: READ,
  // federation: a gateway forwards the client's key; entities are contact data
  _entities: READ,
  // the subgraph's SDL is public knowledge (schema.graphql is committed)
  _service: null,
};

const SUBSCRIPTION_SCOPES: Record<string, Scope | null> = {
  contactChanged: READ,
};

const SCOPE_SETS: Record<string, Scope[]> = {
  'no scope': [],
  'contacts:read': ['contacts:read'],
  'contacts:write': ['contacts:write'],
  'contacts:sensitive': ['contacts:sensitive'],
  admin: ['admin'],
  'read+write': ['contacts:read', 'contacts:write'],
  all: [...SCOPES],
};

const UNKNOWN_UUID = '01890000-0000-7000-8000-000000000000';
const PREFIX: Record<string, string> = { Contact: 'con', Company: 'com', Group: 'grp', CustomField: 'fld', User: 'usr' };
/** a well-formed id no row has (the auth check is what is tested, not the lookup) */
const nonexistentId = (path: string[]) => {
  const last = path.at(-1) ?? '';
  const kind = /group/i.test(last) ? 'Group' : /compan/i.test(last) ? 'Company' : /field/i.test(last) ? 'CustomField' : 'Contact';
  return `${PREFIX[kind]}_${UNKNOWN_UUID}`;
};

const h = await createHarness();
const callers: Record<string, Caller> = {};
for (const [name, scopes] of Object.entries(SCOPE_SETS)) callers[name] = await h.organization({ scopes });

/** `{ __typename }` for a composite result, nothing for a leaf. */
const minimalSelection = (type: Parameters<typeof getNamedType>[0]) => (isLeafType(getNamedType(type)) ? '' : '{ __typename }');

async function forbiddenFor(caller: Caller, operation: 'query' | 'mutation', fieldName: string) {
  const root = operation === 'query' ? schema.getQueryType()! : schema.getMutationType()!;
  const field = root.getFields()[fieldName]!;
  const call = minimalCall(field, nonexistentId);
  const res = await caller.gql(`${operation} Probe${call.declarations} { ${fieldName}${call.args} ${minimalSelection(field.type)} }`, call.variables);
  const forbidden = (res.errors ?? []).some((e) => e.extensions?.code === 'FORBIDDEN' && e.path?.[0] === fieldName);
  const other = (res.errors ?? []).filter((e) => e.extensions?.code !== 'FORBIDDEN' && e.extensions?.code !== 'BAD_USER_INPUT');
  return { forbidden, status: res.status, other: other.map((e) => `${e.extensions?.code ?? '(no code)'}: ${e.message}`) };
}

function matrixFor(operation: 'query' | 'mutation', table: Record<string, Scope | null>) {
  const root = operation === 'query' ? schema.getQueryType()! : schema.getMutationType()!;
  const fields = Object.keys(root.getFields());

  it(`lists every ${operation} field of the schema in the scope table`, () => {
    const missing = fields.filter((name) => !(name in table)).map((name) => `add ${name} to the ${operation} scope table`);
    expect(missing).toEqual([]);
  });

  it(`answers FORBIDDEN exactly when the key lacks the ${operation} field's scope`, async () => {
    const mismatches: string[] = [];
    for (const name of fields.filter((f) => f in table)) {
      const needed = table[name]!;
      for (const [setName, scopes] of Object.entries(SCOPE_SETS)) {
        const expected = needed !== null && !scopes.includes(needed);
        const { forbidden, status, other } = await forbiddenFor(callers[setName]!, operation, name);
        if (forbidden !== expected) {
          mismatches.push(`${name} with [${setName}]: ${forbidden ? 'FORBIDDEN' : 'allowed'}, expected ${expected ? 'FORBIDDEN' : `allowed (needs ${needed ?? 'any key'})`}`);
        }
        if (status >= 500 || other.some((o) => o.includes('Unexpected error'))) mismatches.push(`${name} with [${setName}]: HTTP ${status} ${other.join('; ')}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
}

describe('scopes: mutations', () => matrixFor('mutation', MUTATION_SCOPES));
describe('scopes: queries', () => matrixFor('query', QUERY_SCOPES));

describe('scopes: the contactChanged subscription (Server-Sent Events)', () => {
  const SUBSCRIPTION = 'subscription { contactChanged { changeType contactId contact { fullName ssn } } }';
  const appFetch = (input: string, init: RequestInit) => Promise.resolve(h.app.fetch(input, init));

  it('lists every subscription field in the scope table', () => {
    const fields = Object.keys(schema.getSubscriptionType()?.getFields() ?? {});
    expect(fields.filter((name) => !(name in SUBSCRIPTION_SCOPES)).map((name) => `add ${name} to the subscription scope table`)).toEqual([]);
  });

  for (const [setName, scopes] of Object.entries(SCOPE_SETS)) {
    const allowed = scopes.includes(READ);
    it(`${allowed ? 'streams' : 'refuses'} contactChanged for a key with [${setName}]`, async () => {
      const caller = callers[setName]!;
      // a second key of the same organisation, to cause a change the subscriber may see
      const { key: writerKey } = await createApiKey(h.db.prisma, { organizationId: caller.organizationId, userId: caller.userId, scopes: [...SCOPES] });
      const sub = await subscribe(appFetch, 'http://test/graphql', caller.key, SUBSCRIPTION);
      try {
        if (!allowed) {
          const [event] = await sub.waitFor(1);
          expect(event.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
          expect(event.data ?? null).toBeNull();
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
        const created = await h.request(
          { query: 'mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } } }', variables: { input: { firstName: 'Sub', lastName: setName, ssn: '078-05-1120' } } },
          { authorization: `Bearer ${writerKey}` },
        );
        const id = created.data.createContact.contact.id;
        const [event] = await sub.waitFor(1);
        expect(event.data.contactChanged).toMatchObject({ changeType: 'CREATED', contactId: id, contact: { fullName: `Sub ${setName}` } });
        if (scopes.includes('contacts:sensitive')) {
          expect(event.errors).toBeUndefined();
          expect(event.data.contactChanged.contact.ssn).toBe('078-05-1120');
        } else {
          expect(event.data.contactChanged.contact.ssn).toBeNull();
          expect(event.errors?.map((e: any) => [e.extensions?.code, e.path?.at(-1)])).toEqual([['FORBIDDEN', 'ssn']]);
        }
      } finally {
        sub.close();
      }
    });
  }
});

describe('scopes: ssn needs contacts:sensitive, and only ssn is withheld', () => {
  const CONTACT = 'query($id: ID!) { contact(by: { id: $id }) { id fullName email ssn } }';
  const LIST = '{ contacts(first: 10) { edges { node { id fullName ssn } } } }';

  it('answers ssn null with one FORBIDDEN error on that field, the other fields present', async () => {
    const org = await h.organization({ scopes: ['contacts:read', 'contacts:write'] });
    // writing ssn needs contacts:sensitive: a second key of the organisation writes it
    const { key: writer } = await createApiKey(h.db.prisma, { organizationId: org.organizationId, userId: org.userId, scopes: [...SCOPES] });
    const created = await h.request({
      query: 'mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } userErrors { code } } }',
      variables: { input: { firstName: 'Sensitive', lastName: 'Person', email: 'sensitive@x.example', ssn: '078-05-1120' } },
    }, { authorization: `Bearer ${writer}` });
    expect(created.data.createContact.userErrors).toEqual([]);
    const id = created.data.createContact.contact.id;

    const one = await org.gql(CONTACT, { id });
    expect(one.status).toBe(200);
    expect(one.data.contact).toEqual({ id, fullName: 'Sensitive Person', email: 'sensitive@x.example', ssn: null });
    expect(one.errors?.map((e) => ({ code: e.extensions?.code, path: e.path }))).toEqual([{ code: 'FORBIDDEN', path: ['contact', 'ssn'] }]);

    const list = await org.gql(LIST);
    expect(list.data.contacts.edges).toEqual([{ node: { id, fullName: 'Sensitive Person', ssn: null } }]);
    expect(list.errors?.map((e) => ({ code: e.extensions?.code, path: e.path }))).toEqual([{ code: 'FORBIDDEN', path: ['contacts', 'edges', 0, 'node', 'ssn'] }]);

    // the same through a mutation payload and node(id)
    const viaNode = await org.gql('query($id: ID!) { node(id: $id) { ... on Contact { fullName ssn } } }', { id });
    expect(viaNode.data.node).toEqual({ fullName: 'Sensitive Person', ssn: null });
    expect(viaNode.errors?.map((e) => e.path?.at(-1))).toEqual(['ssn']);
    const viaPayload = await org.gql('mutation($input: UpdateContactInput!) { updateContact(input: $input) { contact { lastName ssn } userErrors { code } } }', {
      input: { id, patch: { lastName: 'Renamed' } },
    });
    expect(viaPayload.data.updateContact).toEqual({ contact: { lastName: 'Renamed', ssn: null }, userErrors: [] });
    expect(viaPayload.errors?.map((e) => [e.extensions?.code, e.path?.at(-1)])).toEqual([['FORBIDDEN', 'ssn']]);

    // with contacts:sensitive the value is there and nothing is refused
    const { key } = await createApiKey(h.db.prisma, { organizationId: org.organizationId, userId: org.userId, scopes: ['contacts:read', 'contacts:sensitive'] });
    const sensitive = await h.request({ query: CONTACT, variables: { id } }, { authorization: `Bearer ${key}` });
    expect(sensitive.errors).toBeUndefined();
    expect(sensitive.data.contact.ssn).toBe('078-05-1120');
  });

  it('contacts:sensitive alone does not grant reading contacts', async () => {
    const res = await callers['contacts:sensitive']!.gql(LIST);
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(res.data ?? null).toBeNull();
  });
});

describe('scopes: federation entities are contact data', () => {
  it('refuses _entities to a key without contacts:read (no contact data through the gateway path)', async () => {
    const caller = callers['admin']!;
    const { key } = await createApiKey(h.db.prisma, { organizationId: caller.organizationId, userId: caller.userId, scopes: [...SCOPES] });
    const created = await h.request(
      { query: 'mutation { createContact(input: { firstName: "Entity", lastName: "Leak", email: "entity@leak.example" }) { contact { id } } }' },
      { authorization: `Bearer ${key}` },
    );
    const id = created.data.createContact.contact.id;
    const res = await caller.gql('query($r: [_Any!]!) { _entities(representations: $r) { ... on Contact { id fullName email } } }', {
      r: [{ __typename: 'Contact', id }],
    });
    expect(res.data?._entities ?? null).toBeNull();
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

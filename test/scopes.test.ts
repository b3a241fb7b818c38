import { getNamedType, type GraphQLOutputType, isLeafType, isNonNullType, isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SCOPES, type Scope } from '../src/tenant/tenant.js';
import { encodeId } from '../src/modules/common/ids.js';
import { DEFAULT_LIMITS } from '../src/graphql/limits.js';
import { schema } from '../src/graphql/schema.js';
import { createApiKey } from '../src/modules/api-key/api-key.js';
import { createLogger } from '../src/logger.js';
import { createApp } from '../src/yoga.js';
import { fullSelection, idKindOf, minimalCall } from './support/fuzz.js';
import type { TadaDocumentNode } from 'gql.tada';
import { type Caller, createHarness, type GraphQLResponse } from './support/harness.js';
import { subscribe } from './support/sse.js';
import { documentText, graphql, type TextMutationData } from './support/graphql.js';

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
  'all but contacts:read': SCOPES.filter((s) => s !== 'contacts:read'),
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
  const SUBSCRIPTION = graphql('subscription { contactChanged { changeType contactId contact { fullName ssn } } }');
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
          expect(event!.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
          expect(event!.data ?? null).toBeNull();
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
        const created = await h.request(
          { query: graphql('mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } } }'), variables: { input: { firstName: 'Sub', lastName: setName, ssn: '078-05-1120' } } },
          { authorization: `Bearer ${writerKey}` },
        );
        const id = created.data!.createContact.contact!.id;
        const [event] = await sub.waitFor(1);
        expect(event!.data!.contactChanged).toMatchObject({ changeType: 'CREATED', contactId: id, contact: { fullName: `Sub ${setName}` } });
        if (scopes.includes('contacts:sensitive')) {
          expect(event!.errors).toBeUndefined();
          expect(event!.data!.contactChanged.contact!.ssn).toBe('078-05-1120');
        } else {
          expect(event!.data!.contactChanged.contact!.ssn).toBeNull();
          expect(event!.errors?.map((e: { extensions?: { code?: string }; path?: (string | number)[] }) => [e.extensions?.code, e.path?.at(-1)])).toEqual([['FORBIDDEN', 'ssn']]);
        }
      } finally {
        sub.close();
      }
    });
  }
});

describe('scopes: ssn needs contacts:sensitive, and only ssn is withheld', () => {
  const CONTACT = graphql('query($id: ID!) { contact(by: { id: $id }) { id fullName email ssn } }');
  const LIST = graphql('{ contacts(first: 10) { edges { node { id fullName ssn } } } }');

  it('answers ssn null with one FORBIDDEN error on that field, the other fields present', async () => {
    const org = await h.organization({ scopes: ['contacts:read', 'contacts:write'] });
    // writing ssn needs contacts:sensitive: a second key of the organisation writes it
    const { key: writer } = await createApiKey(h.db.prisma, { organizationId: org.organizationId, userId: org.userId, scopes: [...SCOPES] });
    const created = await h.request({
      query: graphql('mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } userErrors { code } } }'),
      variables: { input: { firstName: 'Sensitive', lastName: 'Person', email: 'sensitive@x.example', ssn: '078-05-1120' } },
    }, { authorization: `Bearer ${writer}` });
    expect(created.data!.createContact.userErrors).toEqual([]);
    const id = created.data!.createContact.contact!.id;

    const one = await org.gql(CONTACT, { id });
    expect(one.status).toBe(200);
    expect(one.data!.contact).toEqual({ id, fullName: 'Sensitive Person', email: 'sensitive@x.example', ssn: null });
    expect(one.errors?.map((e) => ({ code: e.extensions?.code, path: e.path }))).toEqual([{ code: 'FORBIDDEN', path: ['contact', 'ssn'] }]);

    const list = await org.gql(LIST);
    expect(list.data!.contacts.edges).toEqual([{ node: { id, fullName: 'Sensitive Person', ssn: null } }]);
    expect(list.errors?.map((e) => ({ code: e.extensions?.code, path: e.path }))).toEqual([{ code: 'FORBIDDEN', path: ['contacts', 'edges', 0, 'node', 'ssn'] }]);

    // the same through a mutation payload and node(id)
    const viaNode = await org.gql(graphql('query($id: ID!) { node(id: $id) { ... on Contact { fullName ssn } } }'), { id });
    expect(viaNode.data!.node).toEqual({ fullName: 'Sensitive Person', ssn: null });
    expect(viaNode.errors?.map((e) => e.path?.at(-1))).toEqual(['ssn']);
    const viaPayload = await org.gql(graphql('mutation($input: UpdateContactInput!) { updateContact(input: $input) { contact { lastName ssn } userErrors { code } } }'), {
      input: { id, patch: { lastName: 'Renamed' } },
    });
    expect(viaPayload.data!.updateContact).toEqual({ contact: { lastName: 'Renamed', ssn: null }, userErrors: [] });
    expect(viaPayload.errors?.map((e) => [e.extensions?.code, e.path?.at(-1)])).toEqual([['FORBIDDEN', 'ssn']]);

    // with contacts:sensitive the value is there and nothing is refused
    const { key } = await createApiKey(h.db.prisma, { organizationId: org.organizationId, userId: org.userId, scopes: ['contacts:read', 'contacts:sensitive'] });
    const sensitive = await h.request({ query: CONTACT, variables: { id } }, { authorization: `Bearer ${key}` });
    expect(sensitive.errors).toBeUndefined();
    expect(sensitive.data!.contact!.ssn).toBe('078-05-1120');
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
      { query: graphql('mutation { createContact(input: { firstName: "Entity", lastName: "Leak", email: "entity@leak.example" }) { contact { id } } }') },
      { authorization: `Bearer ${key}` },
    );
    const id = created.data!.createContact.contact!.id;
    const res = await caller.gql<{ _entities: unknown }>('query($r: [_Any!]!) { _entities(representations: $r) { ... on Contact { id fullName email } } }', {
      r: [{ __typename: 'Contact', id }],
    });
    expect(res.data?._entities ?? null).toBeNull();
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

// Reading is checked on the types themselves, not only on the root fields: a key without
// contacts:read reaches contacts, companies, groups and custom fields through every mutation
// payload too, and must get their ids and userErrors only.

/** In every seeded string: neither an id (hex) nor a schema name holds it. */
const MARK = 'qx7';
const SEEDED_SSN = '078-05-1120';
const carriesSeededData = (res: unknown) => {
  const text = JSON.stringify(res).toLowerCase();
  return text.includes(MARK) || text.includes(SEEDED_SSN);
};
const NO_READ = SCOPE_SETS['all but contacts:read']!;

/** Types a payload may show in full to a key without contacts:read: the payloads themselves and their per-item results. */
const ENVELOPES = new Set([
  ...Object.values(schema.getMutationType()!.getFields()).map((f) => getNamedType(f.type).name),
  'CreateContactsResult', 'UpsertContactsResult', 'CompanyResolution', 'UserError',
]);
/** What such a key still sees of contact data: ids, and of a merge conflict which source and field conflicted. */
const WITHOUT_READ: Record<string, string[]> = { MergeConflict: ['__typename', 'sourceId', 'field'] };
const visibleWithoutRead = (typename: string, field: string) => (WITHOUT_READ[typename] ?? ['__typename', 'id']).includes(field);

/** `typename.field` of every non-null value of contact data (not an envelope, not an id) in a response. */
function contactDataIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item) => contactDataIn(item, found));
  else if (value && typeof value === 'object') {
    const typename = (value as { __typename?: string }).__typename;
    for (const [key, inner] of Object.entries(value)) {
      if (typename && !ENVELOPES.has(typename) && !visibleWithoutRead(typename, key) && inner !== null) found.push(`${typename}.${key}`);
      contactDataIn(inner, found);
    }
  }
  return found;
}

/** The selection a write-only sync client makes: the payload's own fields, userErrors, and ids of what it wrote. */
function writeOnlySelection(type: GraphQLOutputType): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  if (!isObjectType(named)) return '{ __typename }';
  const fields = Object.values(named.getFields()).filter((f) => f.args.every((a) => !isNonNullType(a.type)));
  const chosen = ENVELOPES.has(named.name) ? fields : fields.filter((f) => visibleWithoutRead(named.name, f.name));
  return `{ __typename ${chosen.map((f) => `${f.name} ${writeOnlySelection(f.type)}`.trim()).join(' ')} }`;
}

// Selecting a payload in full goes far past the query limits, which are not under test here.
const unlimited = createApp({ db: h.db, log: createLogger('silent'), limits: { ...DEFAULT_LIMITS, depth: 50, tokens: 1_000_000, cost: 1_000_000_000, aliases: 1000 } });
/** An answer's body: `data` untyped, as the operations sent here are built from the live schema. */
type GraphQLBody = Omit<GraphQLResponse<TextMutationData>, 'status' | 'headers'>;

async function send(key: string, query: string, variables?: Record<string, unknown>): Promise<GraphQLBody> {
  const response = await unlimited.fetch('http://test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  return response.json() as Promise<GraphQLBody>;
}

interface World {
  owner: Caller;
  /** a key of the organisation with every scope but contacts:read */
  noRead: string;
  alice: string;
  bob: string;
  company: string;
  group: string;
  field: string;
}

/** An organisation with two contacts of one company and one group, a custom value, an ssn: every string holds MARK. */
async function seedWorld(): Promise<World> {
  const owner = await h.organization();
  const ok = async <Data extends Record<string, { userErrors: unknown[] }>, Input>(query: TadaDocumentNode<Data, { input: Input }>, input: Input) => {
    const res = await owner.gql(query, { input });
    const [payload] = Object.values(res.data ?? {}) as Data[keyof Data][];
    expect(res.errors ?? payload!.userErrors).toEqual([]);
    return payload;
  };
  const group = (await ok(graphql('mutation($input: CreateGroupInput!) { createGroup(input: $input) { group { id } userErrors { code } } }'), { name: 'Qx7 Members' }))!.group!.id;
  const field = (await ok(graphql('mutation($input: CreateCustomFieldInput!) { createCustomField(input: $input) { customField { id } userErrors { code } } }'), { groupId: group, name: 'Qx7 Notes', type: 'TEXT' }))!.customField!.id;
  const CREATE = graphql('mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id primaryCompany { id } } userErrors { code } } }');
  const alice = (await ok(CREATE, {
    firstName: 'Qx7alice', lastName: 'Qx7son', email: 'alice@qx7.example', ssn: SEEDED_SSN, tags: ['qx7-tag'], jobTitle: 'Qx7 buyer',
    companies: [{ company: { name: 'Qx7 Corp' } }], groups: [group], customFieldValues: [{ field, value: 'qx7 secret' }], externalRefs: [{ namespace: 'crm', externalId: 'qx7-a' }],
  }))!.contact;
  const bob = (await ok(CREATE, { firstName: 'Qx7bob', lastName: 'Qx7son', email: 'bob@qx7.example', birthday: '1980-01-02', companies: [{ company: { name: 'Qx7 Corp' } }], groups: [group] }))!.contact;
  const { key: noRead } = await createApiKey(h.db.prisma, { organizationId: owner.organizationId, userId: owner.userId, scopes: NO_READ });
  return { owner, noRead, alice: alice!.id, bob: bob!.id, company: alice!.primaryCompany!.id, group, field };
}

/** What a mutation needs done first to reach the seeded records. */
const PREPARE: Record<string, (world: World) => Promise<unknown>> = {
  restoreContact: (world) => world.owner.gql(graphql('mutation($id: ID!) { deleteContact(input: { id: $id }) { userErrors { code } } }'), { id: world.alice }),
};

/** The smallest call of a mutation, every id it takes aimed at the seeded records (merges fold bob into alice). */
function seededCall(mutation: string, world: World) {
  const field = schema.getMutationType()!.getFields()[mutation]!;
  const idFor = (path: string[]) => {
    const kind = idKindOf(mutation, path);
    if (kind === 'Contact') return /source/i.test(path.at(-1) ?? '') ? world.bob : world.alice;
    if (kind === 'Company') return world.company;
    if (kind === 'Group') return world.group;
    if (kind === 'CustomField') return world.field;
    return encodeId(kind, kind === 'User' ? world.owner.userId : world.owner.organizationId);
  };
  const call = minimalCall(field, idFor, { allIds: true });
  // a custom value names its field and holds a value; a new contact needs a name
  const completed = (value: unknown, named: boolean): unknown => {
    if (Array.isArray(value)) return value.map((item) => completed(item, named));
    if (!value || typeof value !== 'object') return value;
    const out = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'customFieldValues' ? [{ field: world.field, value: 'x' }] : completed(v, named)]));
    return named && 'customFieldValues' in out ? { firstName: 'x', ...out } : out;
  };
  return { ...call, variables: completed(call.variables, /^createContacts?$/.test(mutation)) as Record<string, unknown> };
}

const operationOf = (mutation: string, call: ReturnType<typeof minimalCall>, selection: string) =>
  `mutation Walk${call.declarations} { ${mutation}${call.args} ${selection} }`;

/** A response with ids, times and cursors blanked, to compare two organisations' answers. */
const ID = /\b(con|com|grp|fld|usr|org)_[0-9a-f-]{36}\b/g;
const TIME = /^\d{4}-\d\d-\d\dT[\d:.]+Z$/;
const OPAQUE = new Set(['etag', 'cursor', 'startCursor', 'endCursor']);
function blanked(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => blanked(item));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, blanked(v, k)]));
  if (typeof value !== 'string') return value;
  if (OPAQUE.has(key)) return '…';
  return TIME.test(value) ? 'TIME' : value.replace(ID, '$1_ID');
}

/** An organisation's data as a key with every scope reads it, blanked and in a stable order. */
async function snapshotOf(world: World) {
  const selection = fullSelection(schema, schema.getQueryType()!.getFields().contacts!.type, { pageSize: 100 });
  const res = await send(world.owner.key, `{ contacts(first: 100, filter: { includeDeleted: true }) ${selection} groups(first: 100) { edges { node { name contacts(first: 100) { totalCount } } } } }`);
  expect(res.errors).toBeUndefined();
  const data = blanked(res.data) as { contacts: { edges: unknown[] } };
  data.contacts.edges.sort((a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return data;
}

describe('scopes: every mutation payload withholds contact data from a key without contacts:read', () => {
  const mutations = Object.values(schema.getMutationType()!.getFields());
  /** payloads that answer an id only, whatever the key: what was deleted or purged */
  const IDS_ONLY = new Set(['purgeContact', 'deleteCompany', 'deleteGroup', 'deleteCustomField']);
  /** payloads of a record the call creates afresh, linked to nothing seeded */
  const FRESH = new Set(['createCompany', 'createGroup']);

  /** The mutation, seeded alike in two organisations: with a key lacking contacts:read in one, the owner's in the other. */
  async function callInTwoWorlds(name: string, selection: string) {
    const [denied, allowed] = await Promise.all([seedWorld(), seedWorld()]);
    for (const world of [denied, allowed]) await PREPARE[name]?.(world);
    const call = seededCall(name, denied);
    const withoutRead = await send(denied.noRead, operationOf(name, call, selection), call.variables);
    const allowedCall = seededCall(name, allowed);
    const withRead = await send(allowed.owner.key, operationOf(name, allowedCall, selection), allowedCall.variables);
    return { denied, allowed, withoutRead, withRead };
  }

  for (const mutation of mutations) {
    it(`${mutation.name}: the whole payload answers ids and userErrors only without contacts:read, and everything with it`, async () => {
      const selection = fullSelection(schema, mutation.type, { pageSize: 100 });
      const { denied, allowed, withoutRead, withRead } = await callInTwoWorlds(mutation.name, selection);

      expect(withoutRead.data?.[mutation.name], JSON.stringify(withoutRead.errors)).toBeTruthy();
      expect(contactDataIn(withoutRead.data)).toEqual([]);
      expect(carriesSeededData(withoutRead), JSON.stringify(withoutRead)).toBe(false);
      expect((withoutRead.errors ?? []).filter((e) => e.extensions?.code !== 'FORBIDDEN')).toEqual([]);
      // the same call with the scope: the payload did reach contact data, and the write answered the same userErrors
      expect(withRead.errors ?? []).toEqual([]);
      expect(blanked(withoutRead.data![mutation.name]!.userErrors)).toEqual(blanked(withRead.data![mutation.name]!.userErrors));
      expect(contactDataIn(withRead.data).length > 0, JSON.stringify(withRead).slice(0, 1500)).toBe(!IDS_ONLY.has(mutation.name));
      expect(carriesSeededData(withRead)).toBe(!IDS_ONLY.has(mutation.name) && !FRESH.has(mutation.name));
    });

    it(`${mutation.name}: a write-only client's selection answers the same as with contacts:read, and writes the same`, async () => {
      const selection = writeOnlySelection(mutation.type);
      const { denied, allowed, withoutRead, withRead } = await callInTwoWorlds(mutation.name, selection);
      expect(withRead.data![mutation.name]!.userErrors).toEqual([]);
      expect(withoutRead.errors).toBeUndefined();
      expect(blanked(withoutRead)).toEqual(blanked(withRead));
      expect(await snapshotOf(denied)).toEqual(await snapshotOf(allowed));
    });
  }
});

describe('scopes: the paths the attack used, with a write-only key (and an admin-only one)', () => {
  const keyOf = async (world: World, scopes: Scope[]) => (await createApiKey(h.db.prisma, { organizationId: world.owner.organizationId, userId: world.owner.userId, scopes })).key;
  /** sends as the key: a typed document types the answer; a text one (built per case) answers its payload by root field */
  function keyed(key: string) {
    function send<Data, Variables>(query: TadaDocumentNode<Data, Variables>, variables?: Variables): Promise<GraphQLResponse<Data>>;
    function send(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<TextMutationData>>;
    function send(query: string | TadaDocumentNode<unknown, unknown>, variables?: unknown): Promise<GraphQLResponse> {
      return h.request({ query: documentText(query), variables }, { authorization: `Bearer ${key}` });
    }
    return send;
  }
  const as = (key: string) => keyed(key);
  /** nothing but FORBIDDEN errors, each on a field, naming no data */
  const refusedReads = (res: { errors?: { path?: unknown[]; extensions?: Record<string, unknown> }[] }) => {
    expect(carriesSeededData(res)).toBe(false);
    expect(res.errors?.length).toBeGreaterThan(0);
    expect(res.errors!.filter((e) => e.extensions?.code !== 'FORBIDDEN' || !e.path)).toEqual([]);
  };
  const read = <Data, Variables>(world: World, query: TadaDocumentNode<Data, Variables>, variables?: Variables) => world.owner.gql(query, variables);

  it('a no-op upsertContact (NOOP) answers the id, not the contact, even for values the input repeats', async () => {
    const world = await seedWorld();
    const res = await as(await keyOf(world, ['contacts:write']))(
      graphql('mutation($input: UpsertContactInput!) { upsertContact(input: $input) { action contact { id firstName email jobTitle } changedFields userErrors { code } } }'),
      { input: { by: { email: 'alice@qx7.example' }, firstName: 'Qx7alice' } },
    );
    expect(res.data!.upsertContact).toEqual({ action: 'NOOP', contact: { id: world.alice, firstName: null, email: null, jobTitle: null }, changedFields: [], userErrors: [] });
    refusedReads(res);
    expect(res.errors!.map((e) => e.message).sort()).toEqual(['email', 'firstName', 'jobTitle'].map((f) => `Contact.${f} needs the contacts:read scope, which the API key lacks.`));
  });

  it('updateContact writes, and answers the id only', async () => {
    const world = await seedWorld();
    const res = await as(await keyOf(world, ['contacts:write']))(
      graphql('mutation($input: UpdateContactInput!) { updateContact(input: $input) { contact { id fullName email tags } changedFields userErrors { code } } }'),
      { input: { id: world.alice, patch: { jobTitle: 'Buyer' } } },
    );
    // tags is non-null: its refusal takes the contact with it
    expect(res.data!.updateContact).toEqual({ contact: null, changedFields: ['jobTitle'], userErrors: [] });
    refusedReads(res);
    expect((await read(world, graphql('query($id: ID!) { contact(by: { id: $id }) { jobTitle } }'), { id: world.alice })).data!.contact).toEqual({ jobTitle: 'Buyer' });
  });

  it('deleteContact and restoreContact answer the id only', async () => {
    const world = await seedWorld();
    const writer = as(await keyOf(world, ['contacts:write']));
    const deleted = await writer(graphql('mutation($id: ID!) { deleteContact(input: { id: $id }) { contact { id fullName deletedAt } userErrors { code } } }'), { id: world.alice });
    expect(deleted.data!.deleteContact).toEqual({ contact: { id: world.alice, fullName: null, deletedAt: null }, userErrors: [] });
    refusedReads(deleted);
    const restored = await writer(graphql('mutation($id: ID!) { restoreContact(input: { id: $id }) { contact { id fullName email } userErrors { code } } }'), { id: world.alice });
    expect(restored.data!.restoreContact).toEqual({ contact: { id: world.alice, fullName: null, email: null }, userErrors: [] });
    refusedReads(restored);
  });

  it('recordInteraction records, and answers the id only', async () => {
    const world = await seedWorld();
    const res = await as(await keyOf(world, ['contacts:write']))(
      graphql('mutation($id: ID!) { recordInteraction(input: { contactId: $id }) { contact { id fullName } userErrors { code } } }'),
      { id: world.alice },
    );
    expect(res.data!.recordInteraction).toEqual({ contact: { id: world.alice, fullName: null }, userErrors: [] });
    refusedReads(res);
    const stats = await read(world, graphql('query($id: ID!) { contact(by: { id: $id }) { interactionMetadata { workspace { approximateCount } } } }'), { id: world.alice });
    expect(stats.data!.contact!.interactionMetadata.workspace.approximateCount).toBe(1);
  });

  it('mergeContacts(dryRun: true) shows which fields conflict, never their values', async () => {
    const world = await seedWorld();
    const res = await as(await keyOf(world, ['contacts:write']))(
      graphql('mutation($input: MergeContactsInput!) { mergeContacts(input: $input) { contact { id firstName } mergedIds dryRun conflicts { sourceId field kept discarded } userErrors { code } } }'),
      { input: { targetId: world.alice, sourceIds: [world.bob], dryRun: true } },
    );
    const payload = res.data!.mergeContacts;
    expect(payload).toMatchObject({ contact: { id: world.alice, firstName: null }, mergedIds: [world.bob], dryRun: true, userErrors: [] });
    expect(payload.conflicts.map((c: { field: string }) => c.field)).toContain('firstName');
    expect(payload.conflicts.every((c: { sourceId: string; kept: unknown; discarded: unknown }) => c.sourceId === world.bob && c.kept === null && c.discarded === null)).toBe(true);
    refusedReads(res);
    // nothing was merged
    expect((await read(world, graphql('query($id: ID!) { contact(by: { id: $id }) { id } }'), { id: world.bob })).data!.contact).toEqual({ id: world.bob });
  });

  it.each([
    {
      title: "a no-op updateCompany does not list the company's contacts",
      scopes: [WRITE],
      mutation: 'mutation($id: ID!) { updateCompany(input: { id: $id }) { company { id contacts(first: 100) { totalCount edges { node { id email } } } } userErrors { code } } }',
      variables: (world: World) => ({ id: world.company }),
      payload: 'updateCompany',
      parent: 'company',
      hidden: (world: World) => world.bob,
    },
    {
      title: 'addContactsToGroup does not list the group members',
      scopes: [WRITE],
      mutation:
        'mutation($input: AddContactsToGroupInput!) { addContactsToGroup(input: $input) { group { id contacts(first: 100) { edges { node { id fullName } } } } userErrors { code } } }',
      variables: (world: World) => ({ input: { groupId: world.group, contactIds: [world.alice] } }),
      payload: 'addContactsToGroup',
      parent: 'group',
      hidden: (world: World) => world.bob,
    },
    {
      title: 'an admin-only key renaming a group to its own name does not list its members',
      scopes: [ADMIN],
      mutation: 'mutation($input: UpdateGroupInput!) { updateGroup(input: $input) { group { id contacts(first: 100) { edges { node { id fullName } } } } userErrors { code } } }',
      variables: (world: World) => ({ input: { id: world.group, name: 'Qx7 Members' } }),
      payload: 'updateGroup',
      parent: 'group',
      hidden: (world: World) => world.alice,
    },
  ])('$title', async ({ scopes, mutation, variables, payload, parent, hidden }) => {
    const world = await seedWorld();
    const res = await as(await keyOf(world, scopes))(mutation, variables(world));
    expect(res.data![payload]).toEqual({ [parent]: null, userErrors: [] });
    expect(JSON.stringify(res)).not.toContain(hidden(world));
    refusedReads(res);
  });

  it('contactChanged refuses a key with every scope but contacts:read, before any event', async () => {
    const world = await seedWorld();
    const sub = await subscribe((input, init) => Promise.resolve(h.app.fetch(input, init)), 'http://test/graphql', world.noRead, graphql('subscription { contactChanged { contactId contact { id fullName email } } }'));
    try {
      await world.owner.gql(graphql('mutation($input: UpdateContactInput!) { updateContact(input: $input) { userErrors { code } } }'), { input: { id: world.alice, patch: { jobTitle: 'Qx7 changed' } } });
      const [event] = await sub.waitFor(1);
      expect(event!.data ?? null).toBeNull();
      expect(event!.errors!.map((e: { extensions?: { code?: string } }) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      expect(carriesSeededData(event)).toBe(false);
    } finally {
      sub.close();
    }
  });

  it('_entities refuses contacts, companies and groups to a key with every scope but contacts:read', async () => {
    const world = await seedWorld();
    const res = await as(world.noRead)(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Contact { id fullName } ... on Company { id name } ... on Group { id name } } }',
      { r: [{ __typename: 'Contact', id: world.alice }, { __typename: 'Company', id: world.company }, { __typename: 'Group', id: world.group }] },
    );
    expect(res.data?._entities ?? null).toBeNull();
    refusedReads(res);
  });
});

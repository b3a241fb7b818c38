import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import httpTransport from '@graphql-mesh/transport-http';
import { composeServices } from '@theguild/federation-composition';
import { buildSchema, type GraphQLObjectType, parse } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { createDealsSubgraph, DEALS_SDL, type Deal } from './support/deals-subgraph.js';
import { createHarness } from './support/harness.js';
import { listenOnLoopback } from './support/http-server.js';
import { graphql } from './support/graphql.js';

// contactgraph as one subgraph of a supergraph: a second subgraph (deals) points at its contacts
// and adds `Contact.deals`; an in-process Hive gateway joins them over real HTTP on loopback.

// The owner's key stays warm for the whole file (by default a cache entry lives
// KEY_CACHE_TTL_MS): the statements compared below do not depend on the time between requests.
const h = await createHarness({ apiKeyCache: { ttlMs: 60 * 60_000 } });
const owner = await h.organization();
const stranger = await h.organization();

const CREATE = graphql(`mutation($input: CreateContactInput!) {
  createContact(input: $input) { contact { id } userErrors { code field message } }
}`);

async function createContact(caller: typeof owner, input: Record<string, unknown>): Promise<string> {
  const res = await caller.gql(CREATE, { input });
  expect(res.errors).toBeUndefined();
  expect(res.data!.createContact.userErrors).toEqual([]);
  return res.data!.createContact.contact!.id;
}

const ada = await createContact(owner, {
  firstName: 'Ada',
  lastName: 'Lovelace',
  tags: ['dealmaker'],
  companies: [{ company: { name: 'Analytical Engines' } }, { company: { name: 'Babbage & Co' } }],
});
const grace = await createContact(owner, { firstName: 'Grace', lastName: 'Hopper', tags: ['dealmaker'] });
const theirs = await createContact(stranger, { firstName: 'Not', lastName: 'Yours' });
const binned = await createContact(owner, { firstName: 'In', lastName: 'Bin' });
const binning = await owner.gql(graphql('mutation($input: DeleteContactInput!) { deleteContact(input: $input) { userErrors { code } } }'), { input: { id: binned } });
expect(binning.data!.deleteContact.userErrors).toEqual([]);
const missing = 'con_01890000-0000-7000-8000-000000000000';
const contactIds: string[] = [];
for (let i = 0; i < 20; i += 1) contactIds.push(await createContact(owner, { firstName: `Entity${i}`, lastName: 'Batch' }));

const deals: Deal[] = [
  { id: 'deal-1', title: 'Engine licence', amount: 1200, contactId: ada },
  { id: 'deal-2', title: 'Support plan', amount: 300, contactId: ada },
  { id: 'deal-3', title: 'Compiler', amount: 5000, contactId: grace },
  { id: 'deal-4', title: 'Someone else’s lead', amount: 10, contactId: theirs },
  { id: 'deal-5', title: 'Binned lead', amount: 20, contactId: binned },
  { id: 'deal-6', title: 'Typo', amount: 30, contactId: 'con_not-a-uuid' },
  { id: 'deal-7', title: 'Gone', amount: 40, contactId: missing },
];

const contactgraph = await listenOnLoopback(h.app);
// The deals subgraph asks contactgraph which of its contacts the caller may see (see deals-subgraph.ts).
const dealsServer = await listenOnLoopback(createDealsSubgraph(deals, `${contactgraph.origin}/graphql`));

// The gateway's view of contactgraph: its subgraph SDL, read with an API key.
const serviceResponse = await fetch(`${contactgraph.origin}/graphql`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.key}` },
  body: JSON.stringify({ query: '{ _service { sdl } }' }),
});
const contactgraphSdl: string = ((await serviceResponse.json()) as { data: { _service: { sdl: string } } }).data._service.sdl;

const composition = composeServices([
  { name: 'contactgraph', typeDefs: parse(contactgraphSdl), url: `${contactgraph.origin}/graphql` },
  { name: 'deals', typeDefs: parse(DEALS_SDL), url: `${dealsServer.origin}/graphql` },
]);

// The suite runs with LOG_LEVEL=silent (pino's name); Hive's logger throws on any level it does
// not know, whenever one is created (also per request), so give it one of its own for this file.
const logLevel = process.env.LOG_LEVEL;
process.env.LOG_LEVEL = 'error';
const gateway = createGatewayRuntime({
  supergraph: composition.supergraphSdl ?? '',
  transports: { http: httpTransport },
  logging: false,
  // The caller's API key decides the organisation in contactgraph: pass it on to every subgraph.
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => ({ authorization: request.headers.get('authorization') }),
  },
});
const gatewayServer = await listenOnLoopback(gateway);

afterAll(async () => {
  await gatewayServer.close();
  await gateway.dispose();
  await dealsServer.close();
  await contactgraph.close();
  if (logLevel === undefined) delete process.env.LOG_LEVEL;
  else process.env.LOG_LEVEL = logLevel;
});

/** A client of the gateway, over HTTP, as a front end would call it. */
async function viaGateway<Data = unknown>(query: string, variables?: Record<string, unknown>, key: string | null = owner.key) {
  const response = await fetch(`${gatewayServer.origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as {
    data?: Data;
    errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  };
  return { status: response.status, ...body };
}

describe('composition', () => {
  it('composes contactgraph’s subgraph SDL with another subgraph without errors', () => {
    expect(composition.errors ?? []).toEqual([]);
    expect(composition.supergraphSdl).toContain('type Deal');
    const contact = buildSchema(composition.publicSdl!).getType('Contact') as GraphQLObjectType;
    expect(contact.getInterfaces().map((i) => i.name)).toEqual(['Node']);
    expect(String(contact.getFields().deals?.type)).toBe('[Deal!]!');
  });
});

describe('through the gateway', () => {
  it('answers a deal with its contact’s name and companies from contactgraph', async () => {
    const res = await viaGateway<{ deals: { id: string; contact: unknown }[] }>(`{
      deals(ids: ["deal-1", "deal-3"]) { id title amount contact { id fullName companies { company { name } } } }
    }`);
    expect(res.errors).toBeUndefined();
    const byId = Object.fromEntries(res.data!.deals.map((deal) => [deal.id, deal]));
    expect(byId['deal-1']).toEqual({
      id: 'deal-1',
      title: 'Engine licence',
      amount: 1200,
      contact: {
        id: ada,
        fullName: 'Ada Lovelace',
        companies: [{ company: { name: 'Analytical Engines' } }, { company: { name: 'Babbage & Co' } }],
      },
    });
    expect(byId['deal-3']!.contact).toEqual({ id: grace, fullName: 'Grace Hopper', companies: [] });
  });

  it('answers a contact from contactgraph with its deals from the deals subgraph', async () => {
    const res = await viaGateway<{ contact: unknown }>(
      `query($id: ID!) { contact(by: { id: $id }) { id fullName deals { title amount } } }`,
      { id: ada },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.contact).toEqual({
      id: ada,
      fullName: 'Ada Lovelace',
      deals: [
        { title: 'Engine licence', amount: 1200 },
        { title: 'Support plan', amount: 300 },
      ],
    });
  });

  it('joins a page of contactgraph’s contacts with their deals', async () => {
    const res = await viaGateway<{ contacts: unknown }>(`{
      contacts(first: 10, filter: { tags: ["dealmaker"] }, orderBy: { field: LAST_NAME, direction: ASC }) {
        pageInfo { hasNextPage }
        edges { node { fullName deals { title } } }
      }
    }`);
    expect(res.errors).toBeUndefined();
    expect(res.data!.contacts).toEqual({
      pageInfo: { hasNextPage: false },
      edges: [
        { node: { fullName: 'Grace Hopper', deals: [{ title: 'Compiler' }] } },
        { node: { fullName: 'Ada Lovelace', deals: [{ title: 'Engine licence' }, { title: 'Support plan' }] } },
      ],
    });
  });

  it('answers null for a contact of another organisation, in the bin, missing or malformed, and never its data', async () => {
    // contactgraph's _entities answers null for such a reference, but a gateway keeps the object
    // the deals subgraph returned and only nulls the fields it asked contactgraph for; so the
    // deals subgraph answers null itself for a contact contactgraph does not show the caller.
    const names = await viaGateway<{ deals: unknown[] }>('{ deals(ids: ["deal-1", "deal-4", "deal-5", "deal-6", "deal-7"]) { id contact { id fullName } } }');
    expect(names.errors).toBeUndefined();
    expect(names.data!.deals).toEqual([
      { id: 'deal-1', contact: { id: ada, fullName: 'Ada Lovelace' } },
      { id: 'deal-4', contact: null },
      { id: 'deal-5', contact: null },
      { id: 'deal-6', contact: null },
      { id: 'deal-7', contact: null },
    ]);
    // With a non-null field of contactgraph's (companies) too: null, and no error.
    const res = await viaGateway<{ deals: { id: string; contact: { fullName: string | null } | null }[] }>('{ deals { id contact { id fullName companies { company { name } } } } }');
    expect(res.errors).toBeUndefined();
    const byId = Object.fromEntries(res.data!.deals.map((deal) => [deal.id, deal]));
    for (const id of ['deal-4', 'deal-5', 'deal-6', 'deal-7']) expect(byId[id]).toEqual({ id, contact: null });
    expect(byId['deal-1']!.contact!.fullName).toBe('Ada Lovelace');
    expect(JSON.stringify([names, res])).not.toMatch(/Yours|Bin/);

    // The other organisation sees its own contact and none of the owner's.
    const mine = await viaGateway<{ deals: { id: string; contact?: { fullName: string | null } | null }[] }>('{ deals { id contact { fullName } } }', undefined, stranger.key);
    expect(mine.errors).toBeUndefined();
    const theirNames = Object.fromEntries(mine.data!.deals.map((deal: { id: string; contact?: { fullName: string | null } | null }) => [deal.id, deal.contact?.fullName ?? null]));
    expect(theirNames).toEqual({ 'deal-1': null, 'deal-2': null, 'deal-3': null, 'deal-4': 'Not Yours', 'deal-5': null, 'deal-6': null, 'deal-7': null });
  });

  it('answers null for a binned contact looked up through the gateway, unless includeDeleted', async () => {
    const QUERY = 'query($id: ID!, $all: Boolean) { contact(by: { id: $id }, includeDeleted: $all) { id fullName deals { title } } }';
    const hidden = await viaGateway<{ contact: unknown }>(QUERY, { id: binned });
    expect(hidden.errors).toBeUndefined();
    expect(hidden.data!.contact).toBeNull();
    const shown = await viaGateway<{ contact: unknown }>(QUERY, { id: binned, all: true });
    expect(shown.errors).toBeUndefined();
    expect(shown.data!.contact).toEqual({ id: binned, fullName: 'In Bin', deals: [{ title: 'Binned lead' }] });
  });

  it('gives no contact data to a request without an API key, and says why', async () => {
    const lookup = await viaGateway<{ contact: unknown }>(`query($id: ID!) { contact(by: { id: $id }) { id fullName } }`, { id: ada }, null);
    expect(lookup.data?.contact ?? null).toBeNull();
    expect(lookup.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);

    // The deals subgraph does not ask for a key, but contactgraph does when it checks the contact.
    const joined = await viaGateway<{ deals: unknown[] }>('{ deals(ids: ["deal-1"]) { id title contact { fullName } } }', undefined, null);
    expect(joined.data?.deals).toEqual([{ id: 'deal-1', title: 'Engine licence', contact: null }]);
    expect(joined.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(JSON.stringify([lookup, joined])).not.toContain('Lovelace');
  });
});

describe('_entities (what a gateway sends contactgraph)', () => {
  /** `_entities` is the federation gateway's field, outside schema.graphql: its answer is given here */
  type Entities = { _entities: ({ __typename?: string; id?: string; [field: string]: unknown } | null)[] };
  const ENTITIES = `query($representations: [_Any!]!) {
    _entities(representations: $representations) {
      __typename
      ... on Contact { id fullName }
      ... on Company { id name }
      ... on Group { id name }
    }
  }`;

  const contactSelects = (statements: string[]) =>
    // Prisma's `FROM "public"."contacts"`, or the compiled read's `JOIN contacts k`
    statements.filter((sql) => /^\s*SELECT\b[\s\S]*\b(?:FROM|JOIN)\s+(?:"(?:\w+"\.")?contacts?"|contacts)(?:\s|$)/i.test(sql));

  it('resolves 20 contacts in one statement on the contact table, scoped to the caller, none in the bin', async () => {
    const representations = [
      ...contactIds.map((id) => ({ __typename: 'Contact', id })),
      { __typename: 'Contact', id: theirs },
      { __typename: 'Contact', id: binned },
      { __typename: 'Contact', id: missing },
      { __typename: 'Contact', id: 'con_not-a-uuid' },
      { __typename: 'Contact', id: 'com_00000000-0000-0000-0000-000000000000' },
    ];
    const res = await owner.gql<Entities>(ENTITIES, { representations });
    expect(res.errors).toBeUndefined();
    expect(res.data!._entities).toEqual([
      ...contactIds.map((id, i) => ({ __typename: 'Contact', id, fullName: `Entity${i} Batch` })),
      null,
      null,
      null,
      null,
      null,
    ]);
  });

  it('issues the same statements for 1 and for 20 contacts: the key check (none when warm), then one contact lookup', async () => {
    const auth = await h.statementsOf(() => owner.gql(graphql('{ __typename }')));
    expect(auth.result.data).toEqual({ __typename: 'Query' });

    const counts = [];
    for (const n of [1, 20]) {
      const representations = contactIds.slice(0, n).map((id) => ({ __typename: 'Contact', id }));
      const { result, statements } = await h.statementsOf(() => owner.gql<Entities>(ENTITIES, { representations }));
      expect(result.errors).toBeUndefined();
      expect(result.data!._entities).toHaveLength(n);
      expect(result.data!._entities.every((entity: { __typename?: string } | null) => entity?.__typename === 'Contact')).toBe(true);
      expect(contactSelects(statements)).toHaveLength(1);
      counts.push(statements.length);
    }
    expect(counts).toEqual([auth.statements.length + 1, auth.statements.length + 1]);
  });

  it('loads the contacts’ companies for 20 entities with as many statements as for 1', async () => {
    const WITH_COMPANIES = `query($representations: [_Any!]!) {
      _entities(representations: $representations) { ... on Contact { id fullName companies { company { name } } } }
    }`;
    const counts = [];
    for (const n of [1, 20]) {
      const representations = [{ __typename: 'Contact', id: ada }, ...contactIds.slice(0, n - 1).map((id) => ({ __typename: 'Contact', id }))];
      const { result, statements } = await h.statementsOf(() => owner.gql<Entities>(WITH_COMPANIES, { representations }));
      expect(result.errors).toBeUndefined();
      expect(result.data!._entities).toHaveLength(n);
      expect(result.data!._entities[0]!.companies).toEqual([{ company: { name: 'Analytical Engines' } }, { company: { name: 'Babbage & Co' } }]);
      counts.push(statements.length);
    }
    expect(counts[1]).toBe(counts[0]);
  });

  it('resolves Company and Group entities by id', async () => {
    const company = await owner.gql(graphql('{ company(by: { name: "Analytical Engines" }) { id name } }'));
    const group = await owner.gql(graphql('mutation { createGroup(input: { name: "Board" }) { group { id name } userErrors { code } } }'));
    expect(group.data!.createGroup.userErrors).toEqual([]);
    const { id: companyId } = company.data!.company!;
    const { id: groupId } = group.data!.createGroup.group!;
    expect(companyId).toMatch(/^com_/);
    expect(groupId).toMatch(/^grp_/);

    const res = await owner.gql<Entities>(ENTITIES, {
      representations: [
        { __typename: 'Company', id: companyId },
        { __typename: 'Group', id: groupId },
        { __typename: 'Contact', id: ada },
      ],
    });
    expect(res.errors).toBeUndefined();
    expect(res.data!._entities).toEqual([
      { __typename: 'Company', id: companyId, name: 'Analytical Engines' },
      { __typename: 'Group', id: groupId, name: 'Board' },
      { __typename: 'Contact', id: ada, fullName: 'Ada Lovelace' },
    ]);

    // Another organisation cannot reach them by id.
    const foreign = await stranger.gql<Entities>(ENTITIES, {
      representations: [
        { __typename: 'Company', id: companyId },
        { __typename: 'Group', id: groupId },
      ],
    });
    expect(foreign.errors).toBeUndefined();
    expect(foreign.data!._entities).toEqual([null, null]);
  });

  it('answers 401 UNAUTHENTICATED to an _entities request without a key', async () => {
    const res = await h.request({ query: ENTITIES, variables: { representations: [{ __typename: 'Contact', id: ada }] } });
    expect(res.status).toBe(401);
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey } from '../src/modules/api-key/api-key.js';
import { createLogger } from '../src/logger.js';
import { createApp } from '../src/yoga.js';
import { createHarness } from './support/harness.js';
import { graphql } from './support/graphql.js';

// Which operations the compiled read path answers (src/graphql/compiled-reads.ts) and which run
// through the resolvers as before; either way the answer is the resolvers' own, byte for byte.
// test/compiled-reads.test.ts compares thousands of generated selections.

const answered: { fields: string[]; early: boolean }[] = [];
const failures: unknown[] = [];
const h = await createHarness({
  apiKeyCache: { ttlMs: 3_600_000 },
  compiledReads: { onAnswer: (fields, early) => void answered.push({ fields: [...fields], early }), onError: (error) => void failures.push(error) },
});
const plain = createApp({ db: h.db, log: createLogger('silent'), compiledReads: false });
const owner = await h.organization();
const reader = await h.organization({ scopes: ['contacts:read'] });
const writer = await h.organization({ scopes: ['contacts:write'] });

const CREATE = graphql('mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } userErrors { message } } }');
const created = await owner.gql(CREATE, {
  input: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@engine.example', ssn: '078-05-1120', tags: ['math'], companies: [{ company: { name: 'Engines Ltd' } }], externalRefs: [{ namespace: 'crm', externalId: 'a-1' }] },
});
expect(created.data!.createContact.userErrors).toEqual([]);
const ada = created.data!.createContact.contact!.id;
const company = (await owner.gql('query($id: ID!) { contact(by: { id: $id }) { companies { company { id } } } }', { id: ada })).data as {
  contact: { companies: { company: { id: string } }[] };
};
const companyId = company.contact.companies[0]!.company.id;

/**
 * Sends `query` twice to the app (compiled path on) and once to the plain app; says how the
 * compiled path answered each of the two: through the executor the first time, early (a text
 * validated before) the second, or not at all.
 */
async function both(key: string, query: string, variables: Record<string, unknown> = {}) {
  const send = async (app: typeof plain) => {
    const response = await app.fetch('http://test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
    return `${response.status} ${await response.text()}`;
  };
  const how = async () => {
    const before = answered.length;
    const text = await send(h.app);
    return { text, compiled: answered.slice(before).map(({ early }) => (early ? 'early' : 'executor')).join() || 'no' };
  };
  const first = await how();
  const second = await how();
  return { first, second, slow: await send(plain) };
}

const manyAliases = Array.from({ length: 51 }, (_, i) => `a${i}: firstName`).join(' ');

const CASES: { name: string; key?: string; query: string; variables?: Record<string, unknown>; compiled: boolean }[] = [
  { name: 'a page of contacts with every kind of connection field', query: '{ contacts(first: 2) { __typename totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id fullName email companies { company { name } } } } } }', compiled: true },
  { name: 'contact by id', query: `{ contact(by: { id: "${ada}" }) { id fullName tags externalRefs { namespace externalId } } }`, compiled: true },
  { name: 'contact by email', query: '{ contact(by: { email: "ADA@engine.example" }) { id } }', compiled: true },
  { name: 'contact by external ref', query: '{ contact(by: { externalRef: { namespace: "crm", externalId: "a-1" } }) { id } }', compiled: true },
  { name: 'the change feed with its contacts', query: '{ contactChanges(first: 10) { hasMore endCursor changes { cursor changeType contact { id fullName } } } }', compiled: true },
  { name: 'nodes of contacts (a malformed id answers null)', query: `{ nodes(ids: ["${ada}", "garbage"]) { __typename id ... on Contact { fullName } } }`, compiled: true },
  { name: '_entities of contacts', query: `{ _entities(representations: [{ __typename: "Contact", id: "${ada}" }]) { ... on Contact { id fullName } } }`, compiled: true },
  { name: 'ssn with contacts:sensitive', query: `{ contact(by: { id: "${ada}" }) { ssn } }`, compiled: true },
  { name: 'two root fields that both compile', query: `{ contacts(first: 1) { totalCount } contact(by: { id: "${ada}" }) { id } }`, compiled: true },
  // the resolvers' path
  { name: 'a mutation', query: 'mutation { createGroup(input: { name: "" }) { group { id } userErrors { code } } }', compiled: false },
  { name: 'a root field without a compiled read (viewer)', query: '{ viewer { organization { name } } }', compiled: false },
  { name: 'a compiled root field beside one without', query: '{ contacts(first: 1) { totalCount } viewer { user { id } } }', compiled: false },
  { name: 'node(id:)', query: `{ node(id: "${ada}") { id } }`, compiled: false },
  { name: 'nodes naming a company', query: `{ nodes(ids: ["${ada}", "${companyId}"]) { id } }`, compiled: false },
  { name: '_entities of a company', query: `{ _entities(representations: [{ __typename: "Company", id: "${companyId}" }]) { ... on Company { name } } }`, compiled: false },
  { name: 'ssn without contacts:sensitive (null and FORBIDDEN)', key: reader.key, query: `{ contact(by: { id: "${ada}" }) { fullName ssn } }`, compiled: false },
  { name: 'a key without contacts:read', key: writer.key, query: '{ contacts(first: 1) { totalCount } }', compiled: false },
  { name: 'a field that takes arguments below a contact (Company.contacts)', query: '{ contacts(first: 1) { edges { node { companies { company { contacts(first: 1) { totalCount } } } } } } }', compiled: false },
  { name: '@defer', query: `{ contact(by: { id: "${ada}" }) { id ... @defer { fullName } } }`, compiled: false },
  { name: 'more than 50 keys in one object', query: `{ contact(by: { id: "${ada}" }) { ${manyAliases} } }`, compiled: false },
  { name: 'introspection', query: '{ __type(name: "Contact") { name } }', compiled: false },
  { name: 'a page size out of range (the domain refuses it)', query: '{ contacts(first: 0) { totalCount } }', compiled: false },
  { name: 'a cursor this API did not give out', query: '{ contacts(first: 1, after: "bm9wZQ") { totalCount } }', compiled: false },
  { name: 'a feed cursor this API did not give out', query: '{ contactChanges(after: "bm9wZQ") { hasMore } }', compiled: false },
];

describe('the compiled read path', () => {
  for (const { name, key, query, variables, compiled } of CASES) {
    it(`${compiled ? 'answers' : 'leaves to the resolvers'}: ${name}`, async () => {
      const answer = await both(key ?? owner.key, query, variables);
      expect(answer.first.text).toBe(answer.slow);
      expect(answer.second.text).toBe(answer.slow);
      expect([answer.first.compiled, answer.second.compiled]).toEqual(compiled ? ['executor', 'early'] : ['no', 'no']);
      expect(failures).toEqual([]);
    });
  }
});

/** What one app answered and how the compiled path took it, the answers' text beside it. */
async function fetchAs(app: typeof plain, init: { method?: string; url?: string; headers?: Record<string, string>; body?: unknown }) {
  const before = answered.length;
  const response = await app.fetch(init.url ?? 'http://test/graphql', {
    method: init.method ?? 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...init.headers },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return { text: `${response.status} ${await response.text()}`, compiled: answered.slice(before).map(({ early }) => (early ? 'early' : 'executor')) };
}

describe('the early answer (a query text validated and answered compiled before)', () => {
  const BY_ID = 'query($id: ID!) { contact(by: { id: $id }) { id fullName } }';
  const auth = { authorization: `Bearer ${owner.key}` };
  /** sends `query` once, so that its text is known (answered through the executor, or early when it was already) */
  const learn = async (query: string, variables: Record<string, unknown> = { id: ada }, operationName?: string) =>
    expect((await fetchAs(h.app, { headers: auth, body: { query, variables, operationName } })).compiled).toHaveLength(1);

  /** the same request to the app and to the plain app: the same bytes, and how the app took it */
  const alike = async (init: Parameters<typeof fetchAs>[1]) => {
    const fast = await fetchAs(h.app, init);
    const slow = await fetchAs(plain, init);
    expect(fast.text).toBe(slow.text);
    return fast;
  };

  it('refuses a missing, malformed or revoked key as the executor does, and answers nothing', async () => {
    await learn(BY_ID);
    const key = (await createApiKey(h.db.prisma, { organizationId: owner.organizationId, userId: owner.userId, scopes: ['contacts:read'] })).key;
    const body = { query: BY_ID, variables: { id: ada } };
    expect((await alike({ headers: { authorization: `Bearer ${key}` }, body })).compiled).toEqual(['early']);
    expect(await revokeApiKey(h.db.prisma, key.slice(0, 12))).toBe(true);
    for (const headers of [{ authorization: `Bearer ${key}` }, { authorization: 'Basic abc' }, {}] as Record<string, string>[]) {
      const answer = await alike({ headers, body });
      expect(answer.text).toMatch(/^401 .*UNAUTHENTICATED/);
      expect(answer.compiled).toEqual([]);
    }
  });

  it('leaves variables that do not coerce, an unknown operation name and a foreign id to the executor, with the same answers', async () => {
    const named = 'query One($id: ID!) { contact(by: { id: $id }) { id } } query Two { contacts(first: 1) { totalCount } }';
    await learn(named, { id: ada }, 'One');
    const cases = [
      { body: { query: BY_ID, variables: {} }, compiled: [] },
      { body: { query: BY_ID, variables: { id: { not: 'an id' } } }, compiled: [] },
      { body: { query: named, operationName: 'Three', variables: {} }, compiled: [] },
      { body: { query: named, variables: { id: ada } }, compiled: [] },
      { body: { query: named, operationName: 'Two' }, compiled: ['early'] },
      { body: { query: BY_ID, variables: { id: 'con_01890000-0000-7000-8000-000000000000' } }, compiled: ['early'] },
      { body: { query: BY_ID, variables: { id: 'garbage' } }, compiled: ['early'] },
    ];
    for (const { body, compiled } of cases) expect((await alike({ headers: auth, body })).compiled, JSON.stringify(body)).toEqual(compiled);
    // the foreign organisation's key reads nothing of this one's
    expect((await alike({ headers: { authorization: `Bearer ${reader.key}` }, body: { query: BY_ID, variables: { id: ada } } })).text).toMatch(/"contact":null/);
  });

  it('answers a GET, a persisted query sent by its hash alone, and each read of a batch early', async () => {
    await learn(BY_ID);
    const search = new URLSearchParams({ query: BY_ID, variables: JSON.stringify({ id: ada }) });
    expect(await alike({ method: 'GET', url: `http://test/graphql?${search}`, headers: auth })).toMatchObject({ compiled: ['early'] });
    const sha256Hash = createHash('sha256').update(BY_ID).digest('hex');
    const persisted = { version: 1, sha256Hash };
    // registered on each app by its first use (query and hash), then sent by the hash alone
    await alike({ headers: auth, body: { query: BY_ID, variables: { id: ada }, extensions: { persistedQuery: persisted } } });
    expect(await alike({ headers: auth, body: { variables: { id: ada }, extensions: { persistedQuery: persisted } } })).toMatchObject({ compiled: ['early'] });
    const batch = [{ query: BY_ID, variables: { id: ada } }, { query: '{ viewer { user { id } } }' }, { query: BY_ID, variables: { id: 'garbage' } }];
    expect(await alike({ headers: auth, body: batch })).toMatchObject({ compiled: ['early', 'early'] });
  });

  it("leaves an expensive operation to the executor when the key's turns must wrap it", async () => {
    const turns = createApp({
      db: h.db,
      log: createLogger('silent'),
      concurrency: { cost: 100, perKey: 1, queue: 0 },
      compiledReads: { onAnswer: (fields, early) => void answered.push({ fields: [...fields], early }) },
    });
    const expensive = { query: '{ contacts(first: 100) { totalCount } }' };
    const cheap = { query: '{ contacts(first: 10) { totalCount } }' };
    for (const body of [expensive, cheap]) expect((await fetchAs(turns, { headers: auth, body })).compiled).toEqual(['executor']);
    expect((await fetchAs(turns, { headers: auth, body: expensive })).compiled).toEqual(['executor']);
    expect((await fetchAs(turns, { headers: auth, body: cheap })).compiled).toEqual(['early']);
    // one turn and no queue: of two sent at once, one is refused
    const statuses = (await Promise.all([1, 2].map(() => fetchAs(turns, { headers: auth, body: expensive })))).map(({ text }) => text.slice(0, 3));
    expect(statuses.sort()).toEqual(['200', '429']);
  });
});

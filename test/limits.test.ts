import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/client.js';
import { DEFAULT_LIMITS } from '../src/graphql/limits.js';
import { createRateLimiter } from '../src/graphql/rate-limit.js';
import { createLogger } from '../src/logger.js';
import { createApp } from '../src/yoga.js';
import { createHarness } from './support/harness.js';
import { listenOnLoopback } from './support/http-server.js';
import { graphql } from './support/graphql.js';

// Redis tests run whenever Redis is there to run them on: always in CI (.ci/run exports
// REDIS_URL); on a laptop without Redis they are reported as skipped.
const REDIS_URL = process.env.REDIS_URL ?? (process.env.CI ? 'redis://127.0.0.1:6379' : undefined);

const h = await createHarness();
const owner = await h.organization();
const log = createLogger('silent');

/** One operation's answer as a raw body holds it. */
interface RawResult {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}
/** A raw HTTP body: one result, or one per operation of a batch. */
type RawBody = RawResult | RawResult[];
/** The body as one result (not a batch's array). */
const one = (body: RawBody): RawResult => {
  expect(Array.isArray(body), JSON.stringify(body)).toBe(false);
  return body as RawResult;
};
/** The body as a batch's results. */
const each = (body: RawBody): RawResult[] => {
  expect(Array.isArray(body), JSON.stringify(body)).toBe(true);
  return body as RawResult[];
};
const codesOf = (res: RawBody | { errors?: RawResult['errors'] }) => ((Array.isArray(res) ? undefined : res.errors) ?? []).map((e) => e.extensions?.code);
const countContacts = async () => (await h.db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM contacts'))[0]!.n;

/** An app on the harness database with other settings, and a caller of it. */
function appWith(options: Partial<Parameters<typeof createApp>[0]>) {
  const app = createApp({ db: h.db, log, ...options });
  const send = async (body: unknown, headers: Record<string, string> = {}) => {
    const response = await app.fetch('http://test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.key}`, ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as RawBody };
  };
  return { app, send };
}

describe('query limits (each rejects with a stable code and runs nothing)', () => {
  it('depth: 6 levels below the root field pass, 7 do not', async () => {
    const six = graphql('{ contacts(first: 1) { edges { node { interactionMetadata { workspace { lastInteractedBy { id } } } } } } }');
    expect((await owner.gql(six)).errors).toBeUndefined();
    const seven = graphql('{ contacts(first: 1) { edges { node { companies { company { contacts(first: 1) { edges { node { id } } } } } } } } }');
    const res = await owner.gql(seven);
    expect(res.status, JSON.stringify(res.errors)).toBe(400);
    expect(codesOf(res)).toEqual(['DEPTH_LIMIT_EXCEEDED']);
  });

  it('aliases: 15 pass, 16 do not', async () => {
    const aliased = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: viewer { scopes }`).join(' ')} }`;
    expect((await owner.gql(aliased(15))).errors).toBeUndefined();
    expect(codesOf(await owner.gql(aliased(16)))).toEqual(['ALIAS_LIMIT_EXCEEDED']);
  });

  it('tokens: a document over 1000 tokens is refused before it is parsed further', async () => {
    const res = await owner.gql(`{ viewer { ${'scopes '.repeat(1000)} } }`);
    expect(codesOf(res)).toEqual(['TOKEN_LIMIT_EXCEEDED']);
  });

  it('directives: over 50 are refused', async () => {
    const res = await owner.gql(`{ viewer ${'@include(if: true) '.repeat(51)} { scopes } }`);
    expect(codesOf(res)).toEqual(['DIRECTIVE_LIMIT_EXCEEDED']);
  });

  it('cost: lists multiply by the page size asked; a costly mutation writes nothing', async () => {
    const costly = '{ contacts(first: 100) { edges { node { companies { company { contacts(first: 100) { totalCount } } } } } } }';
    const res = await owner.gql(costly);
    expect(codesOf(res)).toEqual(['COST_LIMIT_EXCEEDED']);
    expect((res.errors![0]!.extensions!.cost as { actual: number }).actual).toBeGreaterThan(DEFAULT_LIMITS.cost);
    // the same shape with small pages is cheap enough
    expect((await owner.gql(graphql('{ contacts(first: 5) { edges { node { companies { company { id } } } } } }'))).errors).toBeUndefined();

    const before = await countContacts();
    const { send } = appWith({ limits: { ...DEFAULT_LIMITS, cost: 50 } });
    const write = await send({ query: 'mutation { createContact(input: { firstName: "Costly" }) { contact { groups { contacts(first: 100) { totalCount } } } } }' });
    expect(codesOf(write.body)).toEqual(['COST_LIMIT_EXCEEDED']);
    expect(await countContacts()).toBe(before);
  });

  it('cost: each call is judged by its own page sizes, however often the document is sent', async () => {
    const { send } = appWith({ limits: { ...DEFAULT_LIMITS, cost: 50 } });
    const query = 'query($n: Int = 100) { contacts(first: $n) { totalCount } }';
    const verdicts = [];
    // an explicit null takes the default page size (20); an absent $n takes its default, 100
    for (const variables of [{ n: 10 }, { n: 100 }, { n: 10 }, { n: null }, {}, { n: 100 }, { n: 'x' }, { n: 49 }]) {
      const { status, body } = await send({ query, variables });
      verdicts.push(codesOf(body)[0] ?? status);
    }
    expect(verdicts).toEqual([200, 'COST_LIMIT_EXCEEDED', 200, 200, 'COST_LIMIT_EXCEEDED', 'COST_LIMIT_EXCEEDED', 'BAD_USER_INPUT', 200]);
  });

  it('cost is per HTTP request: a batch whose operations together pass the limit is refused whole, running none', async () => {
    const { send } = appWith({ limits: { ...DEFAULT_LIMITS, cost: 50 } });
    const create = { query: 'mutation { createContact(input: { firstName: "Batched" }) { contact { id } } }' };
    // `contacts(first: n) { totalCount }` costs 1 + n
    const page = (n: number) => ({ query: `{ contacts(first: ${n}) { totalCount } }` });
    const before = await countContacts();
    const refused = await send([create, page(30), page(20)]);
    expect(refused.status).toBe(400);
    expect(codesOf(refused.body)).toEqual(['COST_LIMIT_EXCEEDED']);
    expect(one(refused.body).errors![0]!.extensions!.cost).toEqual({ actual: 3 + 31 + 21, max: 50, operations: [3, 31, 21] });
    expect(await countContacts()).toBe(before);
    // under the limit together, every operation runs
    const served = await send([create, page(30)]);
    expect(served.status).toBe(200);
    expect(each(served.body).map((r) => r.errors)).toEqual([undefined, undefined]);
    expect(await countContacts()).toBe(before + 1);
  });

  it('cost: a persisted query (APQ) sent by its hash alone is costed like its text', async () => {
    const { send } = appWith({ limits: { ...DEFAULT_LIMITS, cost: 50 } });
    const query = 'query($n: Int) { contacts(first: $n) { totalCount } }';
    const persistedQuery = { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') };
    expect((await send({ query, variables: { n: 10 }, extensions: { persistedQuery } })).status).toBe(200);
    expect((await send({ variables: { n: 10 }, extensions: { persistedQuery } })).status).toBe(200);
    const costly = await send([{ variables: { n: 30 }, extensions: { persistedQuery } }, { variables: { n: 30 }, extensions: { persistedQuery } }]);
    expect(costly.status).toBe(400);
    expect(one(costly.body).errors![0]!.extensions).toMatchObject({ code: 'COST_LIMIT_EXCEEDED', cost: { actual: 62, operations: [31, 31] } });
  });

  it('cost: nodes(ids:) counts each id asked, in the document or in a variable', async () => {
    const { send } = appWith({ limits: { ...DEFAULT_LIMITS, cost: 50 } });
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `con_01890000-0000-7000-8000-${String(i).padStart(12, '0')}`);
    const query = 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }';
    const verdicts = [];
    for (const n of [40, 60, 40, 49, 50]) {
      const { status, body } = await send({ query, variables: { ids: ids(n) } });
      verdicts.push(codesOf(body)[0] ?? status);
    }
    // `nodes(ids:) { id }` costs 1 + the number of ids
    expect(verdicts).toEqual([200, 'COST_LIMIT_EXCEEDED', 200, 200, 'COST_LIMIT_EXCEEDED']);
    const literal = await send({ query: `{ nodes(ids: ${JSON.stringify(ids(60))}) { id } }` });
    expect(one(literal.body).errors![0]!.extensions).toMatchObject({ code: 'COST_LIMIT_EXCEEDED', cost: { actual: 61 } });
  });

  it('each limit is configurable', async () => {
    const { send } = appWith({ limits: { ...DEFAULT_LIMITS, depth: 1, aliases: 1, cost: 10 } });
    expect(codesOf((await send({ query: '{ viewer { organization { name } } }' })).body)).toEqual(['DEPTH_LIMIT_EXCEEDED']);
    expect(codesOf((await send({ query: '{ a: viewer { scopes } b: viewer { scopes } }' })).body)).toEqual(['ALIAS_LIMIT_EXCEEDED']);
    expect(codesOf((await send({ query: '{ contacts(first: 20) { totalCount } }' })).body)).toEqual(['COST_LIMIT_EXCEEDED']);
  });

  it('batches: up to 10 operations are answered in order; more are refused, and an empty batch too', async () => {
    const op = (n: number) => ({ query: `{ viewer { scopes } n${n}: __typename }` });
    const { send } = appWith({});
    const two = await send([op(1), op(2)]);
    expect(two.status).toBe(200);
    expect(each(two.body).map((r) => Object.keys(r.data!))).toEqual([['viewer', 'n1'], ['viewer', 'n2']]);
    const eleven = await send(Array.from({ length: 11 }, (_, i) => op(i)));
    expect(eleven.status).toBe(413);
    const empty = await send([]);
    expect(empty.status).toBe(400);
    expect(codesOf(empty.body)).toEqual(['BAD_REQUEST']);
  });

  it('introspection is on by default and can be turned off; field suggestions can be hidden', async () => {
    // gql.tada leaves introspection fields untyped: the answer's shape is given here
    expect((await owner.gql<{ __schema: { queryType: { name: string } } }>('{ __schema { queryType { name } } }')).data!.__schema.queryType.name).toBe('Query');
    const { send } = appWith({ limits: { ...DEFAULT_LIMITS, introspection: false, fieldSuggestions: false } });
    const closed = await send({ query: '{ __schema { queryType { name } } }' });
    expect(one(closed.body).data).toBeUndefined();
    expect(new Set(codesOf(closed.body))).toEqual(new Set(['GRAPHQL_VALIDATION_FAILED']));
    const typo = await send({ query: '{ viewr { scopes } }' });
    expect(JSON.stringify(one(typo.body).errors)).not.toMatch(/Did you mean/);
    expect(JSON.stringify((await owner.gql('{ viewr { scopes } }')).errors)).toMatch(/Did you mean \\"viewer\\"/);
  });

  it('refuses U+0000 in any string with BAD_USER_INPUT, writing nothing', async () => {
    const before = await countContacts();
    const res = await owner.gql(graphql('mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } } }'), { input: { firstName: 'nul\u0000inside' } });
    expect(res.status).toBe(400);
    expect(codesOf(res)).toEqual(['BAD_USER_INPUT']);
    expect(await countContacts()).toBe(before);
  });
});

describe('request body limit', () => {
  it('refuses a chunked body (no Content-Length) as soon as it passes the limit', async () => {
    const server = await listenOnLoopback(createApp({ db: h.db, log, maxBodyBytes: 10_000 }));
    try {
      const chunk = new TextEncoder().encode(`{"query":"{ viewer { scopes } }","variables":{"pad":"${'x'.repeat(8_000)}`);
      const body = new ReadableStream({
        start(controller) {
          controller.enqueue(chunk);
          controller.enqueue(new TextEncoder().encode(`${'y'.repeat(8_000)}"}}`));
          controller.close();
        },
      });
      const response = await fetch(`${server.origin}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.key}` },
        body,
        duplex: 'half',
      } as RequestInit);
      expect(response.status).toBe(413);
      expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('PAYLOAD_TOO_LARGE');
      // a small chunked body is fine
      const small = await fetch(`${server.origin}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.key}` },
        body: new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode('{"query":"{ viewer { scopes } }"}')), c.close()) }),
        duplex: 'half',
      } as RequestInit);
      expect(small.status).toBe(200);
    } finally {
      await server.close();
    }
  });
  it('refuses a Content-Length that is not one byte count, and runs nothing', async () => {
    const app = createApp({ db: h.db, log });
    for (const length of ['33, 33', '-1', 'abc']) {
      const response = await app.fetch('http://localhost/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': length, authorization: `Bearer ${owner.key}` },
        body: '{"query":"{ viewer { scopes } }"}',
      });
      expect({ length, status: response.status, body: await response.json() }).toEqual({
        length,
        status: 400,
        body: { errors: [{ message: 'The Content-Length header is not a byte count.', extensions: { code: 'BAD_REQUEST' } }] },
      });
    }
  });
});

describe('rate limit per API key', () => {
  it('answers 429 with Retry-After and RATE_LIMITED once the budget is spent, showing what is left meanwhile', async () => {
    const { send } = appWith({ rateLimit: createRateLimiter({ points: 3, windowSeconds: 60 }) });
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i += 1) {
      const res = await send({ query: '{ viewer { scopes } }' });
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-limit')).toBe('3');
      remaining.push(res.headers.get('ratelimit-remaining'));
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const refused = await send({ query: '{ viewer { scopes } }' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(codesOf(refused.body)).toEqual(['RATE_LIMITED']);
    // another key has its own budget
    const other = await h.organization();
    expect((await send({ query: '{ viewer { scopes } }' }, { authorization: `Bearer ${other.key}` })).status).toBe(200);
  });

  it('takes points by cost (a request at least 1, a batch its operations summed) and reports the points left', async () => {
    const caller = await h.organization();
    const { send } = appWith({ rateLimit: createRateLimiter({ points: 10, windowSeconds: 60 }) });
    const auth = { authorization: `Bearer ${caller.key}` };
    const budget = async (body: unknown) => {
      const res = await send(body, auth);
      return [res.status, res.headers.get('ratelimit-limit'), res.headers.get('ratelimit-remaining')];
    };
    const small = { query: '{ viewer { scopes } }' };
    // costs 101: 2 points (100 of cost a point, rounded up)
    const page = { query: '{ contacts(first: 100) { totalCount } }' };
    expect(await budget(small)).toEqual([200, '10', '9']);
    expect(await budget([page, page, page])).toEqual([200, '10', '5']);
    // 606 of cost, 7 points, with 5 left: refused, and it takes none
    const refused = await send([page, page, page, page, page, page], auth);
    expect(refused.status).toBe(429);
    expect(codesOf(refused.body)).toEqual(['RATE_LIMITED']);
    expect(one(refused.body).errors![0]!.message).toMatch(/10 points per 60 s .*costs 7/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('ratelimit-remaining')).toBe('5');
    expect(await budget([page, page])).toEqual([200, '10', '2']);
    // refused again from memory without a database statement, while what is left still serves
    const again = await h.statementsOf(() => send([page, page, page], auth));
    expect([again.result.status, codesOf(again.result.body)]).toEqual([429, ['RATE_LIMITED']]);
    expect(again.statements).toEqual([]);
    expect(await budget(small)).toEqual([200, '10', '1']);
    // an answer to a request without a key carries no budget
    const anonymous = await send(small, { authorization: '' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('ratelimit-limit')).toBeNull();
  });

  it('runs a few expensive operations of a key at once and queues a few; a request past the queue is refused with 429 and Retry-After', async () => {
    const caller = await h.organization();
    const other = await h.organization();
    const { send } = appWith({ concurrency: { cost: 100, perKey: 1, queue: 1 } });
    const as = (who: { key: string }) => ({ authorization: `Bearer ${who.key}` });
    const expensive = { query: '{ contacts(first: 100) { totalCount } }' };
    const cheap = { query: '{ contacts(first: 10) { totalCount } }' };
    const answers = await Promise.all([
      ...Array.from({ length: 6 }, () => send(expensive, as(caller))),
      send(expensive, as(other)),
      ...Array.from({ length: 6 }, () => send(cheap, as(caller))),
    ]);
    const flood = answers.slice(0, 6);
    // one runs and one waits at any time: of six sent at once, the first two are served
    expect(flood.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(2);
    const refused = flood.filter((a) => a.status !== 200);
    expect(refused.length).toBeGreaterThan(0);
    for (const answer of refused) {
      expect(answer.status).toBe(429);
      expect(codesOf(answer.body)).toEqual(['RATE_LIMITED']);
      expect(answer.headers.get('retry-after')).toBe('1');
    }
    // another key's expensive request and the key's cheap ones are not held back
    expect(answers.slice(6).map((a) => a.status)).toEqual(Array(7).fill(200));
    // once the flood is answered, the key's turns are free again
    expect((await send(expensive, as(caller))).status).toBe(200);
    // a batch counts each expensive operation: two fit (one runs, one waits), three do not
    const two = await send([expensive, expensive, cheap], as(caller));
    expect(two.status).toBe(200);
    expect(each(two.body).map((r) => r.errors)).toEqual([undefined, undefined, undefined]);
    const three = await send([expensive, expensive, expensive], as(caller));
    expect(three.status).toBe(429);
    expect(codesOf(three.body)).toEqual(['RATE_LIMITED']);
    expect(one(three.body).errors![0]!.message).toMatch(/2 expensive operations \(cost 100 or more\) running or waiting/);
  });

  describe.skipIf(!REDIS_URL)('with Redis', () => {
    const clients: Redis[] = [];
    afterAll(() => Promise.all(clients.map((c) => c.quit())));

    it('shares one budget across instances', async () => {
      const limiter = () => {
        const redis = new Redis(REDIS_URL!);
        clients.push(redis);
        return createRateLimiter({ points: 4, windowSeconds: 60, redis });
      };
      const caller = await h.organization();
      const one = appWith({ rateLimit: limiter() });
      const two = appWith({ rateLimit: limiter() });
      const auth = { authorization: `Bearer ${caller.key}` };
      const statuses: number[] = [];
      for (const instance of [one, two, one, two, one, two]) statuses.push((await instance.send({ query: '{ viewer { scopes } }' }, auth)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    });
  });
});

describe('faults', () => {
  it('a database that cannot be reached answers 503 SERVICE_UNAVAILABLE with a request id, and no internals', async () => {
    const unreachable = await openDatabase({ url: 'postgres://root@127.0.0.1:1/nowhere' });
    try {
      const app = createApp({ db: unreachable, log });
      const response = await app.fetch('http://test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.key}`, 'x-request-id': 'req-42' },
        body: JSON.stringify({ query: '{ viewer { scopes } }' }),
      });
      const text = await response.text();
      expect(response.status).toBe(503);
      expect(response.headers.get('x-request-id')).toBe('req-42');
      expect(JSON.parse(text).errors[0].extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', requestId: 'req-42' });
      expect(text).not.toMatch(/ECONNREFUSED|prisma|127\.0\.0\.1|stack/i);
      expect((await app.fetch('http://test/readyz')).status).toBe(503);
    } finally {
      await unreachable.close();
    }
  });

  it('every answer carries a request id, the client’s or a new one', async () => {
    const res = await h.request({ query: graphql('{ viewer { scopes } }') }, { authorization: `Bearer ${owner.key}` });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

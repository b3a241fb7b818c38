import { describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { createApiKey, createApiKeyCache, KEY_CACHE_TTL_MS, revokeApiKey } from '../src/modules/api-key/api-key.js';
import { createHarness } from './support/harness.js';
import { graphql } from './support/graphql.js';

const h = await createHarness();
const viewer = graphql('{ viewer { organization { id name } user { id email } scopes } }');

/** Sends the viewer query with `headers`, expects it refused as unauthenticated, and returns the message. */
const rejected = async (headers: Record<string, string>) => {
  const res = await h.request({ query: viewer }, headers);
  expect(res.status).toBe(401);
  expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
  expect(res.data ?? null).toBeNull();
  expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  return res.errors![0]!.message;
};

describe('authentication', () => {
  it('resolves organisation, user and scopes from a valid key', async () => {
    const caller = await h.organization({ scopes: ['contacts:read'] });
    const res = await caller.gql(viewer);
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(res.data!.viewer.organization.id).toBe(`org_${caller.organizationId}`);
    expect(res.data!.viewer.user.id).toBe(`usr_${caller.userId}`);
    expect(res.data!.viewer.scopes).toEqual(['contacts:read']);
  });

  it('rejects a request without a key', async () => {
    expect(await rejected({})).toMatch(/Missing API key/);
  });

  it('rejects a malformed Authorization header', async () => {
    expect(await rejected({ authorization: 'Basic dXNlcjpwYXNz' })).toMatch(/Malformed/);
    expect(await rejected({ authorization: 'Bearer' })).toMatch(/Malformed/);
  });

  it('rejects an unknown key of the right shape and a key of the wrong shape alike', async () => {
    const caller = await h.organization();
    const forged = caller.key.slice(0, -4) + (caller.key.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(await rejected({ authorization: `Bearer ${forged}` })).toBe('Unknown or revoked API key.');
    expect(await rejected({ authorization: 'Bearer cgk_short' })).toBe('Unknown or revoked API key.');
  });

  it('rejects a revoked key, and revoking does not touch other keys', async () => {
    const caller = await h.organization();
    const other = await h.organization();
    expect(await revokeApiKey(h.db.prisma, caller.key.slice(0, 12))).toBe(true);
    expect(await rejected({ authorization: `Bearer ${caller.key}` })).toBe('Unknown or revoked API key.');
    expect((await other.gql(viewer)).status).toBe(200);
    expect(await revokeApiKey(h.db.prisma, caller.key.slice(0, 12))).toBe(false);
  });

  it('stores only a hash of the key', async () => {
    const caller = await h.organization();
    const rows = await h.db.sql.query<{ prefix: string; hash: string }>('SELECT prefix, hash FROM api_keys');
    const row = rows.find((r) => caller.key.startsWith(r.prefix))!;
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(caller.key);
    expect(caller.key).toMatch(/^cgk_[A-Za-z0-9_-]{43}$/);
  });
});

describe('the key cache: a warm key costs no statement', () => {
  const read = '{ viewer { organization { id } } contacts(first: 1) { totalCount } }';
  const keyLookups = (statements: string[]) => statements.filter((sql) => sql.includes('"api_keys"'));

  it('looks a key up on its first request only: the same key again sends no api_keys statement', async () => {
    const caller = await h.organization({ scopes: ['contacts:read'] });
    const cold = await h.statementsOf(() => caller.gql(read));
    const warm = await h.statementsOf(() => caller.gql(read));
    expect(cold.result.errors).toBeUndefined();
    expect(warm.result.data).toEqual(cold.result.data);
    expect(keyLookups(cold.statements)).toHaveLength(1);
    expect(keyLookups(warm.statements)).toEqual([]);
    // everything else the read sends is unchanged
    expect(warm.statements.toSorted()).toEqual(cold.statements.filter((sql) => !sql.includes('"api_keys"')).toSorted());
  });

  it('lets concurrent first requests with one key share one lookup', async () => {
    const caller = await h.organization({ scopes: ['contacts:read'] });
    const { result, statements } = await h.statementsOf(() => Promise.all([caller.gql(read), caller.gql(read), caller.gql(read)]));
    expect(result.map((res) => res.status)).toEqual([200, 200, 200]);
    expect(keyLookups(statements)).toHaveLength(1);
  });

  it('does not remember a refusal: an unknown key is looked up each time', async () => {
    const caller = await h.organization();
    const forged = caller.key.slice(0, -4) + (caller.key.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const { statements } = await h.statementsOf(async () => {
      expect((await h.request({ query: read }, { authorization: `Bearer ${forged}` })).status).toBe(401);
      expect((await h.request({ query: read }, { authorization: `Bearer ${forged}` })).status).toBe(401);
    });
    expect(keyLookups(statements)).toHaveLength(2);
    // and the real key, refused by nothing cached, works
    expect((await caller.gql(read)).status).toBe(200);
  });

  it('refuses a warm key at once in the process that revoked it', async () => {
    const caller = await h.organization();
    expect((await caller.gql(read)).status).toBe(200);
    expect(await revokeApiKey(h.db.prisma, caller.key.slice(0, 12))).toBe(true);
    expect(await rejected({ authorization: `Bearer ${caller.key}` })).toBe('Unknown or revoked API key.');
  });

  it('trusts an entry for KEY_CACHE_TTL_MS (1 s) at most, then asks the database again', async () => {
    expect(KEY_CACHE_TTL_MS).toBeLessThanOrEqual(1000);
    const caller = await h.organization();
    const cache = createApiKeyCache(h.db, { ttlMs: 100 });
    const lookups = async () => keyLookups((await h.statementsOf(() => cache.authenticate(caller.key))).statements).length;
    expect(await lookups()).toBe(1);
    expect(await lookups()).toBe(0);
    await sleep(150);
    expect(await lookups()).toBe(1);
  });

  it('holds at most maxEntries keys, dropping the oldest', async () => {
    const org = await h.organization();
    const keys = await Promise.all([1, 2, 3].map(async () => (await createApiKey(h.db.prisma, { organizationId: org.organizationId, userId: org.userId, scopes: ['contacts:read'] })).key));
    const cache = createApiKeyCache(h.db, { maxEntries: 2 });
    const lookups = async (key: string) => {
      const { result, statements } = await h.statementsOf(() => cache.authenticate(key));
      expect(result?.organizationId).toBe(org.organizationId);
      return keyLookups(statements).length;
    };
    for (const key of keys) expect(await lookups(key)).toBe(1);
    expect(cache.size).toBe(2);
    expect(await lookups(keys[2]!)).toBe(0);
    expect(await lookups(keys[1]!)).toBe(0);
    // the first went when the third came
    expect(await lookups(keys[0]!)).toBe(1);
    expect(cache.size).toBe(2);
  });
});

describe('the HTTP surface', () => {
  it('serves the GraphiQL page without a key, with no external host in it', async () => {
    const res = await h.app.fetch('http://test/graphql', { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<title>contactgraph</title>');
    expect(html).not.toMatch(/(src|href)=["']https?:\/\//);
    expect(html).not.toMatch(/unpkg|jsdelivr|cdnjs/);
  });

  it('answers /healthz and /readyz', async () => {
    const health = await h.app.fetch('http://test/healthz');
    expect(health.status).toBe(200);
    const ready = await h.app.fetch('http://test/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('refuses a body over the size limit with 413 and writes nothing', async () => {
    const caller = await h.organization();
    const before = await h.db.prisma.contact.count();
    const huge = 'x'.repeat(1_100_000);
    const res = await h.request(
      { query: graphql('mutation($n: String) { createContact(input: { firstName: $n }) { contact { id } } }'), variables: { n: huge } },
      { authorization: `Bearer ${caller.key}` },
    );
    expect(res.status).toBe(413);
    expect(res.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await h.db.prisma.contact.count()).toBe(before);
  });
});

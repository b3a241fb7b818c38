import { describe, expect, it } from 'vitest';
import { revokeApiKey } from '../src/modules/api-key/api-key.js';
import { createHarness } from './support/harness.js';
import { graphql } from './support/graphql.js';

const h = await createHarness();
const viewer = graphql('{ viewer { organization { id name } user { id email } scopes } }');

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

  const rejected = async (headers: Record<string, string>) => {
    const res = await h.request({ query: viewer }, headers);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    return res.errors![0]!.message;
  };

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

import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TadaDocumentNode } from 'gql.tada';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/client.js';
import { createApiKey, revokeApiKey } from '../src/modules/api-key/api-key.js';
import { createOrganization } from '../src/modules/organization/organization.js';
import { createUser } from '../src/modules/user/user.js';
import { graphql } from './support/graphql.js';
import { createPostgresDatabase, databaseKind } from './support/database.js';
import { type RunningServer, startServer } from './support/process.js';
import { createKeyWithCli, postGraphQL } from './support/server-client.js';
import { subscribe } from './support/sse.js';

// The real server process: `contactgraph serve` on the file's own database.
const dataDir = mkdtempSync(path.join(tmpdir(), 'contactgraph-'));
const postgres = databaseKind === 'postgres' ? await createPostgresDatabase() : null;
const env = postgres ? { DATABASE_URL: postgres.url, DATA_DIR: dataDir } : { DATABASE_URL: '', DATA_DIR: dataDir };

afterAll(async () => {
  await postgres?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function keyFor(server: { stderr: () => string }) {
  const demo = /cgk_[A-Za-z0-9_-]{43}/.exec(server.stderr())?.[0];
  if (demo) return demo;
  // On PostgreSQL no demo is seeded: make an organisation with the CLI, as an operator would.
  return createKeyWithCli(env, 'Acme', 'contacts:read,contacts:write');
}

const post = async <Data, Variables>(url: string, key: string, query: TadaDocumentNode<Data, Variables>, variables?: Variables) =>
  (await postGraphQL(url, key, query, variables)).body!;

/**
 * Opens a TCP connection to the server, writes `text` and resolves with all the server sent
 * once it closes the connection, or with null when it is still open after `ms`.
 */
function exchange(url: string, text: string, ms = 10_000): Promise<string | null> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    const open = setTimeout(() => {
      socket.destroy();
      resolve(null);
    }, ms);
    socket.on('data', (chunk) => (received += chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(open);
      resolve(received);
    });
    socket.write(text);
  });
}

/** A whole HTTP/1.1 POST of one GraphQL operation, after which the server closes the connection. */
const postText = (key: string, query: string) => {
  const body = JSON.stringify({ query });
  return `POST /graphql HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\nAuthorization: Bearer ${key}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
};
const bodyOf = (response: string | null) => JSON.parse(response!.slice(response!.indexOf('\r\n\r\n') + 4));

describe('contactgraph serve', () => {
  let key = '';
  let contactId = '';

  it('migrates, serves GraphQL and (on a new embedded database) prints a demo key with a curl line', async () => {
    const server = await startServer(env);
    try {
      if (databaseKind === 'pglite') {
        expect(server.stderr()).toMatch(/demo organisation was created/);
        expect(server.stderr()).toMatch(/curl -s http:\/\/localhost:\d+\/graphql .*Authorization: Bearer cgk_/);
      }
      key = await keyFor(server);
      const created = await post(server.url, key, graphql('mutation { createContact(input: { firstName: "Persisted", email: "p@x.example" }) { contact { id } userErrors { message } } }'));
      contactId = created.data!.createContact.contact!.id;
      const health = await fetch(server.url.replace('/graphql', '/readyz'));
      expect(health.status).toBe(200);
      const logLine = JSON.parse(server.stdout().split('\n').find((line) => line.includes('is serving'))!);
      expect(logLine).toMatchObject({ level: 30, msg: 'contactgraph is serving', service: 'contactgraph' });
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
    }
  });

  it('keeps the data across a restart and does not seed again', async () => {
    const server = await startServer(env);
    try {
      expect(server.stderr()).not.toMatch(/demo organisation/);
      const found = await post(server.url, key, graphql('query($id: ID!) { contact(by: { id: $id }) { fullName } }'), { id: contactId });
      expect(found.data!.contact).toEqual({ fullName: 'Persisted' });
    } finally {
      await server.stop();
    }
  });

  it('finishes an in-flight request on SIGTERM, then exits 0', async () => {
    const server = await startServer(env);
    const body = JSON.stringify({ query: '{ viewer { user { email } } }' });
    const url = new URL(server.url);
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${key}` } },
        (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, text }));
        },
      );
      req.on('error', reject);
      // Half the body now, the rest after the signal: the request is in flight when it comes.
      req.write(body.slice(0, 10));
      setTimeout(() => {
        server.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(10)), 300);
      }, 300);
    });
    const { status, text } = await response;
    expect(status).toBe(200);
    expect(JSON.parse(text).data.viewer.user.email).toMatch(/@/);
    expect(await server.exited()).toBe(0);
    expect(server.stdout()).toMatch(/"msg":"stopped"/);
  });

  it('ends on SIGTERM within its grace while nobody reads its stdout (a stuck log collector)', async () => {
    const server = await startServer({ ...env, LOG_LEVEL: 'debug', SHUTDOWN_GRACE_SECONDS: '2', RATE_LIMIT_REQUESTS: '0' });
    server.child.stdout!.pause();
    // every request logs at debug level: enough of them fill the pipe nobody empties
    for (let i = 0; i < 1500; i += 1) {
      const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: '{"query":"{ __typename }"}' });
      expect(response.status).toBe(200);
    }
    server.child.kill('SIGTERM');
    const ended = await Promise.race([server.exited().then(() => true), sleep(20_000).then(() => false)]);
    if (!ended) server.child.kill('SIGKILL');
    expect(ended).toBe(true);
  }, 120_000);

  describe('slow clients and the connection cap (HEADERS_TIMEOUT_SECONDS, REQUEST_TIMEOUT_SECONDS, MAX_CONNECTIONS)', () => {
    let server: RunningServer;
    beforeAll(async () => {
      server = await startServer({ ...env, HEADERS_TIMEOUT_SECONDS: '1', REQUEST_TIMEOUT_SECONDS: '2', KEEP_ALIVE_TIMEOUT_SECONDS: '1', MAX_CONNECTIONS: '2', RATE_LIMIT_REQUESTS: '0' });
    });
    afterAll(() => server.stop());

    it('answers 408 and closes a connection whose headers stop halfway through a line', async () => {
      expect(await exchange(server.url, 'POST /graphql HTTP/1.1\r\nHost: localhost\r\nX-Slow: half a li')).toMatch(/^HTTP\/1\.1 408 /);
    });

    it('answers 408 and closes a connection whose body stops halfway', async () => {
      const headers = `POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nAuthorization: Bearer ${key}\r\nContent-Length: 100\r\n\r\n`;
      expect(await exchange(server.url, `${headers}{"query":`)).toMatch(/^HTTP\/1\.1 408 /);
    });

    it('keeps a subscription streaming past the request timeout (it ends once the request is received)', async () => {
      const subscription = await subscribe(fetch, server.url, key, graphql('subscription { contactChanged { contactId } }'));
      try {
        await sleep(3_500);
        const created = bodyOf(await exchange(server.url, postText(key, 'mutation { createContact(input: { firstName: "Streamed" }) { contact { id } } }')));
        const [event] = await subscription.waitFor(1);
        expect(event!.data!.contactChanged.contactId).toBe(created.data.createContact.contact.id);
      } finally {
        subscription.close();
      }
    });

    it('drops a connection past MAX_CONNECTIONS unanswered, logs it, and takes connections again once one closes', async () => {
      const subscriptions = [
        await subscribe(fetch, server.url, key, graphql('subscription { contactChanged { contactId } }')),
        await subscribe(fetch, server.url, key, graphql('subscription { contactChanged { contactId } }')),
      ];
      try {
        expect(await exchange(server.url, 'GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')).toBe('');
      } finally {
        for (const subscription of subscriptions) subscription.close();
      }
      let answer: string | null = '';
      for (let tries = 0; tries < 50 && !answer; tries += 1) {
        await sleep(100);
        answer = await exchange(server.url, 'GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
      }
      expect(answer).toMatch(/^HTTP\/1\.1 200 /);
      const warning = server.stdout().split('\n').find((line) => line.includes('MAX_CONNECTIONS'));
      expect(JSON.parse(warning!)).toMatchObject({ level: 40, maxConnections: 2 });
    });

    it('refuses JSON nested 10,000 levels with a 400 and logs the refusal with the request id the answer carries', async () => {
      const body = `{"query":"query($v: JSON) { __typename }","variables":{"v":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`;
      const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body });
      expect(response.status).toBe(400);
      expect((await response.json()).errors[0].extensions.code).toBe('BAD_REQUEST');
      const requestId = response.headers.get('x-request-id')!;
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      for (let waited = 0; waited < 5_000 && !server.stdout().includes(requestId); waited += 50) await sleep(50);
      const logged = server.stdout().split('\n').find((line) => line.includes(requestId));
      expect(JSON.parse(logged!)).toMatchObject({ level: 40, requestId, msg: expect.stringMatching(/nests too deep/) });
    });

    it("logs an error yoga meets with its type and stack frames, not its message (JSON.parse's quotes the variables)", async () => {
      const query = new URLSearchParams({ query: '{ __typename }', variables: '{"secret":"SSN-123-45-6789" oops}' });
      const response = await fetch(`${server.url}?${query}`, { headers: { authorization: `Bearer ${key}` } });
      expect(response.status).toBe(400);
      for (let waited = 0; waited < 5_000 && !server.stdout().includes('SyntaxError'); waited += 50) await sleep(50);
      const logged = server.stdout().split('\n').find((line) => line.includes('SyntaxError'));
      expect(JSON.parse(logged!)).toMatchObject({ msg: 'yoga', args: [{ type: 'SyntaxError', frames: expect.arrayContaining([expect.stringMatching(/^at /)]) }] });
      expect(server.stdout()).not.toContain('SSN-123');
    });
  });
});

describe('two server processes on one database', () => {
  // An embedded database (PGlite) is served by one process at a time: two instances need PostgreSQL.
  it.skipIf(databaseKind !== 'postgres')('refuses a revoked key on both within 1 s, with no messaging between them (needs PostgreSQL)', async () => {
    const noRedis = { ...env, REDIS_URL: '' };
    const a = await startServer(noRedis);
    const b = await startServer(noRedis);
    const db = await openDatabase({ url: postgres!.url });
    try {
      const org = await createOrganization(db.prisma, 'Two Instances');
      const user = await createUser(db.prisma, { organizationId: org.id, email: 'ops@two.example', fullName: 'Ops' });
      const { key, record } = await createApiKey(db.prisma, { organizationId: org.id, userId: user.id, scopes: ['contacts:read'] });
      const read = graphql('{ contacts(first: 1) { totalCount } }');
      const statuses = () => Promise.all([a, b].map(async (server) => (await postGraphQL(server.url, key, read)).status));
      // each instance caches the key …
      expect(await statuses()).toEqual([200, 200]);
      // … and it still works on both right before the revocation
      expect(await statuses()).toEqual([200, 200]);

      const revoking = performance.now();
      expect(await revokeApiKey(db.prisma, record.prefix)).toBe(true);
      const DEADLINE_MS = 1200;
      /** how long after the revocation started `server` first refused the key (Infinity: not by the deadline) */
      const refusedAfter = async (server: RunningServer) => {
        for (;;) {
          const { status, body } = await postGraphQL(server.url, key, read);
          const elapsed = performance.now() - revoking;
          if (status === 401) {
            expect(body?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
            return elapsed;
          }
          expect(status).toBe(200);
          if (elapsed > DEADLINE_MS) return Infinity;
          await sleep(20);
        }
      };
      const [onA, onB] = await Promise.all([refusedAfter(a), refusedAfter(b)]);
      expect(onA).toBeLessThan(DEADLINE_MS);
      expect(onB).toBeLessThan(DEADLINE_MS);
      // and it stays refused
      expect(await statuses()).toEqual([401, 401]);
    } finally {
      await db.close();
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, databaseKind } from './support/database.js';
import { startServer } from './support/process.js';
import { createKeyWithCli, postGraphQL } from './support/server-client.js';

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

const post = async (url: string, key: string, query: string) => (await postGraphQL(url, key, query)).body;

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
      const created = await post(server.url, key, 'mutation { createContact(input: { firstName: "Persisted", email: "p@x.example" }) { contact { id } userErrors { message } } }');
      contactId = created.data.createContact.contact.id;
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
      const found = await post(server.url, key, `{ contact(by: { id: "${contactId}" }) { fullName } }`);
      expect(found.data.contact).toEqual({ fullName: 'Persisted' });
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
});

import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { checkConsistency } from './support/consistency.js';
import { databaseKind } from './support/database.js';
import { createHarness } from './support/harness.js';
import { startPostgresInstance } from './support/postgres-instance.js';
import { type RunningServer, startServer } from './support/process.js';
import { createKeyWithCli, type HttpAnswer, postGraphQL, probe } from './support/server-client.js';
import { graphql } from './support/graphql.js';

// Faults the server must survive without a wrong answer. (SIGKILL during a bulk import, which
// takes minutes, is in test/stress/sigkill.test.ts.)

/** The `errors` of an answer's body, whatever the body is (null when it was not JSON). */
const errorsOf = (body: unknown): { extensions?: { code?: string; requestId?: string } }[] => {
  const errors = typeof body === 'object' && body !== null ? (body as { errors?: unknown }).errors : undefined;
  return (errors ?? []) as { extensions?: { code?: string; requestId?: string } }[];
};

const codesOf = (body: unknown): string[] => errorsOf(body).map((e) => e.extensions?.code ?? '(no code)');

const requestIdsOf = (body: unknown): string[] => errorsOf(body).flatMap((e) => (e.extensions?.requestId ? [e.extensions.requestId] : []));

const CREATE = graphql(`mutation($input: CreateContactInput!) {
  createContact(input: $input) {
    contact { id firstName fullName companies { company { id name } } }
    companyResolutions { index action company { id } }
    userErrors { code field message existingId }
  }
}`);
const READ = graphql(`query($id: ID!, $email: String!, $ids: [ID!]!) {
  byId: contact(by: { id: $id }) { id fullName }
  byEmail: contact(by: { email: $email }) { id fullName }
  many: nodes(ids: $ids) { ... on Contact { id fullName } }
}`);

// ---------------------------------------------------------------------------------------------
// PostgreSQL stops and restarts under load. A private server (initdb + pg_ctl on its own port):
// the machine's shared server is used by other test files at the same time and must not stop.
// It runs in the postgres project only, which exists when TEST_DATABASE_URL is set (always in CI).
// ---------------------------------------------------------------------------------------------

type Phase = 'up' | 'stopping' | 'down' | 'starting' | 'recovering' | 'recovered';
interface Observation {
  op: 'write' | 'read';
  /** the phase when the request was sent and when its answer came */
  sent: Phase;
  answered: Phase;
  status: number;
  codes: string[];
  /** the request ids the errors carry (to find them in the server's log) */
  requestIds: string[];
  ok: boolean;
  network?: string;
}

if (databaseKind === 'postgres') {
  describe('PostgreSQL stops and restarts under load (a private PostgreSQL server)', () => {
    it('answers 503 SERVICE_UNAVAILABLE while it is down, stays alive, recovers by itself, loses no acknowledged write', async () => {
      const postgres = await startPostgresInstance();
      const dataDir = mkdtempSync(path.join(tmpdir(), 'contactgraph-outage-'));
      let server: RunningServer | null = null;
      let running = true;
      const loops: Promise<void>[] = [];
      try {
        const env = { DATABASE_URL: postgres.url, DATA_DIR: dataDir, REDIS_URL: '', RATE_LIMIT_REQUESTS: '0' };
        const key = await createKeyWithCli(env, 'Outage');
        server = await startServer(env);
        const url = server.url;

        const seeded: { id: string; fullName: string; email: string }[] = [];
        for (let i = 0; i < 10; i += 1) {
          const answer = await postGraphQL(url, key, CREATE, { input: { firstName: 'Seed', lastName: `S${i}`, email: `seed${i}@outage.example` } });
          const contact = answer.body!.data!.createContact.contact;
          seeded.push({ id: contact!.id, fullName: contact!.fullName!, email: `seed${i}@outage.example` });
        }

        let phase: Phase = 'up';
        const observations: Observation[] = [];
        const acknowledged: { email: string; id: string }[] = [];
        const wrongReads: unknown[] = [];
        const observe = async <Body>(op: Observation['op'], send: () => Promise<HttpAnswer<Body>>, ok: (answer: HttpAnswer<Body>) => boolean) => {
          const sent = phase;
          try {
            const answer = await send();
            const observation: Observation = { op, sent, answered: phase, status: answer.status, codes: codesOf(answer.body), requestIds: requestIdsOf(answer.body), ok: ok(answer) };
            observations.push(observation);
            return answer;
          } catch (error) {
            observations.push({ op, sent, answered: phase, status: 0, codes: [], requestIds: [], ok: false, network: String((error as Error).cause ?? error) });
            return null;
          }
        };
        // 5 clients, each writing a new contact and reading a known one, over and over.
        for (let n = 0; n < 5; n += 1) {
          loops.push(
            (async () => {
              for (let i = 0; running; i += 1) {
                const email = `w${n}.${i}@outage.example`;
                const wrote = await observe(
                  'write',
                  () => postGraphQL(url, key, CREATE, { input: { firstName: `W${n}`, lastName: `N${i}`, email } }),
                  (a) => a.status === 200 && !a.body?.errors && Boolean(a.body?.data?.createContact?.contact),
                );
                const contact = wrote?.body?.data?.createContact?.contact;
                if (wrote?.status === 200 && contact) {
                  acknowledged.push({ email, id: contact.id });
                  if (contact.fullName !== `W${n} N${i}`) wrongReads.push({ sent: `W${n} N${i}`, got: contact });
                }
                const want = seeded[(n * 3 + i) % seeded.length]!;
                const other = seeded[(n * 3 + i + 1) % seeded.length]!;
                const read = await observe(
                  'read',
                  () => postGraphQL(url, key, READ, { id: want.id, email: other.email, ids: [other.id, want.id] }),
                  (a) => a.status === 200 && !a.body?.errors,
                );
                if (read?.status === 200 && !read.body?.errors) {
                  const expected = { byId: { id: want.id, fullName: want.fullName }, byEmail: { id: other.id, fullName: other.fullName }, many: [{ id: other.id, fullName: other.fullName }, { id: want.id, fullName: want.fullName }] };
                  if (JSON.stringify(read.body!.data) !== JSON.stringify(expected)) wrongReads.push({ expected, got: read.body!.data });
                }
                await sleep(10);
              }
            })(),
          );
        }

        await sleep(1_500);
        phase = 'stopping';
        await postgres.stop();
        phase = 'down';
        const probes: { readyz: number; healthz: number }[] = [];
        for (let i = 0; i < 10; i += 1) {
          probes.push({ readyz: await probe(url, '/readyz'), healthz: await probe(url, '/healthz') });
          const answer = await postGraphQL(url, key, graphql('{ viewer { user { email } } }'));
          observations.push({ op: 'read', sent: 'down', answered: phase, status: answer.status, codes: codesOf(answer.body), requestIds: requestIdsOf(answer.body), ok: answer.status === 200 && !answer.body?.errors });
          await sleep(300);
        }
        const downStatus = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify({ query: `query($id: ID!) { contact(by: { id: $id }) { id } }`, variables: { id: seeded[0]!.id } }),
        });
        const downBody = (await downStatus.json()) as { errors?: unknown };
        expect(server.child.exitCode).toBeNull();

        phase = 'starting';
        await postgres.start();
        phase = 'recovering';
        const recoveringSince = performance.now();
        let attempts = 0;
        for (; attempts < 240; attempts += 1) {
          const ready = await probe(url, '/readyz');
          const answer = await postGraphQL(url, key, READ, { id: seeded[1]!.id, email: seeded[2]!.email, ids: [seeded[3]!.id] });
          if (ready === 200 && answer.status === 200 && !answer.body!.errors) break;
          await sleep(250);
        }
        const recoveredAfterMs = Math.round(performance.now() - recoveringSince);
        expect(attempts, 'the server recovered without a restart within 60 s of PostgreSQL being back').toBeLessThan(240);
        phase = 'recovered';
        await sleep(1_500);
        running = false;
        await Promise.all(loops);

        // What was seen, by phase, as "status codes" → count (printed for the record).
        const summary: Record<string, number> = {};
        for (const o of observations) {
          const signature = `${o.sent}→${o.answered} ${o.op} ${o.ok ? 'ok' : o.network ? `network: ${o.network}` : `${o.status} ${o.codes.join(',') || '(no errors)'}`}`;
          summary[signature] = (summary[signature] ?? 0) + 1;
        }
        console.info(
          `[faults] PostgreSQL outage: recovered ${recoveredAfterMs} ms after it was back (${attempts} retries); probes while down ${JSON.stringify(probes)}; ` +
            `Retry-After on a 503: ${downStatus.headers.get('retry-after')}; answers ${JSON.stringify(summary, null, 1)}`,
        );

        // The server's log of every request that failed otherwise than SERVICE_UNAVAILABLE (by request id).
        const oddIds = new Set(observations.filter((o) => !o.ok && o.codes.some((c) => c !== 'SERVICE_UNAVAILABLE')).flatMap((o) => o.requestIds));
        const oddLog = server
          .stdout()
          .split('\n')
          .filter((line) => [...oddIds].some((id) => line.includes(id)))
          .map((line) => {
            const entry = JSON.parse(line);
            return { msg: entry.msg, path: entry.path, type: entry.err?.type, code: entry.err?.code, message: entry.err?.message, stack: entry.err?.stack?.split('\n').slice(1, 5).join(' | ') };
          });
        if (oddLog.length > 0) console.info(`[faults] server log of the requests that failed otherwise: ${JSON.stringify(oddLog, null, 1)}`);
        // The process stayed alive and answered every request (no connection dropped, no crash).
        expect(server.child.exitCode).toBeNull();
        expect(observations.filter((o) => o.network)).toEqual([]);
        // Never an unexpected error: a request fails as SERVICE_UNAVAILABLE (HTTP 503), nothing else.
        const failures = observations.filter((o) => !o.ok);
        expect(failures.filter((o) => o.status === 500 || o.codes.includes('INTERNAL_SERVER_ERROR'))).toEqual([]);
        // (a request reading several root fields gets one error per field, each SERVICE_UNAVAILABLE)
        expect(new Set(failures.map((o) => `${o.status} ${[...new Set(o.codes)].join(',')}`))).toEqual(new Set(['503 SERVICE_UNAVAILABLE']));
        // While it was down every request failed so, and some were made.
        const whileDown = observations.filter((o) => o.sent === 'down' && o.answered === 'down');
        expect(whileDown.length).toBeGreaterThan(10);
        expect(whileDown.every((o) => o.status === 503 && o.codes.length > 0 && o.codes.every((c) => c === 'SERVICE_UNAVAILABLE'))).toBe(true);
        expect(downStatus.status).toBe(503);
        expect(downStatus.headers.get('retry-after')).toBe('1');
        expect(downBody.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE', requestId: expect.any(String) }) })]);
        expect(probes.every((p) => p.readyz === 503 && p.healthz === 200)).toBe(true);
        // Before and after: every request succeeded; and every read that answered was right.
        expect(observations.filter((o) => o.sent === 'up' && o.answered === 'up' && !o.ok)).toEqual([]);
        expect(observations.filter((o) => o.sent === 'recovered' && !o.ok)).toEqual([]);
        expect(observations.filter((o) => o.sent === 'recovered' && o.ok).length).toBeGreaterThan(5);
        expect(wrongReads).toEqual([]);
        expect(await probe(url, '/readyz')).toBe(200);

        // Every write acknowledged as successful is there, with its email.
        const client = new pg.Client({ connectionString: postgres.url });
        await client.connect();
        try {
          const { rows } = await client.query<{ id: string; address: string }>(
            `SELECT c.id::text AS id, e.address FROM contact_emails e JOIN contacts c ON c.id = e.contact_id WHERE e.address LIKE 'w%@outage.example'`,
          );
          const stored = new Map(rows.map((r) => [r.address, `con_${r.id}`]));
          const missing = acknowledged.filter((w) => stored.get(w.email) !== w.id);
          expect(missing).toEqual([]);
          expect(acknowledged.length).toBeGreaterThan(10);
          const sql = { query: async (text: string, params?: unknown[]) => (await client.query(text, params)).rows };
          expect(await checkConsistency({ sql } as unknown as Pick<Database, 'sql'>)).toEqual([]);
        } finally {
          await client.end();
        }
      } finally {
        running = false;
        await Promise.allSettled(loops);
        if (server) await server.stop('SIGTERM');
        await postgres.destroy();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The adapter-pg transaction bug class (prisma/orm#30374: after a PostgreSQL error inside an
// interactive transaction, later queries on the same client got other queries' results): 50
// clients write conflicting values (emails, external refs, new company names, etags, company
// renames, which fail inside a transaction) while reading distinct contacts. Every read must be
// the contact asked for, every write a success or a typed userError. The bug class is adapter-pg's;
// the same load runs on PGlite, where the answers must be just as right.
// ---------------------------------------------------------------------------------------------

const h = await createHarness();

describe(`conflicting writes under load never mix up answers (${databaseKind}, 50 clients)`, () => {
  it('every read gets its own contact; every write answers success or a typed userError', async () => {
    const owner = await h.organization();
    const readers: { id: string; fullName: string; email: string }[] = [];
    for (let i = 0; i < 50; i += 1) {
      const r = await owner.gql(CREATE, { input: { firstName: 'Reader', lastName: `R${i}`, email: `reader${i}@distinct.example`, externalRefs: [{ namespace: 'readers', externalId: `R${i}` }] } });
      readers.push({ id: r.data!.createContact.contact!.id, fullName: `Reader R${i}`, email: `reader${i}@distinct.example` });
    }
    const hot = (await owner.gql(CREATE, { input: { firstName: 'Hot', email: 'hot@conflict.example' } })).data!.createContact.contact!.id as string;
    const companies: string[] = [];
    for (let i = 0; i < 50; i += 1) {
      const r = await owner.gql(graphql('mutation($input: CreateCompanyInput!) { createCompany(input: $input) { company { id } userErrors { code } } }'), { input: { name: `Rename Source ${i}` } });
      companies.push(r.data!.createCompany.company!.id);
    }

    type Op = 'email' | 'ref' | 'company' | 'etag' | 'upsert' | 'rename' | 'taken';
    const OPS: Op[] = ['email', 'ref', 'company', 'etag', 'upsert', 'rename', 'taken'];
    const wrong: unknown[] = [];
    const outcomes: Record<string, number> = {};
    const duplicates: { op: Op; iteration: number; existingId: string }[] = [];
    const count = (key: string) => (outcomes[key] = (outcomes[key] ?? 0) + 1);

    /** one write; returns its payload after checking its shape */
    async function write(op: Op, client: number, iteration: number, etag: string) {
      const name = `C${client}`;
      /** what any of these writes answers: the contact or company written, an upsert's action, the user errors */
      type WritePayload = {
        contact?: { id: string; firstName?: string | null; description?: string | null; name?: undefined } | null;
        company?: { id: string; name: string; firstName?: undefined; description?: undefined } | null;
        action?: string | null;
        userErrors?: { code: string; existingId?: string | null }[];
      };
      const answer =
        op === 'email'
          ? await owner.gql(CREATE, { input: { firstName: name, email: `dup${iteration}@conflict.example` } })
          : op === 'ref'
            ? await owner.gql(CREATE, { input: { firstName: name, externalRefs: [{ namespace: 'conflict', externalId: `R${iteration}` }], companies: [{ company: { name: `Ref Co ${iteration}` } }] } })
            : op === 'company'
              ? await owner.gql(CREATE, { input: { firstName: name, companies: [{ company: { name: `Shared New Co ${iteration}` } }] } })
              : op === 'etag'
                ? await owner.gql(graphql('mutation($input: UpdateContactInput!) { updateContact(input: $input) { contact { id description } userErrors { code field existingId } } }'), {
                    input: { id: hot, ifMatch: etag, patch: { description: `${name} at ${iteration}` } },
                  })
                : op === 'upsert'
                  ? await owner.gql(graphql('mutation($input: UpsertContactInput!) { upsertContact(input: $input) { action contact { id firstName } userErrors { code field existingId } } }'), {
                      input: { by: { externalRef: { namespace: 'conflict-up', externalId: `U${iteration}` } }, firstName: name },
                    })
                  : op === 'rename'
                    ? await owner.gql(graphql('mutation($input: UpdateCompanyInput!) { updateCompany(input: $input) { company { id name } userErrors { code field existingId } } }'), {
                        input: { id: companies[client]!, name: `Renamed ${iteration}` },
                      })
                    : await owner.gql(CREATE, { input: { firstName: name, email: readers[(client + iteration) % 50]!.email } });
      if (answer.errors) {
        wrong.push({ op, client, iteration, status: answer.status, errors: answer.errors });
        return;
      }
      const payload = Object.values(answer.data ?? {})[0] as WritePayload | undefined;
      const subject = payload?.contact ?? payload?.company;
      const codes = (payload?.userErrors ?? []).map((e: { code: string }) => e.code);
      count(`${op} ${subject ? 'ok' : codes.join(',')}${payload?.action ? ` ${payload.action}` : ''}`);
      if (subject && codes.length === 0) {
        // the answer is about this write
        if (op === 'etag' && subject.description !== `${name} at ${iteration}`) wrong.push({ op, client, iteration, payload });
        if (op === 'rename' && (subject.id !== companies[client] || subject.name !== `Renamed ${iteration}`)) wrong.push({ op, client, iteration, payload });
        if (['email', 'ref', 'company', 'taken'].includes(op) && subject.firstName !== name) wrong.push({ op, client, iteration, payload });
        if (op === 'upsert' && payload!.action === 'CREATED' && subject.firstName !== name) wrong.push({ op, client, iteration, payload });
        return;
      }
      const expected: Record<Op, string[]> = { email: ['DUPLICATE'], ref: ['DUPLICATE'], company: [], etag: ['STALE_ETAG'], upsert: [], rename: ['DUPLICATE'], taken: ['DUPLICATE'] };
      if (subject || codes.length === 0 || !codes.every((c: string) => expected[op].includes(c))) wrong.push({ op, client, iteration, payload });
      for (const e of payload!.userErrors!) if (e.existingId && op !== 'rename') duplicates.push({ op, iteration, existingId: e.existingId });
      if (op === 'taken') {
        const holder = readers[(client + iteration) % 50]!;
        if (payload!.userErrors![0]?.existingId !== holder.id) wrong.push({ op, client, iteration, expected: holder.id, payload });
      }
    }

    async function read(client: number, iteration: number) {
      const want = readers[(client * 7 + iteration) % 50]!;
      const other = readers[(client * 11 + iteration + 1) % 50]!;
      const third = readers[(client * 13 + iteration + 2) % 50]!;
      const answer = await owner.gql(READ, { id: want.id, email: other.email, ids: [third.id, want.id] });
      const expected = {
        byId: { id: want.id, fullName: want.fullName },
        byEmail: { id: other.id, fullName: other.fullName },
        many: [{ id: third.id, fullName: third.fullName }, { id: want.id, fullName: want.fullName }],
      };
      if (answer.errors || JSON.stringify(answer.data) !== JSON.stringify(expected)) wrong.push({ read: true, client, iteration, expected, got: answer.data, errors: answer.errors });
    }

    for (let iteration = 0; iteration < OPS.length; iteration += 1) {
      const etag = (await owner.gql(graphql(`query($id: ID!) { contact(by: { id: $id }) { etag } }`), { id: hot })).data!.contact!.etag as string;
      // groups of about 7 clients do the same conflicting write at once, the other groups other ones
      await Promise.all(
        Array.from({ length: 50 }, async (_, client) => {
          const op = OPS[(iteration + Math.floor(client / 7)) % OPS.length]!;
          await read(client, iteration);
          await write(op, client, iteration, etag);
          await read(client, iteration + 1);
        }),
      );
    }
    console.info(`[faults] ${databaseKind} conflict load outcomes: ${JSON.stringify(outcomes)}`);
    expect(wrong).toEqual([]);

    // DUPLICATE named the contact that really holds the value ('taken' was checked against its
    // reader above; no other write names one).
    const named = duplicates.filter((d) => d.op !== 'taken');
    expect(new Set(named.map((d) => d.op))).toEqual(new Set(['email', 'ref']));
    for (const { op, iteration, existingId } of named) {
      const holder =
        op === 'email'
          ? await owner.gql(graphql(`query($email: String!) { contact(by: { email: $email }) { id } }`), { email: `dup${iteration}@conflict.example` })
          : await owner.gql(graphql(`query($id: String!) { contact(by: { externalRef: { namespace: "conflict", externalId: $id } }) { id } }`), { id: `R${iteration}` });
      expect(holder.data!.contact!.id).toBe(existingId);
    }
    // each conflicting value was taken once; no orphan rows
    const [taken] = await h.db.sql.query<{ emails: number; refs: number; upserts: number; shared: number }>(
      `SELECT (SELECT count(*)::int FROM contact_emails WHERE organization_id = $1 AND address_normalized LIKE 'dup%@conflict.example') AS emails,
              (SELECT count(*)::int FROM external_refs WHERE organization_id = $1 AND namespace = 'conflict') AS refs,
              (SELECT count(*)::int FROM external_refs WHERE organization_id = $1 AND namespace = 'conflict-up') AS upserts,
              (SELECT count(*)::int FROM companies WHERE organization_id = $1 AND normalized_name LIKE 'shared new co %') AS shared`,
      [owner.organizationId],
    );
    expect(taken).toEqual({ emails: OPS.length, refs: OPS.length, upserts: OPS.length, shared: OPS.length });
    expect(await checkConsistency(h.db)).toEqual([]);
  });
});

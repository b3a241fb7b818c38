import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/client.js';
import { checkConsistency } from '../support/consistency.js';
import { createPostgresDatabase, databaseKind } from '../support/database.js';
import { type RunningServer, startServer } from '../support/process.js';
import { createKeyWithCli, postGraphQL, postGraphQLTracked, probe } from '../support/server-client.js';
import { graphql } from '../support/graphql.js';

/** Runs SQL on the file's database: PostgreSQL directly; PGlite only while no server holds the folder. */
type Sql = { query<Row = unknown>(text: string, params?: unknown[]): Promise<Row[]> };

// SIGKILL while a 500-item createContacts is in flight: after a restart every contact of the batch
// is whole or absent (the batch is one transaction), and the server answers normally. On PGlite the
// server process owns the data folder, so each restart is a recovery from its WAL. A stress suite
// (over a minute on PGlite): `npm run test:stress`, see vitest.stress.config.ts.

const BULK = graphql(`mutation($input: CreateContactsInput!) {
  createContacts(input: $input) { results { clientRef contact { id } userErrors { code field message } } userErrors { code message } }
}`);
const BATCH = 500;
const ROUND_COMPANIES = 20;

/** The batch of one round: every item with two emails, two phones, two companies (new), a ref and a tag. */
function batchOf(round: string) {
  return Array.from({ length: BATCH }, (_, i) => ({
    clientRef: `${round}-${i}`,
    firstName: `Kill${round}`,
    lastName: `Item${i}`,
    emails: [{ address: `${round}.${i}.a@kill.example` }, { address: `${round}.${i}.b@kill.example`, label: 'other' }],
    phones: [{ number: `+1415555${String(1000 + i)}` }, { number: `+442079460${String(i).padStart(3, '0')}`, label: 'WORK' as const }],
    companies: [{ company: { name: `Kill Round ${round}` } }, { company: { name: `Kill ${round} Co ${i % ROUND_COMPANIES}` }, jobTitle: `Role ${i}` }],
    externalRefs: [{ namespace: 'killtest', externalId: `${round}-${i}` }],
    tags: [`kill-${round}`],
  }));
}

/** What each contact of the round must hold when it is present, keyed by its external ref. */
function expectedRows(round: string) {
  return new Map(
    batchOf(round).map((item) => [
      `killtest/${item.externalRefs![0]!.externalId}`,
      {
        first_name: item.firstName,
        last_name: item.lastName,
        version: 1,
        emails: item.emails!.map((e) => e.address),
        phones: item.phones!.map((p) => p.number),
        companies: item.companies!.map((c) => c.company.name),
        job_titles: [null, item.companies![1]!.jobTitle ?? null],
        refs: [`killtest/${item.externalRefs![0]!.externalId}`],
        changes: ['CREATED:1'],
      },
    ]),
  );
}

/** Whole or absent: the round's contacts are all there with everything sent, or nothing of them is. */
async function checkRound(sql: Sql, organizationId: string, round: string): Promise<number> {
  const rows = await sql.query<{
    first_name: string | null;
    last_name: string | null;
    version: number;
    emails: string[];
    phones: string[];
    companies: string[];
    job_titles: (string | null)[];
    refs: string[];
    changes: string[];
  }>(
    `SELECT c.first_name, c.last_name, c.version,
            ARRAY(SELECT e.address FROM contact_emails e WHERE e.contact_id = c.id ORDER BY e.position) AS emails,
            ARRAY(SELECT p.number FROM contact_phones p WHERE p.contact_id = c.id ORDER BY p.position) AS phones,
            ARRAY(SELECT co.name FROM contact_companies cc JOIN companies co ON co.id = cc.company_id WHERE cc.contact_id = c.id ORDER BY cc.position) AS companies,
            ARRAY(SELECT cc.job_title FROM contact_companies cc WHERE cc.contact_id = c.id ORDER BY cc.position) AS job_titles,
            ARRAY(SELECT r.namespace || '/' || r.external_id FROM external_refs r WHERE r.contact_id = c.id ORDER BY r.external_id) AS refs,
            ARRAY(SELECT ch.change_type::text || ':' || ch.version FROM contact_changes ch WHERE ch.contact_id = c.id ORDER BY ch.seq) AS changes
       FROM contacts c WHERE c.organization_id = $1 AND $2 = ANY (c.tags)`,
    [organizationId, `kill-${round}`],
  );
  expect([0, BATCH]).toContain(rows.length);
  const [companies] = await sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM companies WHERE organization_id = $1 AND (normalized_name = $2 OR normalized_name LIKE $3)`,
    [organizationId, `kill round ${round}`, `kill ${round} co %`],
  );
  const [emails] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM contact_emails WHERE organization_id = $1 AND address_normalized LIKE $2`, [
    organizationId,
    `${round}.%@kill.example`,
  ]);
  const [refs] = await sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM external_refs WHERE organization_id = $1 AND namespace = 'killtest' AND external_id LIKE $2`,
    [organizationId, `${round}-%`],
  );
  if (rows.length === 0) {
    // Nothing of the batch may be left: not its companies (created in the same transaction), emails or refs.
    expect({ companies: companies!.n, emails: emails!.n, refs: refs!.n }).toEqual({ companies: 0, emails: 0, refs: 0 });
    return 0;
  }
  expect({ companies: companies!.n, emails: emails!.n, refs: refs!.n }).toEqual({ companies: 1 + ROUND_COMPANIES, emails: 2 * BATCH, refs: BATCH });
  const expected = expectedRows(round);
  for (const row of rows) {
    const want = expected.get(row.refs[0]!);
    expect(row).toEqual(want);
    expected.delete(row.refs[0]!);
  }
  expect(expected.size).toBe(0);
  return rows.length;
}

type KillPlan = { kind: 'delay'; fraction: number } | { kind: 'transaction'; extraFraction: number };

describe(`SIGKILL during a 500-item createContacts (${databaseKind})`, () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'contactgraph-kill-'));
  let postgres: Awaited<ReturnType<typeof createPostgresDatabase>> | null = null;
  let env: Record<string, string> = {};
  let key = '';
  let baselineMs = 0;
  /** the server of the next round: each round's restarted server serves the round after it */
  let server: RunningServer | null = null;
  const rounds: { round: string; plan: string; answered: boolean; acknowledged: boolean; listed?: number; present?: number }[] = [];

  /** Runs `work` with SQL access to the database (PGlite: opens the folder in this process; no server may hold it). */
  async function withSql<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    if (postgres) {
      const client = new pg.Client({ connectionString: postgres.url });
      await client.connect();
      try {
        return await work({ query: async (text, params) => (await client.query(text, params)).rows });
      } finally {
        await client.end();
      }
    }
    const db = await openDatabase({ dataDir });
    try {
      return await work(db.sql);
    } finally {
      await db.close();
    }
  }

  afterAll(async () => {
    console.info(`[faults] ${databaseKind} SIGKILL rounds (baseline ${baselineMs} ms): ${JSON.stringify(rounds)}`);
    if (server) await server.stop('SIGKILL');
    await postgres?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sets up an organisation and a key with the CLI, then writes a whole batch (baseline)', async () => {
    postgres = databaseKind === 'postgres' ? await createPostgresDatabase() : null;
    env = { DATABASE_URL: postgres?.url ?? '', DATA_DIR: dataDir, REDIS_URL: '', RATE_LIMIT_REQUESTS: '0' };
    key = await createKeyWithCli(env, 'Killjoy');
    server = await startServer(env);
    const started = performance.now();
    const answer = await postGraphQL(server.url, key, BULK, { input: { contacts: batchOf('base') } });
    baselineMs = Math.round(performance.now() - started);
    expect(answer.status).toBe(200);
    expect(answer.body!.errors).toBeUndefined();
    expect(answer.body!.data!.createContacts.results.filter((r) => r.contact && r.userErrors.length === 0)).toHaveLength(BATCH);
  });

  // Kill points spread over the request: during validation, while the transaction writes, about
  // its commit, after it; and (PostgreSQL) as soon as the database shows the transaction wrote.
  const plans: KillPlan[] = [
    { kind: 'delay', fraction: 0.1 },
    { kind: 'delay', fraction: 0.6 },
    { kind: 'delay', fraction: 0.9 },
    { kind: 'delay', fraction: 1.3 },
    ...(databaseKind === 'postgres'
      ? ([
          { kind: 'transaction', extraFraction: 0 },
          { kind: 'transaction', extraFraction: 0.1 },
        ] as KillPlan[])
      : []),
  ];

  it.each(plans.map((plan, index) => ({ plan, round: `r${index}` })))(
    'round $round: SIGKILL with the batch in flight ($plan.kind), restart, the server answers and the batch is all or nothing',
    async ({ plan, round }) => {
      expect(server, 'the setup test ran').not.toBeNull();
      const victim = server!;
      let sent!: () => void;
      const wasSent = new Promise<void>((resolve) => (sent = resolve));
      let answered = false;
      const answer = postGraphQLTracked(victim.url, key, BULK, { input: { contacts: batchOf(round) } }, sent).then(
        (a) => ((answered = true), a),
        () => null, // the connection dropped: the server died with the request in flight
      );
      await wasSent;
      let description: string;
      if (plan.kind === 'delay') {
        const ms = Math.round(baselineMs * plan.fraction * (0.9 + Math.random() * 0.2)); // ±10% jitter
        description = `${ms} ms after sending`;
        await Promise.race([sleep(ms), answer]);
      } else {
        const seen = await waitForWritingTransaction(postgres!.url, answer);
        const extra = Math.round(baselineMs * plan.extraFraction);
        description = seen ? `transaction seen writing, +${extra} ms` : 'answered before a writing transaction was seen';
        if (extra) await Promise.race([sleep(extra), answer]);
      }
      victim.child.kill('SIGKILL');
      server = null;
      expect(await victim.exited()).toBeNull(); // ended by the signal
      const finished = await answer;
      const acknowledged = finished?.status === 200 && finished.body?.data?.createContacts?.results?.every((r) => r.contact) === true;
      const outcome: (typeof rounds)[number] = { round, plan: description, answered, acknowledged };
      rounds.push(outcome);

      // Restart on the same data ((PGlite) recovery from its WAL): it must answer normally.
      server = await startServer(env);
      expect(await probe(server.url, '/readyz')).toBe(200);
      const listed = await postGraphQL(server.url, key, graphql(`query($tag: String!) { contacts(first: 1, filter: { tags: [$tag] }) { totalCount } }`), { tag: `kill-${round}` });
      expect(listed.status).toBe(200);
      outcome.listed = listed.body!.data!.contacts.totalCount;
      // an acknowledged batch is whole; one the server died with is whole or absent
      expect(acknowledged ? [BATCH] : [0, BATCH]).toContain(outcome.listed);
      const one = await postGraphQL(
        server.url,
        key,
        graphql(`query($ref: ExternalRefInput!) { contact(by: { externalRef: $ref }) { fullName emails { address } phones { number } companies { company { name } jobTitle } } }`),
        { ref: { namespace: 'killtest', externalId: `${round}-7` } },
      );
      expect(one.body!.errors).toBeUndefined();
      expect(one.body!.data!.contact).toEqual(
        outcome.listed === 0
          ? null
          : {
              fullName: `Kill${round} Item7`,
              emails: [{ address: `${round}.7.a@kill.example` }, { address: `${round}.7.b@kill.example` }],
              phones: [{ number: '+14155551007' }, { number: '+442079460007' }],
              companies: [
                { company: { name: `Kill Round ${round}` }, jobTitle: null },
                { company: { name: `Kill ${round} Co 7` }, jobTitle: 'Role 7' },
              ],
            },
      );
      // it takes new writes
      const write = await postGraphQL(
        server.url,
        key,
        graphql(`mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } userErrors { code } } }`),
        { input: { firstName: 'After', lastName: round, email: `after.${round}@kill.example`, tags: ['after-kill'] } },
      );
      expect(write.body!.data!.createContact).toMatchObject({ contact: { id: expect.stringMatching(/^con_/) }, userErrors: [] });
      if (postgres) outcome.present = await withSql(async (sql) => checkRound(sql, await organizationIdOf(sql), round));
    },
  );

  it('after the last restart: every batch whole or absent, no orphan rows, one feed entry per contact', async () => {
    expect(server, 'the rounds ran').not.toBeNull();
    expect(await server!.stop('SIGTERM')).toBe(0);
    server = null;
    await withSql(async (sql) => {
      const organizationId = await organizationIdOf(sql);
      expect(await checkRound(sql, organizationId, 'base')).toBe(BATCH);
      for (const outcome of rounds) {
        outcome.present = await checkRound(sql, organizationId, outcome.round);
        expect(outcome.present).toBe(outcome.listed);
        expect(outcome.acknowledged ? [BATCH] : [0, BATCH]).toContain(outcome.present);
      }
      expect(await checkConsistency({ sql } as unknown as Pick<Database, 'sql'>)).toEqual([]);
      const [counts] = await sql.query<{ contacts: number; entries: number; after: number }>(
        `SELECT (SELECT count(*)::int FROM contacts WHERE organization_id = $1) AS contacts,
                (SELECT count(*)::int FROM contact_changes WHERE organization_id = $1) AS entries,
                (SELECT count(*)::int FROM contacts WHERE organization_id = $1 AND 'after-kill' = ANY (tags)) AS after`,
        [organizationId],
      );
      expect(counts!.after).toBe(rounds.length);
      expect(counts!.entries).toBe(counts!.contacts);
    });
  });
});

async function organizationIdOf(sql: Sql): Promise<string> {
  return (await sql.query<{ id: string }>(`SELECT id FROM organizations WHERE name = 'Killjoy'`))[0]!.id;
}

/**
 * Polls pg_stat_activity until a backend of this database holds a transaction id (it has
 * written inside its transaction), or the request answered first. True when one was seen.
 */
async function waitForWritingTransaction(url: string, answered: Promise<unknown>): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let done = false;
  void answered.then(() => (done = true));
  try {
    while (!done) {
      const { rows } = await client.query(
        `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL`,
      );
      if (rows.length > 0) return true;
      await sleep(2);
    }
    return false;
  } finally {
    await client.end();
  }
}

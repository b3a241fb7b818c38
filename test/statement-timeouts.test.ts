import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseOptions, loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { DEFAULT_TENANT_SETTINGS } from '../src/tenant/tenant.js';
import { databaseKind } from './support/database.js';
import { createHarness } from './support/harness.js';
import { graphql } from './support/graphql.js';

describe('the configuration of the pool and the timeouts', () => {
  it('reads DATABASE_POOL_SIZE, the statement timeouts per request class and TOTAL_COUNT_EXACT_LIMIT', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://db.invalid/x',
      DATABASE_POOL_SIZE: '3',
      STATEMENT_TIMEOUT_READ_MS: '1500',
      STATEMENT_TIMEOUT_WRITE_MS: '2500',
      STATEMENT_TIMEOUT_BULK_MS: '0',
      STATEMENT_TIMEOUT_EXPORT_MS: '90000',
      TOTAL_COUNT_EXACT_LIMIT: '500',
    });
    expect(config).toMatchObject({ databasePoolSize: 3, statementTimeouts: { read: 1500, write: 2500, bulk: 0, export: 90000 }, exactCountLimit: 500 });
    expect(databaseOptions(config)).toEqual({ url: 'postgres://db.invalid/x', poolSize: 3, statementTimeoutMs: 1500, namedStatements: true });
    expect(databaseOptions(loadConfig({ DATABASE_URL: 'postgres://db.invalid/x', DATABASE_NAMED_STATEMENTS: 'false' }))).toMatchObject({ namedStatements: false });
    expect(databaseOptions(config, config.statementTimeouts.export)).toMatchObject({ statementTimeoutMs: 90000 });
    expect(loadConfig({})).toMatchObject({ databasePoolSize: 10, statementTimeouts: { read: 5000, write: 5000, bulk: 60000, export: 60000 }, exactCountLimit: 1000 });
    expect(() => loadConfig({ DATABASE_POOL_SIZE: '0' })).toThrow(/DATABASE_POOL_SIZE must be at least 1/);
    expect(() => loadConfig({ STATEMENT_TIMEOUT_READ_MS: '1.5' })).toThrow(/STATEMENT_TIMEOUT_READ_MS must be a non-negative integer/);
  });
});

// PGlite, one embedded process, enforces no statement_timeout: these run on PostgreSQL.
describe.runIf(databaseKind === 'postgres')('statement timeouts on PostgreSQL', async () => {
  const settings = { ...DEFAULT_TENANT_SETTINGS, statementTimeouts: { read: 300, write: 300, bulk: 600, export: 300 } };
  const h = await createHarness({ statementTimeoutMs: 300, tenantSettings: settings });
  const owner = await h.organization();
  let locker: pg.Client | undefined;

  /** Holds an exclusive lock on `contacts` from another connection: every statement on it waits. */
  async function lockContacts() {
    locker = new pg.Client({ connectionString: h.db.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE contacts IN ACCESS EXCLUSIVE MODE');
  }
  afterEach(async () => {
    await locker?.query('ROLLBACK');
    await locker?.end();
    locker = undefined;
  });

  const LIST = graphql('{ contacts(first: 5) { edges { node { id } } } }');
  const CREATE = graphql('mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } userErrors { code } } }');
  const BULK = graphql('mutation($input: CreateContactsInput!) { createContacts(input: $input) { results { contact { id } } } }');
  const countNamed = (firstName: string) => h.db.prisma.contact.count({ where: { organizationId: owner.organizationId, firstName } });

  it('cancels a read past the read timeout with STATEMENT_TIMEOUT, compiled or not', async () => {
    await lockContacts();
    const read = await owner.gql(LIST);
    expect(read.data?.contacts ?? null).toBeNull();
    expect(read.errors?.map((error) => error.extensions?.code)).toEqual(['STATEMENT_TIMEOUT']);
    expect(read.errors?.[0]?.message).toMatch(/took longer than this server allows/);
    const nested = await owner.gql(graphql('{ viewer { organization { id } } contacts(first: 1) { totalCount } }'));
    expect(nested.errors?.map((error) => error.extensions?.code)).toEqual(['STATEMENT_TIMEOUT']);
  });

  it('cancels a write and a bulk write past their timeouts, and keeps nothing of them', async () => {
    await lockContacts();
    const single = await owner.gql(CREATE, { input: { firstName: 'Timed' } });
    expect(single.errors?.map((error) => error.extensions?.code)).toEqual(['STATEMENT_TIMEOUT']);
    const bulk = await owner.gql(BULK, { input: { contacts: [{ firstName: 'Timed' }, { firstName: 'Timed' }] } });
    expect(bulk.errors?.map((error) => error.extensions?.code)).toEqual(['STATEMENT_TIMEOUT']);
    await locker!.query('ROLLBACK');
    expect(await countNamed('Timed')).toBe(0);
    // the lock gone, the same calls succeed
    expect((await owner.gql(CREATE, { input: { firstName: 'Timed' } })).data!.createContact.userErrors).toEqual([]);
    expect((await owner.gql(BULK, { input: { contacts: [{ firstName: 'Timed' }] } })).data!.createContacts.results).toHaveLength(1);
    expect(await countNamed('Timed')).toBe(2);
  });

  it('gives a bulk write its own, longer timeout inside its transaction', async () => {
    const statements = await h.statementsOf(() => owner.gql(BULK, { input: { contacts: [{ firstName: 'Bulk' }, { firstName: 'Bulk' }] } }));
    expect(statements.statements.filter((sql) => /statement_timeout/.test(sql))).toEqual(['SET LOCAL statement_timeout = 600']);
    const single = await h.statementsOf(() => owner.gql(CREATE, { input: { firstName: 'Single' } }));
    // a write's timeout equal to the reads' needs no statement
    expect(single.statements.filter((sql) => /statement_timeout/.test(sql))).toEqual([]);
  });

  it('prepares statements by name, or none with DATABASE_NAMED_STATEMENTS=false (a pooler in transaction mode)', async () => {
    for (const namedStatements of [true, false]) {
      // one connection: the statements below all run on it
      const db = await openDatabase({ url: h.db.url!, poolSize: 1, namedStatements });
      try {
        await db.sql.read('SELECT count(*) FROM contacts WHERE organization_id = $1::uuid', [owner.organizationId]);
        await db.prisma.contact.count({ where: { organizationId: owner.organizationId } });
        const [row] = await db.sql.query<{ prepared: number }>('SELECT count(*)::int AS prepared FROM pg_prepared_statements');
        // named: the two statements stay prepared on the connection; unnamed: none
        expect(row!.prepared >= 2 ? 'named' : row!.prepared === 0 ? 'unnamed' : `${row!.prepared}`).toBe(namedStatements ? 'named' : 'unnamed');
      } finally {
        await db.close();
      }
    }
  });

  it('opens at most DATABASE_POOL_SIZE connections', async () => {
    const db = await openDatabase({ url: h.db.url!, poolSize: 2 });
    try {
      const pids = await Promise.all(
        Array.from({ length: 6 }, () => db.sql.read<{ pid: number }>('SELECT pg_backend_pid() AS pid, pg_sleep(0.05)', [])),
      );
      // six at once, two connections
      expect(new Set(pids.map(([row]) => row!.pid)).size).toBe(2);
    } finally {
      await db.close();
    }
  });
});

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Database, openDatabase } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrator.js';

/** Which database this test project runs on: set per vitest project (vitest.config.ts). */
export const databaseKind = (process.env.CG_TEST_DB ?? 'pglite') as 'pglite' | 'postgres';

export interface TestDatabase extends Database {
  /** the connection string of this file's own PostgreSQL database, when on PostgreSQL */
  url: string | undefined;
}

function adminUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('CG_TEST_DB=postgres needs TEST_DATABASE_URL');
  return url;
}

/** A new, empty PostgreSQL database on the test server; dropped by the returned function. */
export async function createPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `cg_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/**
 * A fresh database of the project's kind for one test file, so files run in parallel without
 * seeing each other: an in-memory PGlite, or a new database on the PostgreSQL test server.
 */
export async function openTestDatabase(options: { migrated?: boolean; statementTimeoutMs?: number; poolSize?: number } = {}): Promise<TestDatabase> {
  let db: Database;
  let url: string | undefined;
  let drop = async () => {};
  if (databaseKind === 'postgres') {
    ({ url, drop } = await createPostgresDatabase());
    db = await openDatabase({ url, recordStatements: true, poolSize: options.poolSize ?? 20, statementTimeoutMs: options.statementTimeoutMs });
  } else {
    db = await openDatabase({ recordStatements: true });
  }
  if (options.migrated !== false) await migrate(db.sql);
  return {
    ...db,
    url,
    async close() {
      await db.close();
      await drop();
    },
  };
}

/**
 * Runs `work` on the database a CLI process of the test also opens (PostgreSQL at `url`, else
 * the PGlite folder `dataDir`), migrated, and closes it again so the next process may open it.
 */
export async function withDatabase<T>(target: { url?: string; dataDir: string }, work: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(target.url ? { url: target.url } : { dataDir: target.dataDir });
  try {
    await migrate(db.sql);
    return await work(db);
  } finally {
    await db.close();
  }
}

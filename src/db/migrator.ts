import { randomUUID } from 'node:crypto';
import type { SqlRunner, SqlSession } from './client.js';
import { type Migration, readMigrations } from './migrations.js';

/** The same key `prisma migrate deploy` locks, so neither runs beside the other. */
const MIGRATION_LOCK_KEY = 72707369;

const CREATE_BOOKKEEPING_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum"            VARCHAR(64) NOT NULL,
  "finished_at"         TIMESTAMPTZ,
  "migration_name"      VARCHAR(255) NOT NULL,
  "logs"                TEXT,
  "rolled_back_at"      TIMESTAMPTZ,
  "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export class MigrationError extends Error {
  override name = 'MigrationError';
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

async function readApplied(session: SqlSession): Promise<AppliedRow[]> {
  try {
    return await session.query<AppliedRow>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at
         FROM "_prisma_migrations" ORDER BY started_at, migration_name`,
    );
  } catch (error) {
    throw new MigrationError(
      `The migrations table "_prisma_migrations" is unreadable (${(error as Error).message}); ` +
        'it was damaged or created by something else. Refusing to migrate.',
    );
  }
}

/** Checks the recorded history against the committed migrations; returns the pending ones. */
function pendingMigrations(applied: AppliedRow[], local: Migration[]): Migration[] {
  const byName = new Map(local.map((m) => [m.name, m]));
  const done = new Set<string>();
  for (const row of applied) {
    if (row.rolled_back_at) continue;
    if (!row.finished_at) {
      throw new MigrationError(
        `Migration ${row.migration_name} was started but never finished: the database may be ` +
          'half-migrated. Inspect it, repair it by hand, then delete or complete that row of ' +
          '"_prisma_migrations". Refusing to migrate.',
      );
    }
    const migration = byName.get(row.migration_name);
    if (!migration) {
      throw new MigrationError(
        `Migration ${row.migration_name} is applied to the database but missing from ` +
          'prisma/migrations: this code is older than the database. Refusing to migrate.',
      );
    }
    if (migration.checksum !== row.checksum) {
      throw new MigrationError(
        `Migration ${row.migration_name} was modified after it was applied ` +
          `(checksum ${row.checksum} recorded, ${migration.checksum} on disk). Refusing to migrate.`,
      );
    }
    done.add(row.migration_name);
  }
  return local.filter((m) => !done.has(m.name));
}

export interface MigrateResult {
  applied: string[];
  total: number;
}

/**
 * Applies the pending migrations in one transaction under an advisory lock, recording them
 * in "_prisma_migrations" as `prisma migrate deploy` does. A failing migration rolls back
 * with everything else, so the database is never left half-migrated by us.
 */
export async function migrate(sql: SqlRunner, migrations = readMigrations()): Promise<MigrateResult> {
  return sql.transaction(async (session) => {
    // an index built over a large table may take minutes: no statement timeout of the reads here
    await session.exec('SET LOCAL statement_timeout = 0');
    await session.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await session.exec(CREATE_BOOKKEEPING_TABLE);
    const pending = pendingMigrations(await readApplied(session), migrations);
    for (const migration of pending) {
      const id = randomUUID();
      await session.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at)
         VALUES ($1, $2, $3, now())`,
        [id, migration.checksum, migration.name],
      );
      try {
        await session.exec(migration.sql);
      } catch (error) {
        throw new MigrationError(`Migration ${migration.name} failed: ${(error as Error).message}`);
      }
      await session.query(
        `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
        [id],
      );
    }
    return { applied: pending.map((m) => m.name), total: migrations.length };
  });
}

/** The names of committed migrations the database has not applied (for readiness). */
export async function pendingMigrationNames(sql: SqlRunner, migrations = readMigrations()) {
  const tables = await sql.query<{ exists: boolean }>(
    `SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS exists`,
  );
  if (!tables[0]?.exists) return migrations.map((m) => m.name);
  return pendingMigrations(await readApplied(sql), migrations).map((m) => m.name);
}

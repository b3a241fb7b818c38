import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffMigrationsToSchema } from '../src/db/drift.js';
import { migrate, MigrationError, pendingMigrationNames } from '../src/db/migrator.js';
import { readMigrations } from '../src/db/migrations.js';
import { openTestDatabase } from './support/database.js';

describe('migrations', () => {
  it('produce exactly the schema prisma/schema.prisma describes (no drift)', async () => {
    const script = await diffMigrationsToSchema(readFileSync('prisma/schema.prisma', 'utf8'));
    expect(script).toBe('');
  });

  it('detects drift when the schema changes without a migration', async () => {
    const changed = readFileSync('prisma/schema.prisma', 'utf8').replace(
      'model Organization {\n',
      'model Organization {\n  driftCheck String?\n',
    );
    expect(await diffMigrationsToSchema(changed)).toMatch(/ALTER TABLE "organizations" ADD COLUMN +"driftCheck" TEXT/);
  });

  it('apply to an empty database, record themselves like prisma migrate deploy, and are idempotent', async () => {
    const db = await openTestDatabase({ migrated: false });
    try {
      const local = readMigrations();
      expect(await pendingMigrationNames(db.sql)).toEqual(local.map((m) => m.name));
      const first = await migrate(db.sql);
      expect(first.applied).toEqual(local.map((m) => m.name));
      const rows = await db.sql.query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
        'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
      );
      expect(rows.map((r) => [r.migration_name, r.checksum, r.applied_steps_count])).toEqual(
        local.map((m) => [m.name, m.checksum, 1]),
      );
      expect(rows.every((r) => r.finished_at)).toBe(true);
      expect((await migrate(db.sql)).applied).toEqual([]);
      expect(await pendingMigrationNames(db.sql)).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('run once when two instances migrate at the same moment (advisory lock)', async () => {
    const db = await openTestDatabase({ migrated: false });
    try {
      const results = await Promise.all([migrate(db.sql), migrate(db.sql), migrate(db.sql)]);
      const applied = results.flatMap((r) => r.applied);
      expect(applied).toEqual(readMigrations().map((m) => m.name));
      const [row] = await db.sql.query<{ count: number }>('SELECT count(*)::int AS count FROM "_prisma_migrations"');
      const count = row?.count;
      expect(count).toBe(readMigrations().length);
    } finally {
      await db.close();
    }
  });

  describe('refuse to continue, saying why, when the history is damaged', () => {
    const refused = async (damage: string, expected: RegExp) => {
      const db = await openTestDatabase();
      try {
        await db.sql.exec(damage);
        const before = await db.sql.query('SELECT * FROM "_prisma_migrations" ORDER BY migration_name').catch(() => null);
        await expect(migrate(db.sql)).rejects.toThrow(MigrationError);
        await expect(migrate(db.sql)).rejects.toThrow(expected);
        const after = await db.sql.query('SELECT * FROM "_prisma_migrations" ORDER BY migration_name').catch(() => null);
        expect(after).toEqual(before);
      } finally {
        await db.close();
      }
    };

    it('a half-applied migration (started, never finished)', () =>
      refused(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ('x', 'abc', '29990101000000_half')`,
        /29990101000000_half was started but never finished/,
      ));

    it('a migration edited after it was applied', () =>
      refused(`UPDATE "_prisma_migrations" SET checksum = 'tampered'`, /was modified after it was applied/));

    it('a migration the code does not know', () =>
      refused(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at) VALUES ('y', 'abc', '29990101000000_future', now())`,
        /missing from prisma\/migrations/,
      ));

    it('a corrupted migrations table', () =>
      refused(
        `ALTER TABLE "_prisma_migrations" DROP COLUMN checksum`,
        /"_prisma_migrations" is unreadable/,
      ));
  });

  it('roll back a failing migration whole, leaving no trace', async () => {
    const db = await openTestDatabase();
    try {
      const broken = [...readMigrations(), { name: '29990101000000_broken', checksum: 'f'.repeat(64), sql: 'CREATE TABLE half_made (id int); SELECT no_such_function();' }];
      await expect(migrate(db.sql, broken)).rejects.toThrow(/29990101000000_broken failed/);
      const [row] = await db.sql.query<{ exists: boolean }>(`SELECT to_regclass('half_made') IS NOT NULL AS exists`);
      const exists = row?.exists;
      expect(exists).toBe(false);
      expect(await pendingMigrationNames(db.sql)).toEqual([]);
    } finally {
      await db.close();
    }
  });
});

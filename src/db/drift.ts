import { readFileSync } from 'node:fs';
import path from 'node:path';
import { migrationsDir, readMigrations } from './migrations.js';
import { openSchemaEngine } from './schema-engine.js';

/**
 * The SQL script that takes a database built from the committed migrations to the schema
 * `datamodel` describes; empty when they agree (no drift).
 */
export async function diffMigrationsToSchema(datamodel: string): Promise<string> {
  const { engine, close } = await openSchemaEngine(datamodel);
  try {
    const migrations = readMigrations();
    const result = await engine.diff({
      from: {
        tag: 'migrations',
        baseDir: migrationsDir,
        lockfile: {
          path: 'migration_lock.toml',
          content: readFileSync(path.join(migrationsDir, 'migration_lock.toml'), 'utf8'),
        },
        shadowDbInitScript: '',
        migrationDirectories: migrations.map((m) => ({
          path: m.name,
          migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: m.sql } },
        })),
      },
      to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: datamodel }] },
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    const script = result.stdout ?? '';
    return script.includes('-- This is an empty migration.') ? '' : script;
  } finally {
    await close();
  }
}

// Authors a migration: the SQL that takes the committed migrations to prisma/schema.prisma,
// computed by Prisma's WebAssembly schema engine on an in-memory shadow database.
//   npm run migration:new -- <name>
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { diffMigrationsToSchema } from '../src/db/drift.js';
import { migrationsDir } from '../src/db/migrations.js';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: npm run migration:new -- <name>   (lower-case letters, digits and _)');
  process.exit(2);
}
const script = await diffMigrationsToSchema(readFileSync('prisma/schema.prisma', 'utf8'));
if (!script.trim()) {
  console.log('prisma/schema.prisma and the migrations agree: nothing to write.');
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const folder = path.join(migrationsDir, `${stamp}_${name}`);
mkdirSync(folder, { recursive: true });
writeFileSync(path.join(folder, 'migration.sql'), script);
console.log(`wrote ${path.relative(process.cwd(), folder)}/migration.sql`);

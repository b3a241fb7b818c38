import { defineConfig } from 'prisma/config';

// Only `prisma generate` is used: migrations are plain SQL applied by our own migrator
// (src/db/migrator.ts), because Prisma's native schema engine cannot be downloaded here.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});

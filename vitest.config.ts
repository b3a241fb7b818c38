import { defineConfig } from 'vitest/config';

// Every test file runs on PGlite, and again on PostgreSQL when TEST_DATABASE_URL is set.
const databases = ['pglite', ...(process.env.TEST_DATABASE_URL ? ['postgres'] : [])];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ['test/support/global-setup.ts'],
    projects: databases.map((database) => ({
      extends: true,
      test: {
        name: database,
        env: { CG_TEST_DB: database, LOG_LEVEL: 'silent' },
        include: ['test/**/*.test.ts'],
        // the minutes-long suites run with `npm run test:stress` (vitest.stress.config.ts)
        exclude: ['test/stress/**', '**/node_modules/**'],
      },
    })),
  },
  // One copy of graphql: two make yoga mask every expected error as "Unexpected error".
  resolve: { alias: { graphql: 'graphql/index.js' } },
});

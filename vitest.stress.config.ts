import { defineConfig } from 'vitest/config';

// Suites that take minutes (test/stress/): `npm run test:stress`, not part of `npm test`.
// Like vitest.config.ts: PGlite always, PostgreSQL too when TEST_DATABASE_URL is set.
const databases = ['pglite', ...(process.env.TEST_DATABASE_URL ? ['postgres'] : [])];

export default defineConfig({
  test: {
    testTimeout: 180_000,
    hookTimeout: 120_000,
    globalSetup: ['test/support/global-setup.ts'],
    projects: databases.map((database) => ({
      extends: true,
      test: {
        name: `stress-${database}`,
        env: { CG_TEST_DB: database, LOG_LEVEL: 'silent' },
        include: ['test/stress/**/*.test.ts'],
      },
    })),
  },
  resolve: { alias: { graphql: 'graphql/index.js' } },
});

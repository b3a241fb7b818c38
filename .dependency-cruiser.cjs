/**
 * The layering of src/ (README, Architecture), enforced by test/layering.test.ts. From the
 * bottom up: logger; db; modules/common (values every concept shares); tenant (the request's
 * caller, loaders and change announcements); the concepts' domain files; the GraphQL layer
 * (graphql/ plumbing and the concepts' *.graphql.ts); the edge (config, graphiql, yoga,
 * server, cli). A file imports only from its own layer or below; type-only imports count.
 */
const EDGE = '^src/(config|graphiql|yoga|server)\\.ts$|^src/cli/';
const GRAPHQL = '^src/graphql/|^src/modules/.+\\.graphql\\.ts$';
const CONCEPTS = '^src/modules/(?!common/)';
const GRAPHQL_PACKAGES = '(^|/)node_modules/(graphql|graphql-yoga|graphql-scalars|@pothos/[^/]+|@apollo/subgraph|@graphql-yoga/[^/]+)/';

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'Import cycles hide which layer a file belongs to.', from: {}, to: { circular: true } },
    {
      name: 'db-is-the-bottom',
      severity: 'error',
      comment: 'src/db/ knows the database only: no concept, tenant, schema or edge.',
      from: { path: '^src/db/' },
      to: { path: `^src/modules/|^src/tenant/|${GRAPHQL}|${EDGE}` },
    },
    {
      name: 'common-is-shared-by-all-concepts',
      severity: 'error',
      comment: 'src/modules/common/ holds values and rules every concept shares; it imports no concept.',
      from: { path: '^src/modules/common/' },
      to: { path: `${CONCEPTS}|^src/tenant/|${GRAPHQL}|${EDGE}` },
    },
    {
      name: 'tenant-is-below-the-concepts',
      severity: 'error',
      comment: 'src/tenant/ (caller, scopes, loaders, change events) is what every concept takes; it imports none.',
      from: { path: '^src/tenant/' },
      to: { path: `${CONCEPTS}|${GRAPHQL}|${EDGE}` },
    },
    {
      name: 'domain-knows-no-graphql',
      severity: 'error',
      comment: 'A concept\'s plain files are domain rules: they import neither the GraphQL layer nor a GraphQL package.',
      from: { path: '^src/modules/', pathNot: '\\.graphql\\.ts$' },
      to: { path: `${GRAPHQL}|${EDGE}|${GRAPHQL_PACKAGES}` },
    },
    {
      name: 'graphql-is-below-the-edge',
      severity: 'error',
      comment: 'The schema is built without knowing how it is served.',
      from: { path: GRAPHQL },
      to: { path: EDGE },
    },
    {
      name: 'schema-assembles-the-concepts',
      severity: 'error',
      comment: 'graphql/ plumbing is what the concepts\' *.graphql.ts build on; only schema.ts imports them.',
      from: { path: '^src/graphql/', pathNot: '^src/graphql/schema\\.ts$' },
      to: { path: '^src/modules/.+\\.graphql\\.ts$' },
    },
    {
      name: 'server-and-cli-are-the-top',
      severity: 'error',
      comment: 'Nothing in src/ imports the process entry points.',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/(server\\.ts$|cli/)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/db/generated/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};

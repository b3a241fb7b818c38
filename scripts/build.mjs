// Builds src/ (TypeScript, generated Prisma client included) with esbuild, so the server starts
// without a TypeScript loader: dist/<file>.js, one per source (the benchmark imports these), and
// dist/bundle/, the CLI bundled with its GraphQL libraries (bin/contactgraph.js runs it).
// Run by postinstall and before `npm start`. Type checking is `npm run typecheck`.
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const sources = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(file);
    return /\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [file] : [];
  });

// Nothing changed since the last build: skip it (npm start runs this on every start).
const files = sources('src');
const stamp = 'dist/.built';
const newest = Math.max(...files.map((file) => statSync(file).mtimeMs), statSync('scripts/build.mjs').mtimeMs);
let built = 0;
try {
  built = statSync(stamp).mtimeMs;
} catch {
  // never built
}
if (built >= newest && !process.argv.includes('--force')) process.exit(0);

await build({
  entryPoints: files,
  outdir: 'dist',
  outbase: 'src',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});

// Node's module loader resolves, reads and links ~1,000 files of graphql, Apollo federation,
// Pothos and yoga one by one: bundled, `serve` answers in 1.4 s instead of 2.0 s. Kept outside
// are the packages that load files beside their own (Prisma's and PGlite's WebAssembly, pino's
// workers) or that read their package.json (ioredis), and pg with them. The bundle lives two
// levels below the project, as every dist/ module does: src/db/migrations.ts finds
// prisma/migrations relative to itself.
// graphql ships CommonJS as its main and ESM beside it (`.mjs`, no `exports` map): bundled as
// CommonJS, every `import_graphql.X` in the executor went through esbuild's interop getters
// (7 % of the server's CPU under the contact page). Every import and require of graphql or a
// path in it — Apollo's packages require deep paths — goes to the ESM file, so there is one copy.
const GRAPHQL = path.resolve('node_modules/graphql');
const graphqlAsEsm = {
  name: 'graphql-as-esm',
  setup(build) {
    build.onResolve({ filter: /^graphql(\/.*)?$/ }, ({ path: request }) => {
      const inside = path.join(GRAPHQL, request.slice('graphql'.length).replace(/\.m?js$/, ''));
      const file = [`${inside}.mjs`, path.join(inside, 'index.mjs')].find((candidate) => existsSync(candidate));
      return file ? { path: file } : undefined;
    });
  },
};

rmSync('dist/bundle', { recursive: true, force: true }); // chunk names change with their content
await build({
  entryPoints: ['src/cli/index.ts'],
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [graphqlAsEsm],
  external: ['@electric-sql/pglite', 'pglite-prisma-adapter', '@prisma/*', 'prisma', 'pg', 'ioredis', 'pino'],
  // Bundled CommonJS packages call require() for Node's own modules.
  banner: { js: "import { createRequire as createRequireForBundle } from 'node:module'; const require = createRequireForBundle(import.meta.url);" },
});
writeFileSync(stamp, new Date().toISOString());

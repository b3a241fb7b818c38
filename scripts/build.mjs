// Transpiles src/ (TypeScript, generated Prisma client included) to dist/ with esbuild: the
// server then starts without a TypeScript loader. Run by postinstall and before `npm start`;
// it takes a fraction of a second. Type checking is `npm run typecheck`.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const sources = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(file);
    return /\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [file] : [];
  });

await build({
  entryPoints: sources('src'),
  outdir: 'dist',
  outbase: 'src',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});

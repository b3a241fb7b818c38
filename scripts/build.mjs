// Transpiles src/ (TypeScript, generated Prisma client included) to dist/ with esbuild: the
// server then starts without a TypeScript loader. Run by postinstall and before `npm start`;
// it takes a fraction of a second. Type checking is `npm run typecheck`.
import { readdirSync, statSync, writeFileSync } from 'node:fs';
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
writeFileSync(stamp, new Date().toISOString());

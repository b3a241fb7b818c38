import { execFileSync } from 'node:child_process';

// The process tests run the real CLI, which runs the transpiled dist/: build it from the
// sources under test first, so a test never runs stale code.
export default function setup() {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}

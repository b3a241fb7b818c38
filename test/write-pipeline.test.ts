import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', 'src');
const PIPELINE = 'modules/change-feed/write-transaction.ts';

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });

/** Where a write could change a contact without its feed entry or announcement. */
const BYPASSES = [/\.contactChange\b/, /table:\s*'contact_changes'/, /INSERT\s+INTO\s+"?contact_changes/i, /\bannounceChanges\(/, /\$transaction\(/];

describe('the write pipeline', () => {
  it('is the only code that opens a write transaction, writes contact_changes or announces', () => {
    const offenders = sources(SRC).flatMap((path) => {
      const name = relative(SRC, path);
      if (name === PIPELINE) return [];
      const text = readFileSync(path, 'utf8');
      return BYPASSES.filter((pattern) => pattern.test(text)).map((pattern) => `${name}: ${pattern}`);
    });
    expect(offenders).toEqual([]);
  });

  it("is the only way a tenant's data is written and the only code that resets the request's loaders", () => {
    // user, api-key and organization writes are the CLI's administration, outside any tenant
    const TENANT_WRITES = [/tenant\.prisma\.\w+\.(create|update|delete|upsert)\w*\(/, /tenant\.prisma\.\$execute/, /loaders\.clearAll\(/];
    const offenders = sources(SRC).flatMap((path) => {
      const name = relative(SRC, path);
      if (name === PIPELINE || name === 'tenant/loaders.ts') return [];
      const text = readFileSync(path, 'utf8');
      return TENANT_WRITES.filter((pattern) => pattern.test(text)).map((pattern) => `${name}: ${pattern}`);
    });
    expect(offenders).toEqual([]);
  });
});

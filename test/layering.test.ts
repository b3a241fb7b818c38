import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { afterAll, describe, expect, it } from 'vitest';

// The layering the README's Architecture section writes down, as .dependency-cruiser.cjs
// states it: each import of src/ checked against it, type-only imports included.

const ROOT = path.resolve(import.meta.dirname, '..');

async function violationsOf(baseDir: string): Promise<string[]> {
  const options = await extractDepcruiseOptions(path.join(ROOT, '.dependency-cruiser.cjs'));
  const tsConfig = extractTSConfig(path.join(baseDir, 'tsconfig.json'));
  const { output } = await cruise(['src'], { ...options, baseDir, validate: true }, {}, { tsConfig });
  const result = output as ICruiseResult;
  return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
}

describe('layering', () => {
  it('src/ keeps it: no upward import, no cycle', async () => {
    expect(await violationsOf(ROOT)).toEqual([]);
  });

  describe('a tree that breaks each rule once is refused, rule by rule', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'layering-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const files: Record<string, string> = {
      'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', allowImportingTsExtensions: true, noEmit: true } }),
      'src/db/client.ts': "import { tenant } from '../tenant/tenant.js';\nexport const db = tenant;\n",
      'src/modules/common/ids.ts': "import { lookup } from '../contact/contact-lookup.js';\nexport const ids = lookup;\n",
      'src/tenant/tenant.ts': "import type { Lookup } from '../modules/contact/contact-lookup.js';\nexport const tenant = 1 as unknown as Lookup;\n",
      'src/modules/contact/contact-lookup.ts': "import type { Context } from '../../graphql/context.js';\nexport type Lookup = Context;\nexport const lookup = 1;\n",
      'src/graphql/context.ts': "import { config } from '../config.js';\nexport type Context = typeof config;\n",
      'src/graphql/payload.ts': "import { contactType } from '../modules/contact/contact.graphql.js';\nexport const payload = contactType;\n",
      'src/modules/contact/contact.graphql.ts': "export const contactType = 1;\n",
      'src/config.ts': "export const config = 1;\n",
      'src/yoga.ts': "import { serve } from './server.js';\nexport const yoga = serve;\n",
      'src/server.ts': "export const serve = 1;\n",
      'src/modules/company/a.ts': "import { b } from './b.js';\nexport const a = b;\n",
      'src/modules/company/b.ts': "import { a } from './a.js';\nexport const b = a;\n",
    };
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }

    it.each([
      ['db-is-the-bottom', 'src/db/client.ts → src/tenant/tenant.ts'],
      ['common-is-shared-by-all-concepts', 'src/modules/common/ids.ts → src/modules/contact/contact-lookup.ts'],
      ['tenant-is-below-the-concepts', 'src/tenant/tenant.ts → src/modules/contact/contact-lookup.ts'],
      ['domain-knows-no-graphql', 'src/modules/contact/contact-lookup.ts → src/graphql/context.ts'],
      ['graphql-is-below-the-edge', 'src/graphql/context.ts → src/config.ts'],
      ['schema-assembles-the-concepts', 'src/graphql/payload.ts → src/modules/contact/contact.graphql.ts'],
      ['server-and-cli-are-the-top', 'src/yoga.ts → src/server.ts'],
      ['no-circular', 'src/modules/company/a.ts → src/modules/company/b.ts'],
    ])('%s', async (rule, edge) => {
      expect(await violationsOf(dir)).toContain(`${rule}: ${edge}`);
    });
  });
});

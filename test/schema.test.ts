import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { composeServices } from '@theguild/federation-composition';
import { isObjectType, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { printSchemaSDL, printServiceSDL, schema } from '../src/graphql/schema.js';
import { createHarness } from './support/harness.js';

const ONE_OF_INPUTS = ['CompanyLookup', 'CompanyRef', 'ContactLookup'];

describe('schema.graphql', () => {
  it('is the SDL printed from the code (run `npm run schema:print` when this fails)', () => {
    expect(readFileSync('schema.graphql', 'utf8')).toBe(printSchemaSDL());
  });

  it('has a current gql.tada introspection output (run `npx gql.tada generate output` when this fails)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cg-tada-'));
    try {
      const fresh = path.join(dir, 'graphql-env.d.ts');
      execFileSync(process.execPath, ['node_modules/gql.tada/bin/cli.js', 'generate', 'output', '--output', fresh], { stdio: 'pipe' });
      expect(readFileSync('test/support/graphql-env.d.ts', 'utf8')).toBe(readFileSync(fresh, 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('marks the lookup inputs @oneOf, for clients and their code generators', () => {
    const marked = [...printSchemaSDL().matchAll(/^input (\w+) @oneOf \{$/gm)].map((match) => match[1]);
    expect(marked).toEqual(ONE_OF_INPUTS);
    for (const name of ONE_OF_INPUTS) expect((schema.getType(name) as { isOneOf?: boolean }).isOneOf).toBe(true);
  });

  it('composes with @oneOf kept in a Hive supergraph (@theguild/federation-composition accepts it)', () => {
    const { supergraphSdl, errors } = composeServices([
      { name: 'contactgraph', typeDefs: parse(printSchemaSDL()), url: 'http://contactgraph/graphql' },
    ]);
    expect(errors).toBeUndefined();
    expect(supergraphSdl).toMatch(/^input ContactLookup @join__type\(graph: CONTACTGRAPH\) @oneOf \{$/m);
  });
});

describe('object identity', () => {
  it('gives an id (or _id) field only to types that implement Node, whose ids are globally unique', () => {
    // Apollo Client and Relay normalise any object with an `id` by `__typename:id`: a type whose
    // `id` is not globally unique (ExternalRef's external id was one) gets distinct objects merged.
    const objects = Object.values(schema.getTypeMap()).filter(isObjectType).filter((type) => !type.name.startsWith('__'));
    const withId = objects.filter((type) => 'id' in type.getFields() || '_id' in type.getFields());
    expect(withId.length).toBeGreaterThanOrEqual(6);
    const identity = (type: (typeof objects)[number]) => ({
      type: type.name,
      interfaces: type.getInterfaces().map((node) => node.name),
      id: String(type.getFields().id?.type),
    });
    expect(withId.map(identity)).toEqual(
      withId.map((type) => ({ type: type.name, interfaces: expect.arrayContaining(['Node']), id: 'ID!' })),
    );
    expect(withId.map((type) => type.name)).not.toContain('ExternalRef');
  });
});

describe('_service { sdl }', () => {
  it('is the same SDL without @oneOf, which Apollo’s subgraph printer and composition reject', async () => {
    const h = await createHarness();
    const caller = await h.organization();
    const res = await caller.gql<{ _service: { sdl: string } }>('{ _service { sdl } }');
    expect(res.errors).toBeUndefined();
    const sdl = res.data!._service.sdl;
    expect(sdl).not.toMatch(/@oneOf \{/);
    expect(sdl.trim()).toBe(printServiceSDL().trim());
    expect(printSchemaSDL().replaceAll(' @oneOf {', ' {')).toBe(printServiceSDL());
  });
});

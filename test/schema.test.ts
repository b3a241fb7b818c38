import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printSchemaSDL, schema } from '../src/graphql/schema.js';

describe('schema.graphql', () => {
  it('is the SDL printed from the code (run `npm run schema:print` when this fails)', () => {
    expect(readFileSync('schema.graphql', 'utf8')).toBe(printSchemaSDL());
  });

  it('enforces @oneOf on lookup inputs even though the subgraph SDL cannot carry it', () => {
    const lookup = schema.getType('ContactLookup') as { isOneOf?: boolean };
    expect(lookup.isOneOf).toBe(true);
  });
});

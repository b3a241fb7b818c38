import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { columnOf } from '../src/db/insert-rows.js';

// insertRows names columns from Prisma field names; the schema's @map annotations are the truth.
const schema = readFileSync(new URL('../prisma/schema.prisma', import.meta.url), 'utf8');
const models = new Set([...schema.matchAll(/^model (\w+) \{/gm)].map(([, name]) => name));
const scalarFields = [...schema.matchAll(/^model \w+ \{([\s\S]*?)^\}/gm)].flatMap(([, body]) =>
  body!
    .split('\n')
    .map((line) => /^\s+(\w+)\s+(String|Int|BigInt|Boolean|DateTime|Json|Decimal|Float|[A-Z]\w*)(\[\])?\??(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null && !models.has(match[2]!) && /^[a-z]/.test(match[1]!))
    .map((match) => ({ field: match[1]!, column: /@map\("([^"]+)"\)/.exec(match[4]!)?.[1] ?? match[1]! })),
);

describe('columnOf', () => {
  it('names the column prisma/schema.prisma maps every scalar field to', () => {
    expect(scalarFields.length).toBeGreaterThan(80);
    expect(scalarFields.filter(({ field, column }) => columnOf(field) !== column)).toEqual([]);
  });
});

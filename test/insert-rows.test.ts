import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { columnOf, insertTogether } from '../src/db/insert-rows.js';
import { newId } from '../src/db/uuid.js';
import { createHarness } from './support/harness.js';

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

const h = await createHarness();

describe('insertTogether', () => {
  const contactsOf = (organizationId: string) =>
    h.db.prisma.contact.findMany({ where: { organizationId }, select: { id: true, emails: { select: { address: true }, orderBy: { position: 'asc' } } } });

  it('writes rows of several tables in one statement, children beside their parent, and reads back per part', async () => {
    const { db, organization, statementsOf } = h;
    const { organizationId } = await organization();
    const id = newId();
    const emails = ['one@together.example', 'two@together.example'].map((address, position) => ({
      id: newId(), organizationId, contactId: id, address, addressNormalized: address, position,
    }));
    const { result, statements } = await statementsOf(() =>
      db.prisma.$transaction((tx) =>
        insertTogether(tx, [
          { table: 'contacts', rows: [{ id, organizationId, firstName: 'Ada' }] },
          { table: 'contact_emails', rows: emails, onConflictDoNothing: true, returning: ['id', 'address'] },
        ]),
      ),
    );
    expect(statements.filter((sql) => /INSERT/.test(sql))).toHaveLength(1);
    expect(result[0]).toEqual([]);
    expect(result[1]).toEqual(expect.arrayContaining(emails.map(({ id, address }) => ({ id, address }))));
    expect(await contactsOf(organizationId)).toEqual([{ id, emails: [{ address: 'one@together.example' }, { address: 'two@together.example' }] }]);
  });

  it('reads back only the rows that took no conflict', async () => {
    const { db, organization } = h;
    const { organizationId } = await organization();
    const [first, second] = [newId(), newId()];
    const email = (contactId: string, address: string) => ({ id: newId(), organizationId, contactId, address, addressNormalized: address, position: 0 });
    await insertTogether(db.prisma, [
      { table: 'contacts', rows: [{ id: first, organizationId }] },
      { table: 'contact_emails', rows: [email(first, 'taken@together.example')] },
    ]);
    const fresh = email(second, 'fresh@together.example');
    const [, inserted] = await insertTogether(db.prisma, [
      { table: 'contacts', rows: [{ id: second, organizationId }] },
      { table: 'contact_emails', rows: [email(second, 'taken@together.example'), fresh], onConflictDoNothing: true, returning: ['id'] },
    ]);
    expect(inserted).toEqual([{ id: fresh.id }]);
  });

  it('writes nothing when one row breaks a constraint', async () => {
    const { db, organization } = h;
    const { organizationId } = await organization();
    const id = newId();
    await expect(
      insertTogether(db.prisma, [
        { table: 'contacts', rows: [{ id, organizationId }] },
        // the contact this email names does not exist
        { table: 'contact_emails', rows: [{ id: newId(), organizationId, contactId: newId(), address: 'a@b.example', addressNormalized: 'a@b.example', position: 0 }] },
      ]),
    ).rejects.toThrow(/foreign key/i);
    expect(await contactsOf(organizationId)).toEqual([]);
  });
});

import type { Prisma } from './generated/prisma/client.js';

type Client = Pick<Prisma.TransactionClient, '$queryRawUnsafe' | '$executeRawUnsafe'>;

/** Columns whose name is not the field's name in snake_case (prisma/schema.prisma, @map). */
const IRREGULAR_COLUMNS: Record<string, string> = { linkedInUrl: 'linkedin_url' };
export const columnOf = (field: string) => IRREGULAR_COLUMNS[field] ?? field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Inserts rows (keyed by Prisma field name; an absent or undefined field takes the column's
 * default) with one `INSERT … SELECT FROM json_populate_recordset($1)` per shape of row: the
 * rows travel as one JSON parameter, so the statement's text does not depend on how many rows
 * there are. Prisma's createMany builds and compiles a query per batch size, which cost more
 * than the database's work in a 500-contact write. `returning` names fields to read back from
 * the rows actually inserted (with `onConflictDoNothing`, those that took no conflict).
 */
export async function insertRows<Row extends Record<string, unknown> = Record<string, never>>(
  client: Client,
  table: string,
  rows: Record<string, unknown>[],
  options: { onConflictDoNothing?: boolean; returning?: (keyof Row & string)[] } = {},
): Promise<Row[]> {
  const shapes = new Map<string, { fields: string[]; rows: Record<string, unknown>[] }>();
  for (const row of rows) {
    const fields = Object.keys(row).filter((field) => row[field] !== undefined);
    const key = fields.join(',');
    const shape = shapes.get(key) ?? shapes.set(key, { fields, rows: [] }).get(key)!;
    shape.rows.push(Object.fromEntries(fields.map((field) => [columnOf(field), row[field]])));
  }
  const inserted: Row[] = [];
  for (const { fields, rows: shaped } of shapes.values()) {
    const columns = fields.map((field) => quote(columnOf(field))).join(', ');
    const sql =
      `INSERT INTO ${quote(table)} (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::${quote(table)}, $1::json)` +
      (options.onConflictDoNothing ? ' ON CONFLICT DO NOTHING' : '');
    const json = JSON.stringify(shaped);
    if (options.returning?.length) {
      const returning = options.returning.map((field) => `${quote(columnOf(field))} AS ${quote(field)}`).join(', ');
      inserted.push(...(await client.$queryRawUnsafe<Row[]>(`${sql} RETURNING ${returning}`, json)));
    } else {
      await client.$executeRawUnsafe(sql, json);
    }
  }
  return inserted;
}

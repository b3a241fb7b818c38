import type { Prisma } from './generated/prisma/client.js';

type Client = Pick<Prisma.TransactionClient, '$queryRawUnsafe' | '$executeRawUnsafe'>;

/** Columns whose name is not the field's name in snake_case (prisma/schema.prisma, @map). */
const IRREGULAR_COLUMNS: Record<string, string> = { linkedInUrl: 'linkedin_url' };
const columnByField = new Map<string, string>();
export function columnOf(field: string): string {
  let column = columnByField.get(field);
  if (column === undefined) {
    column = IRREGULAR_COLUMNS[field] ?? field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    columnByField.set(field, column);
  }
  return column;
}
const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

export interface InsertOptions<Row> {
  onConflictDoNothing?: boolean;
  /** fields to read back from the rows actually inserted (with onConflictDoNothing, those that took no conflict) */
  returning?: (keyof Row & string)[];
}

/** Rows for one table, as `insertTogether` takes them. */
export interface InsertPart<Row = Record<string, unknown>> extends InsertOptions<Row> {
  table: string;
  rows: Record<string, unknown>[];
}

/** One INSERT per shape of row (the fields given): its text, given the placeholder of its rows' JSON. */
function statementsOf(part: InsertPart): { text: (placeholder: string) => string; json: string }[] {
  // A write of 500 contacts shapes thousands of rows: plain loops, columns named once per shape.
  const shapes = new Map<string, { fields: string[]; columns: string[]; rows: Record<string, unknown>[] }>();
  for (const row of part.rows) {
    const fields: string[] = [];
    for (const field in row) if (row[field] !== undefined) fields.push(field);
    const key = fields.join(',');
    let shape = shapes.get(key);
    if (!shape) shapes.set(key, (shape = { fields, columns: fields.map(columnOf), rows: [] }));
    const shaped: Record<string, unknown> = {};
    for (let i = 0; i < fields.length; i += 1) shaped[shape.columns[i]!] = row[fields[i]!];
    shape.rows.push(shaped);
  }
  const returning = part.returning?.length
    ? ` RETURNING ${part.returning.map((field) => `${quote(columnOf(field))} AS ${quote(field)}`).join(', ')}`
    : '';
  return [...shapes.values()].map(({ columns: names, rows }) => {
    const columns = names.map(quote).join(', ');
    return {
      text: (placeholder) =>
        `INSERT INTO ${quote(part.table)} (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::${quote(part.table)}, ${placeholder}::json)` +
        (part.onConflictDoNothing ? ' ON CONFLICT DO NOTHING' : '') +
        returning,
      json: JSON.stringify(rows),
    };
  });
}

/**
 * Inserts rows (keyed by Prisma field name; an absent or undefined field takes the column's
 * default) with one `INSERT … SELECT FROM json_populate_recordset($1)` per shape of row: the
 * rows travel as one JSON parameter, so the statement's text does not depend on how many rows
 * there are. Prisma's createMany builds and compiles a query per batch size, which cost more
 * than the database's work in a 500-contact write.
 */
export async function insertRows<Row extends Record<string, unknown> = Record<string, never>>(
  client: Client,
  table: string,
  rows: Record<string, unknown>[],
  options: InsertOptions<Row> = {},
): Promise<Row[]> {
  const inserted: Row[] = [];
  for (const { text, json } of statementsOf({ table, rows, ...options })) {
    if (options.returning?.length) inserted.push(...(await client.$queryRawUnsafe<Row[]>(text('$1'), json)));
    else await client.$executeRawUnsafe(text('$1'), json);
  }
  return inserted;
}

/**
 * Inserts into several tables with one statement (each INSERT a data-modifying WITH clause),
 * so a write of many tables costs one round trip. Rows may refer to rows of another part:
 * foreign keys are checked at the end of the statement. Returns, per part, the fields its
 * `returning` names of the rows inserted.
 */
export async function insertTogether(client: Client, parts: InsertPart[]): Promise<Record<string, unknown>[][]> {
  const parameters: string[] = [];
  const clauses: string[] = [];
  const readBack: string[] = [];
  parts.forEach((part, index) => {
    for (const { text, json } of statementsOf(part)) {
      parameters.push(json);
      const name = `i${clauses.length}`;
      clauses.push(`${name} AS (${text(`$${parameters.length}`)})`);
      if (part.returning?.length) readBack.push(`SELECT ${index} AS part, to_json(${name}) AS row FROM ${name}`);
    }
  });
  const result: Record<string, unknown>[][] = parts.map(() => []);
  if (clauses.length === 0) return result;
  const sql = `WITH ${clauses.join(', ')} ${readBack.length > 0 ? readBack.join(' UNION ALL ') : 'SELECT NULL::int AS part, NULL::json AS row WHERE false'}`;
  const rows = await client.$queryRawUnsafe<{ part: number; row: Record<string, unknown> }[]>(sql, ...parameters);
  for (const { part, row } of rows) result[part]!.push(row);
  return result;
}

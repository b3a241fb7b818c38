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

/** Rows grouped by shape (the fields given), each group's rows as the JSON of their columns. */
function shapesOf(rows: Record<string, unknown>[]): { columns: { field: string; column: string }[]; json: string }[] {
  // A write of 500 contacts shapes thousands of rows: plain loops, columns named once per shape.
  const shapes = new Map<string, { fields: string[]; columns: string[]; rows: Record<string, unknown>[] }>();
  for (const row of rows) {
    const fields: string[] = [];
    for (const field in row) if (row[field] !== undefined) fields.push(field);
    const key = fields.join(',');
    let shape = shapes.get(key);
    if (!shape) shapes.set(key, (shape = { fields, columns: fields.map(columnOf), rows: [] }));
    const shaped: Record<string, unknown> = {};
    for (let i = 0; i < fields.length; i += 1) shaped[shape.columns[i]!] = row[fields[i]!];
    shape.rows.push(shaped);
  }
  return [...shapes.values()].map(({ fields, columns, rows: shaped }) => ({
    columns: fields.map((field, i) => ({ field, column: columns[i]! })),
    json: JSON.stringify(shaped),
  }));
}

/** One INSERT per shape of row (the fields given): its text, given the placeholder of its rows' JSON. */
function statementsOf(part: InsertPart): { text: (placeholder: string) => string; json: string }[] {
  const returning = part.returning?.length
    ? ` RETURNING ${part.returning.map((field) => `${quote(columnOf(field))} AS ${quote(field)}`).join(', ')}`
    : '';
  return shapesOf(part.rows).map(({ columns: shape, json }) => {
    const columns = shape.map(({ column }) => quote(column)).join(', ');
    return {
      text: (placeholder) =>
        `INSERT INTO ${quote(part.table)} (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::${quote(part.table)}, ${placeholder}::json)` +
        (part.onConflictDoNothing ? ' ON CONFLICT DO NOTHING' : '') +
        returning,
      json,
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

export interface UpdateOptions {
  /** the fields that name a row (and guard it: a version, say); matched, not set */
  match: string[];
  /** more assignments, SQL over the table's row as `t` (e.g. `"version" = t."version" + 1`) */
  set?: string[];
  /** a further condition, SQL over `t` */
  where?: string;
}

/**
 * Updates rows with one `UPDATE … FROM json_populate_recordset($1)` per shape of row: each
 * row's other fields (keyed by Prisma field name; an absent or undefined one stays as it is)
 * are set on the row its `match` fields name. Returns the `match` fields of the rows updated
 * (a guard that failed leaves its row out).
 */
export async function updateRows(client: Client, table: string, rows: Record<string, unknown>[], options: UpdateOptions): Promise<Record<string, unknown>[]> {
  const matched = new Set(options.match);
  const updated: Record<string, unknown>[] = [];
  for (const { columns, json } of shapesOf(rows)) {
    const assignments = [
      ...columns.filter((c) => !matched.has(c.field)).map((c) => `${quote(c.column)} = n.${quote(c.column)}`),
      ...(options.set ?? []),
    ];
    const conditions = [...options.match.map((field) => `t.${quote(columnOf(field))} = n.${quote(columnOf(field))}`), ...(options.where ? [options.where] : [])];
    const text =
      `UPDATE ${quote(table)} AS t SET ${assignments.join(', ')} FROM json_populate_recordset(NULL::${quote(table)}, $1::json) AS n ` +
      `WHERE ${conditions.join(' AND ')} RETURNING ${options.match.map((field) => `t.${quote(columnOf(field))} AS ${quote(field)}`).join(', ')}`;
    updated.push(...(await client.$queryRawUnsafe<Record<string, unknown>[]>(text, json)));
  }
  return updated;
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

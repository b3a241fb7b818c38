// Rows in COPY's text format, and one `COPY … FROM STDIN` of them (pg-copy-streams): how the
// seeder loads its rows and how the raw write reference sends a batch by COPY.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pgUtils from 'pg/lib/utils.js';
import { from as copyFrom } from 'pg-copy-streams';

export const quote = (name) => `"${name.replaceAll('"', '""')}"`;

/** The json and jsonb columns of `tables`, as `table.column` (a JS array there is JSON, not a PostgreSQL array). */
export async function jsonColumnsOf(client, tables) {
  const { rows } = await client.query(
    `SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = ANY($1) AND data_type IN ('json', 'jsonb')`,
    [tables],
  );
  return new Set(rows.map((r) => `${r.table_name}.${r.column_name}`));
}

/** A value as PostgreSQL's text input reads it; undefined is NULL, as the API's inserts leave an absent field to its default (all NULL for these columns). */
export const textOf = (isJson, value) => (value == null ? null : isJson ? JSON.stringify(value) : pgUtils.prepareValue(value));

/** COPY's text format: backslash, tab, newline and carriage return escaped; NULL as \N. */
const copyField = (text) => (text === null ? '\\N' : text.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]));

/** `rows` of `table` (objects keyed by column; the first one's keys name the columns) as COPY's text: { columns, text }. */
export function copyText(table, rows, jsonColumns) {
  if (rows.length === 0) return { columns: [], text: '' };
  const columns = Object.keys(rows[0]);
  const isJson = columns.map((column) => jsonColumns.has(`${table}.${column}`));
  let text = '';
  for (const row of rows) {
    for (let i = 0; i < columns.length; i += 1) text += (i === 0 ? '' : '\t') + copyField(textOf(isJson[i], row[columns[i]]));
    text += '\n';
  }
  return { columns, text };
}

/** One `COPY table (columns) FROM STDIN` of `text` (nothing when there are no rows); 1 statement sent, or 0. */
export async function copyInto(client, table, { columns, text }) {
  if (text === '') return 0;
  const stream = client.query(copyFrom(`COPY ${quote(table)} (${columns.map(quote).join(', ')}) FROM STDIN`));
  await pipeline(Readable.from([text]), stream);
  return 1;
}

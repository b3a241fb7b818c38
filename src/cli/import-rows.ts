import { closeSync, openSync, type ReadStream, readSync } from 'node:fs';
import readline from 'node:readline';
import { parse } from 'csv-parse';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../modules/common/json-depth.js';
import type { Failure } from '../modules/common/result.js';
import { CONTACT_FIELDS, SENSITIVE_FIELDS } from '../modules/contact/contact-fields.js';
import { FatalError } from './command.js';
import type { Directory } from './directory.js';
import { type Column, MappingError, parseHeader, resolveNames, rowToInput } from './import-mapping.js';

// The rows of an import file, read as a stream: CSV records, or JSONL lines.

/** A row's failure: the domain's, or a row naming ssn in an import not allowed to write it. */
export type RowFailure = Omit<Failure, 'code'> & { code: Failure['code'] | 'FORBIDDEN' };

/** One row of the file, converted (or not) into createContact input. */
export interface SourceRow {
  line: number;
  /** what the file said: the CSV row as { column: cell }, or the JSON object (or text) */
  original: unknown;
  input: Record<string, unknown> | null;
  failures: RowFailure[];
  /** the CSV column an error path concerns */
  columnOf: (path: (string | number)[] | undefined) => string | undefined;
  /** whether the row itself named groups (custom values add their groups) */
  namedGroups: boolean;
}

const noColumn = () => undefined;

/** The first line of a record csv-parse reports with the line it ends on. */
function startLine(endLine: number, raw: string | undefined): number {
  if (!raw) return endLine;
  const body = raw.replace(/^[\r\n]+/, '').replace(/(\r\n|\r|\n)$/, '');
  return endLine - (body.match(/\r\n|\r|\n/g)?.length ?? 0);
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** How many bytes of the file a UTF-8 byte order mark takes (0 or 3): the import skips them. */
export function bomLength(file: string): number {
  const start = Buffer.alloc(3);
  const fd = openSync(file, 'r');
  try {
    return readSync(fd, start, 0, 3, 0) === 3 && start.equals(UTF8_BOM) ? 3 : 0;
  } finally {
    closeSync(fd);
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * csv-parse reads the file as latin1, one character per byte (the CSV syntax is ASCII), so
 * that each cell is decoded here as UTF-8: a cell that is not UTF-8 (a Latin-1 file, the bytes
 * a lone surrogate is sometimes written as) fails its row instead of becoming U+FFFD.
 */
function decodeCells(record: string[]): { cells: string[]; notUtf8: number[] } {
  const notUtf8: number[] = [];
  const cells = record.map((cell, index) => {
    const bytes = Buffer.from(cell, 'latin1');
    try {
      return strictUtf8.decode(bytes);
    } catch {
      notUtf8.push(index);
      return bytes.toString('utf8');
    }
  });
  return { cells, notUtf8 };
}

export async function* csvRows(stream: ReadStream, directory: Directory, allowSensitive: boolean): AsyncGenerator<SourceRow> {
  const parser = stream.pipe(
    parse({ encoding: 'latin1', relax_column_count: true, skip_empty_lines: true, info: true, raw: true, record_delimiter: ['\r\n', '\n', '\r'] }),
  );
  stream.on('error', (error) => parser.destroy(error));
  let columns: Column[] | null = null;
  let headers: string[] = [];
  for await (const { record: latin1, info, raw } of parser as AsyncIterable<{ record: string[]; info: { lines: number }; raw?: string }>) {
    const line = startLine(info.lines, raw);
    const { cells: record, notUtf8 } = decodeCells(latin1);
    if (!columns) {
      if (notUtf8.length > 0) throw new FatalError(`line ${line}: the header is not UTF-8 text (save the file as UTF-8)`);
      try {
        columns = parseHeader(record, { allowSensitive });
      } catch (error) {
        if (error instanceof MappingError) throw new FatalError(`line ${line}: ${error.message}`);
        throw error;
      }
      headers = columns.map((column) => column.header);
      continue;
    }
    const original = Object.fromEntries(headers.map((header, index) => [header, record[index] ?? '']));
    if (notUtf8.length > 0) {
      yield {
        line,
        original,
        input: null,
        failures: notUtf8.map((index) => ({
          code: 'VALIDATION' as const,
          message: `the cell of column ${headers[index] ?? index + 1} is not UTF-8 text (save the file as UTF-8)`,
          path: [],
        })),
        columnOf: noColumn,
        namedGroups: false,
      };
      continue;
    }
    if (record.length !== headers.length) {
      yield {
        line,
        original: record.length > headers.length ? { ...original, _extraCells: record.slice(headers.length) } : original,
        input: null,
        failures: [{ code: 'VALIDATION', message: `has ${record.length} cells; the header has ${headers.length}`, path: [] }],
        columnOf: noColumn,
        namedGroups: false,
      };
      continue;
    }
    const converted = rowToInput(columns, record);
    const namedGroups = converted.input.groups !== undefined;
    const { failures, addedGroups } = resolveNames(directory, converted.input, true);
    yield {
      line,
      original,
      input: converted.input,
      failures: [...converted.failures, ...failures],
      columnOf: (path) =>
        path?.[0] === 'groups' && typeof path[1] === 'number' && addedGroups.has(path[1])
          ? converted.columnOf(['customFieldValues', addedGroups.get(path[1])!])
          : converted.columnOf(path),
      namedGroups,
    };
  }
  if (!columns) throw new FatalError('the file is empty: a CSV import needs a header line');
}

/** The input fields a JSONL object may have: createContact's (idempotencyKey and dryRun aside). */
export const JSONL_FIELDS: ReadonlySet<string> = new Set(CONTACT_FIELDS.map((field) => field.name));

export async function* jsonlRows(stream: ReadStream, directory: Directory, allowSensitive: boolean): AsyncGenerator<SourceRow> {
  let line = 0;
  // Each line as it comes; the stream pauses while one is handled.
  for await (const text of readline.createInterface({ input: stream, crlfDelay: Infinity })) {
    line += 1;
    const trimmed = (line === 1 ? text.replace(/^\uFEFF/, '') : text).trim();
    if (trimmed === '') continue;
    const rejected = (original: unknown, message: string): SourceRow => ({
      line,
      original,
      input: null,
      failures: [{ code: 'VALIDATION', message, path: [] }],
      columnOf: noColumn,
      namedGroups: false,
    });
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      yield rejected(trimmed, `is not valid JSON: ${(error as Error).message}`);
      continue;
    }
    // (structuredClone below, and writing the rejects file, would overflow the stack)
    if (nestsDeeperThan(value, MAX_JSON_DEPTH)) {
      yield rejected(trimmed, `nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep`);
      continue;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      yield rejected(value, 'must be a JSON object in the createContact input shape');
      continue;
    }
    const original = structuredClone(value);
    const input = value as Record<string, unknown>;
    const unknownFields = Object.keys(input).filter((key) => !JSONL_FIELDS.has(key));
    const failures: RowFailure[] = unknownFields.map((key) => ({ code: 'VALIDATION', message: 'is not a createContact input field', path: [key] }));
    // `"ssn": null` too: clearing is a write.
    for (const name of SENSITIVE_FIELDS) {
      if (!allowSensitive && input[name] !== undefined) {
        failures.push({ code: 'FORBIDDEN', message: `${name} is sensitive data: import it with --allow-sensitive`, path: [name] });
      }
    }
    const namedGroups = input.groups !== undefined && input.groups !== null;
    failures.push(...resolveNames(directory, input, false).failures);
    yield { line, original, input, failures, columnOf: noColumn, namedGroups };
  }
}

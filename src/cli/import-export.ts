import { once } from 'node:events';
import { closeSync, createReadStream, createWriteStream, openSync, type ReadStream, readFileSync, readSync, statSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import { CsvError, parse } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';
import { loadConfig } from '../config.js';
import { type Database, openDatabase } from '../db/client.js';
import { DataDirInUse } from '../db/data-dir-lock.js';
import { migrate } from '../db/migrator.js';
import { createTenant, SCOPES, type Tenant } from '../tenant/tenant.js';
import { decodeIdOf, encodeId } from '../modules/common/ids.js';
import { createChangeEvents } from '../tenant/change-events.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../modules/common/json-depth.js';
import type { Failure } from '../modules/common/result.js';
import type { ContactFieldsInput } from '../modules/contact/contact-input.js';
import { createContacts, MAX_BATCH } from '../modules/contact/create-contact.js';
import { SENSITIVE_SCOPE } from '../modules/contact/sensitive.js';
import { refreshContactStatistics } from '../modules/contact/write-contacts.js';
import { type ContactLookupInput, findContactBy } from '../modules/contact/contact-lookup.js';
import { inOneTransaction, upsertContact } from '../modules/contact/upsert-contact.js';
import { externalRefSchema } from '../modules/common/external-ref.js';
import { findOrganizationByName } from '../modules/organization/organization.js';
import { findUserByEmail } from '../modules/user/user.js';
import {
  type Column,
  contactToCsv,
  contactToJson,
  type Directory,
  type ExportedContact,
  exportHeader,
  exportQuery,
  loadDirectory,
  MappingError,
  parseHeader,
  resolveNames,
  rowToInput,
} from './csv-mapping.js';
import { createProgress } from './progress.js';

// `contactgraph import` and `contactgraph export`. Both stream: an import holds one batch of
// rows at a time (the file is read only as fast as batches are written), an export one page.
// Exit codes: 0 every row imported, 2 some rows failed (see the summary and the reject
// file), 1 nothing could be done (bad flags, missing file, unknown organisation, bad header).

export const IMPORT_USAGE = `usage: contactgraph import <file.csv|file.jsonl> --org <org id or name> [options]

  --org <id|name>            the organisation to import into (required)
  --user <email>             the user the import acts as (default: the organisation's first user)
  --upsert-by <key>          externalRef:<namespace> or email: update the contact the row names
                             (create it when missing) instead of always creating
  --allow-sensitive          write ssn (a CSV column or JSONL key); without it such a CSV file
                             is refused and such JSONL rows fail
  --reject-file <file>       where failed rows go (default: <file>.rejects.jsonl)
  --batch-size <n>           rows per write, 1-${MAX_BATCH} (default ${MAX_BATCH})
  --stats                    also print the peak memory (RSS) of the import`;

export const EXPORT_USAGE = `usage: contactgraph export --org <org id or name> --format csv|jsonl [--output <file>]

  writes every contact of the organisation (the recycle bin left out), to stdout by default`;

/** the change feed's changeOrigin.apiKeyPrefix of every change an import writes */
export const IMPORT_ORIGIN = 'cli:import';

const EXPORT_PAGE = 1000;
const SUMMARY_FAILURES = 100;

class FatalError extends Error {
  /** `usage`: the command line was wrong, so the usage is shown too */
  constructor(message: string, readonly usage = false) {
    super(message);
  }
}

type Format = 'csv' | 'jsonl';

function formatOf(file: string): Format | null {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (extension === '.jsonl' || extension === '.ndjson') return 'jsonl';
  return null;
}

async function openConfiguredDatabase(): Promise<Database> {
  const config = loadConfig();
  const db = await openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir });
  try {
    await migrate(db.sql);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

async function findOrganization(db: Database, reference: string) {
  const id = reference.startsWith('org_') ? decodeIdOf('Organization', reference) : null;
  const organization = id
    ? await db.prisma.organization.findUnique({ where: { id } })
    : await findOrganizationByName(db.prisma, reference);
  if (!organization) throw new FatalError(`no organisation ${id ? `with id ${reference}` : `named "${reference}"`}`);
  return organization;
}

/** Peak resident memory of this process, in bytes (VmHWM), when the platform tells. */
export function peakRss(): number {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // not Linux: fall back to what Node reports
  }
  return process.resourceUsage().maxRSS * 1024;
}

/**
 * A full garbage collection, run after each batch. A batch's rows, inputs and query results
 * live across several awaits, so V8 promotes them to the old generation, which it lets grow to
 * hundreds of MB of garbage before collecting: memory would grow with the file for a long
 * while. Collecting after each batch keeps the peak near one batch's worth (~2% of the time).
 */
function fullCollector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed;
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as unknown;
    if (typeof gc === 'function') return gc as () => void;
  } catch {
    // not available: V8 collects on its own schedule
  }
  return () => {};
}

/** Writes text to a stream, waiting when its buffer is full (backpressure). */
async function writeTo(stream: NodeJS.WritableStream, text: string) {
  if (!stream.write(text)) await once(stream, 'drain');
}

async function endStream(stream: WriteStream) {
  stream.end();
  await once(stream, 'finish');
}

// ---------------------------------------------------------------------------------------------
// Reading rows

/** A row's failure: the domain's, or a row naming ssn in an import not allowed to write it. */
type RowFailure = Omit<Failure, 'code'> & { code: Failure['code'] | 'FORBIDDEN' };

/** One row of the file, converted (or not) into createContact input. */
interface SourceRow {
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
function bomLength(file: string): number {
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

async function* csvRows(stream: ReadStream, directory: Directory, allowSensitive: boolean): AsyncGenerator<SourceRow> {
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
const JSONL_FIELDS = new Set([
  'type', 'firstName', 'middleName', 'lastName', 'fullName', 'abbreviation', 'title', 'gender', 'birthday',
  'primaryLanguage', 'description', 'strategy', 'jobTitle', 'department', 'linkedInUrl', 'profilePictureUrl',
  'tags', 'loginEmail', 'mailingListOptIn', 'purchaseOrderNumber', 'ssn', 'email', 'phone', 'mobile', 'emails',
  'phones', 'addresses', 'urls', 'externalRefs', 'companies', 'groups', 'customFieldValues',
]);

/** The lines of a stream, read chunk by chunk (the stream pauses while a line is handled). */
async function* lines(stream: ReadStream): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of stream) {
    pending += decoder.write(chunk as Buffer);
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      yield pending.slice(0, newline).replace(/\r$/, '');
      pending = pending.slice(newline + 1);
    }
  }
  pending += decoder.end();
  if (pending !== '') yield pending.replace(/\r$/, '');
}

async function* jsonlRows(stream: ReadStream, directory: Directory, allowSensitive: boolean): AsyncGenerator<SourceRow> {
  let line = 0;
  for await (const text of lines(stream)) {
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
    if (!allowSensitive && input.ssn !== undefined) {
      failures.push({ code: 'FORBIDDEN', message: 'ssn is sensitive data: import it with --allow-sensitive', path: ['ssn'] });
    }
    const namedGroups = input.groups !== undefined && input.groups !== null;
    failures.push(...resolveNames(directory, input, false).failures);
    yield { line, original, input, failures, columnOf: noColumn, namedGroups };
  }
}

// ---------------------------------------------------------------------------------------------
// Import

type UpsertKey = { kind: 'externalRef'; namespace: string } | { kind: 'email' };

function parseUpsertKey(value: string): UpsertKey {
  if (value.trim().toLowerCase() === 'email') return { kind: 'email' };
  const match = /^externalRef:(.+)$/i.exec(value.trim());
  const namespace = match ? externalRefSchema.shape.namespace.safeParse(match[1]) : null;
  if (!namespace?.success) throw new FatalError(`--upsert-by must be externalRef:<namespace> or email, got "${value}"`, true);
  return { kind: 'externalRef', namespace: namespace.data };
}

/** The lookup of the contact a row names under --upsert-by, or why the row names none. */
function lookupOf(input: Record<string, unknown>, key: UpsertKey): ContactLookupInput | Failure {
  if (key.kind === 'email') {
    const emails = Array.isArray(input.emails) ? (input.emails as { address?: unknown }[]) : [];
    const email = typeof input.email === 'string' && input.email.trim() ? input.email : emails.find((e) => typeof e?.address === 'string')?.address;
    return typeof email === 'string' && email.trim()
      ? { email: email.trim() }
      : { code: 'VALIDATION', message: 'has no email to upsert by (--upsert-by email)', path: ['email'] };
  }
  const refs = Array.isArray(input.externalRefs) ? (input.externalRefs as { namespace?: unknown; externalId?: unknown }[]) : [];
  // upsertContact validates the ref itself (an invalid one is the row's VALIDATION error).
  const inNamespace = (r: { namespace?: unknown }) => externalRefSchema.shape.namespace.safeParse(r?.namespace).data === key.namespace;
  const ref = refs.find((r) => inNamespace(r) && typeof r.externalId === 'string');
  return ref
    ? { externalRef: { namespace: key.namespace, externalId: String(ref.externalId) } }
    : { code: 'VALIDATION', message: `has no external ref in the namespace "${key.namespace}" to upsert by`, path: ['externalRefs'] };
}

interface ImportOptions {
  file: string;
  format: Format;
  org: string;
  user: string | undefined;
  upsertBy: UpsertKey | null;
  rejectFile: string;
  batchSize: number;
  stats: boolean;
  allowSensitive: boolean;
}

function parseImportArgs(args: string[]): ImportOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        org: { type: 'string' },
        user: { type: 'string' },
        'upsert-by': { type: 'string' },
        'reject-file': { type: 'string' },
        'batch-size': { type: 'string' },
        stats: { type: 'boolean' },
        'allow-sensitive': { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new FatalError((error as Error).message, true);
  }
  const { values, positionals } = parsed;
  if (positionals.length === 0) throw new FatalError('import needs the file to import', true);
  if (positionals.length > 1) throw new FatalError(`import takes one file, got ${positionals.length}: ${positionals.join(' ')}`, true);
  const file = positionals[0]!;
  const format = formatOf(file);
  if (!format) throw new FatalError(`cannot tell the format of "${file}": name it *.csv or *.jsonl`, true);
  if (!values.org?.trim()) throw new FatalError('--org is required', true);
  let batchSize = MAX_BATCH;
  if (values['batch-size'] !== undefined) {
    batchSize = Number(values['batch-size']);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH) {
      throw new FatalError(`--batch-size must be a whole number from 1 to ${MAX_BATCH}, got "${values['batch-size']}"`, true);
    }
  }
  return {
    file,
    format,
    org: values.org.trim(),
    user: values.user?.trim() || undefined,
    upsertBy: values['upsert-by'] !== undefined ? parseUpsertKey(values['upsert-by']) : null,
    rejectFile: values['reject-file'] ?? `${file}.rejects.jsonl`,
    batchSize,
    stats: values.stats ?? false,
    allowSensitive: values['allow-sensitive'] ?? false,
  };
}

interface ReportedError {
  code: string;
  path: string;
  message: string;
  column?: string;
  existingId?: string;
}

class ImportRun {
  created = 0;
  updated = 0;
  unchanged = 0;
  failed = 0;
  rows = 0;
  readonly shownFailures: { line: number; errors: ReportedError[] }[] = [];
  private rejects: WriteStream | null = null;

  constructor(
    private readonly tenant: Tenant,
    private readonly options: ImportOptions,
  ) {}

  async fail(row: SourceRow, failures: RowFailure[]) {
    this.failed += 1;
    const errors = failures.map((failure): ReportedError => {
      const column = row.columnOf(failure.path);
      return {
        code: failure.code,
        path: (failure.path ?? []).join('.'),
        message: failure.message,
        ...(column ? { column } : {}),
        ...(failure.existing ? { existingId: encodeId(failure.existing.typename, failure.existing.id) } : {}),
      };
    });
    if (this.shownFailures.length < SUMMARY_FAILURES) this.shownFailures.push({ line: row.line, errors });
    if (!this.rejects) {
      this.rejects = createWriteStream(this.options.rejectFile);
      this.rejects.on('error', () => {}); // reported by endStream
    }
    await writeTo(this.rejects, `${JSON.stringify({ line: row.line, row: row.original, errors })}\n`);
  }

  async closeRejects() {
    if (this.rejects) await endStream(this.rejects);
  }

  get rejectsWritten() {
    return this.rejects !== null;
  }

  async handle(batch: SourceRow[]) {
    this.rows += batch.length;
    if (this.options.upsertBy) await this.upsert(batch, this.options.upsertBy);
    else await this.create(batch);
  }

  private async create(batch: SourceRow[]) {
    const ready = batch.filter((row) => row.input && row.failures.length === 0);
    const outcomes = ready.length > 0 ? await createContacts(this.tenant, ready.map((row) => row.input as ContactFieldsInput), { allOrNone: false }) : [];
    let next = 0;
    for (const row of batch) {
      if (!(row.input && row.failures.length === 0)) {
        await this.fail(row, row.failures);
        continue;
      }
      const outcome = outcomes[next++]!;
      if (outcome.contactId) this.created += 1;
      else await this.fail(row, outcome.failures);
    }
  }

  private async upsert(batch: SourceRow[], key: UpsertKey) {
    // One after another in one transaction, as upsertContacts does: rows naming the same
    // contact apply in order, and an unexpected fault rolls back the whole batch.
    await inOneTransaction(this.tenant, (tenant) => this.upsertRows(tenant, batch, key));
  }

  private async upsertRows(tenant: Tenant, batch: SourceRow[], key: UpsertKey) {
    for (const row of batch) {
      if (!row.input || row.failures.length > 0) {
        await this.fail(row, row.failures);
        continue;
      }
      const by = lookupOf(row.input, key);
      if ('code' in by) {
        await this.fail(row, [by]);
        continue;
      }
      if (!row.namedGroups && Array.isArray(row.input.groups)) {
        // The row gave custom values but no groups: keep the contact's groups, add the fields'.
        row.input.groups = [...new Set([...(await currentGroups(tenant, by)), ...(row.input.groups as string[])])];
      }
      const result = await upsertContact(tenant, { by, fields: row.input as ContactFieldsInput });
      tenant.loaders.clearAll();
      if (!result.ok) await this.fail(row, result.failures);
      else if (result.value.action === 'CREATED') this.created += 1;
      else if (result.value.action === 'NOOP') this.unchanged += 1;
      else this.updated += 1;
    }
  }

}

async function currentGroups(tenant: Tenant, by: ContactLookupInput): Promise<string[]> {
  const { organizationId, prisma } = tenant;
  const found = await findContactBy(tenant, by, { followMerges: false });
  if (!found) return [];
  const memberships = await prisma.groupMembership.findMany({
    where: { organizationId, contactId: found.id },
    select: { groupId: true },
    orderBy: { createdAt: 'asc' },
  });
  return memberships.map((m) => encodeId('Group', m.groupId));
}

function printSummary(run: ImportRun, options: ImportOptions, organization: { id: string; name: string }, seconds: number, out: (line: string) => void) {
  const rate = Math.round(run.rows / Math.max(seconds, 0.001));
  out(`import of ${options.file} into "${organization.name}" (org_${organization.id}): ${run.rows} rows in ${seconds.toFixed(1)} s (${rate} rows/s)`);
  out(`  created    ${run.created}`);
  out(`  updated    ${run.updated}`);
  out(`  unchanged  ${run.unchanged}`);
  out(`  failed     ${run.failed}`);
  if (run.failed > 0) {
    out('failures:');
    for (const { line, errors } of run.shownFailures) {
      for (const error of errors) {
        const where = [error.column ? `column ${error.column}` : null, error.path ? `at ${error.path}` : null].filter(Boolean).join(', ');
        out(`  line ${line}: ${error.code}${where ? ` (${where})` : ''}: ${error.message}${error.existingId ? ` [existing ${error.existingId}]` : ''}`);
      }
    }
    if (run.failed > run.shownFailures.length) out(`  … and ${run.failed - run.shownFailures.length} more rows`);
    out(`failed rows written to ${options.rejectFile}`);
  }
  if (options.stats) out(`peak RSS: ${(peakRss() / 1024 / 1024).toFixed(1)} MB`);
}

async function runImport(args: string[], out: (line: string) => void): Promise<number> {
  const options = parseImportArgs(args);
  let size: number;
  try {
    const stat = statSync(options.file);
    if (!stat.isFile()) throw new FatalError(`${options.file} is not a file`);
    size = stat.size;
  } catch (error) {
    if (error instanceof FatalError) throw error;
    throw new FatalError(`cannot read ${options.file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }

  const db = await openConfiguredDatabase();
  const events = createChangeEvents(loadConfig().redisUrl);
  try {
    const organization = await findOrganization(db, options.org);
    const user = options.user
      ? await findUserByEmail(db.prisma, organization.id, options.user)
      : await db.prisma.user.findFirst({ where: { organizationId: organization.id }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    if (!user) {
      throw new FatalError(
        options.user
          ? `no user with email ${options.user} in "${organization.name}"`
          : `"${organization.name}" has no users: create one (contactgraph users create) or give --user`,
      );
    }
    // The import acts with every scope but contacts:sensitive unless --allow-sensitive: the
    // domain's ssn rule then holds here too (rows naming ssn were refused above already).
    const scopes = new Set(SCOPES.filter((scope) => options.allowSensitive || scope !== SENSITIVE_SCOPE));
    const tenant = createTenant(
      { organizationId: organization.id, userId: user.id, apiKeyId: IMPORT_ORIGIN, apiKeyPrefix: IMPORT_ORIGIN, scopes },
      db.prisma,
      events,
    );
    const directory = await loadDirectory(db.prisma, organization.id);

    const started = Date.now();
    // A UTF-8 byte order mark is no part of the first line (a CSV's header, a JSONL's object).
    const stream = createReadStream(options.file, { start: bomLength(options.file) });
    const rows = options.format === 'csv' ? csvRows(stream, directory, options.allowSensitive) : jsonlRows(stream, directory, options.allowSensitive);
    const run = new ImportRun(tenant, options);
    const progress = createProgress(size);
    const collect = fullCollector();
    let fatal: Error | null = null;
    try {
      let batch: SourceRow[] = [];
      let batches = 0;
      for await (const row of rows) {
        batch.push(row);
        if (batch.length >= options.batchSize) {
          await run.handle(batch);
          batch = [];
          // after batches 1, 2, 4, 8, …: each time the rows imported have doubled
          batches += 1;
          if ((batches & (batches - 1)) === 0) await refreshContactStatistics(db.prisma);
          collect();
          progress.update({ rows: run.rows, bytesRead: stream.bytesRead });
        }
      }
      if (batch.length > 0) await run.handle(batch);
    } catch (error) {
      if (error instanceof CsvError) fatal = new FatalError(`the file is not valid CSV: ${error.message}`);
      else if (error instanceof FatalError) fatal = error;
      else throw error;
    } finally {
      stream.destroy();
      progress.stop({ rows: run.rows, bytesRead: stream.bytesRead });
      await run.closeRejects();
    }
    if (fatal && run.rows === 0) throw fatal;
    printSummary(run, options, organization, (Date.now() - started) / 1000, out);
    if (fatal) {
      fatal.message += ' (the rows before it were handled as summarised above)';
      throw fatal;
    }
    return run.failed > 0 ? 2 : 0;
  } finally {
    await events.close();
    await db.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Export

function parseExportArgs(args: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: false,
      strict: true,
      options: { org: { type: 'string' }, format: { type: 'string' }, output: { type: 'string' } },
    });
  } catch (error) {
    throw new FatalError((error as Error).message, true);
  }
  const { values } = parsed;
  if (!values.org?.trim()) throw new FatalError('--org is required', true);
  const format = values.format ?? (values.output ? formatOf(values.output) : null);
  if (format !== 'csv' && format !== 'jsonl') {
    throw new FatalError(values.format ? `--format must be csv or jsonl, got "${values.format}"` : '--format csv|jsonl is required', true);
  }
  return { org: values.org.trim(), format: format as Format, output: values.output };
}

async function runExport(args: string[]): Promise<number> {
  const options = parseExportArgs(args);
  const db = await openConfiguredDatabase();
  let output: WriteStream | null = null;
  try {
    const organization = await findOrganization(db, options.org);
    const organizationId = organization.id;
    const directory = await loadDirectory(db.prisma, organizationId);
    const where = { organizationId, deletedAt: null, mergedIntoId: null };
    let header: string[] = [];
    if (options.format === 'csv') {
      const namespaces = await db.prisma.externalRef.findMany({
        where: { organizationId, ownerType: 'CONTACT', contact: where },
        distinct: ['namespace'],
        select: { namespace: true },
        orderBy: { namespace: 'asc' },
      });
      header = exportHeader(directory, namespaces.map((n) => n.namespace));
    }

    output = options.output ? createWriteStream(options.output) : null;
    const target: NodeJS.WritableStream = output ?? process.stdout;
    const failed = new Promise<never>((_, reject) => target.once('error', reject));
    failed.catch(() => {});
    const write = (text: string) => Promise.race([writeTo(target, text), failed]);

    if (options.format === 'csv') await write(stringify([header]));
    let after: string | null = null;
    let count = 0;
    for (;;) {
      const page: ExportedContact[] = await db.prisma.contact.findMany({
        where: after ? { ...where, id: { gt: after } } : where,
        orderBy: { id: 'asc' },
        take: EXPORT_PAGE,
        ...exportQuery,
      });
      if (page.length === 0) break;
      const text =
        options.format === 'csv'
          ? stringify(page.map((contact) => contactToCsv(contact, directory, header)))
          : page.map((contact) => `${JSON.stringify(contactToJson(contact, directory))}\n`).join('');
      await write(text);
      count += page.length;
      after = page[page.length - 1]!.id;
      if (page.length < EXPORT_PAGE) break;
    }
    if (output) await endStream(output);
    process.stderr.write(`exported ${count} contacts of "${organization.name}" as ${options.format}${options.output ? ` to ${options.output}` : ''}\n`);
    return 0;
  } finally {
    output?.destroy();
    await db.close();
  }
}

// ---------------------------------------------------------------------------------------------

async function reporting(usage: string, work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof FatalError || error instanceof DataDirInUse) {
      process.stderr.write(`contactgraph: ${error.message}\n${error instanceof FatalError && error.usage ? `\n${usage}\n` : ''}`);
      return 1;
    }
    throw error;
  }
}

/** `contactgraph import …`: the exit code (0 all rows imported, 2 some failed, 1 fatal). */
export function importCommand(args: string[], out = (line: string) => console.log(line)): Promise<number> {
  return reporting(IMPORT_USAGE, () => runImport(args, out));
}

/** `contactgraph export …`: the exit code (0, or 1 when it could not export). */
export function exportCommand(args: string[]): Promise<number> {
  return reporting(EXPORT_USAGE, () => runExport(args));
}

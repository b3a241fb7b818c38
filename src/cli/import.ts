import { createReadStream, createWriteStream, readFileSync, statSync, type WriteStream } from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';
import { CsvError } from 'csv-parse';
import { loadConfig, tenantSettings } from '../config.js';
import { createTenant, SCOPES, type Tenant } from '../tenant/tenant.js';
import { encodeId } from '../modules/common/ids.js';
import { createChangeEvents } from '../tenant/change-events.js';
import type { Failure } from '../modules/common/result.js';
import type { ContactFieldsInput } from '../modules/contact/contact-input.js';
import { createContacts } from '../modules/contact/create-contact.js';
import { SENSITIVE_SCOPE } from '../modules/contact/contact-sensitive.js';
import { refreshContactStatistics } from '../modules/contact/write-contacts.js';
import type { ContactLookupInput } from '../modules/contact/contact-lookup.js';
import { inOneTransaction, type UpsertInput, upsertInOrder } from '../modules/contact/upsert-contact.js';
import { externalRefSchema } from '../modules/common/external-ref.js';
import { findUserByEmail } from '../modules/user/user.js';
import { endStream, FatalError, findOrganization, openConfiguredDatabase, reporting, writeTo } from './command.js';
import { loadDirectory } from './directory.js';
import { IMPORT_USAGE, type ImportOptions, parseImportArgs, type UpsertKey } from './import-flags.js';
import { bomLength, csvRows, jsonlRows, type RowFailure, type SourceRow } from './import-rows.js';
import { createProgress } from './progress.js';

// `contactgraph import`. It streams: an import holds one batch of rows at a time (the file is
// read only as fast as batches are written). Exit codes: 0 every row imported, 2 some rows
// failed (see the summary and the reject file), 1 nothing could be done (bad flags, missing
// file, unknown organisation, bad header).

/** the change feed's changeOrigin.apiKeyPrefix of every change an import writes */
export const IMPORT_ORIGIN = 'cli:import';

const SUMMARY_FAILURES = 100;

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

  /** Handles a batch once the one before (`previous`) is written: creates are validated meanwhile. */
  async handle(batch: SourceRow[], previous: Promise<void>) {
    if (this.options.upsertBy) {
      await previous;
      await this.upsert(batch, this.options.upsertBy);
    } else {
      await this.create(batch, previous);
    }
    this.rows += batch.length;
  }

  private async create(batch: SourceRow[], previous: Promise<void>) {
    const ready = batch.filter((row) => row.input && row.failures.length === 0);
    const outcomes = ready.length > 0 ? await createContacts(this.tenant, ready.map((row) => row.input as ContactFieldsInput), { allOrNone: false, writeAfter: previous }) : [];
    await previous;
    let next = 0;
    for (const row of batch) {
      if (!(row.input && row.failures.length === 0)) {
        await this.fail(row, row.failures);
        continue;
      }
      const result = outcomes[next++]!;
      if (result.ok) this.created += 1;
      else await this.fail(row, result.failures);
    }
  }

  private async upsert(batch: SourceRow[], key: UpsertKey) {
    const items: { row: SourceRow; item: UpsertInput }[] = [];
    const refused = new Map<SourceRow, RowFailure[]>();
    for (const row of batch) {
      if (!row.input || row.failures.length > 0) {
        refused.set(row, row.failures);
        continue;
      }
      const by = lookupOf(row.input, key);
      if ('code' in by) {
        refused.set(row, [by]);
        continue;
      }
      // The row gave custom values but no groups: the contact keeps its groups and joins the fields'.
      const { groups, ...fields } = row.input;
      const addGroups = !row.namedGroups && Array.isArray(groups) ? (groups as string[]) : undefined;
      items.push({ row, item: { by, fields: (addGroups ? fields : row.input) as ContactFieldsInput, addGroups } });
    }
    // In one transaction, as upsertContacts: rows naming the same contact apply in file order,
    // and an unexpected fault rolls back the whole batch.
    const results = await inOneTransaction(this.tenant, (inside) => upsertInOrder(inside, items.map(({ item }) => item)));
    const resultOf = new Map(items.map(({ row }, index) => [row, results[index]!]));
    for (const row of batch) {
      const result = resultOf.get(row);
      if (!result) await this.fail(row, refused.get(row)!);
      else if (!result.ok) await this.fail(row, result.failures);
      else if (result.value.action === 'CREATED') this.created += 1;
      else if (result.value.action === 'NOOP') this.unchanged += 1;
      else this.updated += 1;
    }
  }
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

  const db = await openConfiguredDatabase('import');
  const config = loadConfig();
  const events = createChangeEvents(config.redisUrl);
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
      { organizationId: organization.id, userId: user.id, apiKeyId: IMPORT_ORIGIN, apiKeyPrefix: IMPORT_ORIGIN, scopes, settings: tenantSettings(config) },
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
    // At most two batches at once: one written while the next is read and validated, which
    // overlaps Node's work with PostgreSQL's (20,000 rows: 1,666 → 1,842–1,963 rows/s).
    let inFlight = Promise.resolve();
    try {
      let batch: SourceRow[] = [];
      for await (const row of rows) {
        batch.push(row);
        if (batch.length >= options.batchSize) {
          const previous = inFlight;
          inFlight = run.handle(batch, previous);
          inFlight.catch(() => {}); // awaited below
          batch = [];
          await previous;
          await refreshContactStatistics(db.prisma);
          collect();
          progress.update({ rows: run.rows, bytesRead: stream.bytesRead });
        }
      }
      if (batch.length > 0) inFlight = run.handle(batch, inFlight);
      await inFlight;
    } catch (error) {
      await inFlight; // the batch being written when the file broke off is written (or its fault outranks the file's)
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

/** `contactgraph import …`: the exit code (0 all rows imported, 2 some failed, 1 fatal). */
export function importCommand(args: string[], out = (line: string) => console.log(line)): Promise<number> {
  return reporting(IMPORT_USAGE, () => runImport(args, out));
}

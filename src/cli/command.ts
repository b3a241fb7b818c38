import { once } from 'node:events';
import type { WriteStream } from 'node:fs';
import path from 'node:path';
import { databaseOptions, loadConfig } from '../config.js';
import { type Database, openDatabase } from '../db/client.js';
import { DataDirInUse } from '../db/data-dir-lock.js';
import { migrate } from '../db/migrator.js';
import { decodeIdOf } from '../modules/common/ids.js';
import { findOrganizationByName } from '../modules/organization/organization.js';

// What `contactgraph import` and `contactgraph export` share: the fatal error and how it is
// reported, the database and organisation they open, the file format, stream writes.

export class FatalError extends Error {
  /** `usage`: the command line was wrong, so the usage is shown too */
  constructor(message: string, readonly usage = false) {
    super(message);
  }
}

export type Format = 'csv' | 'jsonl';

export function formatOf(file: string): Format | null {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (extension === '.jsonl' || extension === '.ndjson') return 'jsonl';
  return null;
}

/** The configured database, migrated; an export's statements may run for STATEMENT_TIMEOUT_EXPORT_MS. */
export async function openConfiguredDatabase(purpose: 'import' | 'export'): Promise<Database> {
  const config = loadConfig();
  const db = await openDatabase(databaseOptions(config, purpose === 'export' ? config.statementTimeouts.export : undefined));
  try {
    await migrate(db.sql);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

export async function findOrganization(db: Database, reference: string) {
  const id = reference.startsWith('org_') ? decodeIdOf('Organization', reference) : null;
  const organization = id
    ? await db.prisma.organization.findUnique({ where: { id } })
    : await findOrganizationByName(db.prisma, reference);
  if (!organization) throw new FatalError(`no organisation ${id ? `with id ${reference}` : `named "${reference}"`}`);
  return organization;
}

/** Writes text to a stream, waiting when its buffer is full (backpressure). */
export async function writeTo(stream: NodeJS.WritableStream, text: string) {
  if (!stream.write(text)) await once(stream, 'drain');
}

export async function endStream(stream: WriteStream) {
  stream.end();
  await once(stream, 'finish');
}

/** Runs a command; a fatal error is reported on stderr (with the usage when the command line was wrong) as exit code 1. */
export async function reporting(usage: string, work: () => Promise<number>): Promise<number> {
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

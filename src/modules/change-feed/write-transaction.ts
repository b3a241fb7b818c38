import { Prisma } from '../../db/generated/prisma/client.js';
import type { ChangeType } from '../../db/generated/prisma/enums.js';
import type { InsertPart } from '../../db/insert-rows.js';
import type { Tenant } from '../../tenant/tenant.js';
import { fail, type Failure, FailureAbort, ok, type Result } from '../common/result.js';
import { changeOrigin } from './change-origin.js';

/**
 * The client a write's work is given: its contact_changes rows go through the `Feed`, never
 * straight to the table, so a change cannot be written without its feed entry and announcement.
 */
export type Tx = Omit<Prisma.TransactionClient, 'contactChange'>;

/** A change to one contact: its feed entry and, after commit, its announcement. */
export interface ContactChange {
  contactId: string;
  changeType: ChangeType;
  version: number;
  changedFields: string[];
  /** the external-ref namespaces the write named (see changeOrigin) */
  namespaces?: string[];
}

export interface Feed {
  /** Records changes; their feed rows are written in one statement when the work is done. */
  record(...changes: ContactChange[]): void;
  /** Records changes whose feed rows the work inserts itself, with the part returned (one `insertTogether`). */
  recordIn(changes: ContactChange[]): InsertPart;
}

export interface WriteOptions {
  /** a long write (many contacts at once, the items of a bulk upsert, an import batch): the bulk statement timeout */
  bulk?: boolean;
  /** the failures a unique violation means (another writer took the value between our check and our write) */
  onUniqueViolation?: () => Failure[];
}

/**
 * Passed as a copy each time: Prisma writes the outer transaction's id into the options of a
 * nested one (an item of a bulk upsert), and later writes given the same object would nest
 * into that long-closed transaction.
 */
const TRANSACTION_OPTIONS = { maxWait: 5_000, timeout: 15_000 } as const;
/** Long enough for MAX_BATCH upserts one after another. */
const BULK_TIMEOUT = 120_000;

/**
 * Runs a write in one transaction (a savepoint when the tenant is already inside one): `work`
 * records its contact changes on `feed`, whose rows are written before the commit. After it the
 * tenant's loaders are cleared and subscribers hear of exactly what was recorded. A FailureAbort
 * thrown by `work` rolls back and answers its failures, as does a unique violation when
 * `onUniqueViolation` says what it means; any other error is rethrown (after the rollback).
 */
export async function writeTransaction<T>(tenant: Tenant, work: (tx: Tx, feed: Feed) => Promise<T>, options: WriteOptions = {}): Promise<Result<T>> {
  // each change's feed row, made once: written in the transaction, announced after it
  const rowOf = ({ contactId, changeType, changedFields, version, namespaces }: ContactChange) => ({
    organizationId: tenant.organizationId,
    contactId,
    changeType,
    changedFields,
    version,
    changeOrigin: changeOrigin(tenant, namespaces),
  });
  const recorded: ReturnType<typeof rowOf>[] = [];
  try {
    const value = await tenant.prisma.$transaction(
      async (tx) => {
        const pending: ReturnType<typeof rowOf>[] = [];
        const feed: Feed = {
          record: (...changes) => void pending.push(...changes.map(rowOf)),
          recordIn: (changes) => {
            const rows = changes.map(rowOf);
            recorded.push(...rows);
            return { table: 'contact_changes', rows };
          },
        };
        const timeouts = tenant.settings.statementTimeouts;
        const timeout = timeouts && (options.bulk ? timeouts.bulk : timeouts.write);
        if (timeouts && timeout !== timeouts.read) await tx.$executeRawUnsafe(`SET LOCAL statement_timeout = ${Math.trunc(timeout!)}`);
        const value = await work(tx, feed);
        if (pending.length > 0) await tx.contactChange.createMany({ data: pending });
        recorded.push(...pending);
        return value;
      },
      { ...TRANSACTION_OPTIONS, ...(options.bulk ? { timeout: BULK_TIMEOUT } : {}) },
    );
    tenant.events.publish(tenant.organizationId, recorded.map(({ organizationId: _organization, ...event }) => event));
    return ok(value);
  } catch (error) {
    if (error instanceof FailureAbort) return fail(...error.failures);
    if (options.onUniqueViolation && isUniqueViolation(error)) return fail(...options.onUniqueViolation());
    throw error;
  } finally {
    tenant.loaders.clearAll();
  }
}

/** A write refused by a unique constraint: another writer took the value meanwhile. */
export const isUniqueViolation = (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

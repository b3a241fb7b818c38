import { Prisma } from '../../db/generated/prisma/client.js';
import type { ChangeType } from '../../db/generated/prisma/enums.js';
import type { Tenant } from '../../tenant/tenant.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../common/paging.js';
import { ArgumentError } from '../common/result.js';

export interface ChangeEntry {
  txid: bigint;
  seq: bigint;
  contactId: string;
  changeType: ChangeType;
  changedFields: string[];
  changeOrigin: { apiKeyId?: string; apiKeyPrefix?: string; userId?: string; namespaces?: string[] };
  version: number;
  occurredAt: Date;
}


export const feedCursor = (entry: { txid: bigint; seq: bigint }) =>
  Buffer.from(`${entry.txid}:${entry.seq}`).toString('base64url');

const MAX_BIGINT = 2n ** 63n - 1n;

function parseFeedCursor(cursor: string): [bigint, bigint] {
  const match = /^(\d{1,19}):(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  // txid and seq are PostgreSQL bigints: a larger number is no cursor this API gave out
  const parts = match ? [BigInt(match[1]!), BigInt(match[2]!)] : [];
  if (parts.length !== 2 || parts.some((part) => part > MAX_BIGINT)) throw new ArgumentError('the cursor is not one this API gave out');
  return parts as [bigint, bigint];
}

/**
 * The organisation's changes after `after`, in commit order. Entries are read in (txid, seq)
 * order and only from transactions older than every transaction still running, so an entry
 * can never commit behind a cursor a reader already holds: polling with the last cursor
 * never misses or repeats an entry, whatever the concurrent writers do. This is the page's
 * statement and how to read its rows.
 */
export function changePageStatement(tenant: Tenant, args: { after?: string | null; first?: number | null }) {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new ArgumentError(`first must be between 1 and ${MAX_PAGE_SIZE}, got ${first}`);
  }
  const [txid, seq] = args.after ? parseFeedCursor(args.after) : [-1n, -1n];
  return {
    sql: Prisma.sql`
    SELECT txid, seq, contact_id::text AS contact_id, change_type::text AS change_type, changed_fields,
           change_origin, version, occurred_at
      FROM contact_changes
     WHERE organization_id = ${tenant.organizationId}::uuid
       AND (txid, seq) > (${txid}, ${seq})
       AND txid < (pg_snapshot_xmin(pg_current_snapshot())::text)::bigint
     ORDER BY txid, seq
     LIMIT ${first + 1}`,
    read(rows: readonly ChangeRow[]) {
      const entries: ChangeEntry[] = rows.slice(0, first).map((row) => ({
        txid: BigInt(row.txid),
        seq: BigInt(row.seq),
        contactId: row.contact_id,
        changeType: row.change_type,
        changedFields: row.changed_fields,
        changeOrigin: typeof row.change_origin === 'string' ? JSON.parse(row.change_origin) : row.change_origin,
        version: row.version,
        occurredAt: new Date(row.occurred_at),
      }));
      return { entries, hasMore: rows.length > first };
    },
  };
}

/** A row of a change page's statement. */
export interface ChangeRow {
  txid: bigint;
  seq: bigint;
  contact_id: string;
  change_type: ChangeType;
  changed_fields: string[];
  change_origin: ChangeEntry['changeOrigin'] | string;
  version: number;
  occurred_at: Date;
}

/** The page of changes `args` asks for, read by its one statement (as the compiled read wraps it). */
export async function listChanges(tenant: Tenant, args: { after?: string | null; first?: number | null }) {
  const statement = changePageStatement(tenant, args);
  return statement.read(await tenant.prisma.$queryRaw<ChangeRow[]>(statement.sql));
}

/** The cursor of the organisation's last readable entry (null while it has none): what comes later is new. */
export async function lastFeedCursor(tenant: Tenant) {
  const [last] = await tenant.prisma.$queryRaw<{ txid: bigint; seq: bigint }[]>`
    SELECT txid, seq
      FROM contact_changes
     WHERE organization_id = ${tenant.organizationId}::uuid
       AND txid < (pg_snapshot_xmin(pg_current_snapshot())::text)::bigint
     ORDER BY txid DESC, seq DESC
     LIMIT 1`;
  return last ? feedCursor({ txid: BigInt(last.txid), seq: BigInt(last.seq) }) : null;
}

/** Whether the organisation has committed entries the feed holds back until older transactions end. */
export async function hasHeldBackChanges(tenant: Tenant) {
  const [row] = await tenant.prisma.$queryRaw<{ held: boolean }[]>`
    SELECT EXISTS (
      SELECT 1 FROM contact_changes
       WHERE organization_id = ${tenant.organizationId}::uuid
         AND txid >= (pg_snapshot_xmin(pg_current_snapshot())::text)::bigint
    ) AS held`;
  return row!.held;
}

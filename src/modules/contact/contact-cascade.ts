import type { Tenant } from '../../tenant/tenant.js';
import type { Feed, Tx } from '../change-feed/write-transaction.js';

/**
 * Records that a change elsewhere (a company, group or field deleted) changed these contacts:
 * each gets a new version and an UPDATED feed entry naming `changedFields`, in the caller's
 * write transaction.
 */
export async function recordCascade(tx: Tx, feed: Feed, tenant: Tenant, contactIds: string[], changedFields: string[]) {
  if (contactIds.length === 0) return;
  const rows = await tx.contact.updateManyAndReturn({
    where: { organizationId: tenant.organizationId, id: { in: contactIds }, mergedIntoId: null },
    data: { version: { increment: 1 }, updatedById: tenant.userId, updatedAt: new Date() },
    select: { id: true, version: true },
  });
  feed.record(...rows.map((row) => ({ contactId: row.id, changeType: 'UPDATED' as const, version: row.version, changedFields })));
}

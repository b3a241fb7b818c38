import type { Tenant } from '../../tenant/tenant.js';
import { changeOrigin } from '../change-feed/change-origin.js';
import type { Tx } from './write-contacts.js';

export interface CascadeChange {
  contactId: string;
  changeType: 'UPDATED';
  version: number;
  changedFields: string[];
}

/**
 * Records that a change elsewhere (a company, group or field deleted) changed these contacts:
 * each gets a new version and an UPDATED feed entry naming `changedFields`, in the caller's
 * transaction. Announce the returned changes after it commits.
 */
export async function recordCascade(tx: Tx, tenant: Tenant, contactIds: string[], changedFields: string[]): Promise<CascadeChange[]> {
  if (contactIds.length === 0) return [];
  const { organizationId } = tenant;
  const rows = await tx.contact.updateManyAndReturn({
    where: { organizationId, id: { in: contactIds }, mergedIntoId: null },
    data: { version: { increment: 1 }, updatedById: tenant.userId, updatedAt: new Date() },
    select: { id: true, version: true },
  });
  const changes = rows.map((row) => ({ contactId: row.id, changeType: 'UPDATED' as const, version: row.version, changedFields }));
  await tx.contactChange.createMany({ data: changes.map((change) => ({ ...change, organizationId, changeOrigin: changeOrigin(tenant) })) });
  return changes;
}

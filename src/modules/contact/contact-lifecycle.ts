import type { ChangeType } from '../../db/generated/prisma/enums.js';
import type { Tenant } from '../../tenant/tenant.js';
import { decodeIdOf } from '../common/ids.js';
import { writeTransaction } from '../change-feed/write-transaction.js';
import { fail, ok, type Result } from '../common/result.js';

const notFound = () => fail({ code: 'NOT_FOUND', message: 'no contact with this id', path: ['id'] });

/**
 * Moves a contact in or out of the recycle bin in one guarded statement, with its change-feed
 * entry in the same transaction. In the bin it is hidden from lists but keeps its email and
 * external refs reserved.
 */
async function setDeleted(tenant: Tenant, publicId: string, deleted: boolean): Promise<Result<{ id: string }>> {
  const id = decodeIdOf('Contact', publicId);
  if (!id) return notFound();
  const { organizationId } = tenant;
  const changeType: ChangeType = deleted ? 'DELETED' : 'RESTORED';
  const written = await writeTransaction(tenant, async (tx, feed) => {
    const [row] = await tx.contact.updateManyAndReturn({
      where: { id, organizationId, mergedIntoId: null, deletedAt: deleted ? null : { not: null } },
      data: { deletedAt: deleted ? new Date() : null, version: { increment: 1 }, updatedById: tenant.userId, updatedAt: new Date() },
      select: { id: true, version: true },
    });
    if (row) feed.record({ contactId: id, changeType, changedFields: ['deletedAt'], version: row.version });
    return row;
  });
  if (!written.ok) return written;
  if (written.value) return ok({ id });
  const existing = await tenant.prisma.contact.findFirst({ where: { id, organizationId, mergedIntoId: null }, select: { deletedAt: true } });
  if (!existing) return notFound();
  return deleted
    ? fail({ code: 'CONTACT_DELETED', message: 'the contact is already in the recycle bin', path: ['id'] })
    : fail({ code: 'VALIDATION', message: 'the contact is not in the recycle bin', path: ['id'] });
}

export const deleteContact = (tenant: Tenant, id: string) => setDeleted(tenant, id, true);
export const restoreContact = (tenant: Tenant, id: string) => setDeleted(tenant, id, false);

/**
 * Erases a contact and everything it owns (its email and external refs become free); the
 * change feed keeps a PURGED tombstone with the id alone.
 */
export async function purgeContact(tenant: Tenant, publicId: string): Promise<Result<{ id: string }>> {
  const id = decodeIdOf('Contact', publicId);
  if (!id) return notFound();
  const { organizationId } = tenant;
  const purged = await writeTransaction(tenant, async (tx, feed) => {
    const [row] = await tx.contact.findMany({ where: { id, organizationId, mergedIntoId: null }, select: { version: true } });
    if (!row) return false;
    // The contacts merged into it go too: their ids resolved to it and hold nothing else.
    const tombstones = await tx.contact.findMany({ where: { organizationId, mergedIntoId: id }, select: { id: true, version: true } });
    const { count } = await tx.contact.deleteMany({ where: { organizationId, id: { in: [id, ...tombstones.map((t) => t.id)] } } });
    if (count === 0) return false;
    feed.record(
      ...[{ id, version: row.version }, ...tombstones].map((contact) => ({
        contactId: contact.id,
        changeType: 'PURGED' as const,
        changedFields: [],
        version: contact.version + 1,
      })),
    );
    return true;
  });
  if (!purged.ok) return purged;
  return purged.value ? ok({ id }) : notFound();
}

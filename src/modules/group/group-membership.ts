import type { Tenant } from '../../tenant/tenant.js';
import { decodeIdOf } from '../common/ids.js';
import { writeTransaction } from '../change-feed/write-transaction.js';
import { fail, type Failure, type Result } from '../common/result.js';

export const MAX_MEMBERSHIP_CHANGE = 500;

/**
 * Adds contacts to a group or removes them, all or nothing. Each contact whose membership
 * actually changes gets a new version and an UPDATED entry (changedFields: groups).
 */
export async function changeMembership(
  tenant: Tenant,
  input: { groupId: string; contactIds: string[] },
  mode: 'add' | 'remove',
): Promise<Result<{ id: string }>> {
  const { organizationId, loaders } = tenant;
  const groupId = decodeIdOf('Group', input.groupId);
  const group = groupId ? await loaders.groupById.load(groupId) : null;
  if (!group) return fail({ code: 'NOT_FOUND', message: 'no group with this id', path: ['groupId'] });
  if (input.contactIds.length > MAX_MEMBERSHIP_CHANGE) {
    return fail({ code: 'LIMIT_EXCEEDED', message: `at most ${MAX_MEMBERSHIP_CHANGE} contacts per call`, path: ['contactIds'] });
  }
  const ids = input.contactIds.map((id) => decodeIdOf('Contact', id));
  const contacts = await Promise.all(ids.map((id) => (id ? loaders.contactById.load(id) : null)));
  const failures: Failure[] = contacts.flatMap((contact, index): Failure[] => {
    if (!contact || contact.mergedIntoId) return [{ code: 'NOT_FOUND', message: 'no contact with this id', path: ['contactIds', index] }];
    if (contact.deletedAt) return [{ code: 'CONTACT_DELETED', message: 'the contact is in the recycle bin', path: ['contactIds', index] }];
    return [];
  });
  if (failures.length > 0) return fail(...failures);
  const contactIds = [...new Set(contacts.map((contact) => contact!.id))];

  return writeTransaction(tenant, async (tx, feed) => {
    let changed: string[];
    if (mode === 'add') {
      const inserted = await tx.groupMembership.createManyAndReturn({
        data: contactIds.map((contactId) => ({ organizationId, groupId: group.id, contactId })),
        skipDuplicates: true,
        select: { contactId: true },
      });
      changed = inserted.map((row) => row.contactId);
    } else {
      const removed = await tx.groupMembership.findMany({
        where: { organizationId, groupId: group.id, contactId: { in: contactIds } },
        select: { contactId: true },
      });
      changed = removed.map((row) => row.contactId);
      await tx.groupMembership.deleteMany({ where: { organizationId, groupId: group.id, contactId: { in: changed } } });
    }
    if (changed.length > 0) {
      const rows = await tx.contact.updateManyAndReturn({
        where: { organizationId, id: { in: changed } },
        data: { version: { increment: 1 }, updatedById: tenant.userId, updatedAt: new Date() },
        select: { id: true, version: true },
      });
      feed.record(...rows.map((row) => ({ contactId: row.id, changeType: 'UPDATED' as const, version: row.version, changedFields: ['groups'] })));
    }
    return { id: group.id };
  });
}

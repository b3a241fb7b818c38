import type { Tenant } from '../../tenant/tenant.js';
import { decodeIdOf } from '../common/ids.js';
import { writeTransaction } from '../change-feed/write-transaction.js';
import { recordCascade } from '../contact/contact-cascade.js';
import { normalizeName } from '../common/names.js';
import { fail, type Failure, FailureAbort, ok, type Result } from '../common/result.js';
import { validationFailures } from '../common/validation.js';
import { duplicateGroupName, groupInput } from './create-group.js';

const NOT_FOUND: Failure = { code: 'NOT_FOUND', message: 'no group with this id', path: ['id'] };
const notFound = () => fail(NOT_FOUND);

/** Renames a group; the name stays unique in the organisation (DUPLICATE names the holder). */
export async function updateGroup(tenant: Tenant, input: { id: string; name: string }): Promise<Result<{ id: string }>> {
  const id = decodeIdOf('Group', input.id);
  if (!id) return notFound();
  const parsed = groupInput.safeParse({ name: input.name });
  if (!parsed.success) return fail(...validationFailures(parsed.error));
  const { organizationId } = tenant;
  const normalizedName = normalizeName(parsed.data.name);
  return writeTransaction(
    tenant,
    async (tx) => {
      const holder = await tx.group.findUnique({ where: { organizationId_normalizedName: { organizationId, normalizedName } } });
      if (holder && holder.id !== id) {
        throw new FailureAbort([duplicateGroupName(parsed.data.name, holder)]);
      }
      const { count } = await tx.group.updateMany({ where: { id, organizationId }, data: { name: parsed.data.name, normalizedName } });
      if (count === 0) throw new FailureAbort([NOT_FOUND]);
      return { id };
    },
    // another writer took the name between our check and our write
    { onUniqueViolation: () => [duplicateGroupName(parsed.data.name)] },
  );
}

/**
 * Deletes a group with its custom fields and their values. Its members get a new version and an
 * UPDATED feed entry (`groups`, and `customFieldValues` where they held a value of its fields).
 */
export async function deleteGroup(tenant: Tenant, publicId: string): Promise<Result<{ id: string }>> {
  const id = decodeIdOf('Group', publicId);
  if (!id) return notFound();
  const { organizationId } = tenant;
  return writeTransaction(tenant, async (tx, feed) => {
    const [members, holders] = await Promise.all([
      tx.groupMembership.findMany({ where: { organizationId, groupId: id }, select: { contactId: true } }),
      tx.customFieldValue.findMany({ where: { organizationId, field: { groupId: id } }, select: { contactId: true }, distinct: ['contactId'] }),
    ]);
    const { count } = await tx.group.deleteMany({ where: { id, organizationId } });
    if (count === 0) throw new FailureAbort([NOT_FOUND]);
    const withValues = new Set(holders.map((h) => h.contactId));
    const memberIds = [...new Set([...members.map((m) => m.contactId), ...withValues])];
    await recordCascade(tx, feed, tenant, memberIds.filter((c) => withValues.has(c)), ['groups', 'customFieldValues']);
    await recordCascade(tx, feed, tenant, memberIds.filter((c) => !withValues.has(c)), ['groups']);
    return { id };
  });
}

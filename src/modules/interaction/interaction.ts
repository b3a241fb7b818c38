import { newId } from '../../db/uuid.js';
import type { Tenant } from '../../tenant/tenant.js';
import { decodeIdOf } from '../common/ids.js';
import { fail, type Result } from '../common/result.js';
import { writeTransaction } from '../change-feed/write-transaction.js';

/** How far ahead of the server's clock an interaction may be dated (clock skew). */
const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;
export async function recordInteraction(
  tenant: Tenant,
  input: { contactId: string; occurredAt?: Date | null },
): Promise<Result<{ id: string }>> {
  const contactId = decodeIdOf('Contact', input.contactId);
  const contact = contactId ? await tenant.loaders.contactById.load(contactId) : null;
  if (!contact || contact.deletedAt || contact.mergedIntoId) {
    return fail({ code: 'NOT_FOUND', message: 'no contact with this id', path: ['contactId'] });
  }
  const occurredAt = input.occurredAt ?? new Date();
  if (occurredAt.getTime() > Date.now() + FUTURE_TOLERANCE_MS) {
    return fail({ code: 'VALIDATION', message: 'must not be in the future', path: ['occurredAt'] });
  }
  return writeTransaction(tenant, async (tx) => {
    await tx.interaction.create({
      data: { id: newId(), organizationId: tenant.organizationId, contactId: contact.id, userId: tenant.userId, occurredAt },
      select: { id: true },
    });
    return { id: contact.id };
  });
}

import type { PrismaClient } from '../../db/generated/prisma/client.js';
import { newId } from '../../db/uuid.js';
import type { Tenant } from '../../graphql/context.js';
import { decodeIdOf } from '../../graphql/ids.js';
import { fail, ok, type Result } from '../common/result.js';

/** How far ahead of the server's clock an interaction may be dated (clock skew). */
const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;
/** how many of the latest distinct users `lastInteractedBy` names */
export const LAST_INTERACTED_BY = 5;

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
  await tenant.prisma.interaction.create({
    data: { id: newId(), organizationId: tenant.organizationId, contactId: contact.id, userId: tenant.userId, occurredAt },
  });
  return ok({ id: contact.id });
}

export interface InteractionStats {
  contactId: string;
  workspaceCount: number;
  workspaceLast: Date | null;
  lastUserIds: string[];
  userCount: number;
  userLast: Date | null;
}

/** Interaction counts and latest dates of many contacts, in one statement. */
export async function interactionStats(
  prisma: PrismaClient,
  organizationId: string,
  viewerId: string,
  contactIds: readonly string[],
): Promise<InteractionStats[]> {
  const rows = await prisma.$queryRaw<
    { contact_id: string; workspace_count: number; workspace_last: Date | null; last_user_ids: string[]; user_count: number; user_last: Date | null }[]
  >`
    WITH latest_users AS (
      SELECT contact_id, user_id, max(occurred_at) AS last_at
        FROM interactions
       WHERE organization_id = ${organizationId}::uuid AND contact_id = ANY(${[...contactIds]}::uuid[])
       GROUP BY contact_id, user_id
    )
    SELECT i.contact_id::text AS contact_id,
           count(*)::int AS workspace_count,
           max(i.occurred_at) AS workspace_last,
           (SELECT array_agg(u.user_id::text ORDER BY u.last_at DESC)
              FROM (SELECT * FROM latest_users lu WHERE lu.contact_id = i.contact_id ORDER BY lu.last_at DESC LIMIT ${LAST_INTERACTED_BY}) u) AS last_user_ids,
           (count(*) FILTER (WHERE i.user_id = ${viewerId}::uuid))::int AS user_count,
           max(i.occurred_at) FILTER (WHERE i.user_id = ${viewerId}::uuid) AS user_last
      FROM interactions i
     WHERE i.organization_id = ${organizationId}::uuid AND i.contact_id = ANY(${[...contactIds]}::uuid[])
     GROUP BY i.contact_id`;
  return rows.map((row) => ({
    contactId: row.contact_id,
    workspaceCount: row.workspace_count,
    workspaceLast: row.workspace_last ? new Date(row.workspace_last) : null,
    lastUserIds: row.last_user_ids ?? [],
    userCount: row.user_count,
    userLast: row.user_last ? new Date(row.user_last) : null,
  }));
}


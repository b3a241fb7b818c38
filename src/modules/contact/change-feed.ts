import type { ChangeType } from '../../db/generated/prisma/enums.js';
import type { Tenant } from '../../graphql/context.js';

/** The change-feed entry of one committed change; run it in the change's own transaction. */
export function recordChange(
  tenant: Tenant,
  change: { contactId: string; changeType: ChangeType; version: number; changedFields: string[]; namespaces?: string[] },
) {
  return tenant.prisma.contactChange.create({
    data: {
      organizationId: tenant.organizationId,
      contactId: change.contactId,
      changeType: change.changeType,
      changedFields: change.changedFields,
      version: change.version,
      changeOrigin: { apiKeyId: tenant.apiKeyId, userId: tenant.userId, namespaces: change.namespaces ?? [] },
    },
  });
}

import type { ChangeType } from '../../db/generated/prisma/enums.js';
import type { Tenant } from '../../tenant/tenant.js';

/**
 * Who caused a change, as the change feed records it: the API key and user, and the
 * external-ref namespaces the write named, so a sync client can skip its own echoes.
 */
export const changeOrigin = (tenant: Tenant, namespaces: string[] = []) => ({
  apiKeyId: tenant.apiKeyId,
  apiKeyPrefix: tenant.apiKeyPrefix,
  userId: tenant.userId,
  namespaces: [...new Set(namespaces)].sort(),
});

/** Tells subscribers about changes; call after their transaction committed. */
export function announceChanges(
  tenant: Tenant,
  changes: { contactId: string; changeType: ChangeType; version: number; changedFields: string[]; namespaces?: string[] }[],
) {
  tenant.events.publish(
    tenant.organizationId,
    changes.map(({ namespaces, ...change }) => ({ ...change, changeOrigin: changeOrigin(tenant, namespaces) })),
  );
}

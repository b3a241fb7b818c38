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

import type { Tenant } from '../tenant/tenant.js';

export type RecordModel = 'contact' | 'company' | 'group' | 'customField';

/**
 * The record of `model` with `id` in the tenant's organisation (and matching `where`), read
 * with exactly what the client selected below the field (Pothos' `query`); null for no id.
 * The query is spread even then, so Pothos sees it used.
 */
export function readRecord(model: RecordModel, query: object, tenant: Tenant, id: string | null, where: object = {}) {
  const args = { ...query, where: { id: id ?? '', organizationId: tenant.organizationId, ...where } };
  return id ? (tenant.prisma[model] as unknown as { findUnique(args: object): Promise<never> }).findUnique(args) : null;
}

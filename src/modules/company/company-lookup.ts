import type { Tenant } from '../../tenant/tenant.js';
import { decodeIdOf } from '../common/ids.js';
import { normalizeName } from '../common/names.js';
import { externalRefSchema } from '../common/external-ref.js';

/** One way to name a company: exactly one of the fields is set. */
export interface CompanyLookupInput {
  id?: string | null;
  name?: string | null;
  externalRef?: { namespace: string; externalId: string } | null;
}

/**
 * The id of the company a lookup names in the tenant's organisation, or null. By id no
 * statement is needed (the read by id is scoped to the organisation); by name or external
 * ref one small statement on the unique index.
 */
export async function companyIdBy(tenant: Tenant, by: CompanyLookupInput): Promise<string | null> {
  const { organizationId, prisma } = tenant;
  if (by.id != null) return decodeIdOf('Company', by.id);
  if (by.externalRef != null) {
    const ref = externalRefSchema.safeParse(by.externalRef);
    if (!ref.success) return null;
    const found = await prisma.externalRef.findUnique({
      where: { organizationId_ownerType_namespace_externalId: { organizationId, ownerType: 'COMPANY', ...ref.data } },
      select: { companyId: true },
    });
    return found?.companyId ?? null;
  }
  if (by.name != null) {
    const found = await prisma.company.findUnique({
      where: { organizationId_normalizedName: { organizationId, normalizedName: normalizeName(by.name) } },
      select: { id: true },
    });
    return found?.id ?? null;
  }
  return null;
}

import type { z } from 'zod';
import { Prisma } from '../../db/generated/prisma/client.js';
import type { Tenant } from '../../tenant/tenant.js';
import { decodeIdOf } from '../common/ids.js';
import { announceChanges } from '../change-feed/change-origin.js';
import { type CascadeChange, recordCascade } from '../contact/cascade.js';
import { normalizeName } from '../common/names.js';
import { fail, FailureAbort, ok, type Result } from '../common/result.js';
import { validationFailures } from '../common/validation.js';
import { companyPatch, insertCompanyRefs } from './create-company.js';

const TRANSACTION = { maxWait: 5_000, timeout: 15_000 } as const;
const notFound = () => fail({ code: 'NOT_FOUND', message: 'no company with this id', path: ['id'] });
const nameTaken = (name: string) => new FailureAbort([{ code: 'DUPLICATE', message: `a company named "${name}" exists`, path: ['name'] }]);

/**
 * Changes a company: an absent field stays, `domain: null` clears, `externalRefs` replaces the
 * company's refs. The name stays unique in the organisation (DUPLICATE names the holder).
 */
export async function updateCompany(
  tenant: Tenant,
  input: { id: string; name?: string | null } & Omit<z.input<typeof companyPatch>, 'name'>,
): Promise<Result<{ id: string }>> {
  const id = decodeIdOf('Company', input.id);
  if (!id) return notFound();
  const { id: _id, ...fields } = input;
  const parsed = companyPatch.safeParse({ ...fields, name: fields.name ?? undefined });
  if (!parsed.success) return fail(...validationFailures(parsed.error));
  const { name, domain, externalRefs } = parsed.data;
  if (fields.name === null) return fail({ code: 'VALIDATION', message: 'a company needs a name', path: ['name'] });
  const { organizationId } = tenant;
  try {
    const found = await tenant.prisma.$transaction(async (tx) => {
      const company = await tx.company.findFirst({ where: { id, organizationId } });
      if (!company) return false;
      if (name != null && normalizeName(name) !== company.normalizedName) {
        const holder = await tx.company.findUnique({ where: { organizationId_normalizedName: { organizationId, normalizedName: normalizeName(name) } } });
        if (holder) throw new FailureAbort([{ code: 'DUPLICATE', message: `a company named "${holder.name}" exists`, path: ['name'], existing: { typename: 'Company', id: holder.id } }]);
      }
      await tx.company.update({
        where: { id },
        data: {
          ...(name != null ? { name, normalizedName: normalizeName(name) } : {}),
          ...(domain !== undefined ? { domain } : {}),
        },
      });
      if (externalRefs !== undefined) {
        await tx.externalRef.deleteMany({ where: { organizationId, companyId: id } });
        await insertCompanyRefs(tx, organizationId, id, externalRefs ?? []);
      }
      return true;
    }, TRANSACTION);
    return found ? ok({ id }) : notFound();
  } catch (error) {
    if (error instanceof FailureAbort) return fail(...error.failures);
    // another writer took the name between our check and our write
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return fail(...nameTaken(name ?? '').failures);
    throw error;
  } finally {
    tenant.loaders.clearAll();
  }
}

/**
 * Deletes a company and unlinks it from its contacts (each gets a new version and an UPDATED
 * feed entry for `companies`); where it was a contact's primary company, the next link becomes
 * primary.
 */
export async function deleteCompany(tenant: Tenant, publicId: string): Promise<Result<{ id: string }>> {
  const id = decodeIdOf('Company', publicId);
  if (!id) return notFound();
  const { organizationId } = tenant;
  const changes = await tenant.prisma.$transaction(async (tx): Promise<CascadeChange[] | null> => {
    const links = await tx.contactCompany.findMany({ where: { organizationId, companyId: id }, select: { contactId: true, isPrimary: true } });
    const { count } = await tx.company.deleteMany({ where: { id, organizationId } });
    if (count === 0) return null;
    const orphaned = links.filter((link) => link.isPrimary).map((link) => link.contactId);
    if (orphaned.length > 0) {
      await tx.$executeRaw`
        UPDATE contact_companies SET is_primary = true
        WHERE (contact_id, position) IN (
          SELECT contact_id, min(position) FROM contact_companies
          WHERE organization_id = ${organizationId}::uuid AND contact_id = ANY(${orphaned}::uuid[])
          GROUP BY contact_id)`;
    }
    return recordCascade(tx, tenant, links.map((link) => link.contactId), ['companies']);
  }, TRANSACTION);
  tenant.loaders.clearAll();
  if (!changes) return notFound();
  announceChanges(tenant, changes);
  return ok({ id });
}

import type { z } from 'zod';
import type { Tenant } from '../../tenant/tenant.js';
import { decodeIdOf } from '../common/ids.js';
import { writeTransaction } from '../change-feed/write-transaction.js';
import { recordCascade } from '../contact/contact-cascade.js';
import { normalizeName } from '../common/names.js';
import { fail, type Failure, FailureAbort, type Result } from '../common/result.js';
import { validationFailures } from '../common/validation.js';
import { companyPatch, insertCompanyRefs } from './create-company.js';

const NOT_FOUND: Failure = { code: 'NOT_FOUND', message: 'no company with this id', path: ['id'] };
const notFound = () => fail(NOT_FOUND);

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
  return writeTransaction(
    tenant,
    async (tx) => {
      const company = await tx.company.findFirst({ where: { id, organizationId } });
      if (!company) throw new FailureAbort([NOT_FOUND]);
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
      return { id };
    },
    // another writer took the name between our check and our write
    { onUniqueViolation: () => [{ code: 'DUPLICATE', message: `a company named "${name ?? ''}" exists`, path: ['name'] }] },
  );
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
  return writeTransaction(tenant, async (tx, feed) => {
    const links = await tx.contactCompany.findMany({ where: { organizationId, companyId: id }, select: { contactId: true, isPrimary: true } });
    const { count } = await tx.company.deleteMany({ where: { id, organizationId } });
    if (count === 0) throw new FailureAbort([NOT_FOUND]);
    const orphaned = links.filter((link) => link.isPrimary).map((link) => link.contactId);
    if (orphaned.length > 0) {
      await tx.$executeRaw`
        UPDATE contact_companies SET is_primary = true
        WHERE (contact_id, position) IN (
          SELECT contact_id, min(position) FROM contact_companies
          WHERE organization_id = ${organizationId}::uuid AND contact_id = ANY(${orphaned}::uuid[])
          GROUP BY contact_id)`;
    }
    await recordCascade(tx, feed, tenant, links.map((link) => link.contactId), ['companies']);
    return { id };
  });
}

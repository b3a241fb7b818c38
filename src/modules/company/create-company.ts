import { z } from 'zod';
import { newId } from '../../db/uuid.js';
import type { Tenant } from '../../tenant/tenant.js';
import { nameSchema, normalizeName } from '../common/names.js';
import { fail, type Failure, FailureAbort, type Result } from '../common/result.js';
import { validationFailures } from '../common/validation.js';
import { type ExternalRefValue, externalRefKey, externalRefSchema } from '../common/external-ref.js';
import { type Tx, writeTransaction } from '../change-feed/write-transaction.js';

const companyFields = z.object({
  name: nameSchema,
  domain: z
    .string()
    .trim()
    .toLowerCase()
    .max(255, 'must be at most 255 characters')
    .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a domain name like acme.com')
    .nullish(),
  externalRefs: z.array(externalRefSchema).max(20, 'must have at most 20 entries').nullish(),
});

const refsListedOnce = (input: { externalRefs?: ExternalRefValue[] | null }, ctx: z.RefinementCtx) => {
  const seen = new Set<string>();
  (input.externalRefs ?? []).forEach((ref, index) => {
    if (seen.has(externalRefKey(ref))) ctx.addIssue({ code: 'custom', message: 'is listed twice', path: ['externalRefs', index] });
    seen.add(externalRefKey(ref));
  });
};

const companyInput = companyFields.superRefine(refsListedOnce);
/** An absent field stays, null clears (not the name), a list given replaces the list. */
export const companyPatch = companyFields.partial().superRefine(refsListedOnce);

export type CreateCompanyInput = z.input<typeof companyInput>;

/**
 * Creates a company; its normalised name and its external refs are unique in the
 * organisation. Race-free without database errors: INSERT … ON CONFLICT DO NOTHING, and when
 * nothing was inserted, the holder is named in a DUPLICATE and the transaction rolls back.
 */
export async function createCompany(tenant: Tenant, input: CreateCompanyInput): Promise<Result<{ id: string }>> {
  const parsed = companyInput.safeParse(input);
  if (!parsed.success) return fail(...validationFailures(parsed.error));
  const { name, domain, externalRefs } = parsed.data;
  const { organizationId } = tenant;
  const companyId = newId();
  return writeTransaction(tenant, async (tx) => {
    const normalizedName = normalizeName(name);
    const inserted = await tx.company.createManyAndReturn({
      data: [{ id: companyId, organizationId, name, normalizedName, domain: domain ?? null }],
      skipDuplicates: true,
      select: { id: true },
    });
    if (inserted.length === 0) {
      const holder = await tx.company.findUnique({ where: { organizationId_normalizedName: { organizationId, normalizedName } } });
      throw new FailureAbort([
        { code: 'DUPLICATE', message: `a company named "${holder?.name ?? name}" exists`, path: ['name'], ...(holder ? { existing: { typename: 'Company' as const, id: holder.id } } : {}) },
      ]);
    }
    await insertCompanyRefs(tx, organizationId, companyId, externalRefs ?? []);
    return { id: companyId };
  });
}

/** Gives a company external refs; one another company holds fails the transaction (DUPLICATE). */
export async function insertCompanyRefs(tx: Tx, organizationId: string, companyId: string, externalRefs: ExternalRefValue[]) {
  const refs = externalRefs.map((ref) => ({ ref, id: newId() }));
  if (refs.length === 0) return;
  const done = await tx.externalRef.createManyAndReturn({
    data: refs.map(({ ref, id }) => ({ id, organizationId, ownerType: 'COMPANY' as const, namespace: ref.namespace, externalId: ref.externalId, companyId })),
    skipDuplicates: true,
    select: { id: true },
  });
  if (done.length === refs.length) return;
  const doneIds = new Set(done.map((row) => row.id));
  const failures: Failure[] = [];
  for (const [index, { ref, id }] of refs.entries()) {
    if (doneIds.has(id)) continue;
    const holder = await tx.externalRef.findFirst({ where: { organizationId, ownerType: 'COMPANY', namespace: ref.namespace, externalId: ref.externalId } });
    failures.push({
      code: 'DUPLICATE',
      message: `the external ref ${ref.namespace}/${ref.externalId} already belongs to another company`,
      path: ['externalRefs', index],
      ...(holder?.companyId ? { existing: { typename: 'Company' as const, id: holder.companyId } } : {}),
    });
  }
  throw new FailureAbort(failures);
}

import { z } from 'zod';
import type { Tenant } from '../../tenant/tenant.js';
import { decodeIdOf } from '../common/ids.js';
import { writeTransaction } from '../change-feed/write-transaction.js';
import { recordCascade } from '../contact/contact-cascade.js';
import { normalizeName } from '../common/names.js';
import { fail, type Failure, FailureAbort, ok, type Result } from '../common/result.js';
import { validationFailures } from '../common/validation.js';
import { duplicateFieldName, fieldFields, optionsListedOnce, SELECT_TYPES } from './create-custom-field.js';

const NOT_FOUND: Failure = { code: 'NOT_FOUND', message: 'no custom field with this id', path: ['id'] };
const notFound = () => fail(NOT_FOUND);
const fieldPatch = fieldFields.pick({ name: true, options: true }).partial();

/** How many contacts hold each of these option labels in a select field. */
async function optionUse(tenant: Tenant, fieldId: string, labels: string[]) {
  if (labels.length === 0) return new Map<string, number>();
  const rows = await tenant.prisma.$queryRaw<{ label: string; n: number }[]>`
    SELECT label, count(*)::int AS n
    FROM custom_field_values v,
         LATERAL (SELECT v.value->>'option' AS label UNION ALL SELECT jsonb_array_elements_text(COALESCE(v.value->'options', '[]'::jsonb))) l
    WHERE v.organization_id = ${tenant.organizationId}::uuid AND v.field_id = ${fieldId}::uuid AND label = ANY(${labels})
    GROUP BY label`;
  return new Map(rows.map((row) => [row.label, row.n]));
}

/**
 * Renames a field (unique within its group) or replaces the options of a select field. Options
 * may be added, reordered or removed, but not removed while contacts hold them (VALIDATION
 * says how many do); a field's type never changes.
 */
export async function updateCustomField(
  tenant: Tenant,
  input: { id: string; name?: string | null; options?: string[] | null },
): Promise<Result<{ id: string }>> {
  const id = decodeIdOf('CustomField', input.id);
  const field = id ? await tenant.loaders.customFieldById.load(id) : null;
  if (!field) return notFound();
  const parsed = fieldPatch.superRefine((patch, ctx) => optionsListedOnce(patch.options ?? [], ctx)).safeParse({ name: input.name ?? undefined, options: input.options ?? undefined });
  if (!parsed.success) return fail(...validationFailures(parsed.error));
  const { name, options } = parsed.data;
  const failures: Failure[] = [];
  if (input.name === null) failures.push({ code: 'VALIDATION', message: 'a field needs a name', path: ['name'] });
  if (options && !SELECT_TYPES.includes(field.type)) failures.push({ code: 'VALIDATION', message: `a ${field.type} field takes no options`, path: ['options'] });
  if (options && options.length === 0) failures.push({ code: 'VALIDATION', message: `a ${field.type} field needs options`, path: ['options'] });
  if (failures.length > 0) return fail(...failures);
  if (options) {
    const kept = new Set(options.map((o) => o.toLowerCase()));
    const removed = field.options.filter((o) => !kept.has(o.toLowerCase()));
    const use = await optionUse(tenant, field.id, removed);
    for (const [label, n] of use) {
      failures.push({ code: 'VALIDATION', message: `the option "${label}" is held by ${n} contact(s); change their values first`, path: ['options'] });
    }
    if (failures.length > 0) return fail(...failures);
  }
  const normalizedName = name != null ? normalizeName(name) : field.normalizedName;
  return writeTransaction(
    tenant,
    async (tx) => {
      if (normalizedName !== field.normalizedName) {
        const holder = await tx.customField.findUnique({ where: { groupId_normalizedName: { groupId: field.groupId, normalizedName } } });
        if (holder) throw new FailureAbort([duplicateFieldName(holder.name, holder)]);
      }
      await tx.customField.updateMany({
        where: { id: field.id, organizationId: tenant.organizationId },
        data: { ...(name != null ? { name, normalizedName } : {}), ...(options ? { options } : {}) },
      });
      return { id: field.id };
    },
    // another writer took the name between our check and our write
    { onUniqueViolation: () => [duplicateFieldName(name ?? field.name)] },
  );
}

/** Deletes a field and its values; contacts that held one get a new version and a feed entry. */
export async function deleteCustomField(tenant: Tenant, publicId: string): Promise<Result<{ id: string }>> {
  const id = decodeIdOf('CustomField', publicId);
  if (!id) return notFound();
  const { organizationId } = tenant;
  return writeTransaction(tenant, async (tx, feed) => {
    const holders = await tx.customFieldValue.findMany({ where: { organizationId, fieldId: id }, select: { contactId: true } });
    const { count } = await tx.customField.deleteMany({ where: { id, organizationId } });
    if (count === 0) throw new FailureAbort([NOT_FOUND]);
    await recordCascade(tx, feed, tenant, holders.map((h) => h.contactId), ['customFieldValues']);
    return { id };
  });
}

import { z } from 'zod';
import { CustomFieldType } from '../../db/generated/prisma/enums.js';
import { newId } from '../../db/uuid.js';
import type { Tenant } from '../../tenant/tenant.js';
import { decodeIdOf } from '../common/ids.js';
import { nameSchema, normalizeName } from '../common/names.js';
import { fail, type Failure, FailureAbort, type Result } from '../common/result.js';
import { writeTransaction } from '../change-feed/write-transaction.js';
import { validationFailures, wellFormedString } from '../common/validation.js';

export const SELECT_TYPES: CustomFieldType[] = [CustomFieldType.SINGLE_SELECT, CustomFieldType.MULTIPLE_SELECT];

export const fieldFields = z.object({
  groupId: z.string(),
  name: nameSchema,
  type: z.enum(CustomFieldType),
  options: z
    .array(wellFormedString().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'))
    .max(100, 'must have at most 100 entries')
    .nullish(),
});

export function optionsListedOnce(options: string[], ctx: z.RefinementCtx) {
  const seen = new Set<string>();
  options.forEach((option, index) => {
    if (seen.has(option.toLowerCase())) ctx.addIssue({ code: 'custom', message: 'is listed twice', path: ['options', index] });
    seen.add(option.toLowerCase());
  });
}

const fieldInput = fieldFields.superRefine((input, ctx) => {
  const options = input.options ?? [];
  if (SELECT_TYPES.includes(input.type)) {
    if (options.length === 0) ctx.addIssue({ code: 'custom', message: `a ${input.type} field needs options`, path: ['options'] });
    optionsListedOnce(options, ctx);
  } else if (options.length > 0) {
    ctx.addIssue({ code: 'custom', message: `a ${input.type} field takes no options`, path: ['options'] });
  }
});

/** DUPLICATE for a name another field of the group holds; `holder` when known (a unique violation names none). */
export const duplicateFieldName = (name: string, holder?: { id: string; name: string } | null): Failure => ({
  code: 'DUPLICATE',
  message: `the group has a field named "${holder?.name ?? name}"`,
  path: ['name'],
  ...(holder ? { existing: { typename: 'CustomField' as const, id: holder.id } } : {}),
});

/** Creates a custom field in a group; its normalised name is unique within the group. */
export async function createCustomField(
  tenant: Tenant,
  input: z.input<typeof fieldInput>,
): Promise<Result<{ id: string }>> {
  const parsed = fieldInput.safeParse(input);
  if (!parsed.success) return fail(...validationFailures(parsed.error));
  const { organizationId } = tenant;
  const groupId = decodeIdOf('Group', parsed.data.groupId);
  const group = groupId ? await tenant.loaders.groupById.load(groupId) : null;
  if (!group) return fail({ code: 'NOT_FOUND', message: 'no group with this id', path: ['groupId'] });
  const normalizedName = normalizeName(parsed.data.name);
  const fieldId = newId();
  return writeTransaction(tenant, async (tx) => {
    const position = await tx.customField.count({ where: { organizationId, groupId: group.id } });
    const inserted = await tx.customField.createManyAndReturn({
      data: [{ id: fieldId, organizationId, groupId: group.id, name: parsed.data.name, normalizedName, type: parsed.data.type, options: parsed.data.options ?? [], position }],
      skipDuplicates: true,
      select: { id: true },
    });
    if (inserted.length > 0) return { id: fieldId };
    const holder = await tx.customField.findUnique({ where: { groupId_normalizedName: { groupId: group.id, normalizedName } } });
    throw new FailureAbort([duplicateFieldName(parsed.data.name, holder)]);
  });
}

import { z } from 'zod';
import { newId } from '../../db/uuid.js';
import type { Tenant } from '../../tenant/tenant.js';
import { nameSchema, normalizeName } from '../common/names.js';
import { fail, type Failure, FailureAbort, type Result } from '../common/result.js';
import { writeTransaction } from '../change-feed/write-transaction.js';
import { validationFailures } from '../common/validation.js';

export const groupInput = z.object({
  name: nameSchema,
});

/** DUPLICATE for a name another group holds; `holder` when known (a unique violation names none). */
export const duplicateGroupName = (name: string, holder?: { id: string; name: string } | null): Failure => ({
  code: 'DUPLICATE',
  message: `a group named "${holder?.name ?? name}" exists`,
  path: ['name'],
  ...(holder ? { existing: { typename: 'Group' as const, id: holder.id } } : {}),
});

/** Creates a group; its normalised name is unique in the organisation (race-free). */
export async function createGroup(tenant: Tenant, input: z.input<typeof groupInput>): Promise<Result<{ id: string }>> {
  const parsed = groupInput.safeParse(input);
  if (!parsed.success) return fail(...validationFailures(parsed.error));
  const { organizationId } = tenant;
  const normalizedName = normalizeName(parsed.data.name);
  const groupId = newId();
  return writeTransaction(tenant, async (tx) => {
    const inserted = await tx.group.createManyAndReturn({
      data: [{ id: groupId, organizationId, name: parsed.data.name, normalizedName }],
      skipDuplicates: true,
      select: { id: true },
    });
    if (inserted.length > 0) return { id: groupId };
    const holder = await tx.group.findUnique({ where: { organizationId_normalizedName: { organizationId, normalizedName } } });
    throw new FailureAbort([duplicateGroupName(parsed.data.name, holder)]);
  });
}

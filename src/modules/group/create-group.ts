import { z } from 'zod';
import { newId } from '../../db/uuid.js';
import type { Tenant } from '../../tenant/tenant.js';
import { nameSchema, normalizeName } from '../common/names.js';
import { fail, FailureAbort, type Result } from '../common/result.js';
import { writeTransaction } from '../change-feed/write-transaction.js';
import { validationFailures } from '../common/validation.js';

export const groupInput = z.object({
  name: nameSchema,
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
    throw new FailureAbort([
      {
        code: 'DUPLICATE',
        message: `a group named "${holder?.name ?? parsed.data.name}" exists`,
        path: ['name'],
        ...(holder ? { existing: { typename: 'Group' as const, id: holder.id } } : {}),
      },
    ]);
  });
}

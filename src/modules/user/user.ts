import type { PrismaClient } from '../../db/client.js';
import { newId } from '../../db/uuid.js';
import { normalizeEmail } from '../common/emails.js';


export function createUser(
  prisma: PrismaClient,
  input: { organizationId: string; email: string; fullName: string },
) {
  return prisma.user.create({
    data: {
      id: newId(),
      organizationId: input.organizationId,
      email: input.email.trim(),
      emailNormalized: normalizeEmail(input.email),
      fullName: input.fullName.trim(),
    },
  });
}

export function findUserByEmail(prisma: PrismaClient, organizationId: string, email: string) {
  return prisma.user.findUnique({
    where: { organizationId_emailNormalized: { organizationId, emailNormalized: normalizeEmail(email) } },
  });
}

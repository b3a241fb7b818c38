import type { PrismaClient } from '../../db/client.js';
import { newId } from '../../db/uuid.js';

export function createOrganization(prisma: PrismaClient, name: string) {
  return prisma.organization.create({ data: { id: newId(), name: name.trim() } });
}

export function findOrganizationByName(prisma: PrismaClient, name: string) {
  return prisma.organization.findUnique({ where: { name: name.trim() } });
}

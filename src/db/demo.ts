import { createApiKey } from '../modules/api-key/api-key.js';
import { createOrganization } from '../modules/organization/organization.js';
import { createUser } from '../modules/user/user.js';
import { SCOPES } from '../graphql/context.js';
import type { Database } from './client.js';

/** On a brand-new database: a demo organisation, user and all-scopes key, shown once. */
export async function seedDemoIfEmpty(db: Database): Promise<string | null> {
  if ((await db.prisma.organization.count()) > 0) return null;
  const organization = await createOrganization(db.prisma, 'Demo');
  const user = await createUser(db.prisma, {
    organizationId: organization.id,
    email: 'demo@example.com',
    fullName: 'Demo User',
  });
  const { key } = await createApiKey(db.prisma, {
    organizationId: organization.id,
    userId: user.id,
    scopes: [...SCOPES],
  });
  return key;
}

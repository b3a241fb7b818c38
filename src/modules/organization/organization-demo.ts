import { createApiKey } from '../api-key/api-key.js';
import { createOrganization } from './organization.js';
import { createUser } from '../user/user.js';
import { SCOPES } from '../../tenant/tenant.js';
import type { Database } from '../../db/client.js';

/** On a brand-new database: a demo organisation, user and all-scopes key, shown once. */
export async function seedDemoIfEmpty(db: Database): Promise<string | null> {
  // Plain SQL: the check stays off Prisma's engine start-up, which the first request pays.
  const [row] = await db.sql.query<{ seeded: boolean }>('SELECT EXISTS (SELECT 1 FROM organizations) AS seeded');
  if (row?.seeded) return null;
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

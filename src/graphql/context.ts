import type { Database, PrismaClient } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { Loaders } from './loaders.js';

export const SCOPES = ['contacts:read', 'contacts:write', 'contacts:sensitive', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * Who is calling: every domain function takes this, and every query it runs is scoped by
 * `organizationId`. No input ever names the organisation.
 */
export interface Tenant {
  organizationId: string;
  userId: string;
  apiKeyId: string;
  scopes: ReadonlySet<Scope>;
  prisma: PrismaClient;
}

export interface Context {
  tenant: Tenant;
  loaders: Loaders;
  db: Database;
  log: Logger;
  requestId: string;
}

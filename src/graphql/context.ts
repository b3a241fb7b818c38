import type { Database, PrismaClient } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { ChangeEvents } from '../modules/change-feed/events.js';
import { createLoaders, type Loaders } from './loaders.js';

export const SCOPES = ['contacts:read', 'contacts:write', 'contacts:sensitive', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * Who is calling, and the request's data access scoped to their organisation: every domain
 * function takes this, and every query it runs filters by `organizationId`. No input ever
 * names the organisation.
 */
export interface Tenant {
  organizationId: string;
  userId: string;
  apiKeyId: string;
  apiKeyPrefix: string;
  scopes: ReadonlySet<Scope>;
  prisma: PrismaClient;
  /** this request's loaders (never shared between requests) */
  loaders: Loaders;
  /** tells subscribers about committed changes */
  events: ChangeEvents;
}

export function createTenant(
  caller: { organizationId: string; userId: string; apiKeyId: string; apiKeyPrefix: string; scopes: ReadonlySet<Scope> },
  prisma: PrismaClient,
  events: ChangeEvents,
): Tenant {
  return { ...caller, prisma, events, loaders: createLoaders(prisma, caller.organizationId, caller.userId) };
}

/**
 * A bulk call builds and writes hundreds of contacts, mostly on the one CPU the process has:
 * two at a time keep PostgreSQL busy while the next is prepared, and more at once only add
 * memory (measured in the README's Performance section).
 */
export const DEFAULT_BULK_CONCURRENCY = 2;

/** Runs a bulk write when one of the process's slots is free. */
export type BulkWrites = <T>(write: () => Promise<T>) => Promise<T>;

export interface Context {
  tenant: Tenant;
  bulkWrites: BulkWrites;
  db: Database;
  log: Logger;
  requestId: string;
}

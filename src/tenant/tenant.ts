import type { PrismaClient } from '../db/client.js';
import type { ChangeEvents } from './change-events.js';
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
  let loaders: Loaders | undefined;
  // made when first used: a read the compiled path answers never needs them
  return {
    ...caller,
    prisma,
    events,
    get loaders() {
      return (loaders ??= createLoaders(prisma, caller.organizationId, caller.userId));
    },
  };
}

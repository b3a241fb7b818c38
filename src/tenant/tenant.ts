import { DEFAULT_STATEMENT_TIMEOUTS, type PrismaClient, type StatementTimeouts } from '../db/client.js';
import type { ChangeEvents } from './change-events.js';
import { createLoaders, type Loaders } from './loaders.js';

/**
 * What the operator set for a tenant's reads and writes. `statementTimeouts`: milliseconds a
 * statement of a write's transaction may run (0: no limit) when it differs from the connection's
 * default (`read`, set on every connection); null inside a transaction that already set it.
 */
export interface TenantSettings {
  /** contacts a list counts one by one before its totalCount becomes an estimate */
  exactCountLimit: number;
  statementTimeouts: StatementTimeouts | null;
}

/**
 * TOTAL_COUNT_EXACT_LIMIT's default. Counting up to 10,001 of a million contacts took 10–45 ms
 * (all of them, a 10 % group), up to 1,001 2–6 ms: a page's budget is 50 ms.
 */
export const DEFAULT_EXACT_COUNT_LIMIT = 1_000;

export const DEFAULT_TENANT_SETTINGS: TenantSettings = {
  exactCountLimit: DEFAULT_EXACT_COUNT_LIMIT,
  statementTimeouts: DEFAULT_STATEMENT_TIMEOUTS,
};

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
  settings: TenantSettings;
}

export function createTenant(
  caller: { organizationId: string; userId: string; apiKeyId: string; apiKeyPrefix: string; scopes: ReadonlySet<Scope>; settings?: TenantSettings },
  prisma: PrismaClient,
  events: ChangeEvents,
): Tenant {
  let loaders: Loaders | undefined;
  // made when first used: a read the compiled path answers never needs them
  return {
    ...caller,
    settings: caller.settings ?? DEFAULT_TENANT_SETTINGS,
    prisma,
    events,
    get loaders() {
      return (loaders ??= createLoaders(prisma, caller.organizationId, caller.userId));
    },
  };
}

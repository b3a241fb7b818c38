import type { Database } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { Tenant } from '../tenant/tenant.js';

/**
 * A bulk call builds and writes hundreds of contacts, mostly on the one CPU the process has:
 * two at a time keep PostgreSQL busy while the next is prepared, and more at once only add
 * memory (measured in the README's Performance section).
 */
export const DEFAULT_BULK_CONCURRENCY = 2;

/** Runs a bulk write when one of the process's slots is free. */
export type BulkWrites = <T>(write: () => Promise<T>) => Promise<T>;

/** What every resolver gets: the request's tenant and the process's means. */
export interface Context {
  tenant: Tenant;
  bulkWrites: BulkWrites;
  db: Database;
  log: Logger;
  requestId: string;
}

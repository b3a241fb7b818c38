import DataLoader from 'dataloader';
import type { Tenant } from './context.js';

/**
 * A loader of rows by key for one request and one organisation: `fetch` gets the unique
 * keys of a batch and returns the rows it found; `keyOf` says which key a row answers.
 */
export function loaderOf<K, V>(fetch: (keys: readonly K[]) => Promise<V[]>, keyOf: (row: V) => K) {
  return new DataLoader<K, V | null>(async (keys) => {
    const rows = await fetch(keys);
    const byKey = new Map(rows.map((row) => [keyOf(row), row]));
    return keys.map((key) => byKey.get(key) ?? null);
  });
}

/** The per-request loaders; created with each request's context, never shared. */
export function createLoaders(tenant: Tenant) {
  const { prisma, organizationId } = tenant;
  return {
    userById: loaderOf(
      (ids: readonly string[]) => prisma.user.findMany({ where: { organizationId, id: { in: [...ids] } } }),
      (user) => user.id,
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

import { createContextCache } from '@pothos/core';
import { queryFromInfo } from '@pothos/plugin-prisma';
import DataLoader from 'dataloader';
import type { GraphQLResolveInfo } from 'graphql';
import type { Contact } from '../../db/generated/prisma/client.js';
import type { Context } from '../../graphql/context.js';
import { loadFollowingMerges } from '../../tenant/loaders.js';

/** Per request: a loader for each list field's selection (keyed by the field's AST nodes). */
const loadersOfRequest = createContextCache((_context: Context) => new WeakMap<object, DataLoader<string, Contact | null>>());

/**
 * The contacts a list's items point to, loaded with exactly what the client selected below
 * the field: one query for every item of the list (the field's AST nodes are shared by all
 * of them). A merged contact's id loads the contact it was merged into.
 */
export function contactsSelectedBy(context: Context, info: GraphQLResolveInfo): DataLoader<string, Contact | null> {
  const byField = loadersOfRequest(context);
  let loader = byField.get(info.fieldNodes);
  if (!loader) {
    const query = queryFromInfo({ context, info });
    const { prisma, organizationId } = context.tenant;
    const find = (ids: string[]) =>
      prisma.contact.findMany({ ...query, where: { organizationId, id: { in: ids } } }) as unknown as Promise<Contact[]>;
    loader = new DataLoader((ids) => loadFollowingMerges(ids, find));
    byField.set(info.fieldNodes, loader);
  }
  return loader;
}

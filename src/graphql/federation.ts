import type DataLoader from 'dataloader';
import { builder } from './builder.js';
import type { Context } from './context.js';
import { decodeIdOf, type NodeTypename } from './ids.js';
import type { Loaders } from './loaders.js';

/** The `@key(fields: "id")` every entity of this subgraph is resolved by. */
export const idKey = builder.selection<{ id: string }>('id');

/**
 * Resolves a gateway's `{ __typename, id }` references through the request's loader, so a batch
 * of `_entities` costs one statement per type, scoped to the caller's organisation (a foreign or
 * malformed id answers null).
 */
export function resolveById<Row>(typename: NodeTypename, loader: (loaders: Loaders) => DataLoader<string, Row | null, string>) {
  return (reference: { id: string }, context: Context) => {
    const id = decodeIdOf(typename, reference.id);
    return id ? loader(context.tenant.loaders).load(id) : null;
  };
}

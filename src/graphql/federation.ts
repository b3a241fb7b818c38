import type DataLoader from 'dataloader';
import { GraphQLError, type GraphQLSchema, isUnionType } from 'graphql';
import { builder } from './builder.js';
import type { Context } from './context.js';
import { forbidden } from './errors.js';
import { decodeIdOf, type NodeTypename } from '../modules/common/ids.js';
import type { Loaders } from '../tenant/loaders.js';

/** The `@key(fields: "id")` every entity of this subgraph is resolved by. */
export const idKey = builder.selection<{ id: string }>('id');

/**
 * Resolves a gateway's `{ __typename, id }` references through the request's loader, so a batch
 * of `_entities` costs one statement per type, scoped to the caller's organisation: a foreign,
 * malformed or missing id, and a row `visible` refuses (a contact in the recycle bin), answer null.
 */
export function resolveById<Row>(
  typename: NodeTypename,
  loader: (loaders: Loaders) => DataLoader<string, Row | null, string>,
  visible: (row: Row) => boolean = () => true,
) {
  return async (reference: { id: string }, context: Context) => {
    const id = typeof reference.id === 'string' ? decodeIdOf(typename, reference.id) : null;
    const row = id ? await loader(context.tenant.loaders).load(id) : null;
    return row && visible(row) ? row : null;
  };
}

/**
 * Wraps the subgraph's `_entities`: it needs contacts:read like every read, and a malformed
 * representation (not an object, no or an unknown `__typename`) is the caller's
 * BAD_USER_INPUT, not a fault inside the resolver.
 */
export function guardEntities(schema: GraphQLSchema) {
  const field = schema.getQueryType()?.getFields()._entities;
  const entityType = schema.getType('_Entity');
  if (!field?.resolve || !isUnionType(entityType)) return;
  const entities = new Set(entityType.getTypes().map((type) => type.name));
  const resolve = field.resolve;
  field.resolve = (root, args, context: Context, info) => {
    if (!context.tenant.scopes.has('contacts:read')) throw forbidden('The API key lacks the scope contacts:read that _entities requires.');
    const representations: unknown[] = args.representations;
    representations.forEach((representation, index) => {
      const typename = representation && typeof representation === 'object' ? (representation as { __typename?: unknown }).__typename : undefined;
      if (typeof typename !== 'string' || !entities.has(typename)) {
        throw new GraphQLError(`representations[${index}] must be an object whose __typename is one of ${[...entities].join(', ')}.`, {
          extensions: { code: 'BAD_USER_INPUT' },
        });
      }
    });
    return resolve(root, args, context, info);
  };
}

import { resolveNodes } from '@pothos/plugin-relay';
import type { GraphQLResolveInfo } from 'graphql';
import { builder } from './builder.js';
import type { Context } from './context.js';

type GlobalId = { typename: string; id: string };

const column = (row: unknown, name: 'mergedIntoId' | 'deletedAt') =>
  row && typeof row === 'object' && name in row ? (row as Record<string, unknown>)[name] : null;

/**
 * The nodes the ids name, in the caller's organisation (plugin-relay's loaders, scoped by each
 * type's findUnique): a merged contact's id answers the contact it was merged into, and a
 * contact in the recycle bin is null unless `includeDeleted`.
 */
async function nodesOf(context: Context, info: GraphQLResolveInfo, ids: GlobalId[], includeDeleted: boolean) {
  let nodes = await Promise.all(await resolveNodes(builder, context, info, ids));
  const targets = nodes.map((node) => column(node, 'mergedIntoId'));
  if (targets.some(Boolean)) {
    const redirected = ids.map((id, index) => (targets[index] ? { typename: 'Contact', id: targets[index] as string } : id));
    nodes = await Promise.all(await resolveNodes(builder, context, info, redirected));
  }
  return nodes.map((node, index) => (ids[index]!.typename === 'Contact' && column(node, 'deletedAt') && !includeDeleted ? null : node));
}

const INCLUDE_DELETED = 'Also answer contacts in the recycle bin (otherwise null).';

builder.queryFields((t) => ({
  node: t.field({
    type: builder.nodeInterfaceRef(),
    nullable: true,
    description: 'The object an id names; null for a malformed, missing or foreign id. A merged contact’s id answers the contact it was merged into.',
    authScopes: { 'contacts:read': true },
    args: {
      id: t.arg.globalID({ required: true, description: 'A prefixed id such as con_… or com_….', extensions: { relayGlobalIDAlwaysParse: true } }),
      includeDeleted: t.arg.boolean({ defaultValue: false, description: INCLUDE_DELETED }),
    },
    resolve: async (_root, args, context, info) => (await nodesOf(context, info, [args.id as GlobalId], args.includeDeleted ?? false))[0],
  }),
  nodes: t.field({
    type: [builder.nodeInterfaceRef()],
    nullable: { list: false, items: true },
    description: 'The objects the ids name, in the same order; null where `node` would answer null.',
    authScopes: { 'contacts:read': true },
    args: {
      ids: t.arg.globalIDList({ required: true, description: 'Prefixed ids, of any types.', extensions: { relayGlobalIDAlwaysParse: true } }),
      includeDeleted: t.arg.boolean({ defaultValue: false, description: INCLUDE_DELETED }),
    },
    resolve: (_root, args, context, info) => nodesOf(context, info, args.ids as GlobalId[], args.includeDeleted ?? false),
  }),
}));

import { brandWithType } from '@pothos/core';
import { MAX_PAGE_SIZE } from '../modules/common/paging.js';
import { ArgumentError } from '../modules/common/result.js';
import { builder } from './builder.js';
import type { Context } from './context.js';
import type { NodeTypename } from '../modules/common/ids.js';
import type { Loaders } from '../tenant/loaders.js';

type GlobalId = { typename: NodeTypename; id: string };

/** `nodes(ids:)` answers at most a page's worth of ids. */
export const MAX_NODE_IDS = MAX_PAGE_SIZE;

/** The request's loader of each type; the organisation is the caller's own or none. */
const LOADERS: Record<Exclude<NodeTypename, 'Organization'>, (loaders: Loaders) => { load(id: string): Promise<object | null> }> = {
  Contact: (loaders) => loaders.contactById,
  Company: (loaders) => loaders.companyById,
  Group: (loaders) => loaders.groupById,
  CustomField: (loaders) => loaders.customFieldById,
  User: (loaders) => loaders.userById,
};

/**
 * The nodes the ids name, in the caller's organisation, through the request's loaders as
 * `_entities` does: one statement per type however many ids. A merged contact's id answers the
 * contact it was merged into, and a contact in the recycle bin is null unless `includeDeleted`.
 */
function nodesOf(context: Context, ids: GlobalId[], includeDeleted: boolean) {
  const { loaders, organizationId, prisma } = context.tenant;
  const organization = ids.some((id) => id.typename === 'Organization' && id.id === organizationId)
    ? prisma.organization.findUnique({ where: { id: organizationId } })
    : null;
  return Promise.all(
    ids.map(async ({ typename, id }) => {
      const row = typename === 'Organization' ? (id === organizationId ? await organization : null) : await LOADERS[typename](loaders).load(id);
      if (!row || (typename === 'Contact' && 'deletedAt' in row && row.deletedAt && !includeDeleted)) return null;
      // the Node interface answers the type the id names (a type name is an OutputType at run time)
      brandWithType(row, typename as never);
      return row;
    }),
  );
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
    resolve: async (_root, args, context) => (await nodesOf(context, [args.id as GlobalId], args.includeDeleted ?? false))[0],
  }),
  nodes: t.field({
    type: [builder.nodeInterfaceRef()],
    nullable: { list: false, items: true },
    description: `The objects the ids name (at most ${MAX_NODE_IDS}), in the same order; null where \`node\` would answer null.`,
    authScopes: { 'contacts:read': true },
    args: {
      ids: t.arg.globalIDList({ required: true, description: 'Prefixed ids, of any types.', extensions: { relayGlobalIDAlwaysParse: true } }),
      includeDeleted: t.arg.boolean({ defaultValue: false, description: INCLUDE_DELETED }),
    },
    resolve: (_root, args, context) => {
      if (args.ids.length > MAX_NODE_IDS) throw new ArgumentError(`nodes takes at most ${MAX_NODE_IDS} ids, got ${args.ids.length}.`);
      return nodesOf(context, args.ids as GlobalId[], args.includeDeleted ?? false);
    },
  }),
}));

import { queryFromInfo } from '@pothos/plugin-prisma';
import type { FieldNode, GraphQLResolveInfo } from 'graphql';
import type { Context } from '../../graphql/context.js';
import { ContactType } from '../../db/generated/prisma/enums.js';
import { builder } from '../../graphql/builder.js';
import { decodeIdOf, NIL_UUID } from '../common/ids.js';
import { ContactNode, ContactTypeEnum } from './contact.graphql.js';
import { MAX_PAGE_SIZE } from '../common/paging.js';
import { type ContactPage, contactPageStatement, type ContactPageRow, listContactIds } from './contact-list.js';
import { NotCompiled, type RootRead } from '../../graphql/compiled-reads.js';

const TagsMatch = builder.enumType('TagsMatch', {
  description: 'How `tags` of a ContactFilter match.',
  values: {
    ANY: { description: 'Contacts having at least one of the tags.' },
    ALL: { description: 'Contacts having every one of the tags.' },
  } as const,
});

export const ContactFilter = builder.inputType('ContactFilter', {
  description: 'Which contacts a list answers; every field given must match. Contacts in the recycle bin are left out unless includeDeleted or onlyDeleted.',
  fields: (t) => ({
    search: t.string({ description: 'Part of a name, email or phone number (case-insensitive).' }),
    tags: t.stringList({ description: 'Contacts having any (or, with tagsMatch: ALL, all) of these tags.' }),
    tagsMatch: t.field({ type: TagsMatch, defaultValue: 'ANY', description: 'Whether `tags` needs any or all of them; ANY by default.' }),
    groupId: t.id({ description: 'Members of this group; an id of another organisation or type matches nothing.' }),
    companyId: t.id({ description: 'Contacts linked to this company; an id of another organisation or type matches nothing.' }),
    type: t.field({ type: ContactTypeEnum, description: 'Contacts of this type.' }),
    externalRefNamespace: t.string({ description: 'Contacts with an external ref in this namespace.' }),
    updatedSince: t.field({ type: 'DateTime', description: 'Contacts whose updatedAt is at or after this time.' }),
    includeDeleted: t.boolean({ description: 'Include contacts in the recycle bin.' }),
    onlyDeleted: t.boolean({ description: 'Only contacts in the recycle bin.' }),
  }),
});

const ContactOrderField = builder.enumType('ContactOrderField', {
  description: 'What a contact list is sorted by.',
  values: {
    UPDATED_AT: { description: 'Last change; newest first unless direction says otherwise.' },
    CREATED_AT: { description: 'Creation; newest first unless direction says otherwise.' },
    LAST_NAME: { description: 'Last name, case-insensitive; A to Z unless direction says otherwise.' },
    FULL_NAME: { description: 'Full name, case-insensitive; A to Z unless direction says otherwise.' },
  } as const,
});
const OrderDirection = builder.enumType('OrderDirection', {
  description: 'A sort direction.',
  values: {
    ASC: { description: 'Ascending: oldest first, A to Z.' },
    DESC: { description: 'Descending: newest first, Z to A.' },
  } as const,
});

/** Without a direction, times sort newest first and names A to Z. */
const DEFAULT_DIRECTION = { UPDATED_AT: 'DESC', CREATED_AT: 'DESC', LAST_NAME: 'ASC', FULL_NAME: 'ASC' } as const;

export const ContactOrder = builder.inputType('ContactOrder', {
  description: 'Ties are broken by id, so the order is total and pages are stable.',
  fields: (t) => ({
    field: t.field({ type: ContactOrderField, required: true, description: 'The sort key.' }),
    direction: t.field({
      type: OrderDirection,
      description: 'Defaults to the field\'s natural order: DESC for UPDATED_AT and CREATED_AT, ASC for LAST_NAME and FULL_NAME.',
    }),
  }),
});

/** A filter id of the wrong type or shape matches nothing, like a missing one. */
const filterId = (typename: 'Group' | 'Company', id: string | null | undefined) =>
  id == null ? undefined : (decodeIdOf(typename, id) ?? NIL_UUID);

interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  filter?: typeof ContactFilter.$inferInput | null;
  orderBy?: typeof ContactOrder.$inferInput | null;
}

/** What a connection's arguments ask of contact-list.ts. */
function pageOptions(args: ConnectionArgs, scope: { groupId?: string; companyId?: string } = {}) {
  const filter = args.filter ?? {};
  const field = args.orderBy?.field ?? 'UPDATED_AT';
  return {
    filter: {
      ...filter,
      type: filter.type ? ContactType[filter.type] : null,
      groupId: scope.groupId ?? filterId('Group', filter.groupId),
      companyId: scope.companyId ?? filterId('Company', filter.companyId),
    },
    orderBy: { field, direction: args.orderBy?.direction ?? DEFAULT_DIRECTION[field] },
    page: args,
  };
}

/**
 * A page of contacts as a Relay connection: ids by keyset (contact-list.ts), then the contacts
 * with exactly the fields and relations the client selected under edges.node, in one query.
 */
export async function resolveContactConnection(
  context: Context,
  info: GraphQLResolveInfo,
  args: ConnectionArgs,
  scope: { groupId?: string; companyId?: string } = {},
) {
  const { tenant } = context;
  const page = await listContactIds(tenant, pageOptions(args, scope));
  const ids = page.rows.map((row) => row.id);
  const contacts = ids.length
    ? await tenant.prisma.contact.findMany({
        ...queryFromInfo({ context, info, path: ['edges', 'node'] }),
        // One statement for the page with all its relations (LATERAL joins), not one per relation.
        relationLoadStrategy: 'join',
        where: { organizationId: tenant.organizationId, id: { in: ids } },
      })
    : [];
  const byId = new Map(contacts.map((contact) => [contact.id, contact]));
  return {
    edges: page.rows.flatMap((row) => {
      const node = byId.get(row.id);
      return node ? [{ cursor: row.cursor, node }] : [];
    }),
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: page.rows[0]?.cursor ?? null,
      endCursor: page.rows.at(-1)?.cursor ?? null,
    },
    count: page.count,
  };
}

/**
 * contacts(…) compiled: the page statement of contact-list.ts with each contact's JSON beside
 * its id, in one statement (its count too when totalCount is selected); the connection around
 * the contacts is put together here, in the selection's order.
 */
const readContactConnection: RootRead = async ({ args, nodes, tenant, statement, params, rows: run, json, subFields }) => {
  const connection = subFields('ContactConnection', nodes);
  const selected = (fields: Map<string, FieldNode[]>, name: string) => [...fields].filter(([, below]) => below[0]!.name.value === name);
  const page = contactPageStatement(tenant, pageOptions(args as ConnectionArgs));
  params.push(...page.sql.values);
  // a JSON column per `node` below each `edges`, which aliases can select more than once
  const columns = new Map<string, string>();
  let nodeColumns = '';
  for (const [edgesKey, edges] of selected(connection, 'edges')) {
    for (const [nodeKey, node] of selected(subFields('ContactEdge', edges), 'node')) {
      const column = `node_${columns.size}`;
      columns.set(`${edgesKey}.${nodeKey}`, column);
      nodeColumns += `, ${json('Contact', node, 'c')} AS ${column}`;
    }
  }
  const rows = await run<ContactPageRow & Record<string, unknown>>(
    `SELECT p.*${nodeColumns} FROM (${page.sql.text}) p
       LEFT JOIN contacts c ON c.organization_id = ${statement.param(tenant.organizationId, 'uuid')} AND c.id = p.id::uuid
      ORDER BY ${page.order}`,
  );
  const answered = page.read(rows);
  const rowById = new Map(rows.map((row) => [row.id, row]));
  const pageInfo: Record<string, unknown> = {
    __typename: 'PageInfo',
    hasNextPage: answered.hasNextPage,
    hasPreviousPage: answered.hasPreviousPage,
    startCursor: answered.rows[0]?.cursor ?? null,
    endCursor: answered.rows.at(-1)?.cursor ?? null,
  };
  const answer: Record<string, unknown> = {};
  for (const [key, below] of connection) {
    const name = below[0]!.name.value;
    if (name === '__typename') answer[key] = 'ContactConnection';
    else if (name === 'totalCount' && !below.some((node) => node.arguments?.length)) answer[key] = (await answered.count()).total;
    else if (name === 'totalCountIsExact') answer[key] = (await answered.count()).exact;
    else if (name === 'pageInfo') answer[key] = Object.fromEntries([...subFields('PageInfo', below)].map(([infoKey, info]) => [infoKey, pageInfo[info[0]!.name.value]]));
    else if (name === 'edges') {
      const edge = subFields('ContactEdge', below);
      answer[key] = answered.rows.map((row) =>
        Object.fromEntries(
          [...edge].map(([edgeKey, field]) => {
            const edgeField = field[0]!.name.value;
            return [edgeKey, edgeField === 'cursor' ? row.cursor : edgeField === 'node' ? rowById.get(row.id)![columns.get(`${key}.${edgeKey}`)!] : 'ContactEdge'];
          }),
        ),
      );
    } else throw new NotCompiled(`ContactConnection.${name}`);
  }
  return answer;
};

const countOf = (connection: unknown) => connection as { count: ContactPage['count'] };

export const ContactConnection = builder.connectionObject({
  type: ContactNode,
  name: 'ContactConnection',
  description: 'A page of contacts (Relay cursor connection).',
  fields: (c) => ({
    totalCount: c.int({
      description:
        'How many contacts the filter matches: counted up to 1,000 (the server\'s TOTAL_COUNT_EXACT_LIMIT), past that PostgreSQL\'s estimate (at least the limit + 1; `totalCountIsExact` says which). `exact: true` counts every match, which takes time proportional to their number.',
      args: { exact: c.arg.boolean({ defaultValue: false, required: true, description: 'Count every match, however many.' }) },
      resolve: async (connection, args) => (await countOf(connection).count({ exact: args.exact })).total,
    }),
    totalCountIsExact: c.boolean({
      description: 'Whether totalCount (without `exact`) is a count (true) or an estimate (false: more contacts match than the server counts one by one).',
      resolve: async (connection) => (await countOf(connection).count()).exact,
    }),
  }),
}, { description: 'A contact in a page of contacts, with its cursor.' });

builder.queryField('contacts', (t) =>
  t.connection(
    {
      type: ContactNode,
      description: `Contacts of the organisation, ${MAX_PAGE_SIZE} at most per page (first/last outside 1–${MAX_PAGE_SIZE} is an error).`,
      authScopes: { 'contacts:read': true },
      args: {
        filter: t.arg({ type: ContactFilter, description: 'Which contacts; all not in the recycle bin by default.' }),
        orderBy: t.arg({ type: ContactOrder, defaultValue: { field: 'UPDATED_AT', direction: 'DESC' }, description: 'The order; most recently updated first by default.' }),
      },
      extensions: { compiledRead: readContactConnection },
      resolve: (_root, args, context, info) => resolveContactConnection(context, info, args) as never,
    },
    ContactConnection,
  ),
);

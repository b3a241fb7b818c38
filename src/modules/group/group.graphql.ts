import { builder } from '../../graphql/builder.js';
import { idKey, resolveById } from '../../graphql/federation.js';
import { decodeIdOf } from '../../graphql/ids.js';
import { checkPageSize } from '../../graphql/paging.js';
import { deleteMutationField, loadPayloadRecord, payloadOf, userErrorsField } from '../../graphql/payload.js';
import { deleteGroup, updateGroup } from './group-lifecycle.js';
import { likeEscaped, normalizeName } from '../common/names.js';
import { ContactNode } from '../contact/contact.graphql.js';
import { ContactConnection, ContactFilter, ContactOrder, resolveContactConnection } from '../contact/contact-list.graphql.js';
import { createGroup } from './create-group.js';
import { changeMembership } from './membership.js';

export const GroupNode = builder.prismaNode('Group', {
  description: 'A named set of contacts; custom fields belong to groups.',
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, context) => ({ id, organizationId: context.tenant.organizationId }),
  fields: (t) => ({
    name: t.exposeString('name'),
    customFields: t.relation('customFields', { query: { orderBy: [{ position: 'asc' }, { id: 'asc' }] } }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    contacts: t.connection(
      {
        type: ContactNode,
        description: 'Members of this group.',
        args: {
          filter: t.arg({ type: ContactFilter }),
          orderBy: t.arg({ type: ContactOrder, defaultValue: { field: 'UPDATED_AT', direction: 'DESC' } }),
        },
        select: { id: true },
        resolve: (group, args, context, info) => resolveContactConnection(context, info, args, { groupId: group.id }) as never,
      },
      ContactConnection,
    ),
  }),
});

builder.queryFields((t) => ({
  group: t.prismaField({
    type: GroupNode,
    nullable: true,
    authScopes: { 'contacts:read': true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, { tenant }) => {
      const id = decodeIdOf('Group', args.id);
      return id ? tenant.prisma.group.findUnique({ ...query, where: { id, organizationId: tenant.organizationId } }) : null;
    },
  }),
  groups: t.prismaConnection({
    type: GroupNode,
    cursor: 'id',
    description: 'Groups by name.',
    authScopes: { 'contacts:read': true },
    args: { search: t.arg.string({ description: 'Part of the name (case-insensitive).' }) },
    resolve: (query, _root, args, { tenant }) => {
      checkPageSize(args);
      const search = args.search?.trim();
      return tenant.prisma.group.findMany({
        ...query,
        where: { organizationId: tenant.organizationId, ...(search ? { normalizedName: { contains: likeEscaped(normalizeName(search)) } } : {}) },
        orderBy: [{ normalizedName: 'asc' }, { id: 'asc' }],
      });
    },
  }),
}));

builder.relayMutationField(
  'createGroup',
  { inputFields: (t) => ({ name: t.string({ required: true }) }) },
  {
    authScopes: { admin: true },
    resolve: (_root, { input }, { tenant }) => payloadOf(tenant, createGroup(tenant, input)),
  },
  {
    outputFields: (t) => ({
      group: t.prismaField({ type: GroupNode, nullable: true, resolve: loadPayloadRecord('group') }),
      userErrors: userErrorsField(t),
    }),
  },
);

for (const [name, mode, description] of [
  ['addContactsToGroup', 'add', 'Adds contacts (at most 500) to the group; all or nothing.'],
  ['removeContactsFromGroup', 'remove', 'Removes contacts (at most 500) from the group; all or nothing.'],
] as const) {
  builder.relayMutationField(
    name,
    {
      inputFields: (t) => ({
        groupId: t.id({ required: true }),
        contactIds: t.idList({ required: true }),
      }),
    },
    {
      description,
      authScopes: { 'contacts:write': true },
      resolve: (_root, { input }, { tenant }) => payloadOf(tenant, changeMembership(tenant, input, mode)),
    },
    {
      outputFields: (t) => ({
        group: t.prismaField({ type: GroupNode, nullable: true, resolve: loadPayloadRecord('group') }),
        userErrors: userErrorsField(t),
      }),
    },
  );
}

builder.relayMutationField(
  'updateGroup',
  { inputFields: (t) => ({ id: t.id({ required: true }), name: t.string({ required: true }) }) },
  {
    description: 'Renames a group.',
    authScopes: { admin: true },
    resolve: (_root, { input }, { tenant }) => payloadOf(tenant, updateGroup(tenant, input)),
  },
  {
    outputFields: (t) => ({
      group: t.prismaField({ type: GroupNode, nullable: true, resolve: loadPayloadRecord('group') }),
      userErrors: userErrorsField(t),
    }),
  },
);

deleteMutationField('deleteGroup', 'Group', deleteGroup, {
  description: 'Deletes a group, its custom fields and their values; its contacts stay.',
  scope: 'admin',
});

builder.asEntity(GroupNode, { key: idKey, resolveReference: resolveById('Group', (loaders) => loaders.groupById) });

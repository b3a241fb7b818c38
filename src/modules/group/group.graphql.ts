import { builder } from '../../graphql/builder.js';
import { idKey, resolveById } from '../../graphql/federation.js';
import { readRecord } from '../../graphql/records.js';
import { decodeIdOf } from '../common/ids.js';
import { checkPageSize } from '../../graphql/paging.js';
import { deleteMutationField, loadPayloadRecord, payloadOf, userErrorsField } from '../../graphql/payload.js';
import { deleteGroup, updateGroup } from './group-lifecycle.js';
import { alphabetical } from '../common/names.js';
import { ContactNode } from '../contact/contact.graphql.js';
import { ContactConnection, ContactFilter, ContactOrder, resolveContactConnection } from '../contact/contact-list.graphql.js';
import { createGroup } from './create-group.js';
import { changeMembership } from './group-membership.js';
import { childRows } from '../../graphql/compiled-reads.js';

export const GroupNode = builder.prismaNode('Group', {
  description: 'A named set of contacts; custom fields belong to groups.',
  // names and members need contacts:read (as Query.groups does) whichever path reaches them; the id does not
  authScopes: { 'contacts:read': true },
  id: { field: 'id', skipTypeScopes: true },
  nullable: true,
  findUnique: (id, context) => ({ id, organizationId: context.tenant.organizationId }),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The name as given (trimmed); unique in the organisation after trimming, collapsing whitespace and ignoring case.' }),
    customFields: t.relation('customFields', {
      description: "The group's custom fields, in their defined order.",
      query: { orderBy: [{ position: 'asc' }, { id: 'asc' }] },
      extensions: { sql: childRows('custom_fields', (f) => `${f}.position, ${f}.id`, 'group_id') },
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the group was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the group last changed.' }),
    contacts: t.connection(
      {
        type: ContactNode,
        description: 'Members of this group; pages as `Query.contacts` does.',
        args: {
          filter: t.arg({ type: ContactFilter, description: 'Which of them; a groupId in it is ignored.' }),
          orderBy: t.arg({ type: ContactOrder, defaultValue: { field: 'UPDATED_AT', direction: 'DESC' }, description: 'The order; most recently updated first by default.' }),
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
    description: 'The group with this id, or null for a malformed, missing or foreign id. Needs contacts:read.',
    authScopes: { 'contacts:read': true },
    args: { id: t.arg.id({ required: true, description: "The group's id (grp_…)." }) },
    resolve: (query, _root, args, { tenant }) => readRecord('group', query, tenant, decodeIdOf('Group', args.id)),
  }),
  groups: t.prismaConnection({
    type: GroupNode,
    cursor: 'id',
    description: 'Groups of the organisation, A to Z by name (case-insensitive); first/last 1–100 (out of range is an error). Needs contacts:read.',
    authScopes: { 'contacts:read': true },
    args: { search: t.arg.string({ description: 'Part of the name (case-insensitive).' }) },
    resolve: (query, _root, args, { tenant }) => {
      checkPageSize(args);
      return tenant.prisma.group.findMany({ ...query, ...alphabetical(tenant.organizationId, args.search) });
    },
  }, { description: 'A page of groups (Relay cursor connection).' }, { description: 'A group in a page of groups, with its cursor.' }),
}));

builder.relayMutationField(
  'createGroup',
  {
    description: 'The input of createGroup.',
    inputFields: (t) => ({
      name: t.string({ required: true, description: 'Unique in the organisation after trimming, collapsing whitespace and ignoring case (DUPLICATE names the holder).' }),
    }),
  },
  {
    description: 'Creates a group. Needs admin.',
    authScopes: { admin: true },
    resolve: (_root, { input }, { tenant }) => payloadOf(createGroup(tenant, input)),
  },
  {
    description: 'The result of createGroup: the group, or userErrors.',
    outputFields: (t) => ({
      group: t.prismaField({ type: GroupNode, nullable: true, description: 'The created group; null on userErrors.', resolve: loadPayloadRecord('group') }),
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
      description: `The input of ${name}.`,
      inputFields: (t) => ({
        groupId: t.id({ required: true, description: 'The group; NOT_FOUND when there is none in your organisation.' }),
        contactIds: t.idList({
          required: true,
          description: 'The contacts, at most 500 (LIMIT_EXCEEDED); each must exist (NOT_FOUND) and not be in the recycle bin (CONTACT_DELETED).',
        }),
      }),
    },
    {
      description: `${description} Each contact whose membership changed gets a new version and a feed entry. Needs contacts:write.`,
      authScopes: { 'contacts:write': true },
      resolve: (_root, { input }, { tenant }) => payloadOf(changeMembership(tenant, input, mode)),
    },
    {
      description: `The result of ${name}: the group, or userErrors.`,
      outputFields: (t) => ({
        group: t.prismaField({ type: GroupNode, nullable: true, description: 'The group; null on userErrors.', resolve: loadPayloadRecord('group') }),
        userErrors: userErrorsField(t),
      }),
    },
  );
}

builder.relayMutationField(
  'updateGroup',
  {
    description: 'The input of updateGroup.',
    inputFields: (t) => ({
      id: t.id({ required: true, description: 'The group to rename; NOT_FOUND when there is none in your organisation.' }),
      name: t.string({ required: true, description: 'The new name; unique in the organisation after normalisation (DUPLICATE names the holder).' }),
    }),
  },
  {
    description: 'Renames a group. Needs admin.',
    authScopes: { admin: true },
    resolve: (_root, { input }, { tenant }) => payloadOf(updateGroup(tenant, input)),
  },
  {
    description: 'The result of updateGroup: the group as it is now, or userErrors.',
    outputFields: (t) => ({
      group: t.prismaField({ type: GroupNode, nullable: true, description: 'The renamed group; null on userErrors.', resolve: loadPayloadRecord('group') }),
      userErrors: userErrorsField(t),
    }),
  },
);

deleteMutationField('deleteGroup', 'Group', deleteGroup, {
  description: 'Deletes a group, its custom fields and their values; its contacts stay.',
  scope: 'admin',
});

builder.asEntity(GroupNode, { key: idKey, resolveReference: resolveById('Group', (loaders) => loaders.groupById) });

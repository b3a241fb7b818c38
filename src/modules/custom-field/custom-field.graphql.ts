import { CustomFieldType } from '../../db/generated/prisma/enums.js';
import { builder } from '../../graphql/builder.js';
import { deleteMutationField, loadPayloadRecord, payloadOf, userErrorsField } from '../../graphql/payload.js';
import { deleteCustomField, updateCustomField } from './custom-field-lifecycle.js';
import { GroupNode } from '../group/group.graphql.js';
import { createCustomField } from './create-custom-field.js';

export const CustomFieldTypeEnum = builder.enumType(CustomFieldType, { name: 'CustomFieldType' });

export const CustomFieldNode = builder.prismaNode('CustomField', {
  description: 'A typed field of a group; contacts in the group may hold a value for it.',
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, context) => ({ id, organizationId: context.tenant.organizationId }),
  fields: (t) => ({
    name: t.exposeString('name'),
    type: t.expose('type', { type: CustomFieldTypeEnum }),
    group: t.relation('group', { type: GroupNode }),
    options: t.exposeStringList('options', { description: 'The labels of a SINGLE_SELECT or MULTIPLE_SELECT field.' }),
  }),
});

builder.relayMutationField(
  'createCustomField',
  {
    inputFields: (t) => ({
      groupId: t.id({ required: true }),
      name: t.string({ required: true, description: 'Unique within the group.' }),
      type: t.field({ type: CustomFieldTypeEnum, required: true }),
      options: t.stringList({ description: 'Required for SINGLE_SELECT and MULTIPLE_SELECT; not allowed otherwise.' }),
    }),
  },
  {
    authScopes: { admin: true },
    resolve: (_root, { input }, { tenant }) => payloadOf(tenant, createCustomField(tenant, input)),
  },
  {
    outputFields: (t) => ({
      customField: t.prismaField({ type: CustomFieldNode, nullable: true, resolve: loadPayloadRecord('customField') }),
      userErrors: userErrorsField(t),
    }),
  },
);

builder.relayMutationField(
  'updateCustomField',
  {
    inputFields: (t) => ({
      id: t.id({ required: true }),
      name: t.string({ description: 'Unique within the group.' }),
      options: t.stringList({ description: 'Replaces the options of a select field; an option contacts hold cannot be removed.' }),
    }),
  },
  {
    description: "Renames a field or changes a select field's options; the type never changes.",
    authScopes: { admin: true },
    resolve: (_root, { input }, { tenant }) => payloadOf(tenant, updateCustomField(tenant, input)),
  },
  {
    outputFields: (t) => ({
      customField: t.prismaField({ type: CustomFieldNode, nullable: true, resolve: loadPayloadRecord('customField') }),
      userErrors: userErrorsField(t),
    }),
  },
);

deleteMutationField('deleteCustomField', 'CustomField', deleteCustomField, {
  description: 'Deletes a field and every value contacts hold for it.',
  scope: 'admin',
});

import { CustomFieldType } from '../../db/generated/prisma/enums.js';
import { builder } from '../../graphql/builder.js';
import { deleteMutationField, loadPayloadRecord, payloadOf, userErrorsField } from '../../graphql/payload.js';
import { deleteCustomField, updateCustomField } from './custom-field-lifecycle.js';
import { GroupNode } from '../group/group.graphql.js';
import { createCustomField } from './create-custom-field.js';
import type { FieldSql } from '../../graphql/compiled-reads.js';

export const CustomFieldTypeEnum = builder.enumType(CustomFieldType, {
  name: 'CustomFieldType',
  description: 'What a custom field holds; fixed at creation.',
  values: {
    TEXT: { description: 'A string.' },
    NUMBER: { description: 'A number, held as a double: given as a number or as decimal text such as "-3.5", at most 2^53 − 1 in magnitude, and 0 or at least 2.2250738585072014e-308.' },
    DATE: { description: 'A calendar date, YYYY-MM-DD.' },
    SINGLE_SELECT: { description: "One of the field's option labels." },
    MULTIPLE_SELECT: { description: "Some of the field's option labels." },
    CONTACT: { description: 'Contacts and companies of the organisation, by id.' },
    USER: { description: 'Users of the organisation, by id or email.' },
    OBJECT: { description: 'Any objects of the organisation (any Node), by id.' },
    MAGIC: { description: 'Free text filled by automation; written as a string, like TEXT.' },
  },
});

export const CustomFieldNode = builder.prismaNode('CustomField', {
  description: 'A typed field of a group; contacts in the group may hold a value for it.',
  // definitions are read with contacts:read, as through Query.groups, whichever path reaches them; the id is not
  authScopes: { 'contacts:read': true },
  id: { field: 'id', skipTypeScopes: true },
  nullable: true,
  findUnique: (id, context) => ({ id, organizationId: context.tenant.organizationId }),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The name as given (trimmed); unique within its group after trimming, collapsing whitespace and ignoring case.' }),
    type: t.expose('type', { type: CustomFieldTypeEnum, description: 'What the field holds; it never changes.' }),
    group: t.relation('group', {
      type: GroupNode,
      description: 'The group the field belongs to; only its members hold values for it.',
      extensions: { sql: { from: (f, group) => `FROM groups ${group} WHERE ${group}.organization_id = ${f}.organization_id AND ${group}.id = ${f}.group_id` } satisfies FieldSql },
    }),
    options: t.exposeStringList('options', { description: 'The labels of a SINGLE_SELECT or MULTIPLE_SELECT field.' }),
  }),
});

builder.relayMutationField(
  'createCustomField',
  {
    description: 'The input of createCustomField.',
    inputFields: (t) => ({
      groupId: t.id({ required: true, description: 'The group the field belongs to; NOT_FOUND when there is none in your organisation.' }),
      name: t.string({ required: true, description: 'Unique within the group.' }),
      type: t.field({ type: CustomFieldTypeEnum, required: true, description: 'What the field holds; it cannot change later.' }),
      options: t.stringList({ description: 'Required for SINGLE_SELECT and MULTIPLE_SELECT; not allowed otherwise.' }),
    }),
  },
  {
    description: 'Adds a typed field to a group. Needs admin.',
    authScopes: { admin: true },
    resolve: (_root, { input }, { tenant }) => payloadOf(createCustomField(tenant, input)),
  },
  {
    description: 'The result of createCustomField: the field, or userErrors.',
    outputFields: (t) => ({
      customField: t.prismaField({ type: CustomFieldNode, nullable: true, description: 'The created field; null on userErrors.', resolve: loadPayloadRecord('customField') }),
      userErrors: userErrorsField(t),
    }),
  },
);

builder.relayMutationField(
  'updateCustomField',
  {
    description: 'The input of updateCustomField.',
    inputFields: (t) => ({
      id: t.id({ required: true, description: 'The field to change; NOT_FOUND when there is none in your organisation.' }),
      name: t.string({ description: 'Unique within the group.' }),
      options: t.stringList({ description: 'Replaces the options of a select field; an option contacts hold cannot be removed.' }),
    }),
  },
  {
    description: "Renames a field or changes a select field's options; the type never changes. Needs admin.",
    authScopes: { admin: true },
    resolve: (_root, { input }, { tenant }) => payloadOf(updateCustomField(tenant, input)),
  },
  {
    description: 'The result of updateCustomField: the field as it is now, or userErrors.',
    outputFields: (t) => ({
      customField: t.prismaField({ type: CustomFieldNode, nullable: true, description: 'The field after the update; null on userErrors.', resolve: loadPayloadRecord('customField') }),
      userErrors: userErrorsField(t),
    }),
  },
);

deleteMutationField('deleteCustomField', 'CustomField', deleteCustomField, {
  description: 'Deletes a field and every value contacts hold for it.',
  scope: 'admin',
});

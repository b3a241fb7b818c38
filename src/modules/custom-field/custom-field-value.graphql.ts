import type { CustomField, CustomFieldType } from '../../db/generated/prisma/client.js';
import { builder } from '../../graphql/builder.js';
import type { Context } from '../../graphql/context.js';
import type { NodeTypename } from '../common/ids.js';
import { CompanyNode } from '../company/company.graphql.js';
import { ContactNode } from '../contact/contact.graphql.js';
import { UserNode } from '../user/user.graphql.js';
import { CustomFieldNode } from './custom-field.graphql.js';
import type { StoredValue } from './custom-field-value.js';

/** A stored value with its field definition (loaded in the contact's own query). */
interface ValueRow {
  value: unknown;
  field: CustomField;
}

const stored = <K extends string>(row: ValueRow, key: K) => (row.value as Record<K, unknown>)[key];

const TYPE_NAMES: Record<CustomFieldType, string> = {
  TEXT: 'TextFieldValue',
  NUMBER: 'NumberFieldValue',
  DATE: 'DateFieldValue',
  SINGLE_SELECT: 'SingleSelectFieldValue',
  MULTIPLE_SELECT: 'MultipleSelectFieldValue',
  CONTACT: 'ContactFieldValue',
  USER: 'UserFieldValue',
  OBJECT: 'ObjectFieldValue',
  MAGIC: 'MagicFieldValue',
};

export const CustomFieldValueInterface = builder.interfaceRef<ValueRow>('CustomFieldValue').implement({
  description: 'A contact’s value of a custom field; one implementation per field type. Keyed by field id.',
  resolveType: (row) => TYPE_NAMES[row.field.type],
  fields: (t) => ({
    field: t.field({ type: CustomFieldNode, description: 'The custom field this value is of.', resolve: (row) => row.field }),
  }),
});

for (const [name, description] of [
  ['TextFieldValue', 'The value of a TEXT field.'],
  ['MagicFieldValue', 'The value of a MAGIC field (free text filled by automation).'],
] as const) {
  builder.objectRef<ValueRow>(name).implement({
    description,
    interfaces: [CustomFieldValueInterface],
    fields: (t) => ({ text: t.string({ description: 'The text.', resolve: (row) => String(stored(row, 'text')) }) }),
  });
}

builder.objectRef<ValueRow>('NumberFieldValue').implement({
  description: 'The value of a NUMBER field.',
  interfaces: [CustomFieldValueInterface],
  fields: (t) => ({ number: t.float({ description: 'The number.', resolve: (row) => Number(stored(row, 'number')) }) }),
});

builder.objectRef<ValueRow>('DateFieldValue').implement({
  description: 'The value of a DATE field.',
  interfaces: [CustomFieldValueInterface],
  fields: (t) => ({ date: t.field({ type: 'LocalDate', description: 'The date, YYYY-MM-DD.', resolve: (row) => String(stored(row, 'date')) }) }),
});

builder.objectRef<ValueRow>('SingleSelectFieldValue').implement({
  description: 'The value of a SINGLE_SELECT field: one option label.',
  interfaces: [CustomFieldValueInterface],
  fields: (t) => ({ option: t.string({ description: 'The chosen option label.', resolve: (row) => String(stored(row, 'option')) }) }),
});

builder.objectRef<ValueRow>('MultipleSelectFieldValue').implement({
  description: 'The value of a MULTIPLE_SELECT field: option labels.',
  interfaces: [CustomFieldValueInterface],
  fields: (t) => ({ options: t.stringList({ description: 'The chosen option labels.', resolve: (row) => stored(row, 'options') as string[] }) }),
});

builder.objectRef<ValueRow>('ContactFieldValue').implement({
  description: 'The value of a CONTACT field: contacts of the organisation, and companies (a folk contact field names both).',
  interfaces: [CustomFieldValueInterface],
  fields: (t) => ({
    contacts: t.field({
      type: [ContactNode],
      description: 'The contacts the value names, in input order.',
      resolve: async (row, _args, { tenant }) => {
        const found = await Promise.all((stored(row, 'contactIds') as string[]).map((id) => tenant.loaders.contactById.load(id)));
        return found.filter((contact) => contact !== null);
      },
    }),
    companies: t.field({
      type: [CompanyNode],
      description: 'The companies the value names, in input order.',
      resolve: async (row, _args, { tenant }) => {
        const ids = (stored(row, 'companyIds') as string[] | undefined) ?? [];
        const found = await Promise.all(ids.map((id) => tenant.loaders.companyById.load(id)));
        return found.filter((company) => company !== null);
      },
    }),
  }),
});

builder.objectRef<ValueRow>('UserFieldValue').implement({
  description: 'The value of a USER field: members of the organisation.',
  interfaces: [CustomFieldValueInterface],
  fields: (t) => ({
    users: t.field({
      type: [UserNode],
      description: 'The users the value names, in input order (users since deleted are left out).',
      resolve: async (row, _args, { tenant }) => {
        const found = await Promise.all((stored(row, 'userIds') as string[]).map((id) => tenant.loaders.userById.load(id)));
        return found.filter((user) => user !== null);
      },
    }),
  }),
});

async function loadObject({ typename, id }: { typename: NodeTypename; id: string }, { tenant }: Context) {
  const { loaders } = tenant;
  const row =
    typename === 'Contact' ? await loaders.contactById.load(id)
    : typename === 'Company' ? await loaders.companyById.load(id)
    : typename === 'Group' ? await loaders.groupById.load(id)
    : typename === 'CustomField' ? await loaders.customFieldById.load(id)
    : typename === 'User' ? await loaders.userById.load(id)
    : await tenant.prisma.organization.findUnique({ where: { id, AND: [{ id: tenant.organizationId }] } });
  // Node's type resolution reads __typename on rows loaded outside Pothos' own queries.
  return row ? { ...row, __typename: typename } : null;
}

builder.objectRef<ValueRow>('ObjectFieldValue').implement({
  description: 'The value of an OBJECT field: any objects of the organisation.',
  interfaces: [CustomFieldValueInterface],
  fields: (t) => ({
    objects: t.field({
      type: [builder.nodeInterfaceRef()],
      description: 'The objects the value names, in input order (objects since deleted are left out).',
      resolve: async (row, _args, context) => {
        const refs = stored(row, 'objects') as Extract<StoredValue, { objects: unknown }>['objects'];
        const found = await Promise.all(refs.map((ref) => loadObject(ref, context)));
        return found.filter((node) => node !== null) as never;
      },
    }),
  }),
});

builder.prismaObjectField('Contact', 'customFieldValues', (t) =>
  t.field({
    type: [CustomFieldValueInterface],
    description: "The contact's custom values, one per field that has one, in the fields' order.",
    select: { customFieldValues: { include: { field: true }, orderBy: [{ field: { position: 'asc' } }, { fieldId: 'asc' }] } },
    resolve: (contact) => contact.customFieldValues,
  }),
);

import type { CustomField, CustomFieldType } from '../../db/generated/prisma/client.js';
import { builder } from '../../graphql/builder.js';
import type { Context } from '../../graphql/context.js';
import type { NodeTypename } from '../common/ids.js';
import { CompanyNode } from '../company/company.graphql.js';
import { ContactNode } from '../contact/contact.graphql.js';
import { UserNode } from '../user/user.graphql.js';
import { CustomFieldNode } from './custom-field.graphql.js';
import type { StoredValue } from './custom-field-value.js';
import type { FieldSql } from '../../graphql/compiled-reads.js';

/** A stored value with its field definition (loaded in the contact's own query). */
interface ValueRow {
  value: unknown;
  field: CustomField;
}

/** A stored string of the value, in SQL. */
const storedText = (key: string): FieldSql => ({ value: (v) => `${v}.value->>'${key}'` });

/** The rows of `table` whose ids the value's `key` lists, in its order (missing ones left out). */
const idsIn = (key: string, table: string): FieldSql => ({
  from: (v, row) =>
    `FROM jsonb_array_elements_text(${v}.value->'${key}') WITH ORDINALITY e(id, n)
     JOIN ${table} ${row} ON ${row}.organization_id = ${v}.organization_id AND ${row}.id = e.id::uuid`,
  orderBy: () => 'e.n',
});

/**
 * The objects an OBJECT value names, as rows of (typename, id) of those that exist, a merged-away
 * contact as the one it was merged into (as loadObject below): only their ids can be selected.
 */
const objectsSql: FieldSql = {
  from: (v, object) =>
    `FROM (SELECT e.n, e.ref->>'typename' AS typename,
                  coalesce(coalesce(cs.merged_into_id, cs.id), co.id, g.id, f.id, u.id, o.id) AS id
             FROM jsonb_array_elements(${v}.value->'objects') WITH ORDINALITY e(ref, n)
             LEFT JOIN contacts cs ON e.ref->>'typename' = 'Contact' AND cs.organization_id = ${v}.organization_id AND cs.id = (e.ref->>'id')::uuid
             LEFT JOIN companies co ON e.ref->>'typename' = 'Company' AND co.organization_id = ${v}.organization_id AND co.id = (e.ref->>'id')::uuid
             LEFT JOIN groups g ON e.ref->>'typename' = 'Group' AND g.organization_id = ${v}.organization_id AND g.id = (e.ref->>'id')::uuid
             LEFT JOIN custom_fields f ON e.ref->>'typename' = 'CustomField' AND f.organization_id = ${v}.organization_id AND f.id = (e.ref->>'id')::uuid
             LEFT JOIN users u ON e.ref->>'typename' = 'User' AND u.organization_id = ${v}.organization_id AND u.id = (e.ref->>'id')::uuid
             LEFT JOIN organizations o ON e.ref->>'typename' = 'Organization' AND o.id = ${v}.organization_id AND o.id = (e.ref->>'id')::uuid) ${object}
     WHERE ${object}.id IS NOT NULL`,
  orderBy: (object) => `${object}.n`,
  typename: (object) => `${object}.typename`,
  idsOnly: true,
};

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
    // the compiled read joins each value's field as `<alias>_f` (Contact.customFieldValues)
    field: t.field({ type: CustomFieldNode, description: 'The custom field this value is of.', extensions: { sql: { sameRow: (v) => `${v}_f` } satisfies FieldSql }, resolve: (row) => row.field }),
  }),
});

for (const [name, description] of [
  ['TextFieldValue', 'The value of a TEXT field.'],
  ['MagicFieldValue', 'The value of a MAGIC field (free text filled by automation).'],
] as const) {
  builder.objectRef<ValueRow>(name).implement({
    description,
    interfaces: [CustomFieldValueInterface],
    fields: (t) => ({ text: t.string({ description: 'The text.', extensions: { sql: storedText('text') }, resolve: (row) => String(stored(row, 'text')) }) }),
  });
}

builder.objectRef<ValueRow>('NumberFieldValue').implement({
  description: 'The value of a NUMBER field.',
  interfaces: [CustomFieldValueInterface],
  fields: (t) => ({ number: t.float({ description: 'The number.', extensions: { sql: { value: (v) => `${v}.value->'number'` } satisfies FieldSql }, resolve: (row) => Number(stored(row, 'number')) }) }),
});

builder.objectRef<ValueRow>('DateFieldValue').implement({
  description: 'The value of a DATE field.',
  interfaces: [CustomFieldValueInterface],
  fields: (t) => ({ date: t.field({ type: 'LocalDate', description: 'The date, YYYY-MM-DD.', extensions: { sql: storedText('date') }, resolve: (row) => String(stored(row, 'date')) }) }),
});

builder.objectRef<ValueRow>('SingleSelectFieldValue').implement({
  description: 'The value of a SINGLE_SELECT field: one option label.',
  interfaces: [CustomFieldValueInterface],
  fields: (t) => ({ option: t.string({ description: 'The chosen option label.', extensions: { sql: storedText('option') }, resolve: (row) => String(stored(row, 'option')) }) }),
});

builder.objectRef<ValueRow>('MultipleSelectFieldValue').implement({
  description: 'The value of a MULTIPLE_SELECT field: option labels.',
  interfaces: [CustomFieldValueInterface],
  fields: (t) => ({ options: t.stringList({ description: 'The chosen option labels.', extensions: { sql: { value: (v) => `${v}.value->'options'` } satisfies FieldSql }, resolve: (row) => stored(row, 'options') as string[] }) }),
});

builder.objectRef<ValueRow>('ContactFieldValue').implement({
  description: 'The value of a CONTACT field: contacts of the organisation, and companies (a folk contact field names both).',
  interfaces: [CustomFieldValueInterface],
  fields: (t) => ({
    contacts: t.field({
      type: [ContactNode],
      description: 'The contacts the value names, in input order.',
      // as loaders.contactById: a merged-away contact answers the one it was merged into
      extensions: {
        sql: {
          from: (v, contact) =>
            `FROM jsonb_array_elements_text(${v}.value->'contactIds') WITH ORDINALITY e(id, n)
             JOIN contacts s ON s.organization_id = ${v}.organization_id AND s.id = e.id::uuid
             JOIN contacts ${contact} ON ${contact}.organization_id = s.organization_id AND ${contact}.id = coalesce(s.merged_into_id, s.id)`,
          orderBy: () => 'e.n',
        } satisfies FieldSql,
      },
      resolve: async (row, _args, { tenant }) => {
        const found = await Promise.all((stored(row, 'contactIds') as string[]).map((id) => tenant.loaders.contactById.load(id)));
        return found.filter((contact) => contact !== null);
      },
    }),
    companies: t.field({
      type: [CompanyNode],
      description: 'The companies the value names, in input order.',
      extensions: { sql: idsIn('companyIds', 'companies') },
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
      extensions: { sql: idsIn('userIds', 'users') },
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
      extensions: { sql: objectsSql },
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
    extensions: {
      sql: {
        from: (c, v) =>
          `FROM custom_field_values ${v} JOIN custom_fields ${v}_f ON ${v}_f.organization_id = ${v}.organization_id AND ${v}_f.id = ${v}.field_id
           WHERE ${v}.organization_id = ${c}.organization_id AND ${v}.contact_id = ${c}.id`,
        orderBy: (v) => `${v}_f.position, ${v}.field_id`,
        typename: (v) => `CASE ${v}_f.type ${Object.entries(TYPE_NAMES).map(([type, name]) => `WHEN '${type}' THEN '${name}'`).join(' ')} END`,
      } satisfies FieldSql,
    },
    type: [CustomFieldValueInterface],
    description: "The contact's custom values, one per field that has one, in the fields' order.",
    select: { customFieldValues: { include: { field: true }, orderBy: [{ field: { position: 'asc' } }, { fieldId: 'asc' }] } },
    resolve: (contact) => contact.customFieldValues,
  }),
);

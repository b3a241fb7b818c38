import { z } from 'zod';
import type { Contact } from '../../db/generated/prisma/client.js';
import { type ContactFieldsInput, contactFieldsSchema } from './contact-input.js';

// The one list of a contact's input fields, read from contactFieldsSchema's shape: update,
// merge, import and export take their fields from here. A field the table below does not name
// is a plain scalar: a Contact column of the same name, read back as it is stored, compared by
// value, taken by a merge when the target has none, and a CSV column and JSONL key of its name.
// Adding one is its Prisma column, its zod line and its GraphQL lines.

export type ContactFieldName = keyof typeof contactFieldsSchema.shape;

interface FieldRule {
  /**
   * `scalar` (the default) is a column of the contact's own row; `list` has its own rows (or
   * names them), written by hand wherever it is read; `convenience` is input that folds into a
   * list (email, phone, mobile) and is never read back.
   */
  kind?: 'scalar' | 'list' | 'convenience';
  /** the stored value as input (default: the column as is); undefined leaves the field out */
  stored?: (contact: Contact) => unknown;
  /** what an update compares (default: the prepared row's column); false: it cannot change */
  compared?: ((value: unknown) => unknown) | false;
  /** how a merge treats it: `fill` (the default) takes a source's value when the target has none */
  merged?: 'fill' | 'name' | 'union' | false;
  /** kept out of exports, written by an import only with --allow-sensitive, a merge's conflicts shown only with contacts:sensitive */
  sensitive?: boolean;
}

const isoDay = (date: Date | null) => date?.toISOString().slice(0, 10) ?? null;

const RULES: Partial<Record<ContactFieldName, FieldRule>> = {
  type: { compared: false, merged: false }, // a contact's type cannot change
  firstName: { merged: 'name' },
  middleName: { merged: 'name' },
  lastName: { merged: 'name' },
  fullName: { merged: 'name', stored: (contact) => (contact.fullNameExplicit ? contact.fullName : undefined) },
  birthday: {
    stored: (contact) => isoDay(contact.birthday),
    compared: (value) => (value instanceof Date ? value.toISOString() : (value ?? null)),
  },
  tags: { merged: 'union' },
  ssn: { sensitive: true },
  email: { kind: 'convenience' },
  phone: { kind: 'convenience' },
  mobile: { kind: 'convenience' },
  emails: { kind: 'list' },
  phones: { kind: 'list' },
  addresses: { kind: 'list' },
  urls: { kind: 'list' },
  externalRefs: { kind: 'list' },
  companies: { kind: 'list' },
  groups: { kind: 'list' },
  customFieldValues: { kind: 'list' },
};

/** Whether a field's zod type (optional and nullable aside) is a boolean. */
function isBoolean(schema: z.ZodType): boolean {
  let inner: z.ZodType = schema;
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodNullable) inner = inner.unwrap() as z.ZodType;
  return inner instanceof z.ZodBoolean;
}

export interface ContactField extends Required<Pick<FieldRule, 'kind' | 'merged' | 'sensitive'>> {
  name: ContactFieldName;
  /** a boolean scalar (a CSV cell reads yes/no, true/false, 1/0) */
  boolean: boolean;
}

/** Every input field, in the schema's order (the order of JSONL keys and of changedFields). */
export const CONTACT_FIELDS: readonly ContactField[] = (Object.keys(contactFieldsSchema.shape) as ContactFieldName[]).map((name) => {
  const rule = RULES[name] ?? {};
  const kind = rule.kind ?? 'scalar';
  return {
    name,
    kind,
    merged: kind === 'scalar' ? (rule.merged ?? 'fill') : false,
    sensitive: rule.sensitive ?? false,
    boolean: isBoolean(contactFieldsSchema.shape[name]),
  };
});

/** The fields a contact's own row holds. */
export const SCALAR_FIELDS = CONTACT_FIELDS.filter((field) => field.kind === 'scalar');

/** The scalars a merge fills from a source when the target has none (the names and tags have their own rules). */
export const MERGE_FILLED_FIELDS = SCALAR_FIELDS.filter((field) => field.merged === 'fill').map((field) => field.name);

export const SENSITIVE_FIELDS: ReadonlySet<string> = new Set(CONTACT_FIELDS.filter((field) => field.sensitive).map((field) => field.name));

/** The contact's scalars as the input that would store them (the lists are the caller's). */
export function storedScalars(contact: Contact): Partial<ContactFieldsInput> {
  const input: Record<string, unknown> = {};
  for (const { name } of SCALAR_FIELDS) {
    const stored = RULES[name]?.stored;
    const value = stored ? stored(contact) : contact[name as keyof Contact];
    if (value !== undefined) input[name] = value;
  }
  return input as Partial<ContactFieldsInput>;
}

/** The scalars of a prepared row that an update compares, by field. */
export function comparableScalars(row: object): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const { name } of SCALAR_FIELDS) {
    const compared = RULES[name]?.compared;
    if (compared === false) continue;
    const value = (row as Record<string, unknown>)[name];
    values[name] = compared ? compared(value) : value;
  }
  return values;
}

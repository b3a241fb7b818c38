import type { Prisma } from '../db/generated/prisma/client.js';
import { encodeId } from '../modules/common/ids.js';
import { type StoredValue, storedAsInput } from '../modules/custom-field/custom-field-value.js';
import { SENSITIVE_FIELDS } from '../modules/contact/contact-fields.js';
import { type ContactFieldsInput, storedPhoneText } from '../modules/contact/contact-input.js';
import { currentAsInput, currentContactQuery } from '../modules/contact/update-contact.js';
import { EXPORT_COLUMNS, neutralizedCell, SEPARATOR } from './csv-columns.js';
import type { Directory } from './directory.js';

// A contact as a CSV row or a JSONL object, portable between organisations (companies, groups
// and custom fields by name).

/** What an export reads per contact: the current contact with its companies' names. */
export const exportQuery = {
  include: {
    ...currentContactQuery.include,
    companies: { orderBy: { position: 'asc' }, include: { company: { select: { name: true } } } },
  },
} as const satisfies Prisma.ContactDefaultArgs;

export type ExportedContact = Prisma.ContactGetPayload<typeof exportQuery>;

/** A stored custom value as it is written in a file (users by email, so files travel). */
const portableValue = (value: StoredValue, directory: Directory) =>
  storedAsInput(value, (id) => (directory.userEmailsById.has(id) ? { email: directory.userEmailsById.get(id)! } : { id: encodeId('User', id) }));

const isEmpty = (value: unknown) => value === null || value === undefined || (Array.isArray(value) && value.length === 0);

/**
 * A contact as a JSONL object in the createContact input shape, portable between
 * organisations: companies, groups and custom fields by name. Sensitive fields (`ssn`) are never exported.
 */
export function contactToJson(contact: ExportedContact, directory: Directory): ContactFieldsInput {
  const input = currentAsInput(contact) as Record<string, unknown>;
  for (const name of SENSITIVE_FIELDS) delete input[name];
  input.companies = contact.companies.map((link) => ({
    company: { name: link.company.name },
    jobTitle: link.jobTitle,
    department: link.department,
    isPrimary: link.isPrimary,
  }));
  input.groups = contact.groups.map((m) => directory.groupsById.get(m.groupId)?.name ?? encodeId('Group', m.groupId));
  input.customFieldValues = contact.customFieldValues
    .map((v) => ({ field: directory.fieldsById.get(v.fieldId)?.columnName ?? encodeId('CustomField', v.fieldId), value: portableValue(v.value as StoredValue, directory) }))
    .sort((a, b) => a.field.localeCompare(b.field));
  const compact = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(compact);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value)
          .filter(([key, v]) => !isEmpty(v) && !(key === 'isPrimary' && v === false))
          .map(([key, v]) => [key, compact(v)]),
      );
    }
    return value;
  };
  return compact(input) as ContactFieldsInput;
}

/** The header of a CSV export: the fixed columns, then one per ref namespace and custom field. */
export function exportHeader(directory: Directory, namespaces: string[]): string[] {
  return [
    ...EXPORT_COLUMNS,
    ...namespaces.map((namespace) => `externalRef.${namespace}`),
    ...[...directory.fieldsById.values()].map((field) => `field:${field.columnName}`),
  ];
}

const primaryFirst = <T extends { isPrimary: boolean }>(entries: T[]) => [...entries.filter((e) => e.isPrimary), ...entries.filter((e) => !e.isPrimary)];

/** A contact as a CSV row under `header` (from exportHeader). Addresses and labels are JSONL only. */
export function contactToCsv(contact: ExportedContact, directory: Directory, header: string[]): string[] {
  const cells: Record<string, string> = {};
  const scalar = (value: unknown) => (value === null || value === undefined ? '' : String(value));
  for (const name of EXPORT_COLUMNS) {
    const value = (contact as unknown as Record<string, unknown>)[name];
    if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') cells[name] = String(value);
  }
  cells.fullName = contact.fullNameExplicit ? scalar(contact.fullName) : '';
  cells.birthday = contact.birthday?.toISOString().slice(0, 10) ?? '';
  cells.emails = primaryFirst(contact.emails).map((e) => e.address).join(SEPARATOR);
  cells.phones = primaryFirst(contact.phones).map(storedPhoneText).join(SEPARATOR);
  const mobile = contact.phones.find((p) => p.label === 'MOBILE');
  cells.mobile = mobile ? storedPhoneText(mobile) : '';
  cells.urls = primaryFirst(contact.urls).map((u) => u.url).join(SEPARATOR);
  cells.tags = contact.tags.join(SEPARATOR);
  cells.companies = primaryFirst(contact.companies).map((link) => link.company.name).join(SEPARATOR);
  cells.groups = contact.groups.map((m) => directory.groupsById.get(m.groupId)?.name ?? encodeId('Group', m.groupId)).join(SEPARATOR);
  for (const ref of contact.externalRefs) {
    const key = `externalRef.${ref.namespace}`;
    cells[key] = cells[key] ? `${cells[key]}${SEPARATOR}${ref.externalId}` : ref.externalId;
  }
  for (const value of contact.customFieldValues) {
    const field = directory.fieldsById.get(value.fieldId);
    if (!field) continue;
    const portable = portableValue(value.value as StoredValue, directory);
    cells[`field:${field.columnName}`] = Array.isArray(portable)
      ? portable.map((entry) => (typeof entry === 'object' && entry ? String((entry as { email?: string; id?: string }).email ?? (entry as { id?: string }).id) : String(entry))).join(SEPARATOR)
      : String(portable);
  }
  return header.map((column) => neutralizedCell(cells[column] ?? ''));
}

import type { PrismaClient } from '../db/client.js';
import type { Prisma } from '../db/generated/prisma/client.js';
import type { CustomFieldType } from '../db/generated/prisma/enums.js';
import { decodeIdOf, encodeId } from '../modules/common/ids.js';
import { normalizeName } from '../modules/common/names.js';
import type { Failure } from '../modules/common/result.js';
import { type StoredValue, storedAsInput } from '../modules/custom-field/custom-field-value.js';
import { type ContactFieldsInput, storedPhoneText } from '../modules/contact/contact-input.js';
import { currentAsInput, currentContactQuery } from '../modules/contact/update-contact.js';

// How contacts map to CSV columns (and to JSONL objects that name groups and custom fields
// by name), both ways. The README's "Import and export" section documents the mapping.

/** the separator of several values in one cell */
export const SEPARATOR = ';';

/** Plain text columns: the cell is the createContact input field of the same name. */
const TEXT_COLUMNS = [
  'type',
  'firstName',
  'middleName',
  'lastName',
  'fullName',
  'abbreviation',
  'title',
  'gender',
  'birthday',
  'primaryLanguage',
  'description',
  'strategy',
  'jobTitle',
  'department',
  'email',
  'phone',
  'linkedInUrl',
  'profilePictureUrl',
  'loginEmail',
  'purchaseOrderNumber',
] as const;

/** Columns holding several values separated by `;` (or one special value). */
const OTHER_COLUMNS = ['emails', 'phones', 'mobile', 'urls', 'tags', 'companies', 'groups', 'externalRef', 'externalRefs', 'mailingListOptIn'] as const;

/** The column order of an export (custom fields and external-ref namespaces follow). */
export const EXPORT_COLUMNS = [
  'type',
  'firstName',
  'middleName',
  'lastName',
  'fullName',
  'abbreviation',
  'title',
  'gender',
  'birthday',
  'primaryLanguage',
  'jobTitle',
  'department',
  'emails',
  'phones',
  'mobile',
  'urls',
  'linkedInUrl',
  'profilePictureUrl',
  'loginEmail',
  'mailingListOptIn',
  'purchaseOrderNumber',
  'tags',
  'companies',
  'groups',
  'description',
  'strategy',
] as const;

const KNOWN = new Map<string, string>([...TEXT_COLUMNS, ...OTHER_COLUMNS].map((name) => [name.toLowerCase(), name]));

/** One column of an import file, as understood. */
export type Column =
  | { kind: 'field'; name: string; header: string }
  | { kind: 'ref'; namespace: string; header: string }
  | { kind: 'custom'; fieldName: string; header: string };

/** Thrown for a file that cannot be imported at all (bad header). */
export class MappingError extends Error {}

/**
 * Reads a CSV header; unknown or repeated columns make the file unimportable, and so does an
 * `ssn` column unless the import was allowed to write sensitive data (--allow-sensitive).
 */
export function parseHeader(header: string[], options: { allowSensitive?: boolean } = {}): Column[] {
  const seen = new Set<string>();
  return header.map((raw, index) => {
    const header = raw.trim();
    if (header === '') throw new MappingError(`column ${index + 1} of the header is empty`);
    const key = header.toLowerCase();
    if (seen.has(key)) throw new MappingError(`the column "${header}" appears twice in the header`);
    seen.add(key);
    if (key.startsWith('field:')) {
      const fieldName = header.slice('field:'.length).trim();
      if (!fieldName) throw new MappingError(`the column "${header}" names no custom field`);
      return { kind: 'custom', fieldName, header };
    }
    if (key.startsWith('externalref.')) {
      const namespace = header.slice('externalRef.'.length).trim();
      if (!namespace) throw new MappingError(`the column "${header}" names no namespace`);
      return { kind: 'ref', namespace, header };
    }
    if (key === 'ssn') {
      if (!options.allowSensitive) throw new MappingError(`the column "${header}" is sensitive data: import it with --allow-sensitive, or leave the column out`);
      return { kind: 'field', name: 'ssn', header };
    }
    const name = KNOWN.get(key);
    if (!name) {
      throw new MappingError(`unknown column "${header}" (columns are createContact field names, externalRef.<namespace> or field:<custom field name>)`);
    }
    return { kind: 'field', name, header };
  });
}

export interface DirectoryField {
  id: string;
  name: string;
  normalizedName: string;
  groupId: string;
  type: CustomFieldType;
  /** the CSV column name after `field:` (the name, or "Group/Name" when names repeat) */
  columnName: string;
}

/** The organisation's groups, custom fields and users, by id and by name (loaded once). */
export interface Directory {
  groupsById: Map<string, { id: string; name: string }>;
  groupsByName: Map<string, { id: string; name: string }>;
  fieldsById: Map<string, DirectoryField>;
  fieldsByColumn: Map<string, DirectoryField[]>;
  userEmailsById: Map<string, string>;
}

export async function loadDirectory(prisma: PrismaClient, organizationId: string): Promise<Directory> {
  const [groups, fields, users] = await Promise.all([
    prisma.group.findMany({ where: { organizationId }, select: { id: true, name: true, normalizedName: true }, orderBy: { normalizedName: 'asc' } }),
    prisma.customField.findMany({
      where: { organizationId },
      select: { id: true, name: true, normalizedName: true, groupId: true, type: true, position: true },
    }),
    prisma.user.findMany({ where: { organizationId }, select: { id: true, email: true } }),
  ]);
  const groupsById = new Map(groups.map((g) => [g.id, g]));
  const nameCount = new Map<string, number>();
  for (const field of fields) nameCount.set(field.normalizedName, (nameCount.get(field.normalizedName) ?? 0) + 1);
  const sorted = fields
    .map((field) => ({ field, group: groupsById.get(field.groupId)! }))
    .sort((a, b) => a.group.normalizedName.localeCompare(b.group.normalizedName) || a.field.position - b.field.position || a.field.id.localeCompare(b.field.id));
  const fieldsById = new Map<string, DirectoryField>();
  const fieldsByColumn = new Map<string, DirectoryField[]>();
  const index = (key: string, field: DirectoryField) => fieldsByColumn.set(key, [...(fieldsByColumn.get(key) ?? []), field]);
  for (const { field, group } of sorted) {
    const columnName = nameCount.get(field.normalizedName)! > 1 ? `${group.name}/${field.name}` : field.name;
    const entry = { id: field.id, name: field.name, normalizedName: field.normalizedName, groupId: field.groupId, type: field.type, columnName };
    fieldsById.set(field.id, entry);
    index(field.normalizedName, entry);
    index(normalizeName(`${group.name}/${field.name}`), entry);
  }
  return {
    groupsById,
    groupsByName: new Map(groups.map((g) => [g.normalizedName, g])),
    fieldsById,
    fieldsByColumn,
    userEmailsById: new Map(users.map((u) => [u.id, u.email])),
  };
}

/**
 * CSV injection (OWASP): a spreadsheet runs a cell starting with = + - @, tab or CR as a
 * formula, so an export prefixes such a cell with a single quote, which spreadsheets show
 * as text. So that the import can undo exactly that, a cell starting with quotes followed by
 * one of those characters gets the quote too; the import strips one leading quote from a cell
 * of that form and from no other (phones in E.164 start with +, negative numbers with -).
 */
const FORMULA_LIKE = /^'*[=+\-@\t\r]/;
export const neutralizedCell = (value: string) => (FORMULA_LIKE.test(value) ? `'${value}` : value);
export const restoredCell = (cell: string) => (cell.startsWith("'") && FORMULA_LIKE.test(cell) ? cell.slice(1) : cell);

const split = (cell: string) =>
  cell
    .split(SEPARATOR)
    .map((part) => part.trim())
    .filter((part) => part !== '');

/** A custom value written in a cell, in the shape its field's type takes. */
function customCellValue(type: CustomFieldType, cell: string): unknown {
  switch (type) {
    case 'MULTIPLE_SELECT':
      return split(cell);
    case 'CONTACT':
    case 'OBJECT':
      return split(cell).map((id) => ({ id }));
    case 'USER':
      return split(cell).map((user) => (user.includes('@') ? { email: user } : { id: user }));
    default:
      return cell;
  }
}

function booleanCell(cell: string): unknown {
  const value = cell.trim().toLowerCase();
  if (['true', 'yes', 'y', '1'].includes(value)) return true;
  if (['false', 'no', 'n', '0'].includes(value)) return false;
  return cell; // validation reports it
}

/** A row made into createContact input; `columnOf` says which column an error path concerns. */
export interface ConvertedRow {
  input: Record<string, unknown>;
  failures: Failure[];
  columnOf(path: (string | number)[] | undefined): string | undefined;
}

/**
 * One CSV row as createContact input. Empty cells are absent. Groups and custom fields are
 * still named by name here: `resolveNames` turns them into ids.
 */
export function rowToInput(columns: Column[], cells: string[]): ConvertedRow {
  const input: Record<string, unknown> = {};
  const sources = new Map<string, string>();
  const refs: { namespace: string; externalId: string }[] = [];
  const custom: { field: string; value: string }[] = [];
  const failures: Failure[] = [];
  let mobile: string | undefined;

  columns.forEach((column, index) => {
    const cell = restoredCell(cells[index] ?? '');
    if (cell.trim() === '') return;
    if (column.kind === 'custom') {
      sources.set(`customFieldValues.${custom.length}`, column.header);
      custom.push({ field: column.fieldName, value: cell });
      return;
    }
    if (column.kind === 'ref') {
      for (const id of split(cell)) {
        sources.set(`externalRefs.${refs.length}`, column.header);
        refs.push({ namespace: column.namespace, externalId: id });
      }
      return;
    }
    sources.set(column.name, column.header);
    switch (column.name) {
      case 'emails':
        input.emails = split(cell).map((address) => ({ address }));
        break;
      case 'phones':
        input.phones = split(cell).map((number, position) => ({ number, ...(position === 0 ? { isPrimary: true } : {}) }));
        break;
      case 'mobile':
        mobile = cell.trim();
        break;
      case 'urls':
        input.urls = split(cell).map((url) => ({ url }));
        break;
      case 'tags':
        input.tags = split(cell);
        break;
      case 'companies':
        input.companies = split(cell).map((name) => ({ company: { name } }));
        break;
      case 'groups':
        input.groups = split(cell);
        break;
      case 'externalRef':
      case 'externalRefs':
        for (const value of split(cell)) {
          const colon = value.indexOf(':');
          sources.set(`externalRefs.${refs.length}`, column.header);
          if (colon <= 0) failures.push({ code: 'VALIDATION', message: `"${value}" is not namespace:id`, path: ['externalRefs', refs.length] });
          refs.push(colon > 0 ? { namespace: value.slice(0, colon), externalId: value.slice(colon + 1) } : { namespace: 'invalid', externalId: value });
        }
        break;
      case 'mailingListOptIn':
        input.mailingListOptIn = booleanCell(cell);
        break;
      default:
        input[column.name] = cell;
    }
  });

  if (mobile !== undefined) {
    // A mobile number also listed in `phones` is that entry, labelled MOBILE.
    const phones = (input.phones ?? []) as { number: string; label?: string }[];
    const listed = phones.findIndex((phone) => phone.number === mobile);
    if (listed >= 0) phones[listed]!.label = 'MOBILE';
    else if (input.phones) {
      sources.set(`phones.${phones.length}`, columns.find((c) => c.kind === 'field' && c.name === 'mobile')!.header);
      phones.push({ number: mobile, label: 'MOBILE' }); // after the listed ones, which lead
    } else input.mobile = mobile;
  }
  if (refs.length > 0) input.externalRefs = refs;
  if (custom.length > 0) input.customFieldValues = custom;

  return {
    input,
    failures,
    columnOf(path) {
      if (!path || path.length === 0) return undefined;
      return sources.get(`${path[0]}.${path[1]}`) ?? sources.get(String(path[0]));
    },
  };
}

/**
 * Resolves groups and custom fields named by name (ids are kept) to ids, and adds each custom
 * value's group to the contact's groups when it is missing. Mutates `input`.
 */
export function resolveNames(
  directory: Directory,
  input: Record<string, unknown>,
  /** values come from CSV cells: split lists (`;`) by the field's type */
  fromCells: boolean,
): { failures: Failure[]; addedGroups: Map<number, number> } {
  const failures: Failure[] = [];
  const addedGroups = new Map<number, number>();
  const groupIds: string[] = [];
  if (input.groups !== undefined && input.groups !== null) {
    if (!Array.isArray(input.groups)) return { failures: [{ code: 'VALIDATION', message: 'must be a list of group ids or names', path: ['groups'] }], addedGroups };
    input.groups.forEach((entry: unknown, index) => {
      if (typeof entry !== 'string') {
        failures.push({ code: 'VALIDATION', message: 'must be a group id or name', path: ['groups', index] });
        return;
      }
      const byId = decodeIdOf('Group', entry.trim());
      const group = byId ? directory.groupsById.get(byId) : directory.groupsByName.get(normalizeName(entry));
      if (!group) failures.push({ code: 'NOT_FOUND', message: `no group ${byId ? 'with this id' : `named "${entry.trim()}"`}`, path: ['groups', index] });
      else groupIds.push(group.id);
    });
  }
  const values = input.customFieldValues;
  if (values !== undefined && values !== null) {
    if (!Array.isArray(values)) return { failures: [...failures, { code: 'VALIDATION', message: 'must be a list', path: ['customFieldValues'] }], addedGroups };
    values.forEach((entry: unknown, index) => {
      const value = entry as { field?: unknown; group?: unknown; name?: unknown; value?: unknown } | null;
      if (value && typeof value === 'object' && value.field == null && typeof value.group === 'string') {
        // { group, name }: the group may be named here too; the field's name is resolved as in the API
        const byId = decodeIdOf('Group', value.group.trim());
        const group = byId ? directory.groupsById.get(byId) : directory.groupsByName.get(normalizeName(value.group));
        if (!group) {
          failures.push({ code: 'NOT_FOUND', message: `no group ${byId ? 'with this id' : `named "${value.group.trim()}"`}`, path: ['customFieldValues', index, 'group'] });
          return;
        }
        value.group = encodeId('Group', group.id);
        if (!groupIds.includes(group.id)) {
          groupIds.push(group.id);
          addedGroups.set(groupIds.length - 1, index);
        }
        return;
      }
      if (!value || typeof value !== 'object' || typeof value.field !== 'string') return; // validation reports it
      const byId = decodeIdOf('CustomField', value.field.trim());
      let field: DirectoryField | undefined;
      if (byId) {
        field = directory.fieldsById.get(byId);
        if (!field) failures.push({ code: 'NOT_FOUND', message: 'no custom field with this id', path: ['customFieldValues', index, 'field'] });
      } else {
        const found = directory.fieldsByColumn.get(normalizeName(value.field)) ?? [];
        if (found.length === 0) {
          failures.push({ code: 'NOT_FOUND', message: `no custom field named "${value.field.trim()}"`, path: ['customFieldValues', index, 'field'] });
        } else if (found.length > 1) {
          failures.push({
            code: 'VALIDATION',
            message: `several groups have a field named "${value.field.trim()}"; name it as "<group name>/<field name>"`,
            path: ['customFieldValues', index, 'field'],
          });
        } else {
          field = found[0];
        }
      }
      if (!field) return;
      const raw = fromCells && typeof value.value === 'string' ? customCellValue(field.type, value.value) : value.value;
      values[index] = { ...value, field: encodeId('CustomField', field.id), value: raw };
      if (!groupIds.includes(field.groupId)) {
        groupIds.push(field.groupId);
        addedGroups.set(groupIds.length - 1, index);
      }
    });
  }
  if (groupIds.length > 0 || input.groups !== undefined) input.groups = groupIds.map((id) => encodeId('Group', id));
  return { failures, addedGroups };
}

// ---------------------------------------------------------------------------------------------
// Export

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
 * organisations: companies, groups and custom fields by name. `ssn` is never exported.
 */
export function contactToJson(contact: ExportedContact, directory: Directory): ContactFieldsInput {
  const input = currentAsInput(contact) as Record<string, unknown>;
  delete input.ssn;
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

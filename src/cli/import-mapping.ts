import type { CustomFieldType } from '../db/generated/prisma/enums.js';
import { decodeIdOf, encodeId } from '../modules/common/ids.js';
import { normalizeName } from '../modules/common/names.js';
import type { Failure } from '../modules/common/result.js';
import { SENSITIVE_FIELDS } from '../modules/contact/contact-fields.js';
import { BOOLEAN_COLUMNS, IMPORT_COLUMNS, restoredCell, splitCell } from './csv-columns.js';
import type { Directory, DirectoryField } from './directory.js';

// How an imported row becomes createContact input: a CSV row by its columns, and (for both
// formats) groups and custom fields named by name resolved to ids.

const KNOWN = new Map<string, string>(IMPORT_COLUMNS.map((name) => [name.toLowerCase(), name]));

/** One column of an import file, as understood. */
export type Column =
  | { kind: 'field'; name: string; header: string }
  | { kind: 'ref'; namespace: string; header: string }
  | { kind: 'custom'; fieldName: string; header: string };

/** Thrown for a file that cannot be imported at all (bad header). */
export class MappingError extends Error {}

/**
 * Reads a CSV header; unknown or repeated columns make the file unimportable, and so does an
 * `ssn` (sensitive) column unless the import was allowed to write sensitive data (--allow-sensitive).
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
    const name = KNOWN.get(key);
    if (!name) {
      throw new MappingError(`unknown column "${header}" (columns are createContact field names, externalRef.<namespace> or field:<custom field name>)`);
    }
    if (SENSITIVE_FIELDS.has(name) && !options.allowSensitive) {
      throw new MappingError(`the column "${header}" is sensitive data: import it with --allow-sensitive, or leave the column out`);
    }
    return { kind: 'field', name, header };
  });
}

/** A custom value written in a cell, in the shape its field's type takes. */
function customCellValue(type: CustomFieldType, cell: string): unknown {
  switch (type) {
    case 'MULTIPLE_SELECT':
      return splitCell(cell);
    case 'CONTACT':
    case 'OBJECT':
      return splitCell(cell).map((id) => ({ id }));
    case 'USER':
      return splitCell(cell).map((user) => (user.includes('@') ? { email: user } : { id: user }));
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
      for (const id of splitCell(cell)) {
        sources.set(`externalRefs.${refs.length}`, column.header);
        refs.push({ namespace: column.namespace, externalId: id });
      }
      return;
    }
    sources.set(column.name, column.header);
    switch (column.name) {
      case 'emails':
        input.emails = splitCell(cell).map((address) => ({ address }));
        break;
      case 'phones':
        input.phones = splitCell(cell).map((number, position) => ({ number, ...(position === 0 ? { isPrimary: true } : {}) }));
        break;
      case 'mobile':
        mobile = cell.trim();
        break;
      case 'urls':
        input.urls = splitCell(cell).map((url) => ({ url }));
        break;
      case 'tags':
        input.tags = splitCell(cell);
        break;
      case 'companies':
        input.companies = splitCell(cell).map((name) => ({ company: { name } }));
        break;
      case 'groups':
        input.groups = splitCell(cell);
        break;
      case 'externalRef':
      case 'externalRefs':
        for (const value of splitCell(cell)) {
          const colon = value.indexOf(':');
          sources.set(`externalRefs.${refs.length}`, column.header);
          if (colon <= 0) failures.push({ code: 'VALIDATION', message: `"${value}" is not namespace:id`, path: ['externalRefs', refs.length] });
          refs.push(colon > 0 ? { namespace: value.slice(0, colon), externalId: value.slice(colon + 1) } : { namespace: 'invalid', externalId: value });
        }
        break;
      default:
        input[column.name] = BOOLEAN_COLUMNS.has(column.name) ? booleanCell(cell) : cell;
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


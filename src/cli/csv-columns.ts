import { CONTACT_FIELDS, SCALAR_FIELDS } from '../modules/contact/contact-fields.js';

// The CSV columns of a contact, from the registry of its fields (contact-fields.ts), and the
// cell rules an import and an export share. The README's "Import and export" section documents
// the mapping.

/** the separator of several values in one cell */
export const SEPARATOR = ';';

/** List fields a CSV has no column for: addresses are JSONL only, custom values have `field:` columns. */
const NOT_COLUMNS = new Set(['addresses', 'customFieldValues']);

/**
 * The columns an import reads, each the createContact input field of its name (or, for
 * `externalRef`, of `externalRefs`). A scalar's cell is its value; lists hold values separated
 * by `;`. Sensitive fields need --allow-sensitive.
 */
export const IMPORT_COLUMNS = [...CONTACT_FIELDS.filter((field) => !NOT_COLUMNS.has(field.name)).map((field) => field.name), 'externalRef'];

/** The boolean scalars: their cells read yes/no, true/false, y/n, 1/0. */
export const BOOLEAN_COLUMNS: ReadonlySet<string> = new Set(SCALAR_FIELDS.filter((field) => field.boolean).map((field) => field.name));

/** Where an export puts the columns it fills; a scalar not named here follows them. */
const EXPORT_ORDER = [
  'type', 'firstName', 'middleName', 'lastName', 'fullName', 'abbreviation', 'title', 'gender', 'birthday', 'primaryLanguage',
  'jobTitle', 'department', 'emails', 'phones', 'mobile', 'urls', 'linkedInUrl', 'profilePictureUrl', 'loginEmail',
  'mailingListOptIn', 'purchaseOrderNumber', 'tags', 'companies', 'groups', 'description', 'strategy',
];

/** The column order of an export (custom fields and external-ref namespaces follow); sensitive fields are never exported. */
export const EXPORT_COLUMNS: readonly string[] = [
  ...EXPORT_ORDER,
  ...SCALAR_FIELDS.filter((field) => !field.sensitive && !EXPORT_ORDER.includes(field.name)).map((field) => field.name),
];

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

export const splitCell = (cell: string) =>
  cell
    .split(SEPARATOR)
    .map((part) => part.trim())
    .filter((part) => part !== '');


import type { CustomFieldType } from '../../db/generated/prisma/enums.js';
import { decodeId, decodeIdOf, encodeId, type NodeTypename } from '../common/ids.js';
import type { Loaders } from '../../tenant/loaders.js';

/** How each type's value is stored in custom_field_values.value. */
export type StoredValue =
  | { text: string }
  | { number: number }
  | { date: string }
  | { option: string }
  | { options: string[] }
  /** `companyIds` only when the value names companies (a CONTACT field takes both, as folk's does) */
  | { contactIds: string[]; companyIds?: string[] }
  | { userIds: string[] }
  | { objects: { typename: NodeTypename; id: string }[] };

/** Why a value was refused; `path` is inside the value (a list entry's index, or empty). */
export interface ValueFailure {
  code: 'VALIDATION' | 'NOT_FOUND';
  message: string;
  path: number[];
}

type Outcome = { value: StoredValue | null } | { failures: ValueFailure[] };

const MAX_TEXT = 5000;
const MAX_REFERENCES = 100;
/** a decimal number as text: what JSON would read as a number, and nothing else (no hex, no units) */
const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
/** the smallest normal double: a non-zero magnitude below it keeps fewer digits, down to none (0) */
const MIN_NORMAL = 2 ** -1022;

const invalid = (message: string, path: number[] = []): Outcome => ({ failures: [{ code: 'VALIDATION', message, path }] });

const NOT_A_NUMBER = 'must be a finite number, or a decimal number as text such as "42" or "-3.5"';

/**
 * A NUMBER value, stored as a double: refused where it could not read back as written. Beyond
 * ±(2^53 − 1) a double no longer holds every integer (2^53 + 1 would read back as 2^53), and a
 * non-zero number below the normal range underflows (`"1e-400"` would read back as 0). A
 * fraction is stored as the nearest double, as a GraphQL Float is.
 */
function numberValue(raw: unknown): Outcome {
  const text = typeof raw === 'string' ? raw.trim() : null;
  if (text !== null && !NUMERIC.test(text)) return invalid(NOT_A_NUMBER);
  const number = text !== null ? Number(text) : raw;
  if (typeof number !== 'number' || Number.isNaN(number)) return invalid(NOT_A_NUMBER);
  if (!(Math.abs(number) <= Number.MAX_SAFE_INTEGER)) {
    return invalid(`must be between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}: a number beyond cannot be stored exactly`);
  }
  const nonZero = text !== null ? /[1-9]/.test(text.split(/[eE]/)[0]!) : number !== 0;
  if (nonZero && Math.abs(number) < MIN_NORMAL) return invalid('is too close to zero to be stored: a non-zero number must be at least 2.2250738585072014e-308 in magnitude');
  return { value: { number } };
}

/** One entry of a reference value: a bare id (or, for users, an email), `{ id }` or `{ email }`. */
type Reference = { id: string; path: number[] } | { email: string; path: number[] };

/**
 * The entries of a reference value as the CRM writes it: one reference or a list of them, each
 * a bare id string or `{ id }` (users also by email: a bare address or `{ email }`).
 */
function references(raw: unknown, byEmail: boolean): Reference[] | ValueFailure[] {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length > MAX_REFERENCES) return [{ code: 'VALIDATION', message: `must have at most ${MAX_REFERENCES} entries`, path: [] }];
  const shape = byEmail ? 'an id or email, { id } or { email }' : 'an id or { id }';
  const entries: Reference[] = [];
  const failures: ValueFailure[] = [];
  list.forEach((entry: unknown, index) => {
    const path = Array.isArray(raw) ? [index] : [];
    const record = typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? (entry as Record<string, unknown>) : null;
    if (typeof entry === 'string' && entry.trim() !== '') {
      const text = entry.trim();
      entries.push(byEmail && text.includes('@') ? { email: text, path } : { id: text, path });
    } else if (record && typeof record.id === 'string') {
      entries.push({ id: record.id.trim(), path });
    } else if (byEmail && record && typeof record.email === 'string') {
      entries.push({ email: record.email, path });
    } else {
      failures.push({ code: 'VALIDATION', message: `must be ${shape}`, path });
    }
  });
  return failures.length > 0 ? failures : entries;
}

const isFailures = (value: Reference[] | ValueFailure[]): value is ValueFailure[] => value.length > 0 && 'code' in value[0]!;

function optionLabel(options: string[], raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const wanted = raw.trim().toLowerCase();
  return options.find((option) => option.toLowerCase() === wanted) ?? null;
}

/**
 * Validates a raw JSON value against its field's type and resolves what it references in the
 * organisation through the request's loaders; `null` or `[]` (or "") means unset. A reference
 * nothing answers (another organisation's included) is NOT_FOUND at its entry.
 */
export async function customFieldValueOf(
  field: { type: CustomFieldType; options: string[] },
  raw: unknown,
  loaders: Loaders,
): Promise<Outcome> {
  if (raw === null || raw === undefined || (Array.isArray(raw) && raw.length === 0) || raw === '') return { value: null };
  switch (field.type) {
    case 'TEXT':
    case 'MAGIC': {
      if (typeof raw !== 'string') return invalid('must be a string');
      if (raw.length > MAX_TEXT) return invalid(`must be at most ${MAX_TEXT} characters`);
      return { value: { text: raw } };
    }
    case 'NUMBER': {
      return numberValue(raw);
    }
    case 'DATE': {
      if (typeof raw !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(raw)) return invalid('must be a date as YYYY-MM-DD');
      const date = new Date(`${raw}T00:00:00Z`);
      if (Number.isNaN(date.getTime()) || !date.toISOString().startsWith(raw)) return invalid('is not a real calendar date');
      return { value: { date: raw } };
    }
    case 'SINGLE_SELECT': {
      const option = optionLabel(field.options, raw);
      return option ? { value: { option } } : invalid(`must be one of: ${field.options.join(', ')}`);
    }
    case 'MULTIPLE_SELECT': {
      const labels = Array.isArray(raw) ? raw : [raw];
      const options = labels.map((label) => optionLabel(field.options, label));
      if (options.some((option) => option === null)) return invalid(`must be a list of: ${field.options.join(', ')}`);
      return { value: { options: [...new Set(options as string[])] } };
    }
    case 'CONTACT': {
      const entries = references(raw, false);
      if (isFailures(entries)) return { failures: entries };
      const resolved = await Promise.all(
        entries.map(async (entry): Promise<{ contactId: string } | { companyId: string } | ValueFailure> => {
          const node = 'id' in entry ? decodeId(entry.id) : null;
          if (node?.typename === 'Contact') {
            const contact = await loaders.contactById.load(node.id);
            if (!contact) return { code: 'NOT_FOUND', message: 'no contact with this id', path: entry.path };
            if (contact.deletedAt) return { code: 'VALIDATION', message: 'the contact is in the recycle bin', path: entry.path };
            return { contactId: contact.id };
          }
          if (node?.typename === 'Company') {
            const company = await loaders.companyById.load(node.id);
            return company ? { companyId: company.id } : { code: 'NOT_FOUND', message: 'no company with this id', path: entry.path };
          }
          return { code: 'NOT_FOUND', message: 'no contact or company with this id', path: entry.path };
        }),
      );
      const failures = resolved.filter((entry): entry is ValueFailure => 'code' in entry);
      if (failures.length > 0) return { failures };
      const contactIds = [...new Set(resolved.flatMap((entry) => ('contactId' in entry ? [entry.contactId] : [])))];
      const companyIds = [...new Set(resolved.flatMap((entry) => ('companyId' in entry ? [entry.companyId] : [])))];
      return { value: { contactIds, ...(companyIds.length > 0 ? { companyIds } : {}) } };
    }
    case 'USER': {
      const entries = references(raw, true);
      if (isFailures(entries)) return { failures: entries };
      const users = await Promise.all(
        entries.map((entry) => {
          if ('email' in entry) return loaders.userByEmail.load(entry.email);
          const id = decodeIdOf('User', entry.id);
          return id ? loaders.userById.load(id) : null;
        }),
      );
      const failures = entries.flatMap((entry, index): ValueFailure[] =>
        users[index] ? [] : [{ code: 'NOT_FOUND', message: 'email' in entry ? 'no user with this email' : 'no user with this id', path: entry.path }],
      );
      if (failures.length > 0) return { failures };
      return { value: { userIds: [...new Set(users.map((user) => user!.id))] } };
    }
    case 'OBJECT': {
      const entries = references(raw, false);
      if (isFailures(entries)) return { failures: entries };
      const nodes = entries.map((entry) => ('id' in entry ? decodeId(entry.id) : null));
      const exists = await Promise.all(nodes.map((node) => (node ? loaders.nodeExists.load(node) : false)));
      const failures = entries.flatMap((entry, index): ValueFailure[] =>
        exists[index] ? [] : [{ code: 'NOT_FOUND', message: 'no object with this id', path: entry.path }],
      );
      if (failures.length > 0) return { failures };
      const unique = new Map(nodes.map((node) => [`${node!.typename}:${node!.id}`, node!]));
      return { value: { objects: [...unique.values()] } };
    }
  }
}

/**
 * A stored value as the input that would store it again; `userRef` says how a referenced user
 * is written (by id unless told otherwise: an export names them by email, so files travel).
 */
export function storedAsInput(value: StoredValue, userRef: (id: string) => unknown = (id) => ({ id: encodeId('User', id) })): unknown {
  if ('text' in value) return value.text;
  if ('number' in value) return value.number;
  if ('date' in value) return value.date;
  if ('option' in value) return value.option;
  if ('options' in value) return value.options;
  if ('contactIds' in value) {
    return [...value.contactIds.map((id) => ({ id: encodeId('Contact', id) })), ...(value.companyIds ?? []).map((id) => ({ id: encodeId('Company', id) }))];
  }
  if ('userIds' in value) return value.userIds.map(userRef);
  return value.objects.map((ref) => ({ id: encodeId(ref.typename, ref.id) }));
}


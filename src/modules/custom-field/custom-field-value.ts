import type { CustomFieldType } from '../../db/generated/prisma/enums.js';
import { decodeId, decodeIdOf, encodeId, type NodeTypename } from '../../graphql/ids.js';
import type { Loaders } from '../../graphql/loaders.js';

/** How each type's value is stored in custom_field_values.value. */
export type StoredValue =
  | { text: string }
  | { number: number }
  | { date: string }
  | { option: string }
  | { options: string[] }
  | { contactIds: string[] }
  | { userIds: string[] }
  | { objects: { typename: NodeTypename; id: string }[] };

type Outcome = { value: StoredValue | null } | { message: string };

const MAX_TEXT = 5000;
const MAX_REFERENCES = 100;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function referenceList(raw: unknown, shape: string): Record<string, unknown>[] | string {
  if (!Array.isArray(raw)) return `must be a list of ${shape}`;
  if (raw.length > MAX_REFERENCES) return `must have at most ${MAX_REFERENCES} entries`;
  if (!raw.every(isRecord)) return `must be a list of ${shape}`;
  return raw;
}

function optionLabel(options: string[], raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const wanted = raw.trim().toLowerCase();
  return options.find((option) => option.toLowerCase() === wanted) ?? null;
}

/**
 * Validates a raw JSON value against its field's type and resolves what it references in the
 * organisation; `null` or `[]` (or "") means unset.
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
      if (typeof raw !== 'string') return { message: 'must be a string' };
      if (raw.length > MAX_TEXT) return { message: `must be at most ${MAX_TEXT} characters` };
      return { value: { text: raw } };
    }
    case 'NUMBER': {
      const number = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(number)) return { message: 'must be a finite number or numeric string' };
      return { value: { number } };
    }
    case 'DATE': {
      if (typeof raw !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(raw)) return { message: 'must be a date as YYYY-MM-DD' };
      const date = new Date(`${raw}T00:00:00Z`);
      if (Number.isNaN(date.getTime()) || !date.toISOString().startsWith(raw)) return { message: 'is not a real calendar date' };
      return { value: { date: raw } };
    }
    case 'SINGLE_SELECT': {
      const option = optionLabel(field.options, raw);
      return option ? { value: { option } } : { message: `must be one of: ${field.options.join(', ')}` };
    }
    case 'MULTIPLE_SELECT': {
      const labels = Array.isArray(raw) ? raw : [raw];
      const options = labels.map((label) => optionLabel(field.options, label));
      if (options.some((option) => option === null)) return { message: `must be a list of: ${field.options.join(', ')}` };
      return { value: { options: [...new Set(options as string[])] } };
    }
    case 'CONTACT': {
      const entries = referenceList(raw, '{ id } of contacts');
      if (typeof entries === 'string') return { message: entries };
      const ids = entries.map((entry) => (typeof entry.id === 'string' ? decodeIdOf('Contact', entry.id) : null));
      const found = await Promise.all(ids.map((id) => (id ? loaders.contactById.load(id) : null)));
      const missing = found.findIndex((contact) => !contact || contact.deletedAt);
      if (missing >= 0) return { message: `entry ${missing} is not a contact of this organisation` };
      return { value: { contactIds: [...new Set(ids as string[])] } };
    }
    case 'USER': {
      const entries = referenceList(raw, '{ id } or { email } of users');
      if (typeof entries === 'string') return { message: entries };
      const users = await Promise.all(
        entries.map((entry) => {
          if (typeof entry.id === 'string') {
            const id = decodeIdOf('User', entry.id);
            return id ? loaders.userById.load(id) : null;
          }
          return typeof entry.email === 'string' ? loaders.userByEmail.load(entry.email) : null;
        }),
      );
      const missing = users.findIndex((user) => !user);
      if (missing >= 0) return { message: `entry ${missing} is not a user of this organisation` };
      return { value: { userIds: [...new Set(users.map((user) => user!.id))] } };
    }
    case 'OBJECT': {
      const entries = referenceList(raw, '{ id } of any object');
      if (typeof entries === 'string') return { message: entries };
      const nodes = entries.map((entry) => (typeof entry.id === 'string' ? decodeId(entry.id) : null));
      const exists = await Promise.all(nodes.map((node) => (node ? loaders.nodeExists.load(node) : false)));
      const missing = exists.findIndex((found) => !found);
      if (missing >= 0) return { message: `entry ${missing} is not an object of this organisation` };
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
  if ('contactIds' in value) return value.contactIds.map((id) => ({ id: encodeId('Contact', id) }));
  if ('userIds' in value) return value.userIds.map(userRef);
  return value.objects.map((ref) => ({ id: encodeId(ref.typename, ref.id) }));
}


import { describe, expect, it } from 'vitest';
import { type GraphQLInputObjectType, type GraphQLObjectType } from 'graphql';
import { z } from 'zod';
import { EXPORT_COLUMNS, IMPORT_COLUMNS } from '../src/cli/csv-columns.js';
import { loadDirectory } from '../src/cli/directory.js';
import { contactToCsv, contactToJson, exportHeader, exportQuery } from '../src/cli/export-mapping.js';
import { MappingError, parseHeader, resolveNames, rowToInput } from '../src/cli/import-mapping.js';
import { JSONL_FIELDS } from '../src/cli/import-rows.js';
import { schema } from '../src/graphql/schema.js';
import { createChangeEvents } from '../src/tenant/change-events.js';
import { createTenant, SCOPES } from '../src/tenant/tenant.js';
import { encodeId } from '../src/modules/common/ids.js';
import { CONTACT_FIELDS, type ContactFieldName, MERGE_FILLED_FIELDS, SCALAR_FIELDS, storedScalars } from '../src/modules/contact/contact-fields.js';
import { type ContactFieldsInput, contactFieldsSchema } from '../src/modules/contact/contact-input.js';
import { createContact } from '../src/modules/contact/create-contact.js';
import { mergeContacts } from '../src/modules/contact/merge-contacts.js';
import { updateContact } from '../src/modules/contact/update-contact.js';
import { createHarness } from './support/harness.js';

// The field registry (contact-fields.ts) against the schema it is read from: every scalar
// field of contactFieldsSchema must reach update's comparison, merge, the CSV columns and the
// JSONL keys, and survive an export and an import. The values come from each field's own zod
// schema (the first of a pool it accepts), so a new field needs nothing here.

const h = await createHarness();
const caller = await h.organization();
const tenant = createTenant(
  { organizationId: caller.organizationId, userId: caller.userId, apiKeyId: 'test', apiKeyPrefix: 'test', scopes: new Set(SCOPES) },
  h.db.prisma,
  createChangeEvents(),
);

const SHAPE = contactFieldsSchema.shape;
const scalars = SCALAR_FIELDS.map((field) => field.name);
const sensitive = new Set(CONTACT_FIELDS.filter((field) => field.sensitive).map((field) => field.name));

const POOL = [['first', 'second'], true, 'Sample text', '1990-01-02', 'en-GB', 'https://www.linkedin.com/in/sample-person', 'sample@example.com'];
const OTHER_POOL = [['third'], false, 'Other text', '1991-03-04', 'de-CH', 'https://www.linkedin.com/in/other-person', 'other@example.com'];

function enumOptions(schema: z.ZodType): string[] | null {
  let inner: z.ZodType = schema;
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodNullable) inner = inner.unwrap() as z.ZodType;
  return inner instanceof z.ZodEnum ? (inner.options as string[]) : null;
}

/** A value of `name` its schema takes (INVOICE for the type, which allows every field); `other` a second, different one. */
function sample(name: ContactFieldName, other = false): unknown {
  const options = enumOptions(SHAPE[name]);
  const pool = options ? (name === 'type' ? ['INVOICE'] : [options.at(other ? -2 : -1)]) : other ? OTHER_POOL : POOL;
  const value = pool.find((candidate) => {
    const parsed = SHAPE[name].safeParse(candidate);
    return parsed.success && parsed.data !== null && parsed.data !== undefined;
  });
  if (value === undefined) throw new Error(`no sample value for ${name}: add one its schema takes to the pool`);
  return value;
}

const everyScalar = (other = false) => Object.fromEntries(scalars.map((name) => [name, sample(name, other)])) as ContactFieldsInput;

async function created(input: ContactFieldsInput) {
  const result = await createContact(tenant, input);
  expect(result).toMatchObject({ ok: true });
  return (result as { value: { id: string } }).value.id;
}

const stored = async (id: string) => h.db.prisma.contact.findUniqueOrThrow({ where: { id }, ...exportQuery });

describe('the contact field registry', () => {
  it('has every field of the schema, in its order; the scalars have a CSV column and a JSONL key', () => {
    expect(CONTACT_FIELDS.map((field) => field.name)).toEqual(Object.keys(SHAPE));
    expect([...JSONL_FIELDS].sort()).toEqual(Object.keys(SHAPE).sort());
    for (const name of scalars) {
      expect(IMPORT_COLUMNS, name).toContain(name);
      if (sensitive.has(name)) expect(EXPORT_COLUMNS, name).not.toContain(name);
      else expect(EXPORT_COLUMNS, name).toContain(name);
    }
    expect(new Set(EXPORT_COLUMNS).size).toBe(EXPORT_COLUMNS.length);
  });

  it('every field is in the GraphQL inputs, every scalar on the Contact type', () => {
    const fieldsOf = (type: string) => Object.keys((schema.getType(type) as GraphQLInputObjectType | GraphQLObjectType).getFields());
    for (const name of Object.keys(SHAPE)) {
      expect(fieldsOf('CreateContactInput'), name).toContain(name);
      expect(fieldsOf('ContactPatch'), name).toContain(name);
    }
    for (const name of scalars) expect(fieldsOf('Contact'), name).toContain(name);
  });

  it('an update reports a change of every scalar but the type (which cannot change)', async () => {
    const id = encodeId('Contact', await created({ type: 'INVOICE', firstName: 'Before' }));
    for (const name of scalars.filter((n) => n !== 'type')) {
      const result = await updateContact(tenant, { id, patch: { [name]: sample(name, true) } });
      expect(result.ok && result.value.changedFields, name).toContain(name); // a name part changes the derived fullName too
    }
  });

  it('a merge fills every scalar the target lacks, and reports every one it has as a conflict', async () => {
    const names = new Set(['firstName', 'middleName', 'lastName', 'fullName']);
    expect(scalars.filter((name) => !MERGE_FILLED_FIELDS.includes(name))).toEqual(['type', ...names, 'tags']);

    const source = everyScalar();
    const target = await created({ type: 'INVOICE', firstName: 'Target' });
    const sourceId = await created(source);
    const before = storedScalars(await stored(sourceId)) as Record<string, unknown>;
    const merged = await mergeContacts(tenant, { targetId: encodeId('Contact', target), sourceIds: [encodeId('Contact', sourceId)] });
    expect(merged.ok && merged.value.conflicts.map((c) => c.field)).toEqual([...names]);
    const after = storedScalars(await stored(target)) as Record<string, unknown>;
    for (const name of MERGE_FILLED_FIELDS) expect(after[name], name).toEqual(before[name]);

    const kept = await created(everyScalar(true));
    const conflicting = await mergeContacts(tenant, { targetId: encodeId('Contact', kept), sourceIds: [encodeId('Contact', await created(source))] });
    const fields = conflicting.ok ? conflicting.value.conflicts.map((c) => c.field) : [];
    for (const name of MERGE_FILLED_FIELDS) expect(fields, name).toContain(name);
  });

  it('CSV export and import round-trip every scalar but the sensitive ones, which are never exported', async () => {
    const id = await created(everyScalar());
    const original = storedScalars(await stored(id)) as Record<string, unknown>;
    const directory = await loadDirectory(h.db.prisma, caller.organizationId);
    const header = exportHeader(directory, []);
    const row = contactToCsv(await stored(id), directory, header);
    for (const name of EXPORT_COLUMNS.filter((column) => scalars.includes(column as ContactFieldName))) {
      expect(row[header.indexOf(name)], name).not.toBe('');
    }

    const converted = rowToInput(parseHeader(header), row);
    expect(converted.failures).toEqual([]);
    const again = storedScalars(await stored(await created(converted.input as ContactFieldsInput))) as Record<string, unknown>;
    for (const name of scalars) expect(again[name], name).toEqual(sensitive.has(name) ? null : original[name]);

    for (const name of sensitive) {
      expect(() => parseHeader([name])).toThrow(MappingError);
      expect(rowToInput(parseHeader([name], { allowSensitive: true }), [String(sample(name))]).input[name]).toBe(sample(name));
    }
  });

  it('JSONL export and import round-trip every scalar but the sensitive ones', async () => {
    const id = await created(everyScalar());
    const original = storedScalars(await stored(id)) as Record<string, unknown>;
    const directory = await loadDirectory(h.db.prisma, caller.organizationId);
    const line = JSON.parse(JSON.stringify(contactToJson(await stored(id), directory))) as Record<string, unknown>;
    for (const name of scalars) expect(name in line, name).toBe(!sensitive.has(name));

    expect(resolveNames(directory, line, false).failures).toEqual([]);
    const again = storedScalars(await stored(await created(line as ContactFieldsInput))) as Record<string, unknown>;
    for (const name of scalars) expect(again[name], name).toEqual(sensitive.has(name) ? null : original[name]);
  });
});

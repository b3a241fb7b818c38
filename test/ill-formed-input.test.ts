import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { createOrganization } from '../src/modules/organization/organization.js';
import { createUser } from '../src/modules/user/user.js';
import { createPostgresDatabase, databaseKind, withDatabase } from './support/database.js';
import { createHarness } from './support/harness.js';
import { runCli } from './support/process.js';
import { graphql, type TextMutationData } from './support/graphql.js';

// Issue 17, item 7: a lone surrogate (JSON's "\ud800") is no text PostgreSQL can hold. It used
// to reach the database as an INTERNAL_SERVER_ERROR (createContacts then lost its valid items,
// upsertContacts committed the items before it yet answered data: null, a JSONL import died),
// or to be stored silently as U+FFFD (company and group names).
const h = await createHarness();
const owner = await h.organization();
const LONE = 'Bad\ud800name';

const CREATE = graphql('mutation($i: CreateContactInput!) { createContact(input: $i) { contact { id } userErrors { code field message } } }');
const BULK = graphql('mutation($i: CreateContactsInput!) { createContacts(input: $i) { results { clientRef contact { id firstName } userErrors { code field } } userErrors { code } } }');
const UPSERTS = graphql('mutation($i: UpsertContactsInput!) { upsertContacts(input: $i) { results { clientRef action contact { id } userErrors { code field } } userErrors { code } } }');

const contactsNamed = (firstName: string) => h.db.prisma.contact.count({ where: { organizationId: owner.organizationId, firstName } });

describe('the API refuses ill-formed UTF-16 as VALIDATION at the string, per item', () => {
  it.each([
    ['a name', { firstName: LONE }, ['firstName']],
    ['a tag', { firstName: 'Tagged', tags: ['ok', LONE] }, ['tags', '1']],
    ['a company named in the contact', { firstName: 'Employed', companies: [{ company: { name: LONE } }] }, ['companies', '0', 'company', 'name']],
    ['an external id', { firstName: 'Referenced', externalRefs: [{ namespace: 'crm', externalId: LONE }] }, ['externalRefs', '0', 'externalId']],
    ['a custom value (any JSON)', { firstName: 'Valued', customFieldValues: [{ field: 'cfd_x', value: { deep: [LONE] } }] }, ['customFieldValues', '0', 'value', 'deep', '0']],
  ])('createContact: %s', async (_what, input, field) => {
    const res = await owner.gql(CREATE, { i: input });
    expect(res.errors).toBeUndefined();
    expect(res.data!.createContact).toEqual({ contact: null, userErrors: [{ code: 'VALIDATION', field, message: expect.stringMatching(/lone UTF-16 surrogate/) }] });
    expect(await contactsNamed(input.firstName)).toBe(0);
  });

  it('createContact: an ill-formed idempotencyKey', async () => {
    const res = await owner.gql(graphql('mutation($i: CreateContactInput!) { createContact(input: $i) { contact { id } userErrors { code field } } }'), {
      i: { firstName: 'Keyed', idempotencyKey: `key-${LONE}` },
    });
    expect(res.data!.createContact).toEqual({ contact: null, userErrors: [{ code: 'VALIDATION', field: ['idempotencyKey'] }] });
    expect(await contactsNamed('Keyed')).toBe(0);
  });

  it('createContacts keeps the valid items and reports the ill-formed one', async () => {
    const res = await owner.gql(BULK, { i: { contacts: [{ clientRef: 'a', firstName: 'Bulk A' }, { clientRef: 'b', firstName: LONE }, { clientRef: 'c', firstName: 'Bulk C' }] } });
    expect(res.errors).toBeUndefined();
    const { results, userErrors } = res.data!.createContacts;
    expect(userErrors).toEqual([]);
    expect(results).toMatchObject([
      { clientRef: 'a', contact: { firstName: 'Bulk A' }, userErrors: [] },
      { clientRef: 'b', contact: null, userErrors: [{ code: 'VALIDATION', field: ['firstName'] }] },
      { clientRef: 'c', contact: { firstName: 'Bulk C' }, userErrors: [] },
    ]);
    expect(await contactsNamed('Bulk A')).toBe(1);
    expect(await contactsNamed('Bulk C')).toBe(1);
  });

  it('upsertContacts answers per item: the valid items are written, the ill-formed ones (fields or lookup) reported', async () => {
    const res = await owner.gql(UPSERTS, {
      i: {
        contacts: [
          { clientRef: 'a', by: { email: 'upsert-a@ill.example' }, firstName: 'Upsert A' },
          { clientRef: 'b', by: { email: 'upsert-b@ill.example' }, firstName: LONE },
          { clientRef: 'c', by: { externalRef: { namespace: 'crm', externalId: LONE } }, firstName: 'Upsert C' },
          { clientRef: 'd', by: { email: 'upsert-d@ill.example' }, firstName: 'Upsert D' },
        ],
      },
    });
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    expect(res.data!.upsertContacts.results).toMatchObject([
      { clientRef: 'a', action: 'CREATED', contact: { id: expect.any(String) }, userErrors: [] },
      { clientRef: 'b', action: null, contact: null, userErrors: [{ code: 'VALIDATION', field: ['firstName'] }] },
      { clientRef: 'c', action: null, contact: null, userErrors: [{ code: 'VALIDATION', field: ['by', 'externalRef', 'externalId'] }] },
      { clientRef: 'd', action: 'CREATED', userErrors: [] },
    ]);
    expect(await contactsNamed('Upsert A')).toBe(1);
    expect(await contactsNamed('Upsert C')).toBe(0);
    expect(await contactsNamed('Upsert D')).toBe(1);
  });

  it('updateContact refuses the patch and changes nothing', async () => {
    const created = await owner.gql(CREATE, { i: { firstName: 'Patched', lastName: 'Before' } });
    expect(created.errors, JSON.stringify(created.errors)).toBeUndefined();
    const id = created.data!.createContact.contact!.id;
    const res = await owner.gql(graphql('mutation($i: UpdateContactInput!) { updateContact(input: $i) { contact { id } userErrors { code field } } }'), {
      i: { id, patch: { lastName: LONE } },
    });
    expect(res.data!.updateContact).toEqual({ contact: null, userErrors: [{ code: 'VALIDATION', field: ['patch', 'lastName'] }] });
    const stored = await h.db.prisma.contact.findFirstOrThrow({ where: { organizationId: owner.organizationId, firstName: 'Patched' } });
    expect(stored).toMatchObject({ lastName: 'Before', version: 1 });
  });

  it.each([
    ['createCompany', 'mutation($i: CreateCompanyInput!) { createCompany(input: $i) { company { id } userErrors { code field } } }', { name: LONE }],
    ['createGroup', 'mutation($i: CreateGroupInput!) { createGroup(input: $i) { group { id } userErrors { code field } } }', { name: LONE }],
  ])('%s refuses an ill-formed name (it was stored as U+FFFD)', async (mutation, query, input) => {
    const res = await owner.gql<TextMutationData>(query, { i: input });
    expect(res.data![mutation]).toMatchObject({ userErrors: [{ code: 'VALIDATION', field: ['name'] }] });
    expect(await h.db.prisma.company.count({ where: { organizationId: owner.organizationId } })).toBe(0);
    expect(await h.db.prisma.group.count({ where: { organizationId: owner.organizationId } })).toBe(0);
  });
});

describe('outside a mutation input there is no item: BAD_USER_INPUT, HTTP 400', () => {
  it.each([
    ['a contacts search', 'query($s: String) { contacts(first: 5, filter: { search: $s }) { edges { node { id } } } }', { s: LONE }],
    ['a companies search', 'query($s: String) { companies(first: 5, search: $s) { edges { node { id } } } }', { s: LONE }],
    ['a lookup key', 'query($e: String!) { contact(by: { email: $e }) { id } }', { e: LONE }],
  ])('%s', async (_what, query, variables) => {
    const res = await owner.gql(query, variables);
    expect(res.status).toBe(400);
    expect(res.errors).toMatchObject([{ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(/lone surrogate/) }]);
    expect(res.data).toBeUndefined();
  });
});

describe('an unexpected fault in a bulk upsert rolls back the whole call', () => {
  it('the items before the fault are not committed', async () => {
    // A real database fault on one row (a trigger raising an error), not a refused input.
    await h.db.sql.exec(`
      CREATE FUNCTION refuse_fault_row() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.first_name = 'Fault Row' THEN RAISE EXCEPTION 'injected fault'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER refuse_fault_row BEFORE INSERT ON contacts FOR EACH ROW EXECUTE FUNCTION refuse_fault_row();`);
    const res = await owner.gql(UPSERTS, {
      i: {
        contacts: [
          { by: { email: 'before-fault@ill.example' }, firstName: 'Before Fault' },
          { by: { email: 'fault@ill.example' }, firstName: 'Fault Row' },
        ],
      },
    });
    expect(res.errors, JSON.stringify(res.errors)).toMatchObject([{ extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
    expect(await contactsNamed('Before Fault')).toBe(0);
    expect(await h.db.prisma.contactEmail.count({ where: { organizationId: owner.organizationId, address: 'before-fault@ill.example' } })).toBe(0);
  });
});

// The CLI in a child process, on its own database (PGlite's folder serves one process at a time).
const dir = mkdtempSync(path.join(tmpdir(), 'contactgraph-ill-formed-'));
const dataDir = path.join(dir, 'data');
const postgres = databaseKind === 'postgres' ? await createPostgresDatabase() : null;
const env = { DATABASE_URL: postgres?.url ?? '', DATA_DIR: dataDir };

describe('contactgraph import of ill-formed rows', () => {
  afterAll(async () => {
    await postgres?.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  const withDb = <T>(work: (db: Database) => Promise<T>) => withDatabase({ url: postgres?.url, dataDir: dataDir }, work);
  const firstNames = (organizationId: string) =>
    withDb(async (db) => (await db.prisma.contact.findMany({ where: { organizationId }, select: { firstName: true } })).map((c) => c.firstName).sort());

  it.each([
    ['creating', []],
    ['upserting by email', ['--upsert-by', 'email']],
  ])('JSONL, %s: the row is reported, the others imported (exit 2)', async (mode, flags) => {
    const org = await withDb(async (db) => {
      const created = await createOrganization(db.prisma, `Ill ${mode}`);
      await createUser(db.prisma, { organizationId: created.id, email: `owner@ill-${flags.length}.example`, fullName: 'Owner' });
      return created;
    });
    const file = path.join(dir, `ill-${flags.length}.jsonl`);
    // JSON.stringify writes a lone surrogate as the escape "\ud800", as a client's file would.
    writeFileSync(
      file,
      [
        { firstName: 'Row One', email: `one-${flags.length}@ill.example` },
        { firstName: LONE, email: `two-${flags.length}@ill.example` },
        { firstName: 'Row Three', email: `three-${flags.length}@ill.example` },
      ]
        .map((row) => JSON.stringify(row))
        .join('\n'),
    );
    expect(readFileSync(file, 'utf8')).toContain('\\ud800');
    const result = await runCli(['import', file, '--org', org.name, ...flags], env);
    expect(result.stderr).not.toMatch(/Error|    at /);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/created {4}2\n/);
    expect(result.stdout).toMatch(/failed {5}1\n/);
    expect(result.stdout).toMatch(/line 2: VALIDATION \(at firstName\): is not well-formed text/);
    expect(await firstNames(org.id)).toEqual(['Row One', 'Row Three']);
  });

  it('JSONL: a line nested 10,000 levels deep is reported as its row, the others imported (exit 2, no stack dump)', async () => {
    const org = await withDb(async (db) => {
      const created = await createOrganization(db.prisma, 'Ill deep');
      await createUser(db.prisma, { organizationId: created.id, email: 'owner@ill-deep.example', fullName: 'Owner' });
      return created;
    });
    const file = path.join(dir, 'ill-deep.jsonl');
    const deep = `{"firstName":"Row Deep","tags":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    writeFileSync(file, [JSON.stringify({ firstName: 'Row One' }), deep, JSON.stringify({ firstName: 'Row Three' })].join('\n'));
    const result = await runCli(['import', file, '--org', org.name], env);
    expect(result.stderr).not.toMatch(/Error|    at /);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/created {4}2\n/);
    expect(result.stdout).toMatch(/line 2: VALIDATION: nests arrays and objects more than 64 levels deep/);
    expect(await firstNames(org.id)).toEqual(['Row One', 'Row Three']);
  });

  it('CSV: a cell that is not UTF-8 (the bytes of an encoded lone surrogate) fails its row, not becoming U+FFFD; the others are imported (exit 2)', async () => {
    const org = await withDb(async (db) => {
      const created = await createOrganization(db.prisma, 'Ill CSV');
      await createUser(db.prisma, { organizationId: created.id, email: 'owner@ill-csv.example', fullName: 'Owner' });
      return created;
    });
    const file = path.join(dir, 'ill.csv');
    const surrogateBytes = Buffer.from([0xed, 0xa0, 0x80]); // "\ud800" as CESU-8/WTF-8 write it
    writeFileSync(
      file,
      Buffer.concat([Buffer.from('\ufefffirstName,lastName\nCsv One,Fine\nCsv Two,'), surrogateBytes, Buffer.from('\nCsv Three,Fine\n')]),
    );
    const result = await runCli(['import', file, '--org', org.name], env);
    expect(result.stderr).not.toMatch(/Error|    at /);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/created {4}2\n/);
    expect(result.stdout).toMatch(/line 3: VALIDATION: the cell of column lastName is not UTF-8 text/);
    expect(await firstNames(org.id)).toEqual(['Csv One', 'Csv Three']);
    const rejected = readFileSync(`${file}.rejects.jsonl`, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(rejected).toMatchObject([{ line: 3, row: { firstName: 'Csv Two' } }]);
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { SCOPES } from '../src/tenant/tenant.js';
import { createApiKey } from '../src/modules/api-key/api-key.js';
import { createOrganization } from '../src/modules/organization/organization.js';
import { createUser } from '../src/modules/user/user.js';
import { createPostgresDatabase, databaseKind, withDatabase } from './support/database.js';
import { type Caller, createHarness, type GraphQLResponse } from './support/harness.js';
import { runCli } from './support/process.js';
import { subscribe } from './support/sse.js';
import { type Document, documentText } from './support/graphql.js';
import { graphql } from './support/graphql.js';

// ssn is written and read only with contacts:sensitive, on every path: each path below is run
// by a key with the scope and by a key of the same organisation without it (read + write).

const h = await createHarness();

/** every ssn value this file stores: none may appear in an answer to a key without the scope */
const SEED_SSN = '900-11-0001';
const OTHER_SSN = '900-22-0002';
const NEW_SSN = '900-33-0003';
const ALL_SSNS = [SEED_SSN, OTHER_SSN, NEW_SSN];

const TABLES = ['contacts', 'contact_emails', 'external_refs', 'companies', 'contact_companies', 'contact_changes', 'idempotency_records'];

/** Every row the organisation has in the tables a contact write touches, as text. */
async function fingerprint(organizationId: string) {
  const out: Record<string, string> = {};
  for (const table of TABLES) {
    const [row] = await h.db.sql.query<{ rows: string }>(
      `SELECT coalesce(string_agg(t::text, '|' ORDER BY t::text), '') AS rows FROM ${table} t WHERE organization_id = $1`,
      [organizationId],
    );
    out[table] = row!.rows;
  }
  return out;
}

const storedSsns = async (organizationId: string) =>
  (await h.db.prisma.contact.findMany({ where: { organizationId }, orderBy: { createdAt: 'asc' }, select: { firstName: true, ssn: true } })).map(
    (c) => [c.firstName, c.ssn],
  );

interface World {
  organizationId: string;
  /** every scope */
  sensitive: Caller;
  /** contacts:read and contacts:write, no contacts:sensitive */
  plain: Caller;
  /** a contact stored with SEED_SSN and the external ref crm/seed */
  seedId: string;
}

/** A new organisation with both keys and one contact holding an ssn. */
async function world(): Promise<World> {
  const sensitive = await h.organization({ scopes: [...SCOPES] });
  const { key } = await createApiKey(h.db.prisma, {
    organizationId: sensitive.organizationId,
    userId: sensitive.userId,
    scopes: ['contacts:read', 'contacts:write'],
  });
  const plain: Caller = {
    key,
    organizationId: sensitive.organizationId,
    userId: sensitive.userId,
    gql: async (document: Document<unknown, never>, variables?: unknown) => {
      const query = documentText(document);
      // the harness' caller waits for the feed to settle; borrow it
      if (query.includes('contactChanges')) await sensitive.gql(graphql('{ contactChanges(first: 1) { endCursor } }'));
      return h.request({ query, variables }, { authorization: `Bearer ${key}` });
    },
  };
  const seeded = await sensitive.gql(
    graphql('mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } userErrors { code } } }'),
    { input: { firstName: 'Seed', lastName: 'Person', ssn: SEED_SSN, externalRefs: [{ namespace: 'crm', externalId: 'seed' }] } },
  );
  expect(seeded.data!.createContact.userErrors).toEqual([]);
  return { organizationId: sensitive.organizationId, sensitive, plain, seedId: seeded.data!.createContact.contact!.id };
}

const createTwin = async (w: World, firstName: string, ssn: string) => {
  const res = await w.sensitive.gql(graphql('mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } userErrors { code } } }'), {
    input: { firstName, lastName: 'Person', ssn },
  });
  expect(res.data!.createContact.userErrors).toEqual([]);
  return res.data!.createContact.contact!.id as string;
};

/** The refusal: one FORBIDDEN error naming the input path, no data (every payload is non-null). */
function expectRefused(res: GraphQLResponse, field: string[]) {
  expect(res.status).toBe(200);
  expect(res.data ?? null).toBeNull();
  expect(res.errors?.map((e) => ({ code: e.extensions?.code, field: e.extensions?.field }))).toEqual([{ code: 'FORBIDDEN', field }]);
  expect(res.errors![0]!.message).toContain('contacts:sensitive');
  expect(res.errors![0]!.message).toContain(`input.${field.join('.')}`);
}

const CREATE = graphql('mutation($input: CreateContactInput!) { createContact(input: $input) { contact { firstName ssn } userErrors { code field } } }');
const CREATE_MANY = graphql('mutation($input: CreateContactsInput!) { createContacts(input: $input) { results { contact { firstName ssn } userErrors { code } } userErrors { code } } }');
const UPDATE = graphql('mutation($input: UpdateContactInput!) { updateContact(input: $input) { contact { ssn } changedFields userErrors { code } } }');
const UPSERT = graphql('mutation($input: UpsertContactInput!) { upsertContact(input: $input) { action contact { ssn } changedFields userErrors { code } } }');
const UPSERT_MANY = graphql('mutation($input: UpsertContactsInput!) { upsertContacts(input: $input) { results { action contact { firstName } userErrors { code } } userErrors { code } } }');
const MERGE = graphql('mutation($input: MergeContactsInput!) { mergeContacts(input: $input) { changedFields dryRun conflicts { field kept discarded } userErrors { code } } }');
const FEED = graphql('{ contactChanges(first: 100) { changes { changeType changedFields contact { firstName ssn } } } }');

interface PathCase<Data = unknown> {
  name: string;
  /** a write naming ssn: refused as a whole without the scope */
  refusedAt?: string[];
  run(w: World, caller: Caller): Promise<GraphQLResponse<Data>>;
  /** what the key with contacts:sensitive sees, and what it wrote */
  withScope(res: GraphQLResponse<Data>, w: World): Promise<void> | void;
  /** for paths that are not refused: what the key without the scope sees */
  withoutScope?(res: GraphQLResponse<Data>, w: World): Promise<void> | void;
}

/** A case whose checks read the answer of its own document (`run` types `res`). */
const pathCase = <Data>(path: PathCase<Data>): PathCase => path;

const mergeCase = (dryRun: boolean): PathCase => {
  let twin = '';
  return pathCase({
    name: `mergeContacts${dryRun ? ' (dry run)' : ''}: the ssn conflict is reported, its values only with the scope`,
    async run(w, caller) {
      twin = await createTwin(w, 'Twin', OTHER_SSN);
      return caller.gql(MERGE, { input: { targetId: w.seedId, sourceIds: [twin], dryRun } });
    },
    async withScope(res, w) {
      expect(res.errors).toBeUndefined();
      expect(res.data!.mergeContacts.conflicts).toContainEqual({ field: 'ssn', kept: SEED_SSN, discarded: OTHER_SSN });
      expect(res.data!.mergeContacts.dryRun).toBe(dryRun);
      expect(await storedSsns(w.organizationId)).toEqual([['Seed', SEED_SSN], dryRun ? ['Twin', OTHER_SSN] : [null, null]]);
    },
    async withoutScope(res, w) {
      expect(res.errors).toBeUndefined();
      expect(res.data!.mergeContacts.conflicts).toContainEqual({ field: 'ssn', kept: null, discarded: null });
      expect(res.data!.mergeContacts.userErrors).toEqual([]);
      // the merge itself is allowed (it names no ssn): the target keeps its own, the source is a tombstone (no names, no ssn)
      expect(await storedSsns(w.organizationId)).toEqual([['Seed', SEED_SSN], dryRun ? ['Twin', OTHER_SSN] : [null, null]]);
    },
  });
};

const CASES: PathCase[] = [
  pathCase({
    name: 'createContact with an ssn',
    refusedAt: ['ssn'],
    run: (_w, caller) => caller.gql(CREATE, { input: { firstName: 'New', ssn: NEW_SSN } }),
    async withScope(res, w) {
      expect(res.data!.createContact).toEqual({ contact: { firstName: 'New', ssn: NEW_SSN }, userErrors: [] });
      expect(await storedSsns(w.organizationId)).toEqual([['Seed', SEED_SSN], ['New', NEW_SSN]]);
    },
  }),
  pathCase({
    name: 'createContact with ssn: null (a key present counts)',
    refusedAt: ['ssn'],
    run: (_w, caller) => caller.gql(CREATE, { input: { firstName: 'New', ssn: null } }),
    withScope(res) {
      expect(res.data!.createContact).toEqual({ contact: { firstName: 'New', ssn: null }, userErrors: [] });
    },
  }),
  pathCase({
    name: 'createContacts where one item of two names ssn (the whole batch is refused)',
    refusedAt: ['contacts', '1', 'ssn'],
    run: (_w, caller) => caller.gql(CREATE_MANY, { input: { contacts: [{ firstName: 'One' }, { firstName: 'Two', ssn: NEW_SSN }] } }),
    async withScope(res, w) {
      expect(res.data!.createContacts.results.map((r: { contact: unknown }) => r.contact)).toEqual([{ firstName: 'One', ssn: null }, { firstName: 'Two', ssn: NEW_SSN }]);
      expect(await storedSsns(w.organizationId)).toEqual([['Seed', SEED_SSN], ['One', null], ['Two', NEW_SSN]]);
    },
  }),
  pathCase({
    name: 'updateContact patching ssn',
    refusedAt: ['patch', 'ssn'],
    run: (w, caller) => caller.gql(UPDATE, { input: { id: w.seedId, patch: { ssn: NEW_SSN } } }),
    async withScope(res, w) {
      expect(res.data!.updateContact).toEqual({ contact: { ssn: NEW_SSN }, changedFields: ['ssn'], userErrors: [] });
      expect(await storedSsns(w.organizationId)).toEqual([['Seed', NEW_SSN]]);
    },
  }),
  pathCase({
    name: 'updateContact clearing ssn (null)',
    refusedAt: ['patch', 'ssn'],
    run: (w, caller) => caller.gql(UPDATE, { input: { id: w.seedId, patch: { ssn: null } } }),
    async withScope(res, w) {
      expect(res.data!.updateContact).toEqual({ contact: { ssn: null }, changedFields: ['ssn'], userErrors: [] });
      expect(await storedSsns(w.organizationId)).toEqual([['Seed', null]]);
    },
  }),
  pathCase({
    name: 'upsertContact of an existing contact with an ssn',
    refusedAt: ['ssn'],
    run: (_w, caller) => caller.gql(UPSERT, { input: { by: { externalRef: { namespace: 'crm', externalId: 'seed' } }, ssn: NEW_SSN } }),
    async withScope(res, w) {
      expect(res.data!.upsertContact).toEqual({ action: 'UPDATED', contact: { ssn: NEW_SSN }, changedFields: ['ssn'], userErrors: [] });
      expect(await storedSsns(w.organizationId)).toEqual([['Seed', NEW_SSN]]);
    },
  }),
  pathCase({
    name: 'upsertContact creating a contact with an ssn',
    refusedAt: ['ssn'],
    run: (_w, caller) => caller.gql(UPSERT, { input: { by: { externalRef: { namespace: 'crm', externalId: 'new' } }, firstName: 'New', ssn: NEW_SSN } }),
    async withScope(res, w) {
      expect(res.data!.upsertContact).toMatchObject({ action: 'CREATED', contact: { ssn: NEW_SSN }, userErrors: [] });
      expect(await storedSsns(w.organizationId)).toEqual([['Seed', SEED_SSN], ['New', NEW_SSN]]);
    },
  }),
  pathCase({
    name: 'upsertContacts where the second item names ssn (the first is not applied either)',
    refusedAt: ['contacts', '1', 'ssn'],
    run: (_w, caller) =>
      caller.gql(UPSERT_MANY, {
        input: {
          contacts: [
            { by: { externalRef: { namespace: 'crm', externalId: 'first' } }, firstName: 'First' },
            { by: { externalRef: { namespace: 'crm', externalId: 'seed' } }, ssn: NEW_SSN },
          ],
        },
      }),
    async withScope(res, w) {
      expect(res.data!.upsertContacts.results.map((r) => r.action)).toEqual(['CREATED', 'UPDATED']);
      expect(await storedSsns(w.organizationId)).toEqual([['Seed', NEW_SSN], ['First', null]]);
    },
  }),
  mergeCase(true),
  mergeCase(false),
  pathCase({
    name: 'contactChanges: an ssn change is named in changedFields, its value only on Contact.ssn with the scope',
    async run(w, caller) {
      const updated = await w.sensitive.gql(UPDATE, { input: { id: w.seedId, patch: { ssn: NEW_SSN } } });
      expect(updated.data!.updateContact.changedFields).toEqual(['ssn']);
      return caller.gql(FEED);
    },
    withScope(res) {
      expect(res.errors).toBeUndefined();
      expect(res.data!.contactChanges.changes.map((c: { changedFields: string[] }) => c.changedFields)).toEqual([[], ['ssn']]);
      expect(res.data!.contactChanges.changes[1]!.contact).toEqual({ firstName: 'Seed', ssn: NEW_SSN });
    },
    withoutScope(res) {
      expect(res.data!.contactChanges.changes.map((c: { changeType: string; changedFields: string[]; contact: unknown }) => [c.changeType, c.changedFields, c.contact])).toEqual([
        ['CREATED', [], { firstName: 'Seed', ssn: null }],
        ['UPDATED', ['ssn'], { firstName: 'Seed', ssn: null }],
      ]);
      expect(res.errors?.map((e) => [e.extensions?.code, e.path?.at(-1)])).toEqual([['FORBIDDEN', 'ssn'], ['FORBIDDEN', 'ssn']]);
    },
  }),
  pathCase({
    name: 'the contactChanged subscription event',
    async run(w, caller) {
      const sub = await subscribe(
        (input, init) => Promise.resolve(h.app.fetch(input, init)),
        'http://test/graphql',
        caller.key,
        graphql('subscription { contactChanged { changeType changedFields contact { firstName ssn } } }'),
      );
      try {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const updated = await w.sensitive.gql(UPDATE, { input: { id: w.seedId, patch: { ssn: NEW_SSN } } });
        expect(updated.data!.updateContact.userErrors).toEqual([]);
        const [event] = await sub.waitFor(1);
        return { status: 200, headers: new Headers(), ...event };
      } finally {
        sub.close();
      }
    },
    withScope(res) {
      expect(res.errors).toBeUndefined();
      expect(res.data!.contactChanged).toEqual({ changeType: 'UPDATED', changedFields: ['ssn'], contact: { firstName: 'Seed', ssn: NEW_SSN } });
    },
    withoutScope(res) {
      expect(res.data!.contactChanged).toEqual({ changeType: 'UPDATED', changedFields: ['ssn'], contact: { firstName: 'Seed', ssn: null } });
      expect(res.errors?.map((e) => [e.extensions?.code, e.path?.at(-1)])).toEqual([['FORBIDDEN', 'ssn']]);
    },
  }),
];

describe('ssn on every API path, with and without contacts:sensitive', () => {
  for (const path of CASES) {
    it(`${path.name} — with contacts:sensitive`, async () => {
      const w = await world();
      const res = await path.run(w, w.sensitive);
      await path.withScope(res, w);
    });

    it(`${path.name} — without: ${path.refusedAt ? 'FORBIDDEN, nothing written' : 'no ssn value shown'}`, async () => {
      const w = await world();
      const before = await fingerprint(w.organizationId);
      const res = await path.run(w, w.plain);
      if (path.refusedAt) {
        expectRefused(res, path.refusedAt);
        expect(await fingerprint(w.organizationId)).toEqual(before);
      } else {
        await path.withoutScope!(res, w);
      }
      for (const ssn of ALL_SSNS) expect(JSON.stringify(res)).not.toContain(ssn);
    });
  }
});

describe('the upsert is no oracle for a stored ssn', () => {
  it('answers a key without contacts:sensitive the same for a right and a wrong guess, and writes nothing', async () => {
    const w = await world();
    const before = await fingerprint(w.organizationId);
    const by = { externalRef: { namespace: 'crm', externalId: 'seed' } };
    const right = await w.plain.gql(UPSERT, { input: { by, ssn: SEED_SSN } });
    const wrong = await w.plain.gql(UPSERT, { input: { by, ssn: OTHER_SSN } });
    expectRefused(right, ['ssn']);
    expect(wrong).toEqual({ ...right, headers: wrong.headers });
    // the same through updateContact, and for a foreign or missing contact
    const patchRight = await w.plain.gql(UPDATE, { input: { id: w.seedId, patch: { ssn: SEED_SSN } } });
    const patchWrong = await w.plain.gql(UPDATE, { input: { id: w.seedId, patch: { ssn: OTHER_SSN } } });
    const patchMissing = await w.plain.gql(UPDATE, { input: { id: 'con_01890000-0000-7000-8000-000000000000', patch: { ssn: SEED_SSN } } });
    for (const res of [patchRight, patchWrong, patchMissing]) expectRefused(res, ['patch', 'ssn']);
    expect(new Set([patchRight, patchWrong, patchMissing].map((r) => JSON.stringify(r.errors))).size).toBe(1);
    expect(await fingerprint(w.organizationId)).toEqual(before);
  });

  it('a key with the scope may tell them apart: it may read the ssn anyway', async () => {
    const w = await world();
    const by = { externalRef: { namespace: 'crm', externalId: 'seed' } };
    expect((await w.sensitive.gql(UPSERT, { input: { by, ssn: SEED_SSN } })).data!.upsertContact.action).toBe('NOOP');
    expect((await w.sensitive.gql(UPSERT, { input: { by, ssn: OTHER_SSN } })).data!.upsertContact.action).toBe('UPDATED');
  });
});

// The CLI acts with no API key: it writes ssn only when told to (--allow-sensitive), and its
// export never writes ssn. The real CLI in a child process, on a database of its own (PGlite's
// data folder serves one process at a time: opened here only between CLI runs).
describe('the CLI import and export', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'contactgraph-sensitive-'));
  let postgres: Awaited<ReturnType<typeof createPostgresDatabase>> | null = null;
  let env: Record<string, string> = {};
  const cli = (...args: string[]) => runCli(args, env);
  const file = (name: string, text: string) => {
    const target = path.join(dir, name);
    writeFileSync(target, text);
    return target;
  };
  const withDb = <T>(work: (db: Database) => Promise<T>) => withDatabase({ url: postgres?.url, dataDir: path.join(dir, 'data') }, work);
  const ssnsOf = (name: string) =>
    withDb(async (db) => {
      const org = await db.prisma.organization.findUniqueOrThrow({ where: { name } });
      return (await db.prisma.contact.findMany({ where: { organizationId: org.id }, orderBy: { lastName: 'asc' } })).map((c) => [c.lastName, c.ssn]);
    });

  beforeAll(async () => {
    postgres = databaseKind === 'postgres' ? await createPostgresDatabase() : null;
    env = { DATABASE_URL: postgres?.url ?? '', DATA_DIR: path.join(dir, 'data') };
    await withDb(async (db) => {
      for (const name of ['CsvPlain', 'CsvSensitive', 'JsonlPlain', 'JsonlSensitive', 'Upsert', 'Export']) {
        const org = await createOrganization(db.prisma, name);
        await createUser(db.prisma, { organizationId: org.id, email: `owner@${name.toLowerCase()}.example`, fullName: 'Owner' });
      }
    });
  });
  afterAll(async () => {
    await postgres?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const CSV = ['firstName,lastName,SSN', `Ada,Lovelace,${SEED_SSN}`, 'Charles,Babbage,'].join('\n');
  const JSONL = [
    JSON.stringify({ firstName: 'Ada', lastName: 'Lovelace', ssn: SEED_SSN }),
    JSON.stringify({ firstName: 'Grace', lastName: 'Hopper', ssn: null }),
    JSON.stringify({ firstName: 'Charles', lastName: 'Babbage' }),
  ].join('\n');

  it('CSV with an ssn column, without --allow-sensitive: refused before any row (exit 1), nothing written', async () => {
    const result = await cli('import', file('plain.csv', CSV), '--org', 'CsvPlain');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/the column "SSN" is sensitive data: import it with --allow-sensitive/);
    expect(await ssnsOf('CsvPlain')).toEqual([]);
  });

  it('CSV with an ssn column and --allow-sensitive: written (an empty cell is absent)', async () => {
    const result = await cli('import', file('sensitive.csv', CSV), '--org', 'CsvSensitive', '--allow-sensitive');
    expect(result.code).toBe(0);
    expect(await ssnsOf('CsvSensitive')).toEqual([['Babbage', null], ['Lovelace', SEED_SSN]]);
  });

  it('JSONL rows naming ssn (null included), without --allow-sensitive: those rows fail FORBIDDEN (exit 2), the others are written', async () => {
    const source = file('plain.jsonl', JSONL);
    const result = await cli('import', source, '--org', 'JsonlPlain');
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/created {4}1\n/);
    expect(result.stdout).toMatch(/line 1: FORBIDDEN \(at ssn\): ssn is sensitive data: import it with --allow-sensitive/);
    expect(result.stdout).toMatch(/line 2: FORBIDDEN \(at ssn\)/);
    const rejects = readFileSync(`${source}.rejects.jsonl`, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(rejects.map((r) => [r.line, r.errors.map((e: { code: string }) => e.code)])).toEqual([[1, ['FORBIDDEN']], [2, ['FORBIDDEN']]]);
    expect(await ssnsOf('JsonlPlain')).toEqual([['Babbage', null]]);
  });

  it('JSONL rows naming ssn with --allow-sensitive: written', async () => {
    const result = await cli('import', file('sensitive.jsonl', JSONL), '--org', 'JsonlSensitive', '--allow-sensitive');
    expect(result.code).toBe(0);
    expect(await ssnsOf('JsonlSensitive')).toEqual([['Babbage', null], ['Hopper', null], ['Lovelace', SEED_SSN]]);
  });

  it('--upsert-by without --allow-sensitive: a row naming the stored ssn fails like any other (no "unchanged" oracle)', async () => {
    const seed = JSON.stringify({ lastName: 'Lovelace', ssn: SEED_SSN, externalRefs: [{ namespace: 'crm', externalId: 'ada' }] });
    expect((await cli('import', file('seed.jsonl', seed), '--org', 'Upsert', '--allow-sensitive')).code).toBe(0);
    const guesses = [
      JSON.stringify({ lastName: 'Lovelace', ssn: SEED_SSN, externalRefs: [{ namespace: 'crm', externalId: 'ada' }] }),
      JSON.stringify({ lastName: 'Lovelace', ssn: OTHER_SSN, externalRefs: [{ namespace: 'crm', externalId: 'ada' }] }),
    ].join('\n');
    const result = await cli('import', file('guesses.jsonl', guesses), '--org', 'Upsert', '--upsert-by', 'externalRef:crm');
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/created {4}0\n {2}updated {4}0\n {2}unchanged {2}0\n {2}failed {5}2/);
    expect(await ssnsOf('Upsert')).toEqual([['Lovelace', SEED_SSN]]);
  });

  it('export never writes ssn, in CSV or JSONL', async () => {
    expect((await cli('import', file('export-seed.jsonl', JSONL), '--org', 'Export', '--allow-sensitive')).code).toBe(0);
    for (const format of ['csv', 'jsonl']) {
      const result = await cli('export', '--org', 'Export', '--format', format);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Lovelace');
      expect(result.stdout).not.toContain(SEED_SSN);
      expect(result.stdout.toLowerCase()).not.toContain('ssn');
    }
  });
});

import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { type App, createApp } from '../src/yoga.js';
import { createHarness } from './support/harness.js';
import { graphql } from './support/graphql.js';

// the key stays warm for the whole file: statement counts do not depend on the time between requests
const h = await createHarness({ apiKeyCache: { ttlMs: 60 * 60_000 } });
const owner = await h.organization();

const BULK_TEXT = `mutation($input: CreateContactsInput!) {
  createContacts(input: $input) {
    results { clientRef contact { id fullName companies { company { id name } } } companyResolutions { index action company { id } } userErrors { code field message existingId } }
    userErrors { code field message }
  }
}`;
const BULK = graphql(BULK_TEXT);
const CREATE = graphql(`mutation($input: CreateContactInput!) {
  createContact(input: $input) {
    contact { id fullName }
    companyResolutions { index action name company { id name } }
    userErrors { code field message existingId }
  }
}`);

const count = (model: 'contact' | 'company' | 'contactEmail') =>
  (h.db.prisma[model] as { count: (a: object) => Promise<number> }).count({ where: { organizationId: owner.organizationId } });

describe('createContacts (bulk)', () => {
  it('creates items in input order, echoing clientRef, and resolves a company named by several items once', async () => {
    const contacts = Array.from({ length: 30 }, (_, i) => ({
      clientRef: `row-${i}`,
      firstName: `Bulk${i}`,
      email: `bulk${i}@bulk.example`,
      companies: [{ company: { name: i % 2 ? 'Shared Bulk Co' : ' shared bulk co ' } }],
    }));
    await owner.gql(graphql('{ __typename }')); // warms the key
    const { result, statements } = await h.statementsOf(() => owner.gql(BULK, { input: { contacts } }));
    const { results, userErrors } = result.data!.createContacts;
    expect(userErrors).toEqual([]);
    expect(results.map((r) => r.clientRef)).toEqual(contacts.map((c) => c.clientRef));
    expect(results.every((r: { userErrors: unknown[] }) => r.userErrors.length === 0)).toBe(true);
    expect(new Set(results.map((r) => r.contact!.companies[0]!.company.id)).size).toBe(1);
    expect(results.filter((r: { companyResolutions: { action: string }[] }) => r.companyResolutions[0]!.action === 'CREATED')).toHaveLength(1);
    // The whole batch is a fixed number of statements, not one per item: with the key warm (no
    // auth statement), the shared lookups (companies, emails), the bulk writes' statement timeout,
    // the new company's INSERT, one INSERT of the contacts with everything they own, COMMIT, and
    // the read-back of the contacts with their companies (`companyResolutions { company { id } }`
    // is answered unread).
    expect(statements.length).toBe(7);
  });

  describe('bulk writes at once in one process (BULK_CONCURRENCY)', () => {
    /** Two 3-item createContacts calls sent together; the SQL the process sent meanwhile. */
    async function twoBatchesAgainst(send: (body: string) => Promise<Response>, tag: string) {
      const batch = (n: number) => ({
        query: BULK_TEXT,
        variables: { input: { contacts: Array.from({ length: 3 }, (_, i) => ({ firstName: `${tag}${n}-${i}`, email: `${tag}${n}-${i}@slots.example` })) } },
      });
      await send(JSON.stringify({ query: '{ viewer { scopes } }' })); // a warm app: its first request compiles caches
      const { result, statements } = await h.statementsOf(() =>
        Promise.all([1, 2].map((n) => send(JSON.stringify(batch(n))).then((r) => r.json()))),
      );
      for (const answer of result) expect(answer.data.createContacts.userErrors).toEqual([]);
      const emailLookups = statements.flatMap((sql, at) => (/FROM contact_emails e\b/.test(sql) ? [at] : []));
      const commits = statements.flatMap((sql, at) => (/COMMIT/.test(sql) ? [at] : []));
      expect(emailLookups).toHaveLength(2);
      expect(commits).toHaveLength(2);
      return { secondLookup: emailLookups[1]!, firstCommit: commits[0]! };
    }
    const post = (app: App) => async (body: string) =>
      app.fetch('http://test/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.key}` }, body });

    it('with one slot, a second call starts only when the first has committed', async () => {
      const oneAtATime = createApp({ db: h.db, log: createLogger('silent'), bulkConcurrency: 1 });
      const { secondLookup, firstCommit } = await twoBatchesAgainst(post(oneAtATime), 'one');
      expect(secondLookup).toBeGreaterThan(firstCommit);
    });

    it('with two slots (the default), two calls are prepared side by side', async () => {
      const { secondLookup, firstCommit } = await twoBatchesAgainst(post(h.app), 'two');
      expect(secondLookup).toBeLessThan(firstCommit);
    });
  });

  it('answers a payload selecting only `contact { id }` from the write, reading no contact back; any other field reads it', async () => {
    const contacts = Array.from({ length: 50 }, (_, i) => ({ firstName: 'Unread', lastName: `U${i}` }));
    const idOnly = graphql('mutation($input: CreateContactsInput!) { createContacts(input: $input) { results { contact { __typename id } } } }');
    const { result, statements } = await h.statementsOf(() => owner.gql(idOnly, { input: { contacts } }));
    const ids = result.data!.createContacts.results.map((r) => r.contact!.id);
    expect(ids).toHaveLength(50);
    expect(result.data!.createContacts.results.every((r) => r.contact!.__typename === 'Contact')).toBe(true);
    expect(statements.filter((sql) => /^SELECT\b[\s\S]*\bFROM "public"."contacts"/.test(sql))).toEqual([]);
    // the ids are the contacts written
    const read = await owner.gql(graphql('query($ids: [ID!]!) { nodes(ids: $ids) { ... on Contact { id lastName } } }'), { ids });
    expect(read.data!.nodes.map((n) => (n as { lastName: string }).lastName)).toEqual(contacts.map((c) => c.lastName));
    // a field besides id, or a fragment, reads the contacts back
    for (const selection of ['id lastName', '... on Contact { id }']) {
      const text = `mutation($input: CreateContactsInput!) { createContacts(input: $input) { results { contact { ${selection} } } } }`;
      const again = await h.statementsOf(() => owner.gql(graphql(text), { input: { contacts: [{ firstName: 'Read', lastName: selection }] } }));
      expect(again.statements.filter((sql) => /^SELECT\b[\s\S]*\bFROM "public"."contacts"/.test(sql)), selection).toHaveLength(1);
    }
  });

  it('keeps a failing item out and writes the others; error paths start at the item', async () => {
    const before = await count('contact');
    const res = await owner.gql(BULK, {
      input: {
        contacts: [
          { clientRef: 'ok', firstName: 'Fine' },
          { clientRef: 'bad', firstName: 'Bad', emails: [{ address: 'nope' }] },
          { clientRef: 'dup-a', firstName: 'A', email: 'dup@bulk.example' },
          { clientRef: 'dup-b', firstName: 'B', email: 'DUP@bulk.example' },
        ],
      },
    });
    const [ok, bad, dupA, dupB] = res.data!.createContacts.results;
    expect(ok!.contact).not.toBeNull();
    expect(bad).toMatchObject({ contact: null, userErrors: [{ code: 'VALIDATION', field: ['emails', '0', 'address'] }] });
    expect(dupA!.contact).not.toBeNull();
    expect(dupB).toMatchObject({ contact: null, userErrors: [{ code: 'DUPLICATE', field: ['email'], message: expect.stringMatching(/item 2/) }] });
    expect(await count('contact')).toBe(before + 2);
  });

  it('with allOrNone, one bad item writes nothing at all', async () => {
    const before = { contacts: await count('contact'), companies: await count('company') };
    const res = await owner.gql(BULK, {
      input: {
        allOrNone: true,
        contacts: [
          { clientRef: 'a', firstName: 'Would', companies: [{ company: { name: 'Never Created Co' } }] },
          { clientRef: 'b', firstName: 'x'.repeat(501) },
        ],
      },
    });
    const [a, b] = res.data!.createContacts.results;
    expect(a!.contact).toBeNull();
    expect(a!.userErrors).toEqual([]);
    expect(b!.userErrors[0]).toMatchObject({ code: 'VALIDATION', field: ['firstName'] });
    expect({ contacts: await count('contact'), companies: await count('company') }).toEqual(before);
  });

  it('refuses more than 500 items with LIMIT_EXCEEDED and writes nothing', async () => {
    const before = await count('contact');
    const res = await owner.gql(BULK, { input: { contacts: Array.from({ length: 501 }, (_, i) => ({ firstName: `Too${i}` })) } });
    expect(res.data!.createContacts).toEqual({ results: [], userErrors: [{ code: 'LIMIT_EXCEEDED', field: ['contacts'], message: 'at most 500 contacts per call' }] });
    expect(await count('contact')).toBe(before);
  });

  it('creates 500 items in one call', async () => {
    const before = await count('contact');
    const res = await owner.gql(BULK, { input: { contacts: Array.from({ length: 500 }, (_, i) => ({ firstName: 'Max', lastName: `${i}`, email: `max${i}@bulk.example` })) } });
    expect(res.data!.createContacts.results.every((r: { contact: unknown }) => r.contact)).toBe(true);
    expect(await count('contact')).toBe(before + 500);
  });
});

describe('createContact extras', () => {
  it('dryRun validates and resolves companies, reports what would be created, writes nothing', async () => {
    await owner.gql(CREATE, { input: { firstName: 'Seed', companies: [{ company: { name: 'Existing Dry Co' } }] } });
    const before = { contacts: await count('contact'), companies: await count('company') };
    const res = await owner.gql(CREATE, {
      input: { dryRun: true, firstName: 'Dry', companies: [{ company: { name: 'existing dry co' } }, { company: { name: 'Brand New Dry Co' } }] },
    });
    const payload = res.data!.createContact;
    expect(payload.contact).toBeNull();
    expect(payload.userErrors).toEqual([]);
    expect(payload.companyResolutions).toEqual([
      { index: 0, action: 'MATCHED', name: null, company: { id: expect.stringMatching(/^com_/), name: 'Existing Dry Co' } },
      { index: 1, action: 'CREATED', name: 'Brand New Dry Co', company: null },
    ]);
    expect({ contacts: await count('contact'), companies: await count('company') }).toEqual(before);
    const invalid = await owner.gql(CREATE, { input: { dryRun: true, email: 'bad' } });
    expect(invalid.data!.createContact.userErrors[0]).toMatchObject({ code: 'VALIDATION', field: ['email'] });
  });

  it('idempotencyKey: the same key and input answer the first result without writing again', async () => {
    const input = { idempotencyKey: 'import-42', firstName: 'Once', companies: [{ company: { name: 'Idem Co' } }] };
    const first = await owner.gql(CREATE, { input });
    const before = { contacts: await count('contact'), companies: await count('company') };
    const again = await owner.gql(CREATE, { input: { ...input } });
    expect(again.data!.createContact.contact!.id).toBe(first.data!.createContact.contact!.id);
    expect(again.data!.createContact.companyResolutions).toEqual(first.data!.createContact.companyResolutions);
    expect({ contacts: await count('contact'), companies: await count('company') }).toEqual(before);
  });

  it('idempotencyKey: the same key with another input is a VALIDATION error', async () => {
    await owner.gql(CREATE, { input: { idempotencyKey: 'k-1', firstName: 'First' } });
    const before = await count('contact');
    const res = await owner.gql(CREATE, { input: { idempotencyKey: 'k-1', firstName: 'Different' } });
    expect(res.data!.createContact).toMatchObject({ contact: null, userErrors: [{ code: 'VALIDATION', field: ['idempotencyKey'] }] });
    expect(await count('contact')).toBe(before);
  });

  it('idempotencyKey: parallel retries with one key create one contact and all answer it', async () => {
    const input = { idempotencyKey: 'parallel-1', firstName: 'Parallel' };
    const results = await Promise.all(Array.from({ length: 10 }, () => owner.gql(CREATE, { input })));
    const ids = new Set(results.map((r) => r.data!.createContact.contact?.id));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^con_/);
    expect(await h.db.prisma.contact.count({ where: { organizationId: owner.organizationId, firstName: 'Parallel' } })).toBe(1);
  });

  it('idempotency keys are per organisation', async () => {
    const other = await h.organization();
    const mine = await owner.gql(CREATE, { input: { idempotencyKey: 'shared-key', firstName: 'Mine' } });
    const theirs = await other.gql(CREATE, { input: { idempotencyKey: 'shared-key', firstName: 'Mine' } });
    expect(theirs.data!.createContact.contact!.id).not.toBe(mine.data!.createContact.contact!.id);
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { checkConsistency } from './support/consistency.js';
import { createPostgresDatabase, databaseKind } from './support/database.js';
import { createHarness } from './support/harness.js';
import { startServer } from './support/process.js';
import { createKeyWithCli, postGraphQL } from './support/server-client.js';
import { graphql } from './support/graphql.js';

// The races a client can start with one request sent 50 times at once: the etag guard, upserts of
// one external ref, creates naming one new company, creates claiming one external ref or email. On both
// databases; the database decides every winner.

const CLIENTS = 50;
const h = await createHarness();
const owner = await h.organization();

const CREATE = graphql(`mutation($input: CreateContactInput!) {
  createContact(input: $input) {
    contact { id firstName email companies { company { id name } } externalRefs { namespace externalId } }
    companyResolutions { index action company { id } }
    userErrors { code field existingId message }
  }
}`);

const rows = async (table: string) => {
  const [row] = await h.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE organization_id = $1`, [owner.organizationId]);
  return row!.n;
};
const tables = ['contacts', 'contact_emails', 'contact_phones', 'contact_companies', 'companies', 'external_refs', 'contact_changes'] as const;
const counts = async () => Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await rows(t)] as const))) as Record<(typeof tables)[number], number>;
const all = <T>(work: (i: number) => Promise<T>) => Promise.all(Array.from({ length: CLIENTS }, (_, i) => work(i)));

describe(`${CLIENTS} concurrent clients (${databaseKind})`, () => {
  it(`${CLIENTS} updates with one etag: exactly 1 wins, ${CLIENTS - 1} STALE_ETAG, one new version in the feed`, async () => {
    const created = await owner.gql(CREATE, { input: { firstName: 'Etag', email: 'etag@race.example' } });
    const id = created.data!.createContact.contact!.id;
    const { etag, version } = (await owner.gql(graphql(`query($id: ID!) { contact(by: { id: $id }) { etag version } }`), { id })).data!.contact!;
    const results = await all((i) =>
      owner.gql(graphql(`mutation($input: UpdateContactInput!) { updateContact(input: $input) { contact { id description version } changedFields userErrors { code field } } }`), {
        input: { id, ifMatch: etag, patch: { description: `writer ${i}`, phones: [{ number: `+1415555${2000 + i}` }] } },
      }),
    );
    expect(results.filter((r) => r.errors)).toEqual([]);
    const payloads = results.map((r) => r.data!.updateContact);
    const winners = payloads.flatMap((p, i) => (p.contact ? [{ p, i }] : []));
    expect(winners).toHaveLength(1);
    expect(winners[0]!.p).toMatchObject({ contact: { description: `writer ${winners[0]!.i}`, version: version + 1 }, userErrors: [] });
    const losers = payloads.filter((p) => !p.contact);
    expect(losers).toHaveLength(CLIENTS - 1);
    for (const loser of losers) expect(loser.userErrors).toEqual([{ code: 'STALE_ETAG', field: ['ifMatch'] }]);
    const stored = (await owner.gql(graphql(`query($id: ID!) { contact(by: { id: $id }) { description version phones { number } } }`), { id })).data!.contact!;
    expect(stored).toEqual({ description: `writer ${winners[0]!.i}`, version: version + 1, phones: [{ number: `+1415555${2000 + winners[0]!.i}` }] });
    const [feed] = await h.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM contact_changes WHERE contact_id = $1 AND change_type = 'UPDATED'`, [id.slice(4)]);
    expect(feed!.n).toBe(1);
  });

  it(`${CLIENTS} upserts of one external ref: 1 CREATED and one contact, the rest update it`, async () => {
    const before = await counts();
    const results = await all((i) =>
      owner.gql(graphql(`mutation($input: UpsertContactInput!) { upsertContact(input: $input) { action contact { id firstName } userErrors { code field message } } }`), {
        input: { by: { externalRef: { namespace: 'crm', externalId: 'UPSERT-RACE' } }, firstName: `Upsert${i}` },
      }),
    );
    expect(results.filter((r) => r.errors)).toEqual([]);
    const payloads = results.map((r) => r.data!.upsertContact);
    const actions = payloads.map((p) => p.action ?? p.userErrors.map((e: { code: string }) => e.code).join(','));
    expect(actions.filter((a) => a === 'CREATED')).toHaveLength(1);
    // The others found it and updated it (or, having the same values, left it as it was).
    expect(actions.filter((a) => !['CREATED', 'UPDATED', 'NOOP'].includes(a))).toEqual([]);
    const ids = new Set(payloads.flatMap((p) => (p.contact ? [p.contact.id] : [])));
    expect(ids.size).toBe(1);
    const found = await owner.gql(graphql(`{ contact(by: { externalRef: { namespace: "crm", externalId: "UPSERT-RACE" } }) { id version } }`));
    expect(found.data!.contact!.id).toBe([...ids][0]);
    const after = await counts();
    expect(after.contacts).toBe(before.contacts + 1);
    expect(after.external_refs).toBe(before.external_refs + 1);
    // one CREATED entry and one per update that changed something
    expect(after.contact_changes).toBe(before.contact_changes + 1 + actions.filter((a) => a === 'UPDATED').length);
    expect(found.data!.contact!.version).toBe(1 + actions.filter((a) => a === 'UPDATED').length);
  });

  it(`${CLIENTS} creates naming one new company: 1 company, 1 CREATED + ${CLIENTS - 1} MATCHED, all linked`, async () => {
    const before = await counts();
    const spellings = ['Orion Dynamics', ' orion  dynamics', 'ORION Dynamics ', 'Orion\tDynamics'];
    const results = await all((i) => owner.gql(CREATE, { input: { firstName: `Orion${i}`, companies: [{ company: { name: spellings[i % spellings.length]! } }] } }));
    expect(results.filter((r) => r.errors)).toEqual([]);
    const payloads = results.map((r) => r.data!.createContact);
    expect(payloads.filter((p) => p.userErrors.length > 0)).toEqual([]);
    const actions = payloads.map((p) => p.companyResolutions[0]!.action);
    expect(actions.filter((a) => a === 'CREATED')).toHaveLength(1);
    expect(actions.filter((a) => a === 'MATCHED')).toHaveLength(CLIENTS - 1);
    const companyIds = new Set(payloads.flatMap((p) => [p.contact!.companies[0]!.company.id, p.companyResolutions[0]!.company!.id]));
    expect(companyIds.size).toBe(1);
    payloads.forEach((p, i) => expect(p.contact!.firstName).toBe(`Orion${i}`));
    const after = await counts();
    expect(after.companies).toBe(before.companies + 1);
    expect(after.contacts).toBe(before.contacts + CLIENTS);
    expect(after.contact_companies).toBe(before.contact_companies + CLIENTS);
    expect(after.contact_changes).toBe(before.contact_changes + CLIENTS);
  });

  it(`${CLIENTS} creates with one external ref: 1 contact, ${CLIENTS - 1} DUPLICATE naming it, nothing of the losers left`, async () => {
    const before = await counts();
    const results = await all((i) =>
      owner.gql(CREATE, {
        input: {
          firstName: `Ref${i}`,
          email: `ref${i}@race50.example`,
          phone: `+1415555${3000 + i}`,
          companies: [{ company: { name: `Race50 Co ${i}` } }],
          externalRefs: [{ namespace: 'salesforce', externalId: '003RACE50' }],
        },
      }),
    );
    expect(results.filter((r) => r.errors)).toEqual([]);
    const payloads = results.map((r) => r.data!.createContact);
    const winners = payloads.flatMap((p, i) => (p.contact ? [{ p, i }] : []));
    expect(winners).toHaveLength(1);
    const { p: winner, i: w } = winners[0]!;
    expect(winner.contact).toMatchObject({ firstName: `Ref${w}`, email: `ref${w}@race50.example`, externalRefs: [{ namespace: 'salesforce', externalId: '003RACE50' }] });
    const losers = payloads.filter((p) => !p.contact);
    expect(losers).toHaveLength(CLIENTS - 1);
    for (const loser of losers) {
      expect(loser.userErrors).toEqual([expect.objectContaining({ code: 'DUPLICATE', field: ['externalRefs', '0'], existingId: winner.contact!.id })]);
      expect(loser.companyResolutions).toEqual([]);
    }
    const after = await counts();
    expect(after).toEqual({
      contacts: before.contacts + 1,
      contact_emails: before.contact_emails + 1,
      contact_phones: before.contact_phones + 1,
      contact_companies: before.contact_companies + 1,
      // the losers named new companies: none of them may be left behind
      companies: before.companies + 1,
      external_refs: before.external_refs + 1,
      contact_changes: before.contact_changes + 1,
    });
    const [leftovers] = await h.db.sql.query<{ emails: number; companies: number }>(
      `SELECT (SELECT count(*)::int FROM contact_emails WHERE organization_id = $1 AND address_normalized LIKE 'ref%@race50.example') AS emails,
              (SELECT count(*)::int FROM companies WHERE organization_id = $1 AND normalized_name LIKE 'race50 co %') AS companies`,
      [owner.organizationId],
    );
    expect(leftovers).toEqual({ emails: 1, companies: 1 });
  });

  it(`${CLIENTS} creates with one email, in two spellings: 1 contact, ${CLIENTS - 1} DUPLICATE naming it`, async () => {
    const results = await all((i) => owner.gql(CREATE, { input: { firstName: `Mail${i}`, email: i % 2 ? 'Same@Race.example' : 'same@race.example' } }));
    expect(results.filter((r) => r.errors)).toEqual([]);
    const payloads = results.map((r) => r.data!.createContact);
    const winners = payloads.filter((p) => p.contact);
    expect(winners).toHaveLength(1);
    for (const loser of payloads.filter((p) => !p.contact)) {
      expect(loser.userErrors).toEqual([expect.objectContaining({ code: 'DUPLICATE', field: ['email'], existingId: winners[0]!.contact!.id })]);
    }
  });

  it('no orphan rows or broken rules after all the races', async () => {
    expect(await checkConsistency(h.db)).toEqual([]);
  });
});

// Two server processes on one PostgreSQL: writers of one contact queue inside each process, and
// across them only the version guard decides. Every update without ifMatch is applied whole or
// answered CONFLICT (after 10 lost rounds), and the version counts exactly the applied ones.
const shared = databaseKind === 'postgres' ? await createPostgresDatabase() : null;
afterAll(() => shared?.drop());

if (shared) describe(`${CLIENTS} updates without ifMatch through two server processes`, () => {
  it('each is applied whole or answered CONFLICT; the version counts the applied ones; the last applied wins', async () => {
    const env = { DATABASE_URL: shared.url, DATA_DIR: '', REDIS_URL: '', RATE_LIMIT_REQUESTS: '0' };
    const key = await createKeyWithCli(env, 'TwoWriters');
    const [a, b] = await Promise.all([startServer(env), startServer(env)]);
    try {
      const created = await postGraphQL(a.url, key, CREATE, { input: { firstName: 'Shared' } });
      const id = created.body!.data!.createContact.contact!.id as string;
      const UPDATE = graphql(`mutation($input: UpdateContactInput!) { updateContact(input: $input) { contact { version description phones { number } } userErrors { code field message } } }`);
      const answers = await all((i) =>
        postGraphQL(i % 2 ? b.url : a.url, key, UPDATE, { input: { id, patch: { description: `writer ${i}`, phones: [{ number: `+1415555${4000 + i}` }] } } }),
      );
      expect(answers.filter((r) => r.status !== 200 || r.body!.errors)).toEqual([]);
      const payloads = answers.map((r) => r.body!.data!.updateContact);
      const applied = payloads.filter((p) => p.contact);
      const refused = payloads.filter((p) => !p.contact);
      for (const p of refused) expect(p.userErrors).toEqual([{ code: 'CONFLICT', field: null, message: expect.any(String) }]);
      console.info(`[races] two processes, ${CLIENTS} updates without ifMatch: ${applied.length} applied, ${refused.length} CONFLICT`);
      expect(applied.length).toBeGreaterThan(0);
      // Each applied update made exactly one version (stored below: 1 + applied). A payload reads
      // the contact after its commit, so another process's later write may already show in it.
      for (const p of applied) expect(p.contact!.version).toBeGreaterThan(1);
      for (const p of applied) expect(p.contact!.version).toBeLessThanOrEqual(1 + applied.length);
      const last = applied.reduce((x, y) => (y.contact!.version > x.contact!.version ? y : x));
      const stored = await postGraphQL(a.url, key, graphql(`query($id: ID!) { contact(by: { id: $id }) { version description phones { number } } }`), { id });
      expect(stored.body!.data!.contact).toEqual({ version: 1 + applied.length, description: last.contact!.description, phones: last.contact!.phones });
      // a whole patch: the description and the phone of one writer, never a mix
      const writer = Number(String(last.contact!.description).replace('writer ', ''));
      expect(last.contact!.phones).toEqual([{ number: `+1415555${4000 + writer}` }]);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});


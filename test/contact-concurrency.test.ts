import { describe, expect, it } from 'vitest';
import { createHarness } from './support/harness.js';

const h = await createHarness();
const owner = await h.organization();

const CREATE = `mutation($input: CreateContactInput!) {
  createContact(input: $input) {
    contact { id fullName companies { company { id name } } }
    companyResolutions { index action company { id } }
    userErrors { code field existingId message }
  }
}`;

const rows = async (table: string) => {
  const [row] = await h.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE organization_id = $1`, [owner.organizationId]);
  return row!.n;
};

describe('concurrent createContact', () => {
  it('50 parallel creates naming the same new company create it once and all link to it', async () => {
    const spellings = ['Nova Industries', ' nova  industries', 'NOVA Industries ', 'Nova\tIndustries'];
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        owner.gql(CREATE, { input: { firstName: `Nova${i}`, companies: [{ company: { name: spellings[i % spellings.length] } }] } }),
      ),
    );
    const payloads = results.map((r) => r.data.createContact);
    expect(payloads.every((p) => p.userErrors.length === 0)).toBe(true);
    const companyIds = new Set(payloads.map((p) => p.contact.companies[0].company.id));
    expect(companyIds.size).toBe(1);
    const actions = payloads.map((p) => p.companyResolutions[0].action);
    expect(actions.filter((a) => a === 'CREATED')).toHaveLength(1);
    expect(actions.filter((a) => a === 'MATCHED')).toHaveLength(49);
    const companies = await h.db.prisma.company.findMany({ where: { organizationId: owner.organizationId, normalizedName: 'nova industries' } });
    expect(companies).toHaveLength(1);
    expect(companies[0]!.name).toBe(payloads.find((p) => p.companyResolutions[0].action === 'CREATED')!.contact.companies[0].company.name);
    expect(await h.db.prisma.contactCompany.count({ where: { companyId: companies[0]!.id } })).toBe(50);
  });

  it('20 parallel creates with one external ref: 1 created, 19 DUPLICATE naming it, no orphan rows', async () => {
    const before = { contacts: await rows('contacts'), emails: await rows('contact_emails'), phones: await rows('contact_phones'), links: await rows('contact_companies'), changes: await rows('contact_changes') };
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        owner.gql(CREATE, {
          input: {
            firstName: `Ref${i}`,
            email: `ref${i}@race.example`,
            phone: `+1415555${String(1000 + i).padStart(4, '0')}`,
            companies: [{ company: { name: `Race Co ${i}` } }],
            externalRefs: [{ namespace: 'salesforce', id: '003RACE' }],
          },
        }),
      ),
    );
    const payloads = results.map((r) => r.data.createContact);
    const winners = payloads.filter((p) => p.contact);
    expect(winners).toHaveLength(1);
    const losers = payloads.filter((p) => !p.contact);
    expect(losers).toHaveLength(19);
    for (const loser of losers) {
      expect(loser.userErrors).toEqual([
        expect.objectContaining({ code: 'DUPLICATE', field: ['externalRefs', '0'], existingId: winners[0].contact.id }),
      ]);
    }
    expect(await rows('contacts')).toBe(before.contacts + 1);
    expect(await rows('contact_emails')).toBe(before.emails + 1);
    expect(await rows('contact_phones')).toBe(before.phones + 1);
    expect(await rows('contact_companies')).toBe(before.links + 1);
    expect(await rows('contact_changes')).toBe(before.changes + 1);
    // The losers' companies were named by name: none of them may be left behind.
    expect(await h.db.prisma.company.count({ where: { organizationId: owner.organizationId, name: { startsWith: 'Race Co' } } })).toBe(1);
  });

  it('20 parallel creates with one email: 1 created, 19 DUPLICATE naming it', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => owner.gql(CREATE, { input: { firstName: `Mail${i}`, email: i % 2 ? 'Same@Race.example' : 'same@race.example' } })),
    );
    const payloads = results.map((r) => r.data.createContact);
    const winner = payloads.find((p) => p.contact)!;
    expect(payloads.filter((p) => p.contact)).toHaveLength(1);
    for (const loser of payloads.filter((p) => !p.contact)) {
      expect(loser.userErrors).toEqual([expect.objectContaining({ code: 'DUPLICATE', field: ['email'], existingId: winner.contact.id })]);
    }
  });

  it('after conflicts under load, 200 following queries each get their own answer', async () => {
    // Provoke conflicts on the pool's connections first (prisma/orm#30374 symptom check).
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        owner.gql(CREATE, { input: { firstName: `Conflict${i}`, externalRefs: [{ namespace: 'erp', id: 'SAME' }], email: 'conflict@race.example' } }),
      ),
    );
    const created = await Promise.all(
      Array.from({ length: 20 }, (_, i) => owner.gql(CREATE, { input: { firstName: 'Check', lastName: `N${i}` } })),
    );
    const ids: [string, string][] = created.map((r) => [r.data.createContact.contact.id, r.data.createContact.contact.fullName]);
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => {
        const [id, fullName] = ids[i % ids.length]!;
        return owner.gql('query($id: ID!) { contact(by: { id: $id }) { id fullName } }', { id }).then((r) => ({ r, id, fullName }));
      }),
    );
    for (const { r, id, fullName } of answers) expect(r.data.contact).toEqual({ id, fullName });
  });
});

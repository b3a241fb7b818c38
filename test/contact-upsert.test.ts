import { describe, expect, it } from 'vitest';
import { createHarness } from './support/harness.js';
import { graphql, type ResultOf, type VariablesOf, idOf, type TextMutationData } from './support/graphql.js';

const h = await createHarness();
const owner = await h.organization();

const UPSERT = graphql(`mutation($input: UpsertContactInput!) {
  upsertContact(input: $input) { action changedFields contact { id firstName lastName version externalRefs { namespace externalId } email } userErrors { code field message } }
}`);
const upsert = async (input: VariablesOf<typeof UPSERT>['input']) => {
  const res = await owner.gql(UPSERT, { input });
  expect(res.errors).toBeUndefined();
  return res.data!.upsertContact;
};
const sfRef = (externalId: string) => ({ namespace: 'salesforce', externalId });

describe('upsertContact', () => {
  it('creates, then updates, then does nothing, then revives from the bin', async () => {
    const created = await upsert({ by: { externalRef: sfRef('U-1') }, firstName: 'Una', lastName: 'Up' });
    expect(created).toMatchObject({ action: 'CREATED', userErrors: [], contact: { firstName: 'Una', version: 1, externalRefs: [sfRef('U-1')] } });
    const updated = await upsert({ by: { externalRef: sfRef('U-1') }, lastName: 'Upton' });
    expect(updated).toMatchObject({ action: 'UPDATED', changedFields: expect.arrayContaining(['lastName']), contact: { id: created.contact!.id, firstName: 'Una', lastName: 'Upton', version: 2 } });
    const same = await upsert({ by: { externalRef: sfRef('U-1') }, lastName: 'Upton' });
    expect(same).toMatchObject({ action: 'NOOP', changedFields: [], contact: { version: 2 } });
    await owner.gql(graphql('mutation($input: DeleteContactInput!) { deleteContact(input: $input) { userErrors { code } } }'), { input: { id: created.contact!.id } });
    const revived = await upsert({ by: { externalRef: sfRef('U-1') }, firstName: 'Una', lastName: 'Back' });
    expect(revived).toMatchObject({ action: 'REVIVED', contact: { id: created.contact!.id, lastName: 'Back' } });
    const bin = await owner.gql(graphql('query($id: ID!) { contact(by: { id: $id }) { deletedAt version } }'), { id: created.contact!.id });
    expect(bin.data!.contact).toEqual({ deletedAt: null, version: 4 });
    // restored and updated in one transaction: one feed entry
    const feed = await owner.gql(graphql('{ contactChanges(first: 100) { changes { contactId changeType changedFields version } } }'));
    const entries = feed.data!.contactChanges.changes.filter((c: { contactId: string }) => c.contactId === created.contact!.id);
    expect(entries.slice(-2)).toEqual([
      { contactId: created.contact!.id, changeType: 'DELETED', changedFields: ['deletedAt'], version: 3 },
      { contactId: created.contact!.id, changeType: 'RESTORED', changedFields: ['deletedAt', 'lastName', 'fullName'], version: 4 },
    ]);
  });

  it('finds by email and creates with it; by an unknown id is NOT_FOUND', async () => {
    const created = await upsert({ by: { email: 'Mail@Upsert.example' }, firstName: 'Mai' });
    expect(created).toMatchObject({ action: 'CREATED', contact: { email: 'Mail@Upsert.example' } });
    expect(await upsert({ by: { email: 'mail@upsert.example' }, firstName: 'May' })).toMatchObject({ action: 'UPDATED', contact: { id: created.contact!.id, firstName: 'May' } });
    expect(await upsert({ by: { id: 'con_01890000-0000-7000-8000-000000000000' }, firstName: 'X' })).toMatchObject({ action: null, userErrors: [{ code: 'NOT_FOUND', field: ['by', 'id'] }] });
  });

  it('reports bad fields at their place, writing nothing', async () => {
    const res = await upsert({ by: { externalRef: sfRef('U-BAD') }, firstName: 'x'.repeat(501) });
    expect(res).toMatchObject({ action: null, contact: null, userErrors: [{ code: 'VALIDATION', field: ['firstName'] }] });
    const existing = await upsert({ by: { externalRef: sfRef('U-2') }, firstName: 'Two' });
    const bad = await upsert({ by: { externalRef: sfRef('U-2') }, emails: [{ address: 'nope' }] });
    expect(bad.userErrors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['emails', '0', 'address'] })]);
    expect((await upsert({ by: { externalRef: sfRef('U-2') }, firstName: 'Two' })).contact!.version).toBe(existing.contact!.version);
  });

  it('20 parallel upserts of one external ref: 1 CREATED, the rest UPDATED or NOOP, one contact', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => upsert({ by: { externalRef: sfRef('U-RACE') }, firstName: 'Racer' })));
    const actions = results.map((r) => r.action);
    expect(actions.filter((a) => a === 'CREATED')).toHaveLength(1);
    expect(actions.every((a) => a !== null && ['CREATED', 'UPDATED', 'NOOP'].includes(a))).toBe(true);
    expect(new Set(results.map((r) => r.contact!.id)).size).toBe(1);
    const count = await h.db.prisma.externalRef.count({ where: { organizationId: owner.organizationId, namespace: 'salesforce', externalId: 'U-RACE' } });
    expect(count).toBe(1);
  });
});

describe('upsertContact: what an update keeps', () => {
  const KEYED = graphql(`mutation($input: UpsertContactInput!) {
    upsertContact(input: $input) { action contact { id type externalRefs { namespace externalId } emails { address isPrimary } } userErrors { code field message } }
  }`);
  const keyed = async (input: VariablesOf<typeof KEYED>['input']) => (await owner.gql(KEYED, { input })).data!.upsertContact;
  const contactsWithRef = (externalId: string) =>
    h.db.prisma.contact.count({ where: { organizationId: owner.organizationId, externalRefs: { some: { namespace: 'salesforce', externalId } } } });

  it('never removes the external ref it found the contact by: externalRefs without it get it back', async () => {
    const created = await keyed({ by: { externalRef: sfRef('K-1') }, firstName: 'Kay' });
    const moved = await keyed({ by: { externalRef: sfRef('K-1') }, externalRefs: [{ namespace: 'hubspot', externalId: 'H-1' }] });
    expect(moved).toMatchObject({ action: 'UPDATED', userErrors: [], contact: { id: created.contact!.id, externalRefs: [{ namespace: 'hubspot', externalId: 'H-1' }, sfRef('K-1')] } });
    const cleared = await keyed({ by: { externalRef: sfRef('K-1') }, externalRefs: null });
    expect(cleared).toMatchObject({ action: 'UPDATED', contact: { id: created.contact!.id, externalRefs: [sfRef('K-1')] } });
    const again = await keyed({ by: { externalRef: sfRef('K-1') }, firstName: 'Kay' });
    expect(again).toMatchObject({ action: 'NOOP', contact: { id: created.contact!.id } });
    expect(await contactsWithRef('K-1')).toBe(1);
  });

  it('never removes the email it found the contact by: emails without it keep it (not primary)', async () => {
    const created = await keyed({ by: { email: 'Keep@Upsert.example' }, firstName: 'Kip' });
    const moved = await keyed({ by: { email: 'keep@upsert.example' }, emails: [{ address: 'new@upsert.example' }] });
    expect(moved).toMatchObject({
      action: 'UPDATED',
      contact: { id: created.contact!.id, emails: [{ address: 'new@upsert.example', isPrimary: true }, { address: 'Keep@Upsert.example', isPrimary: false }] },
    });
    expect((await keyed({ by: { email: 'keep@upsert.example' }, emails: null })).contact!.emails).toEqual([{ address: 'Keep@Upsert.example', isPrimary: true }]);
    expect(await keyed({ by: { email: 'keep@upsert.example' }, firstName: 'Kip' })).toMatchObject({ action: 'NOOP', contact: { id: created.contact!.id } });
  });

  it('refuses another type, null included, at ["type"], in upsertContact and upsertContacts', async () => {
    const created = await keyed({ by: { externalRef: sfRef('T-1') }, type: 'FINANCE', firstName: 'Fin' });
    for (const type of [null, 'GENERAL'] as const) {
      expect(await keyed({ by: { externalRef: sfRef('T-1') }, type, lastName: 'X' })).toMatchObject({
        action: null,
        contact: null,
        userErrors: [{ code: 'VALIDATION', field: ['type'] }],
      });
    }
    const bulk = await owner.gql(graphql('mutation($input: UpsertContactsInput!) { upsertContacts(input: $input) { results { action userErrors { code field } } } }'), {
      input: { contacts: [{ by: { externalRef: sfRef('T-1') }, type: null }, { by: { externalRef: sfRef('T-1') }, type: 'FINANCE', lastName: 'Ok' }] },
    });
    expect(bulk.data!.upsertContacts.results).toEqual([
      { action: null, userErrors: [{ code: 'VALIDATION', field: ['type'] }] },
      { action: 'UPDATED', userErrors: [] },
    ]);
    const now = (await owner.gql(graphql('query($id: ID!) { contact(by: { id: $id }) { type lastName version } }'), { id: created.contact!.id })).data!.contact;
    expect(now).toEqual({ type: 'FINANCE', lastName: 'Ok', version: 2 });
  });

  it('custom values follow patch semantics (the others stay) unless replaceCustomFieldValues', async () => {
    const made = async (mutation: string, object: string, input: Record<string, unknown>) => {
      const type = `${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input`;
      const res = await owner.gql<TextMutationData>(`mutation($input: ${type}!) { ${mutation}(input: $input) { ${object} { id } } }`, { input });
      return idOf(res.data![mutation]![object]);
    };
    const group = await made('createGroup', 'group', { name: 'Upserted' });
    const tier = await made('createCustomField', 'customField', { groupId: group, name: 'Tier', type: 'TEXT' });
    const seats = await made('createCustomField', 'customField', { groupId: group, name: 'Seats', type: 'NUMBER' });
    const VALUES = graphql(`mutation($input: UpsertContactInput!) { upsertContact(input: $input) { action userErrors { code field }
        contact { customFieldValues { field { name } ... on TextFieldValue { text } ... on NumberFieldValue { number } } } } }`);
    const values = async (input: VariablesOf<typeof VALUES>['input']) => {
      const res = await owner.gql(VALUES, { input });
      const { action, userErrors, contact } = res.data!.upsertContact;
      return { action, userErrors, values: contact && Object.fromEntries(contact.customFieldValues.map((v: { field: { name: string }; text?: string | null; number?: number | null; option?: string | null }) => [v.field.name, v.text ?? v.number])) };
    };
    const by = { externalRef: sfRef('CF-1') };
    expect(await values({ by, firstName: 'Cf', groups: [group], customFieldValues: [{ field: tier, value: 'Gold' }, { field: seats, value: 2 }] }))
      .toEqual({ action: 'CREATED', userErrors: [], values: { Tier: 'Gold', Seats: 2 } });
    expect(await values({ by, customFieldValues: [{ field: seats, value: 4 }] })).toEqual({ action: 'UPDATED', userErrors: [], values: { Tier: 'Gold', Seats: 4 } });
    expect(await values({ by, replaceCustomFieldValues: true })).toEqual({ action: null, userErrors: [{ code: 'VALIDATION', field: ['replaceCustomFieldValues'] }], values: null });
    expect(await values({ by, replaceCustomFieldValues: true, customFieldValues: [{ field: tier, value: 'Silver' }] }))
      .toEqual({ action: 'UPDATED', userErrors: [], values: { Tier: 'Silver' } });
  });
});

describe('upsertContacts', () => {
  const BULK = graphql(`mutation($input: UpsertContactsInput!) {
    upsertContacts(input: $input) { results { clientRef action contact { id lastName } userErrors { code field } } userErrors { code field } }
  }`);

  it('applies each item in order with its own action and errors', async () => {
    const res = await owner.gql(BULK, {
      input: {
        contacts: [
          { clientRef: 'a', by: { externalRef: sfRef('B-1') }, firstName: 'Bulk', lastName: 'One' },
          { clientRef: 'b', by: { externalRef: sfRef('B-1') }, lastName: 'Two' },
          { clientRef: 'c', by: { externalRef: sfRef('B-1') }, lastName: 'Two' },
          { clientRef: 'd', by: { externalRef: sfRef('B-2') }, firstName: 'x'.repeat(501) },
        ],
      },
    });
    expect(res.errors).toBeUndefined();
    const [a, b, c, d] = res.data!.upsertContacts.results;
    expect(a).toMatchObject({ clientRef: 'a', action: 'CREATED', userErrors: [] });
    expect(b).toMatchObject({ clientRef: 'b', action: 'UPDATED', contact: { id: a!.contact!.id, lastName: 'Two' } });
    expect(c).toMatchObject({ clientRef: 'c', action: 'NOOP' });
    expect(d).toMatchObject({ clientRef: 'd', action: null, contact: null, userErrors: [{ code: 'VALIDATION', field: ['firstName'] }] });
  });

  it('creates the items no contact holds together: 200 new items and 2 updates in a dozen statements', async () => {
    const first = await upsert({ by: { externalRef: sfRef('T-OLD-1') }, firstName: 'Old', lastName: 'One' });
    const second = await upsert({ by: { email: 'old.two@together.example' }, firstName: 'Old', lastName: 'Two' });
    const contacts = [
      { clientRef: 'old-1', by: { externalRef: sfRef('T-OLD-1') }, lastName: 'Renamed' },
      ...Array.from({ length: 200 }, (_, i) => ({ clientRef: `new-${i}`, by: { externalRef: sfRef(`T-NEW-${i}`) }, firstName: 'New', lastName: `N${i}` })),
      { clientRef: 'old-2', by: { email: 'OLD.TWO@together.example' }, lastName: 'Renamed' },
    ];
    const { result: res, statements } = await h.statementsOf(() => owner.gql(BULK, { input: { contacts } }));
    expect(res.errors).toBeUndefined();
    const results = res.data!.upsertContacts.results;
    expect(results[0]).toMatchObject({ clientRef: 'old-1', action: 'UPDATED', contact: { id: first.contact!.id, lastName: 'Renamed' } });
    expect(results[201]).toMatchObject({ clientRef: 'old-2', action: 'UPDATED', contact: { id: second.contact!.id, lastName: 'Renamed' } });
    expect(results.slice(1, 201).map((r) => [r.clientRef, r.action, r.contact?.lastName, r.userErrors])).toEqual(
      Array.from({ length: 200 }, (_, i) => [`new-${i}`, 'CREATED', `N${i}`, []]),
    );
    // each new contact is found by its ref afterwards: a second pass updates all 200, creating none
    const again = await owner.gql(BULK, { input: { contacts: contacts.slice(1, 201).map((c) => ({ ...c, lastName: `${c.lastName}b` })) } });
    expect(again.data!.upsertContacts.results.map((r) => r.action)).toEqual(Array(200).fill('UPDATED'));
    expect(new Set(again.data!.upsertContacts.results.map((r) => r.contact!.id))).toEqual(new Set(results.slice(1, 201).map((r) => r.contact!.id)));
    // one by one, the 200 creates alone were about ten statements each
    expect(statements.length).toBeLessThan(20);
  });

  it('updates the found contacts together: 150 updates and 150 creates in a dozen statements, each change in the feed', async () => {
    const seeded = await owner.gql(BULK, {
      input: { contacts: Array.from({ length: 150 }, (_, i) => ({ by: { externalRef: sfRef(`T-UPD-${i}`) }, firstName: 'Seed', lastName: `S${i}`, emails: [{ address: `upd${i}@together.example` }] })) },
    });
    const ids = seeded.data!.upsertContacts.results.map((r) => r.contact!.id);
    const contacts = [
      ...Array.from({ length: 150 }, (_, i) => ({ clientRef: `u${i}`, by: { externalRef: sfRef(`T-UPD-${i}`) }, ...(i % 3 === 0 ? {} : { lastName: `S${i}-renamed` }) })),
      ...Array.from({ length: 150 }, (_, i) => ({ clientRef: `c${i}`, by: { email: `fresh${i}@together.example` }, firstName: 'Fresh' })),
    ];
    const { result: res, statements } = await h.statementsOf(() => owner.gql(BULK, { input: { contacts } }));
    const results = res.data!.upsertContacts.results;
    expect(results.slice(0, 150).map((r) => [r.action, r.contact!.id, r.contact!.lastName, r.userErrors])).toEqual(
      Array.from({ length: 150 }, (_, i) => (i % 3 === 0 ? ['NOOP', ids[i], `S${i}`, []] : ['UPDATED', ids[i], `S${i}-renamed`, []])),
    );
    expect(results.slice(150).map((r) => [r.action, r.userErrors])).toEqual(Array(150).fill(['CREATED', []]));
    expect(statements.length).toBeLessThan(20);
    // the emails the updates kept and the lookup emails the creates gave are where they were put
    const read = await owner.gql(graphql('query($a: String!, $b: String!) { a: contact(by: { email: $a }) { id lastName } b: contact(by: { email: $b }) { firstName } }'), {
      a: 'upd1@together.example',
      b: 'fresh7@together.example',
    });
    expect(read.data).toEqual({ a: { id: ids[1], lastName: 'S1-renamed' }, b: { firstName: 'Fresh' } });
    const changes: { contactId: string; changeType: string; version: number; changedFields: string[] }[] = [];
    const FEED = graphql('query($after: String) { contactChanges(first: 100, after: $after) { changes { contactId changeType version changedFields } endCursor hasMore } }');
    for (let after: string | null = null; ; ) {
      const page: { data?: ResultOf<typeof FEED> | null } = await owner.gql(FEED, { after });
      changes.push(...page.data!.contactChanges.changes);
      if (!page.data!.contactChanges.hasMore) break;
      after = page.data!.contactChanges.endCursor;
    }
    const updates = changes.filter((c) => ids.includes(c.contactId) && c.changeType === 'UPDATED');
    expect(updates).toHaveLength(100);
    expect(new Set(updates.map((c) => `${c.version} ${c.changedFields.join(',')}`))).toEqual(new Set(['2 lastName,fullName']));
  });

  it('an item naming a contact an earlier item named starts a second run: both runs together, in input order', async () => {
    const contacts = [
      ...Array.from({ length: 100 }, (_, i) => ({ clientRef: `a${i}`, by: { externalRef: sfRef(`T-RUN-${i}`) }, firstName: 'Run', lastName: `A${i}` })),
      { clientRef: 'again', by: { externalRef: sfRef('T-RUN-5') }, lastName: 'Second' },
      ...Array.from({ length: 99 }, (_, i) => ({ clientRef: `b${i}`, by: { externalRef: sfRef(`T-RUN-${100 + i}`) }, firstName: 'Run', lastName: `B${i}` })),
    ];
    const { result: res, statements } = await h.statementsOf(() => owner.gql(BULK, { input: { contacts } }));
    expect(res.errors).toBeUndefined();
    const results = res.data!.upsertContacts.results;
    expect(results.map((r) => r.action)).toEqual([...Array(100).fill('CREATED'), 'UPDATED', ...Array(99).fill('CREATED')]);
    expect(results[100]).toMatchObject({ clientRef: 'again', contact: { id: results[5]!.contact!.id, lastName: 'Second' }, userErrors: [] });
    // applied one by one, the call would send about two thousand
    expect(statements.length).toBeLessThan(30);
  });

  it('two concurrent calls updating the same 60 contacts, each a different field: every change is kept', async () => {
    const seeded = await owner.gql(BULK, {
      input: { contacts: Array.from({ length: 60 }, (_, i) => ({ by: { externalRef: sfRef(`T-CONC-${i}`) }, lastName: `C${i}` })) },
    });
    expect(seeded.data!.upsertContacts.results.every((r) => r.action === 'CREATED')).toBe(true);
    const call = (field: 'jobTitle' | 'department') =>
      owner.gql(BULK, { input: { contacts: Array.from({ length: 60 }, (_, i) => ({ by: { externalRef: sfRef(`T-CONC-${i}`) }, [field]: `${field} ${i}` })) } });
    const [titles, departments] = await Promise.all([call('jobTitle'), call('department')]);
    for (const res of [titles, departments]) expect(res.data!.upsertContacts.results.map((r) => [r.action, r.userErrors])).toEqual(Array(60).fill(['UPDATED', []]));
    const read = await owner.gql(graphql('query($ids: [ID!]!) { nodes(ids: $ids) { ... on Contact { jobTitle department version } } }'), {
      ids: seeded.data!.upsertContacts.results.map((r) => r.contact!.id),
    });
    expect(read.data!.nodes).toEqual(Array.from({ length: 60 }, (_, i) => ({ jobTitle: `jobTitle ${i}`, department: `department ${i}`, version: 3 })));
  });

  it('a new item whose email a later item looks up: the later item updates that contact, as in input order', async () => {
    const res = await owner.gql(BULK, {
      input: {
        contacts: [
          { clientRef: 'a', by: { externalRef: sfRef('T-ORDER-A') }, lastName: 'Alpha', emails: [{ address: 'order@together.example' }] },
          { clientRef: 'x', by: { externalRef: sfRef('T-ORDER-X') }, lastName: 'Other' },
          { clientRef: 'b', by: { email: 'Order@Together.example' }, lastName: 'Beta' },
        ],
      },
    });
    const [a, x, b] = res.data!.upsertContacts.results;
    expect(a).toMatchObject({ action: 'CREATED', userErrors: [] });
    expect(x).toMatchObject({ action: 'CREATED', userErrors: [] });
    expect(b).toMatchObject({ action: 'UPDATED', contact: { id: a!.contact!.id, lastName: 'Beta' }, userErrors: [] });
  });

  it('an update that gives up an email lets a later new item take it; a new item cannot take one an earlier one took', async () => {
    const holder = await upsert({ by: { externalRef: sfRef('T-FREE-H') }, lastName: 'Holder', emails: [{ address: 'free@together.example' }] });
    const res = await owner.gql(BULK, {
      input: {
        contacts: [
          { clientRef: 'taker-too-early', by: { externalRef: sfRef('T-FREE-0') }, lastName: 'Early', emails: [{ address: 'free@together.example' }] },
          { clientRef: 'holder', by: { externalRef: sfRef('T-FREE-H') }, emails: [{ address: 'kept@together.example' }] },
          { clientRef: 'taker', by: { externalRef: sfRef('T-FREE-1') }, lastName: 'Taker', emails: [{ address: 'free@together.example' }] },
          { clientRef: 'second-taker', by: { externalRef: sfRef('T-FREE-2') }, lastName: 'Second', emails: [{ address: 'free@together.example' }] },
        ],
      },
    });
    const [early, updated, taker, second] = res.data!.upsertContacts.results;
    expect(early).toMatchObject({ action: null, contact: null, userErrors: [{ code: 'DUPLICATE', field: ['emails', '0', 'address'] }] });
    expect(updated).toMatchObject({ action: 'UPDATED', contact: { id: holder.contact!.id }, userErrors: [] });
    expect(taker).toMatchObject({ action: 'CREATED', contact: { lastName: 'Taker' }, userErrors: [] });
    expect(second).toMatchObject({ action: null, contact: null, userErrors: [{ code: 'DUPLICATE', field: ['emails', '0', 'address'] }] });
    const found = await owner.gql(graphql('query($email: String!) { contact(by: { email: $email }) { id } }'), { email: 'free@together.example' });
    expect(found.data!.contact).toEqual({ id: taker!.contact!.id });
  });

  it('refuses more than 500 items', async () => {
    const res = await owner.gql(BULK, { input: { contacts: Array.from({ length: 501 }, (_, i) => ({ by: { externalRef: sfRef(`M${i}`) }, firstName: 'M' })) } });
    expect(res.data!.upsertContacts).toEqual({ results: [], userErrors: [{ code: 'LIMIT_EXCEEDED', field: ['contacts'] }] });
  });
});

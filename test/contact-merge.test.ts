import { describe, expect, it } from 'vitest';
import { createHarness } from './support/harness.js';
import type { TadaDocumentNode } from 'gql.tada';
import { graphql, type VariablesOf } from './support/graphql.js';

const h = await createHarness();
const owner = await h.organization();

const FIELDS = graphql(`fragment MergeFields on Contact @_unmask { id fullName firstName lastName jobTitle birthday tags version
  emails { address isPrimary } phones { number isPrimary } urls { url } externalRefs { namespace externalId }
  companies { company { name } jobTitle isPrimary } groups { name }
  customFieldValues { field { name } ... on TextFieldValue { text } } }`);

const gql = async <Data, Variables>(query: TadaDocumentNode<Data, Variables>, variables?: Variables) => {
  const res = await owner.gql(query, variables);
  expect(res.errors).toBeUndefined();
  return res.data!;
};
const create = async (input: Record<string, unknown>) => {
  const { createContact } = await gql(graphql(`mutation($input: CreateContactInput!) { createContact(input: $input) { contact { ...MergeFields } userErrors { code field message } } }`, [FIELDS]), { input });
  expect(createContact.userErrors).toEqual([]);
  return createContact.contact;
};
const MERGE = graphql(`mutation($input: MergeContactsInput!) { mergeContacts(input: $input) {
  contact { ...MergeFields } mergedIds changedFields dryRun conflicts { sourceId field kept discarded } userErrors { code field message } } }`, [FIELDS]);
const merge = async (input: VariablesOf<typeof MERGE>['input']) => (await gql(MERGE, { input })).mergeContacts;
const byId = async (id: string) => (await gql(graphql(`query($id: ID!) { contact(by: { id: $id }) { ...MergeFields } }`, [FIELDS]), { id })).contact;
const feedOf = async (id: string) =>
  (await gql(graphql('{ contactChanges(first: 100) { changes { contactId changeType changedFields version contact { id } } } }'))).contactChanges.changes.filter(
    (c: { contactId: string }) => c.contactId === id,
  );
const rowCount = async (table: string) => Number((await h.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n);

const CREATE_GROUP = graphql('mutation($input: CreateGroupInput!) { createGroup(input: $input) { group { id } userErrors { code } } }');
const CREATE_FIELD = graphql('mutation($input: CreateCustomFieldInput!) { createCustomField(input: $input) { customField { id } userErrors { code } } }');
const createGroup = async (name: string) => {
  const { createGroup: payload } = await gql(CREATE_GROUP, { input: { name } });
  expect(payload.userErrors).toEqual([]);
  return payload.group!.id;
};
const createField = async (groupId: string, name: string) => {
  const { createCustomField: payload } = await gql(CREATE_FIELD, { input: { groupId, name, type: 'TEXT' } });
  expect(payload.userErrors).toEqual([]);
  return payload.customField!.id;
};
const sales = await createGroup('Sales');
const events = await createGroup('Events');
const region = await createField(sales, 'Region');
const badge = await createField(events, 'Badge');

describe('mergeContacts', () => {
  it('moves everything onto the target, fills its empty fields, keeps its own on conflict and reports each conflict', async () => {
    const target = await create({
      firstName: 'Ada', lastName: 'Lovelace', jobTitle: 'Analyst', tags: ['vip'],
      emails: [{ address: 'ada@target.example' }], phones: [{ number: '+44 20 7946 0000' }],
      companies: [{ company: { name: 'Engines Ltd' }, jobTitle: 'Analyst' }],
      groups: [sales], customFieldValues: [{ field: region, value: 'EMEA' }],
    });
    const source = await create({
      firstName: 'A.', lastName: 'King', jobTitle: 'Countess', birthday: '1915-12-10', tags: ['poet', 'VIP'],
      emails: [{ address: 'ada@source.example' }], phones: [{ number: '+442079460000' }, { number: '+44 20 7946 0001' }],
      urls: [{ url: 'https://ada.example' }], externalRefs: [{ namespace: 'crm', externalId: 'ada-1' }],
      companies: [{ company: { name: 'Engines Ltd' }, jobTitle: 'Countess' }, { company: { name: 'Analytical Society' } }],
      groups: [sales, events], customFieldValues: [{ field: region, value: 'APAC' }, { field: badge, value: 'gold' }],
    });
    await gql(graphql('mutation($input: RecordInteractionInput!) { recordInteraction(input: $input) { userErrors { code } } }'), {
      input: { contactId: source!.id, occurredAt: '2026-01-02T03:04:05Z' },
    });

    const res = await merge({ targetId: target!.id, sourceIds: [source!.id] });
    expect(res.userErrors).toEqual([]);
    expect(res.dryRun).toBe(false);
    expect(res.mergedIds).toEqual([source!.id]);
    expect(res.contact).toMatchObject({
      id: target!.id,
      fullName: 'Ada Lovelace',
      jobTitle: 'Analyst',
      birthday: '1915-12-10',
      version: 2,
      emails: [{ address: 'ada@target.example', isPrimary: true }, { address: 'ada@source.example', isPrimary: false }],
      phones: [{ number: '+442079460000', isPrimary: true }, { number: '+442079460001', isPrimary: false }],
      urls: [{ url: 'https://ada.example' }],
      externalRefs: [{ namespace: 'crm', externalId: 'ada-1' }],
      companies: [
        { company: { name: 'Engines Ltd' }, jobTitle: 'Analyst', isPrimary: true },
        { company: { name: 'Analytical Society' }, jobTitle: null, isPrimary: false },
      ],
    });
    expect(res.contact!.tags).toEqual(['vip', 'poet']);
    expect(res.contact!.groups.map((g: { name: string }) => g.name).sort()).toEqual(['Events', 'Sales']);
    expect(res.contact!.customFieldValues).toEqual(
      expect.arrayContaining([{ field: { name: 'Region' }, text: 'EMEA' }, { field: { name: 'Badge' }, text: 'gold' }]),
    );
    expect(res.conflicts).toEqual(
      expect.arrayContaining([
        { sourceId: source!.id, field: 'firstName', kept: 'Ada', discarded: 'A.' },
        { sourceId: source!.id, field: 'lastName', kept: 'Lovelace', discarded: 'King' },
        { sourceId: source!.id, field: 'jobTitle', kept: 'Analyst', discarded: 'Countess' },
        expect.objectContaining({ sourceId: source!.id, field: 'companies' }),
        expect.objectContaining({ sourceId: source!.id, field: expect.stringMatching(/^customFieldValues\./), kept: 'EMEA', discarded: 'APAC' }),
      ]),
    );
    expect(res.changedFields).toEqual(expect.arrayContaining(['birthday', 'tags', 'emails', 'phones', 'urls', 'externalRefs', 'companies', 'groups', 'customFieldValues']));

    // The source's id resolves to the target everywhere a contact is read by id.
    expect((await byId(source!.id))!.id).toBe(target!.id);
    const nodes = await gql(graphql('query($ids: [ID!]!, $one: ID!) { nodes(ids: $ids) { id } node(id: $one) { id } }'), {
      ids: [source!.id, target!.id],
      one: source!.id,
    });
    expect(nodes).toEqual({ nodes: [{ id: target!.id }, { id: target!.id }], node: { id: target!.id } });
    const lookups = await gql(graphql(`{ byEmail: contact(by: { email: "ada@source.example" }) { id } byRef: contact(by: { externalRef: { namespace: "crm", externalId: "ada-1" } }) { id } }`));
    expect(lookups).toEqual({ byEmail: { id: target!.id }, byRef: { id: target!.id } });
    // Lists show the target once and the source not at all, deleted or not.
    const listed = await gql(graphql('{ all: contacts(first: 100, filter: { includeDeleted: true }) { edges { node { id } } } }'));
    const ids = listed.all.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(ids).toContain(target!.id);
    expect(ids).not.toContain(source!.id);
    // The interaction moved.
    const stats = await gql(graphql(`query($id: ID!) { contact(by: { id: $id }) { interactionMetadata { workspace { approximateCount } } } }`), { id: target!.id });
    expect(stats.contact!.interactionMetadata.workspace.approximateCount).toBe(1);

    // One MERGED entry each, in the transaction of the merge.
    expect(await feedOf(target!.id)).toEqual([
      { contactId: target!.id, changeType: 'CREATED', changedFields: [], version: 1, contact: { id: target!.id } },
      { contactId: target!.id, changeType: 'MERGED', changedFields: res.changedFields, version: 2, contact: { id: target!.id } },
    ]);
    expect(await feedOf(source!.id)).toEqual([
      { contactId: source!.id, changeType: 'CREATED', changedFields: [], version: 1, contact: { id: target!.id } },
      { contactId: source!.id, changeType: 'MERGED', changedFields: ['mergedInto'], version: 2, contact: { id: target!.id } },
    ]);

    // The tombstone keeps no personal data.
    const [tomb] = await h.db.sql.query('SELECT first_name, last_name, birthday, tags, search_text FROM contacts WHERE id = $1::uuid', [source!.id.slice(4)]);
    expect(tomb).toMatchObject({ first_name: null, last_name: null, birthday: null, tags: [], search_text: '' });
  });

  it('dryRun reports the same outcome and writes nothing', async () => {
    const target = await create({ firstName: 'Dry', lastName: 'Target', email: 'dry@target.example' });
    const source = await create({ firstName: 'Dry', lastName: 'Source', email: 'dry@source.example', jobTitle: 'Owner' });
    const before = await rowCount('contact_changes');
    const preview = await merge({ targetId: target!.id, sourceIds: [source!.id], dryRun: true });
    expect(preview).toMatchObject({
      dryRun: true,
      userErrors: [],
      mergedIds: [source!.id],
      contact: { id: target!.id, version: 1, jobTitle: null, emails: [{ address: 'dry@target.example', isPrimary: true }] },
      conflicts: [{ sourceId: source!.id, field: 'lastName', kept: 'Target', discarded: 'Source' }],
    });
    expect([...preview.changedFields].sort()).toEqual(['emails', 'jobTitle']);
    expect(await rowCount('contact_changes')).toBe(before);
    expect((await byId(source!.id))!.id).toBe(source!.id);

    const done = await merge({ targetId: target!.id, sourceIds: [source!.id] });
    expect({ changedFields: done.changedFields, conflicts: done.conflicts }).toEqual({ changedFields: preview.changedFields, conflicts: preview.conflicts });
  });

  it('refuses bad requests with typed errors and writes nothing', async () => {
    const target = await create({ firstName: 'Keep' });
    const other = await create({ firstName: 'Other' });
    const binned = await create({ firstName: 'Binned' });
    await gql(graphql('mutation($input: DeleteContactInput!) { deleteContact(input: $input) { userErrors { code } } }'), { input: { id: binned!.id } });
    const stranger = await h.organization();
    const foreign = (await stranger.gql(graphql('mutation { createContact(input: { firstName: "Foreign" }) { contact { id } } }'))).data!.createContact.contact!.id;
    const before = await rowCount('contact_changes');

    const cases: [VariablesOf<typeof MERGE>['input'], { code: string; field: string[] }[]][] = [
      [{ targetId: target!.id, sourceIds: [] }, [{ code: 'LIMIT_EXCEEDED', field: ['sourceIds'] }]],
      [{ targetId: target!.id, sourceIds: Array.from({ length: 11 }, () => other!.id) }, [{ code: 'LIMIT_EXCEEDED', field: ['sourceIds'] }]],
      [{ targetId: target!.id, sourceIds: [target!.id] }, [{ code: 'VALIDATION', field: ['sourceIds', '0'] }]],
      [{ targetId: target!.id, sourceIds: [other!.id, other!.id] }, [{ code: 'VALIDATION', field: ['sourceIds', '1'] }]],
      [{ targetId: target!.id, sourceIds: [foreign, 'con_nonsense'] }, [{ code: 'NOT_FOUND', field: ['sourceIds', '0'] }, { code: 'NOT_FOUND', field: ['sourceIds', '1'] }]],
      [{ targetId: foreign, sourceIds: [other!.id] }, [{ code: 'NOT_FOUND', field: ['targetId'] }]],
      [{ targetId: target!.id, sourceIds: [binned!.id] }, [{ code: 'CONTACT_DELETED', field: ['sourceIds', '0'] }]],
      [{ targetId: binned!.id, sourceIds: [other!.id] }, [{ code: 'CONTACT_DELETED', field: ['targetId'] }]],
    ];
    for (const [input, errors] of cases) {
      const res = await merge(input);
      expect(res.userErrors.map(({ code, field }) => ({ code, field }))).toEqual(errors);
      expect(res.contact).toBeNull();
    }
    expect(await rowCount('contact_changes')).toBe(before);
    expect((await byId(other!.id))!.id).toBe(other!.id);
  });

  it('refuses a merge whose result would break a limit (21 emails), writing nothing', async () => {
    const emails = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ address: `${prefix}${i}@limit.example` }));
    const target = await create({ firstName: 'Many', emails: emails('t', 15) });
    const source = await create({ firstName: 'More', emails: emails('s', 6) });
    const res = await merge({ targetId: target!.id, sourceIds: [source!.id] });
    expect(res.userErrors).toHaveLength(1);
    expect(res.userErrors[0]).toMatchObject({ code: 'VALIDATION', field: ['sourceIds'] });
    expect(res.userErrors[0]!.message).toMatch(/merged contact/);
    expect((await byId(source!.id))!.emails).toHaveLength(6);
  });

  it('follows chains: A into B, then B into C, leaves A resolving to C; purging C removes the tombstones', async () => {
    const a = await create({ firstName: 'Chain', lastName: 'A', email: 'a@chain.example' });
    const b = await create({ firstName: 'Chain', lastName: 'B' });
    const c = await create({ firstName: 'Chain', lastName: 'C' });
    expect((await merge({ targetId: b!.id, sourceIds: [a!.id] })).userErrors).toEqual([]);
    expect((await merge({ targetId: c!.id, sourceIds: [b!.id] })).userErrors).toEqual([]);
    expect((await byId(a!.id))!.id).toBe(c!.id);
    expect((await byId(a!.id))!.emails).toEqual([{ address: 'a@chain.example', isPrimary: true }]);
    // Merging a tombstone again finds nothing to merge.
    expect((await merge({ targetId: c!.id, sourceIds: [a!.id] })).userErrors).toEqual([{ code: 'NOT_FOUND', field: ['sourceIds', '0'], message: 'no contact with this id' }]);

    const purged = await gql(graphql('mutation($input: PurgeContactInput!) { purgeContact(input: $input) { purgedId userErrors { code } } }'), { input: { id: c!.id } });
    expect(purged.purgeContact).toEqual({ purgedId: c!.id, userErrors: [] });
    expect(await byId(a!.id)).toBeNull();
    expect(await byId(b!.id)).toBeNull();
    const left = await h.db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM contacts WHERE id = ANY($1::uuid[])', [[a!.id, b!.id, c!.id].map((id) => id.slice(4))]);
    expect(left[0]!.n).toBe(0);
  });

  it('parallel merges of one source into two targets: one wins, the other finds nothing; no row is lost or doubled', async () => {
    const source = await create({ firstName: 'Contested', email: 'contested@race.example', externalRefs: [{ namespace: 'crm', externalId: 'race-1' }] });
    const targets = await Promise.all([create({ firstName: 'T1' }), create({ firstName: 'T2' })]);
    const results = await Promise.all(targets.map((t) => merge({ targetId: t!.id, sourceIds: [source!.id] })));
    const winners = results.filter((r) => r.userErrors.length === 0);
    expect(winners).toHaveLength(1);
    expect(results.find((r) => r.userErrors.length > 0)!.userErrors[0]!.code).toBe('NOT_FOUND');
    const winner = winners[0]!.contact!.id;
    expect((await byId(source!.id))!.id).toBe(winner);
    const emails = await h.db.sql.query<{ contact_id: string }>(`SELECT contact_id FROM contact_emails WHERE address_normalized = 'contested@race.example'`);
    expect(emails.map((r: { contact_id: string }) => `con_${r.contact_id}`)).toEqual([winner]);
    const refs = await h.db.sql.query<{ contact_id: string }>(`SELECT contact_id FROM external_refs WHERE namespace = 'crm' AND external_id = 'race-1'`);
    expect(refs.map((r: { contact_id: string }) => `con_${r.contact_id}`)).toEqual([winner]);
  });

  it('parallel merges of different sources into one target both land', async () => {
    const target = await create({ firstName: 'Hub' });
    const sources = await Promise.all([1, 2, 3, 4].map((i) => create({ firstName: `Spoke ${i}`, email: `spoke${i}@hub.example` })));
    const results = await Promise.all(sources.map((s) => merge({ targetId: target!.id, sourceIds: [s!.id] })));
    expect(results.map((r) => r.userErrors)).toEqual([[], [], [], []]);
    const hub = await byId(target!.id);
    expect(hub!.emails.map((e: { address: string }) => e.address).sort()).toEqual(sources.map((_, i) => `spoke${i + 1}@hub.example`));
    expect(hub!.version).toBe(5);
  });
});

import { describe, expect, it } from 'vitest';
import { createHarness } from './support/harness.js';
import { graphql, type VariablesOf } from './support/graphql.js';

const h = await createHarness();
const owner = await h.organization();

const FIELDS = graphql('fragment LifecycleFields on Contact @_unmask { id type fullName firstName lastName jobTitle email emails { address isPrimary } tags version etag updatedAt deletedAt companies { company { name } } groups { name } }');
const CREATE = graphql('mutation($input: CreateContactInput!) { createContact(input: $input) { contact { ...LifecycleFields } userErrors { code field } } }', [FIELDS]);
const UPDATE = graphql('mutation($input: UpdateContactInput!) { updateContact(input: $input) { contact { ...LifecycleFields } changedFields userErrors { code field message existingId } } }', [FIELDS]);
type UserErrors = { code: string; field: string[] | null }[];
/** deleteContact and restoreContact select the contact, purgeContact its purgedId */
type LifecyclePayload = { contact?: { id: string; deletedAt: string | null; version: number } | null; purgedId?: string | null; userErrors: UserErrors };
const create = async (input: VariablesOf<typeof CREATE>['input']) => {
  const res = await owner.gql(CREATE, { input });
  expect(res.data!.createContact.userErrors).toEqual([]);
  return res.data!.createContact.contact;
};
const update = async (input: VariablesOf<typeof UPDATE>['input']) => (await owner.gql(UPDATE, { input })).data!.updateContact;
const lifecycle = async (mutation: string, id: string) =>
  (
    await owner.gql<Record<string, LifecyclePayload>>(
      `mutation($input: ${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input!) { ${mutation}(input: $input) { ${mutation === 'purgeContact' ? 'purgedId' : 'contact { id deletedAt version }'} userErrors { code field } } }`,
      { input: { id } },
    )
  ).data![mutation]!;
const feedOf = async (id: string) =>
  (await owner.gql(graphql('{ contactChanges(first: 100) { changes { contactId changeType changedFields version } } }'))).data!.contactChanges.changes.filter((c: { contactId: string }) => c.contactId === id);

describe('updateContact', () => {
  it('applies a patch: absent stays, null clears, lists are replaced; bumps version and etag; records changedFields', async () => {
    const jane = await create({ firstName: 'Jane', lastName: 'Smith', jobTitle: 'CTO', tags: ['a', 'b'], emails: [{ address: 'jane@one.example' }, { address: 'jane@two.example' }] });
    const res = await update({ id: jane!.id, ifMatch: jane!.etag, patch: { lastName: 'Doe', jobTitle: null, emails: [{ address: 'jane@three.example' }] } });
    expect(res.userErrors).toEqual([]);
    expect([...res.changedFields].sort()).toEqual(['emails', 'fullName', 'jobTitle', 'lastName']);
    expect(res.contact).toMatchObject({
      firstName: 'Jane',
      lastName: 'Doe',
      fullName: 'Jane Doe',
      jobTitle: null,
      tags: ['a', 'b'],
      email: 'jane@three.example',
      emails: [{ address: 'jane@three.example', isPrimary: true }],
      version: 2,
      etag: 'W/"2"',
    });
    expect(await feedOf(jane!.id)).toEqual([
      { contactId: jane!.id, changeType: 'CREATED', changedFields: [], version: 1 },
      { contactId: jane!.id, changeType: 'UPDATED', changedFields: res.changedFields, version: 2 },
    ]);
    // The old addresses are free again.
    await create({ firstName: 'Other', email: 'jane@one.example' });
  });

  it('a no-op patch writes nothing: same version, etag, updatedAt and no feed entry', async () => {
    const c = await create({ firstName: 'Same', tags: ['x'] });
    const res = await update({ id: c!.id, patch: { firstName: ' Same ', tags: ['x'] } });
    expect(res).toMatchObject({ changedFields: [], userErrors: [], contact: { version: 1, etag: c!.etag, updatedAt: c!.updatedAt } });
    expect(await feedOf(c!.id)).toHaveLength(1);
  });

  it('refuses a stale ifMatch with STALE_ETAG and writes nothing', async () => {
    const c = await create({ firstName: 'Etag' });
    await update({ id: c!.id, patch: { lastName: 'One' } });
    const res = await update({ id: c!.id, ifMatch: c!.etag, patch: { lastName: 'Two' } });
    expect(res).toMatchObject({ contact: null, userErrors: [{ code: 'STALE_ETAG', field: ['ifMatch'] }] });
    const now = (await owner.gql(graphql('query($id: ID!) { contact(by: { id: $id }) { lastName version } }'), { id: c!.id })).data!.contact;
    expect(now).toEqual({ lastName: 'One', version: 2 });
  });

  it('20 parallel updates with the same etag: exactly one wins, the rest are STALE_ETAG', async () => {
    const c = await create({ firstName: 'Race' });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => update({ id: c!.id, ifMatch: c!.etag, patch: { lastName: `L${i}` } })));
    expect(results.filter((r) => r.contact)).toHaveLength(1);
    expect(results.filter((r) => r.userErrors[0]?.code === 'STALE_ETAG')).toHaveLength(19);
    expect((await feedOf(c!.id)).map((e: { version: number }) => e.version)).toEqual([1, 2]);
  });

  it('without ifMatch, parallel updates all apply in turn (last writer wins), each on the version it read', async () => {
    const c = await create({ firstName: 'Many' });
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => update({ id: c!.id, patch: { tags: [`t${i}`] } })));
    expect(results.every((r) => r.userErrors.length === 0)).toBe(true);
    const versions = (await feedOf(c!.id)).map((e: { version: number }) => e.version);
    expect(versions).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('validates like createContact, with paths under patch; type is immutable; DUPLICATE names the holder', async () => {
    const holder = await create({ firstName: 'Holder', email: 'held@x.example' });
    const c = await create({ firstName: 'Val' });
    expect((await update({ id: c!.id, patch: { type: 'INVOICE' } })).userErrors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['patch', 'type'] })]);
    expect((await update({ id: c!.id, patch: { emails: [{ address: 'bad' }] } })).userErrors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['patch', 'emails', '0', 'address'] })]);
    expect((await update({ id: c!.id, patch: { email: 'held@x.example' } })).userErrors).toEqual([
      expect.objectContaining({ code: 'DUPLICATE', field: ['patch', 'email'], existingId: holder!.id }),
    ]);
    expect((await update({ id: c!.id, patch: { firstName: null } })).userErrors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['patch'] })]);
    expect((await feedOf(c!.id))).toHaveLength(1);
  });

  it('resolves companies and groups in a patch like createContact', async () => {
    const c = await create({ firstName: 'Linked', companies: [{ company: { name: 'Old Co' } }] });
    const res = await update({ id: c!.id, patch: { companies: [{ company: { name: 'New Co' } }] } });
    expect(res.contact!.companies).toEqual([{ company: { name: 'New Co' } }]);
    expect(res.changedFields).toEqual(['companies']);
  });
});

describe('updateContact: type is immutable', () => {
  it('a patch with another type, null included, is VALIDATION at patch.type and writes nothing; the same type is fine', async () => {
    const invoice = await create({ type: 'INVOICE', firstName: 'Typed' });
    for (const type of [null, 'GENERAL'] as const) {
      expect(await update({ id: invoice!.id, patch: { type, lastName: 'Changed' } })).toMatchObject({
        contact: null,
        changedFields: [],
        userErrors: [{ code: 'VALIDATION', field: ['patch', 'type'], message: expect.stringContaining('INVOICE') }],
      });
    }
    const general = await create({ firstName: 'Plain' });
    expect((await update({ id: general!.id, patch: { type: null } })).userErrors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['patch', 'type'] })]);
    expect(await feedOf(invoice!.id)).toHaveLength(1);
    expect(await feedOf(general!.id)).toHaveLength(1);
    const same = await update({ id: invoice!.id, patch: { type: 'INVOICE', lastName: 'Kept' } });
    expect(same).toMatchObject({ userErrors: [], contact: { type: 'INVOICE', lastName: 'Kept', version: 2 } });
    expect([...same.changedFields].sort()).toEqual(['fullName', 'lastName']);
  });
});

describe('updateContact: custom field values', () => {
  const made = async (mutation: string, object: string, input: Record<string, unknown>) => {
    const type = `${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input`;
    const res = await owner.gql<Record<string, { userErrors: UserErrors; [object: string]: unknown }>>(`mutation($input: ${type}!) { ${mutation}(input: $input) { ${object} { id } userErrors { code field } } }`, { input });
    const payload = res.data![mutation]!;
    expect(payload.userErrors).toEqual([]);
    return (payload[object] as { id: string }).id;
  };
  const VALUES = graphql('fragment LifecycleValues on Contact @_unmask { version customFieldValues { field { name } ... on TextFieldValue { text } ... on NumberFieldValue { number } ... on SingleSelectFieldValue { option } } }');
  /** the contact's version and its values by field name */
  const valuesOf = async (id: string) => {
    const contact = (await owner.gql(graphql('query($id: ID!) { contact(by: { id: $id }) { ...LifecycleValues } }', [VALUES]), { id })).data!.contact!;
    const values = contact.customFieldValues.map((v: { field: { name: string }; text?: string | null; number?: number | null; option?: string | null }) => [v.field.name, v.text ?? v.number ?? v.option]);
    return { version: contact.version, values: Object.fromEntries(values) };
  };
  const PATCH = graphql('mutation($input: UpdateContactInput!) { updateContact(input: $input) { changedFields userErrors { code field message } } }');
  const patch = async (input: VariablesOf<typeof PATCH>['input']) => (await owner.gql(PATCH, { input })).data!.updateContact;

  let groups = 0;
  /** two groups (Accounts with Tier, Seats and Note; Board with Rank) and a contact in both with Tier, Seats and Rank */
  const valued = async () => {
    groups += 1;
    const group = await made('createGroup', 'group', { name: `Accounts ${groups}` });
    const other = await made('createGroup', 'group', { name: `Board ${groups}` });
    const tier = await made('createCustomField', 'customField', { groupId: group, name: 'Tier', type: 'SINGLE_SELECT', options: ['Gold', 'Silver'] });
    const seats = await made('createCustomField', 'customField', { groupId: group, name: 'Seats', type: 'NUMBER' });
    const note = await made('createCustomField', 'customField', { groupId: group, name: 'Note', type: 'TEXT' });
    const rank = await made('createCustomField', 'customField', { groupId: other, name: 'Rank', type: 'TEXT' });
    const contact = await create({ firstName: 'Valued', groups: [group, other], customFieldValues: [{ field: tier, value: 'Gold' }, { field: seats, value: 3 }, { field: rank, value: 'A' }] });
    return { c: contact, other, tier, seats, note };
  };

  it('a patch sets and unsets (null or []) the fields it names and leaves the others', async () => {
    const { c, tier, seats, note } = await valued();
    expect(await patch({ id: c!.id, patch: { customFieldValues: [{ field: seats, value: 5 }] } })).toEqual({ changedFields: ['customFieldValues'], userErrors: [] });
    expect(await valuesOf(c!.id)).toEqual({ version: 2, values: { Tier: 'Gold', Seats: 5, Rank: 'A' } });
    await patch({ id: c!.id, patch: { customFieldValues: [{ field: tier, value: null }, { field: note, value: 'hi' }] } });
    expect(await valuesOf(c!.id)).toEqual({ version: 3, values: { Seats: 5, Note: 'hi', Rank: 'A' } });
    await patch({ id: c!.id, patch: { customFieldValues: [{ field: seats, value: [] }] } });
    expect(await valuesOf(c!.id)).toEqual({ version: 4, values: { Note: 'hi', Rank: 'A' } });
    // Naming a value it already has, or nothing, changes nothing.
    for (const customFieldValues of [[{ field: note, value: 'hi' }], []]) {
      expect(await patch({ id: c!.id, patch: { customFieldValues } })).toEqual({ changedFields: [], userErrors: [] });
    }
    expect(await patch({ id: c!.id, patch: { lastName: 'Other' } })).toMatchObject({ userErrors: [] });
    expect(await valuesOf(c!.id)).toEqual({ version: 5, values: { Note: 'hi', Rank: 'A' } });
    // null clears the field, as for every other field of a patch.
    expect(await patch({ id: c!.id, patch: { customFieldValues: null } })).toEqual({ changedFields: ['customFieldValues'], userErrors: [] });
    expect(await valuesOf(c!.id)).toEqual({ version: 6, values: {} });
  });

  it('replaceCustomFieldValues replaces them all on purpose, and needs customFieldValues', async () => {
    const { c, note } = await valued();
    expect(await patch({ id: c!.id, replaceCustomFieldValues: true, patch: { lastName: 'X' } })).toEqual({
      changedFields: [],
      userErrors: [{ code: 'VALIDATION', field: ['replaceCustomFieldValues'], message: expect.stringContaining('customFieldValues') }],
    });
    expect(await valuesOf(c!.id)).toEqual({ version: 1, values: { Tier: 'Gold', Seats: 3, Rank: 'A' } });
    expect(await patch({ id: c!.id, replaceCustomFieldValues: true, patch: { customFieldValues: [{ field: note, value: 'only' }] } })).toMatchObject({ userErrors: [] });
    expect(await valuesOf(c!.id)).toEqual({ version: 2, values: { Note: 'only' } });
    await patch({ id: c!.id, replaceCustomFieldValues: true, patch: { customFieldValues: [] } });
    expect(await valuesOf(c!.id)).toEqual({ version: 3, values: {} });
  });

  it('leaving a group drops its fields’ values; a value named for a group the contact is not in is refused', async () => {
    const { c, other, tier } = await valued();
    const res = await patch({ id: c!.id, patch: { groups: [other] } });
    expect(res.userErrors).toEqual([]);
    expect([...res.changedFields].sort()).toEqual(['customFieldValues', 'groups']);
    expect(await valuesOf(c!.id)).toEqual({ version: 2, values: { Rank: 'A' } });
    expect((await patch({ id: c!.id, patch: { customFieldValues: [{ field: tier, value: 'Silver' }] } })).userErrors).toEqual([
      expect.objectContaining({ code: 'VALIDATION', field: ['patch', 'customFieldValues', '0', 'field'] }),
    ]);
    expect(await valuesOf(c!.id)).toEqual({ version: 2, values: { Rank: 'A' } });
  });
});

describe('recycle bin and purge', () => {
  it('deletes to the bin (hidden from lists, email still reserved), refuses writes, restores, purges', async () => {
    const c = await create({ firstName: 'Binned', email: 'binned@x.example', externalRefs: [{ namespace: 'crm', externalId: 'BIN' }] });
    const deleted = await lifecycle('deleteContact', c!.id);
    expect(deleted).toMatchObject({ userErrors: [], contact: { id: c!.id, deletedAt: expect.any(String), version: 2 } });
    const listed = await owner.gql(graphql('{ contacts(first: 100, filter: { search: "binned" }) { totalCount } bin: contacts(first: 100, filter: { onlyDeleted: true }) { edges { node { id } } } }'));
    expect(listed.data!.contacts.totalCount).toBe(0);
    expect(listed.data!.bin.edges).toEqual([{ node: { id: c!.id } }]);
    const dup = await owner.gql(graphql('mutation($input: CreateContactInput!) { createContact(input: $input) { userErrors { code existingId } } }'), { input: { firstName: 'Again', email: 'binned@x.example' } });
    expect(dup.data!.createContact.userErrors).toEqual([{ code: 'DUPLICATE', existingId: c!.id }]);
    expect((await update({ id: c!.id, patch: { lastName: 'X' } })).userErrors).toEqual([expect.objectContaining({ code: 'CONTACT_DELETED' })]);
    expect((await lifecycle('deleteContact', c!.id)).userErrors).toEqual([{ code: 'CONTACT_DELETED', field: ['id'] }]);

    expect(await lifecycle('restoreContact', c!.id)).toMatchObject({ userErrors: [], contact: { deletedAt: null, version: 3 } });
    expect((await lifecycle('restoreContact', c!.id)).userErrors).toEqual([{ code: 'VALIDATION', field: ['id'] }]);

    expect(await lifecycle('purgeContact', c!.id)).toEqual({ purgedId: c!.id, userErrors: [] });
    expect((await owner.gql(graphql('query($id: ID!) { node(id: $id) { id } }'), { id: c!.id })).data!.node).toBeNull();
    await create({ firstName: 'Reuses', email: 'binned@x.example', externalRefs: [{ namespace: 'crm', externalId: 'BIN' }] });
    expect((await feedOf(c!.id)).map((e: { changeType: string }) => e.changeType)).toEqual(['CREATED', 'DELETED', 'RESTORED', 'PURGED']);
    expect((await lifecycle('purgeContact', c!.id)).userErrors).toEqual([{ code: 'NOT_FOUND', field: ['id'] }]);
  });

  it('treats foreign and malformed ids as missing', async () => {
    const other = await h.organization();
    const c = await create({ firstName: 'Mine' });
    for (const mutation of ['deleteContact', 'restoreContact', 'purgeContact']) {
      const res = await other.gql<Record<string, { userErrors: UserErrors }>>(`mutation($input: ${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input!) { ${mutation}(input: $input) { userErrors { code field } } }`, { input: { id: c!.id } });
      expect(res.data![mutation]!.userErrors).toEqual([{ code: 'NOT_FOUND', field: ['id'] }]);
      expect((await lifecycle(mutation, 'con_nope')).userErrors).toEqual([{ code: 'NOT_FOUND', field: ['id'] }]);
    }
    const res = await other.gql(graphql('mutation($input: UpdateContactInput!) { updateContact(input: $input) { userErrors { code field } } }'), { input: { id: c!.id, patch: { firstName: 'Hijack' } } });
    expect(res.data!.updateContact.userErrors).toEqual([{ code: 'NOT_FOUND', field: ['id'] }]);
  });
});

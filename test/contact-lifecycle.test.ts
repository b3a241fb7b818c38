import { describe, expect, it } from 'vitest';
import { createHarness } from './support/harness.js';

const h = await createHarness();
const owner = await h.organization();

const FIELDS = 'id fullName firstName lastName jobTitle email emails { address isPrimary } tags version etag updatedAt deletedAt companies { company { name } } groups { name }';
const create = async (input: Record<string, unknown>) => {
  const res = await owner.gql(`mutation($input: CreateContactInput!) { createContact(input: $input) { contact { ${FIELDS} } userErrors { code field } } }`, { input });
  expect(res.data.createContact.userErrors).toEqual([]);
  return res.data.createContact.contact;
};
const update = async (input: Record<string, unknown>) =>
  (await owner.gql(`mutation($input: UpdateContactInput!) { updateContact(input: $input) { contact { ${FIELDS} } changedFields userErrors { code field message existingId } } }`, { input })).data.updateContact;
const lifecycle = async (mutation: string, id: string) =>
  (await owner.gql(`mutation($input: ${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input!) { ${mutation}(input: $input) { ${mutation === 'purgeContact' ? 'purgedId' : 'contact { id deletedAt version }'} userErrors { code field } } }`, { input: { id } })).data[mutation];
const feedOf = async (id: string) =>
  (await owner.gql('{ contactChanges(first: 100) { changes { contactId changeType changedFields version } } }')).data.contactChanges.changes.filter((c: { contactId: string }) => c.contactId === id);

describe('updateContact', () => {
  it('applies a patch: absent stays, null clears, lists are replaced; bumps version and etag; records changedFields', async () => {
    const jane = await create({ firstName: 'Jane', lastName: 'Smith', jobTitle: 'CTO', tags: ['a', 'b'], emails: [{ address: 'jane@one.example' }, { address: 'jane@two.example' }] });
    const res = await update({ id: jane.id, ifMatch: jane.etag, patch: { lastName: 'Doe', jobTitle: null, emails: [{ address: 'jane@three.example' }] } });
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
    expect(await feedOf(jane.id)).toEqual([
      { contactId: jane.id, changeType: 'CREATED', changedFields: [], version: 1 },
      { contactId: jane.id, changeType: 'UPDATED', changedFields: res.changedFields, version: 2 },
    ]);
    // The old addresses are free again.
    await create({ firstName: 'Other', email: 'jane@one.example' });
  });

  it('a no-op patch writes nothing: same version, etag, updatedAt and no feed entry', async () => {
    const c = await create({ firstName: 'Same', tags: ['x'] });
    const res = await update({ id: c.id, patch: { firstName: ' Same ', tags: ['x'] } });
    expect(res).toMatchObject({ changedFields: [], userErrors: [], contact: { version: 1, etag: c.etag, updatedAt: c.updatedAt } });
    expect(await feedOf(c.id)).toHaveLength(1);
  });

  it('refuses a stale ifMatch with STALE_ETAG and writes nothing', async () => {
    const c = await create({ firstName: 'Etag' });
    await update({ id: c.id, patch: { lastName: 'One' } });
    const res = await update({ id: c.id, ifMatch: c.etag, patch: { lastName: 'Two' } });
    expect(res).toMatchObject({ contact: null, userErrors: [{ code: 'STALE_ETAG', field: ['ifMatch'] }] });
    const now = (await owner.gql('query($id: ID!) { contact(by: { id: $id }) { lastName version } }', { id: c.id })).data.contact;
    expect(now).toEqual({ lastName: 'One', version: 2 });
  });

  it('20 parallel updates with the same etag: exactly one wins, the rest are STALE_ETAG', async () => {
    const c = await create({ firstName: 'Race' });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => update({ id: c.id, ifMatch: c.etag, patch: { lastName: `L${i}` } })));
    expect(results.filter((r) => r.contact)).toHaveLength(1);
    expect(results.filter((r) => r.userErrors[0]?.code === 'STALE_ETAG')).toHaveLength(19);
    expect((await feedOf(c.id)).map((e: { version: number }) => e.version)).toEqual([1, 2]);
  });

  it('without ifMatch, parallel updates all apply in turn (last writer wins), each on the version it read', async () => {
    const c = await create({ firstName: 'Many' });
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => update({ id: c.id, patch: { tags: [`t${i}`] } })));
    expect(results.every((r) => r.userErrors.length === 0)).toBe(true);
    const versions = (await feedOf(c.id)).map((e: { version: number }) => e.version);
    expect(versions).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('validates like createContact, with paths under patch; type is immutable; DUPLICATE names the holder', async () => {
    const holder = await create({ firstName: 'Holder', email: 'held@x.example' });
    const c = await create({ firstName: 'Val' });
    expect((await update({ id: c.id, patch: { type: 'INVOICE' } })).userErrors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['patch', 'type'] })]);
    expect((await update({ id: c.id, patch: { emails: [{ address: 'bad' }] } })).userErrors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['patch', 'emails', '0', 'address'] })]);
    expect((await update({ id: c.id, patch: { email: 'held@x.example' } })).userErrors).toEqual([
      expect.objectContaining({ code: 'DUPLICATE', field: ['patch', 'email'], existingId: holder.id }),
    ]);
    expect((await update({ id: c.id, patch: { firstName: null } })).userErrors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['patch'] })]);
    expect((await feedOf(c.id))).toHaveLength(1);
  });

  it('resolves companies and groups in a patch like createContact', async () => {
    const c = await create({ firstName: 'Linked', companies: [{ company: { name: 'Old Co' } }] });
    const res = await update({ id: c.id, patch: { companies: [{ company: { name: 'New Co' } }] } });
    expect(res.contact.companies).toEqual([{ company: { name: 'New Co' } }]);
    expect(res.changedFields).toEqual(['companies']);
  });
});

describe('recycle bin and purge', () => {
  it('deletes to the bin (hidden from lists, email still reserved), refuses writes, restores, purges', async () => {
    const c = await create({ firstName: 'Binned', email: 'binned@x.example', externalRefs: [{ namespace: 'crm', externalId: 'BIN' }] });
    const deleted = await lifecycle('deleteContact', c.id);
    expect(deleted).toMatchObject({ userErrors: [], contact: { id: c.id, deletedAt: expect.any(String), version: 2 } });
    const listed = await owner.gql('{ contacts(first: 100, filter: { search: "binned" }) { totalCount } bin: contacts(first: 100, filter: { onlyDeleted: true }) { edges { node { id } } } }');
    expect(listed.data.contacts.totalCount).toBe(0);
    expect(listed.data.bin.edges).toEqual([{ node: { id: c.id } }]);
    const dup = await owner.gql('mutation($input: CreateContactInput!) { createContact(input: $input) { userErrors { code existingId } } }', { input: { firstName: 'Again', email: 'binned@x.example' } });
    expect(dup.data.createContact.userErrors).toEqual([{ code: 'DUPLICATE', existingId: c.id }]);
    expect((await update({ id: c.id, patch: { lastName: 'X' } })).userErrors).toEqual([expect.objectContaining({ code: 'CONTACT_DELETED' })]);
    expect((await lifecycle('deleteContact', c.id)).userErrors).toEqual([{ code: 'CONTACT_DELETED', field: ['id'] }]);

    expect(await lifecycle('restoreContact', c.id)).toMatchObject({ userErrors: [], contact: { deletedAt: null, version: 3 } });
    expect((await lifecycle('restoreContact', c.id)).userErrors).toEqual([{ code: 'VALIDATION', field: ['id'] }]);

    expect(await lifecycle('purgeContact', c.id)).toEqual({ purgedId: c.id, userErrors: [] });
    expect((await owner.gql('query($id: ID!) { node(id: $id) { id } }', { id: c.id })).data.node).toBeNull();
    await create({ firstName: 'Reuses', email: 'binned@x.example', externalRefs: [{ namespace: 'crm', externalId: 'BIN' }] });
    expect((await feedOf(c.id)).map((e: { changeType: string }) => e.changeType)).toEqual(['CREATED', 'DELETED', 'RESTORED', 'PURGED']);
    expect((await lifecycle('purgeContact', c.id)).userErrors).toEqual([{ code: 'NOT_FOUND', field: ['id'] }]);
  });

  it('treats foreign and malformed ids as missing', async () => {
    const other = await h.organization();
    const c = await create({ firstName: 'Mine' });
    for (const mutation of ['deleteContact', 'restoreContact', 'purgeContact']) {
      const res = await other.gql(`mutation($input: ${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input!) { ${mutation}(input: $input) { userErrors { code field } } }`, { input: { id: c.id } });
      expect(res.data[mutation].userErrors).toEqual([{ code: 'NOT_FOUND', field: ['id'] }]);
      expect((await lifecycle(mutation, 'con_nope')).userErrors).toEqual([{ code: 'NOT_FOUND', field: ['id'] }]);
    }
    const res = await other.gql('mutation($input: UpdateContactInput!) { updateContact(input: $input) { userErrors { code field } } }', { input: { id: c.id, patch: { firstName: 'Hijack' } } });
    expect(res.data.updateContact.userErrors).toEqual([{ code: 'NOT_FOUND', field: ['id'] }]);
  });
});

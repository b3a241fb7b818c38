import { describe, expect, it } from 'vitest';
import { createHarness } from './support/harness.js';
import type { TadaDocumentNode } from 'gql.tada';
import { graphql } from './support/graphql.js';

const h = await createHarness();
const owner = await h.organization();

const gql = async <Data, Variables>(query: TadaDocumentNode<Data, Variables>, variables?: Variables) => {
  const res = await owner.gql(query, variables);
  expect(res.errors).toBeUndefined();
  return res.data!;
};
/** A mutation payload as `mutate` selects it: the user errors, and the caller's selection (read as unknown JSON). */
type Payload = { userErrors: { code: string; field: string[] | null; message: string; existingId: string | null }[]; [selected: string]: unknown };
const mutate = async (name: string, input: Record<string, unknown>, selection: string) => {
  const res = await owner.gql<Record<string, Payload>>(
    `mutation($input: ${name[0]!.toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $input) { ${selection} userErrors { code field message existingId } } }`,
    { input },
  );
  expect(res.errors).toBeUndefined();
  return res.data![name]!;
};
const created = async (name: string, input: Record<string, unknown>, pick: string) => {
  const res = await mutate(name, input, `${pick} { id }`);
  expect(res.userErrors).toEqual([]);
  return (res[pick] as { id: string }).id;
};
const CONTACT = graphql('fragment LifecycleContact on Contact @_unmask { id version companies { company { name } isPrimary } primaryCompany { name } groups { name } customFieldValues { field { name } } }');
const contactOf = async (id: string) => (await gql(graphql('query($id: ID!) { contact(by: { id: $id }) { ...LifecycleContact } }', [CONTACT]), { id })).contact;
const createContact = async (input: Record<string, unknown>) => created('createContact', input, 'contact');
const feedOf = async (id: string) =>
  (await gql(graphql('{ contactChanges(first: 100) { changes { contactId changeType changedFields version } } }'))).contactChanges.changes.filter(
    (c: { contactId: string }) => c.contactId === id,
  );

describe('updateCompany / deleteCompany', () => {
  it('renames, changes the domain and replaces the refs; contacts show the new name without a new version', async () => {
    const acme = await created('createCompany', { name: 'Acme', domain: 'acme.example', externalRefs: [{ namespace: 'crm', externalId: 'c-1' }] }, 'company');
    const contact = await createContact({ firstName: 'Wile', companies: [{ company: { id: acme } }] });
    const res = await mutate('updateCompany', { id: acme, name: '  Acme   Corp ', domain: null, externalRefs: [{ namespace: 'erp', externalId: 'E1' }] }, 'company { name domain externalRefs { namespace externalId } }');
    expect(res).toEqual({ company: { name: 'Acme Corp', domain: null, externalRefs: [{ namespace: 'erp', externalId: 'E1' }] }, userErrors: [] });
    expect(await contactOf(contact)).toMatchObject({ version: 1, companies: [{ company: { name: 'Acme Corp' }, isPrimary: true }] });
    const lookups = await gql(graphql('{ old: company(by: { externalRef: { namespace: "crm", externalId: "c-1" } }) { id } now: company(by: { name: "acme corp" }) { id } }'));
    expect(lookups).toEqual({ old: null, now: { id: acme } });
    // an absent field stays
    const again = await mutate('updateCompany', { id: acme, domain: 'acme.example' }, 'company { name domain }');
    expect(again.company).toEqual({ name: 'Acme Corp', domain: 'acme.example' });
  });

  it('refuses a taken name or ref (DUPLICATE naming the holder), bad values and foreign ids, changing nothing', async () => {
    const one = await created('createCompany', { name: 'One Ltd', externalRefs: [{ namespace: 'crm', externalId: 'one' }] }, 'company');
    const two = await created('createCompany', { name: 'Two Ltd' }, 'company');
    expect((await mutate('updateCompany', { id: two, name: 'ONE ltd' }, 'company { id }'))).toMatchObject({
      company: null,
      userErrors: [{ code: 'DUPLICATE', field: ['name'], existingId: one }],
    });
    expect((await mutate('updateCompany', { id: two, externalRefs: [{ namespace: 'crm', externalId: 'one' }] }, 'company { id }')).userErrors).toMatchObject([
      { code: 'DUPLICATE', field: ['externalRefs', '0'], existingId: one },
    ]);
    expect((await mutate('updateCompany', { id: two, name: '' }, 'company { id }')).userErrors).toMatchObject([{ code: 'VALIDATION', field: ['name'] }]);
    expect((await mutate('updateCompany', { id: two, domain: 'not a domain' }, 'company { id }')).userErrors).toMatchObject([{ code: 'VALIDATION', field: ['domain'] }]);
    const stranger = await h.organization();
    const res = await stranger.gql(graphql('mutation($input: UpdateCompanyInput!) { updateCompany(input: $input) { userErrors { code field } } }'), { input: { id: one, name: 'Hijacked' } });
    expect(res.data!.updateCompany.userErrors).toEqual([{ code: 'NOT_FOUND', field: ['id'] }]);
    const del = await stranger.gql(graphql('mutation($input: DeleteCompanyInput!) { deleteCompany(input: $input) { deletedId userErrors { code field } } }'), { input: { id: one } });
    expect(del.data!.deleteCompany).toEqual({ deletedId: null, userErrors: [{ code: 'NOT_FOUND', field: ['id'] }] });
    const now = await gql(graphql('query($id: ID!) { node(id: $id) { ... on Company { name externalRefs { externalId } } } }'), { id: one });
    expect(now.node).toEqual({ name: 'One Ltd', externalRefs: [{ externalId: 'one' }] });
  });

  it('deleting a company unlinks it: the next link becomes primary, each contact gets a version and an UPDATED entry', async () => {
    const gone = await created('createCompany', { name: 'Gone Inc' }, 'company');
    const contact = await createContact({ firstName: 'Linked', companies: [{ company: { id: gone } }, { company: { name: 'Stays Inc' } }] });
    const bystander = await createContact({ firstName: 'Bystander', companies: [{ company: { name: 'Stays Inc' } }] });
    const res = await mutate('deleteCompany', { id: gone }, 'deletedId');
    expect(res).toEqual({ deletedId: gone, userErrors: [] });
    expect(await contactOf(contact)).toMatchObject({
      version: 2,
      companies: [{ company: { name: 'Stays Inc' }, isPrimary: true }],
      primaryCompany: { name: 'Stays Inc' },
    });
    expect((await feedOf(contact)).at(-1)).toEqual({ contactId: contact, changeType: 'UPDATED', changedFields: ['companies'], version: 2 });
    expect(await feedOf(bystander)).toHaveLength(1);
    expect((await gql(graphql('query($id: ID!) { node(id: $id) { id } }'), { id: gone })).node).toBeNull();
    expect((await mutate('deleteCompany', { id: gone }, 'deletedId')).userErrors).toMatchObject([{ code: 'NOT_FOUND' }]);
  });
});

describe('updateGroup / deleteGroup', () => {
  it('group(id:) answers null, not an error, for a malformed id or one of another type', async () => {
    const group = await created('createGroup', { name: 'Looked Up' }, 'group');
    expect((await gql(graphql('query($id: ID!) { group(id: $id) { id name } }'), { id: group })).group).toEqual({ id: group, name: 'Looked Up' });
    // with a relation selected, so that Pothos has a query for the resolver to use
    for (const id of ['garbage', 'grp_123', group.replace('grp_', 'com_')]) {
      expect((await gql(graphql('query($id: ID!) { group(id: $id) { id customFields { name } } }'), { id })).group).toBeNull();
    }
  });

  it('renames a group, refusing a taken name', async () => {
    const a = await created('createGroup', { name: 'Alpha' }, 'group');
    const b = await created('createGroup', { name: 'Beta' }, 'group');
    expect(await mutate('updateGroup', { id: a, name: 'Alpha Team' }, 'group { name }')).toEqual({ group: { name: 'Alpha Team' }, userErrors: [] });
    expect(await mutate('updateGroup', { id: a, name: 'beta' }, 'group { name }')).toMatchObject({ group: null, userErrors: [{ code: 'DUPLICATE', existingId: b }] });
  });

  it('deleting a group removes its fields and their values; members get a version and an entry naming what changed', async () => {
    const group = await created('createGroup', { name: 'Doomed' }, 'group');
    const keep = await created('createGroup', { name: 'Kept' }, 'group');
    const field = await created('createCustomField', { groupId: group, name: 'Tier', type: 'TEXT' }, 'customField');
    const holder = await createContact({ firstName: 'Holder', groups: [group, keep], customFieldValues: [{ field, value: 'gold' }] });
    const member = await createContact({ firstName: 'Member', groups: [group] });
    expect(await mutate('deleteGroup', { id: group }, 'deletedId')).toEqual({ deletedId: group, userErrors: [] });
    expect(await contactOf(holder)).toMatchObject({ version: 2, groups: [{ name: 'Kept' }], customFieldValues: [] });
    expect(await contactOf(member)).toMatchObject({ version: 2, groups: [] });
    expect((await feedOf(holder)).at(-1)).toMatchObject({ changeType: 'UPDATED', changedFields: ['groups', 'customFieldValues'], version: 2 });
    expect((await feedOf(member)).at(-1)).toMatchObject({ changeType: 'UPDATED', changedFields: ['groups'], version: 2 });
    expect((await gql(graphql('query($id: ID!) { node(id: $id) { id } }'), { id: field })).node).toBeNull();
  });

  it('needs the admin scope', async () => {
    const writer = await h.organization({ scopes: ['contacts:read', 'contacts:write'] });
    const res = await writer.gql(graphql('mutation { deleteGroup(input: { id: "grp_x" }) { deletedId } }'));
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('updateCustomField / deleteCustomField', () => {
  it('renames a field, refusing a name its group already has', async () => {
    const group = await created('createGroup', { name: 'Fields' }, 'group');
    const a = await created('createCustomField', { groupId: group, name: 'Size', type: 'NUMBER' }, 'customField');
    const b = await created('createCustomField', { groupId: group, name: 'Colour', type: 'TEXT' }, 'customField');
    expect(await mutate('updateCustomField', { id: a, name: 'Headcount' }, 'customField { name type }')).toEqual({ customField: { name: 'Headcount', type: 'NUMBER' }, userErrors: [] });
    expect(await mutate('updateCustomField', { id: a, name: 'colour' }, 'customField { name }')).toMatchObject({ userErrors: [{ code: 'DUPLICATE', existingId: b }] });
    expect((await mutate('updateCustomField', { id: b, options: ['x'] }, 'customField { name }')).userErrors).toMatchObject([{ code: 'VALIDATION', field: ['options'] }]);
  });

  it('changes options: adding and removing unused ones works, removing a held one is refused with how many hold it', async () => {
    const group = await created('createGroup', { name: 'Selects' }, 'group');
    const field = await created('createCustomField', { groupId: group, name: 'Stage', type: 'SINGLE_SELECT', options: ['Lead', 'Won', 'Lost'] }, 'customField');
    const tags = await created('createCustomField', { groupId: group, name: 'Labels', type: 'MULTIPLE_SELECT', options: ['A', 'B'] }, 'customField');
    await createContact({ firstName: 'Won 1', groups: [group], customFieldValues: [{ field, value: 'Won' }, { field: tags, value: ['B'] }] });
    await createContact({ firstName: 'Won 2', groups: [group], customFieldValues: [{ field, value: 'won' }] });
    expect(await mutate('updateCustomField', { id: field, options: ['Won', 'Lead', 'Paused'] }, 'customField { options }')).toEqual({
      customField: { options: ['Won', 'Lead', 'Paused'] },
      userErrors: [],
    });
    const refused = await mutate('updateCustomField', { id: field, options: ['Lead'] }, 'customField { options }');
    expect(refused.userErrors).toEqual([{ code: 'VALIDATION', field: ['options'], message: 'the option "Won" is held by 2 contact(s); change their values first', existingId: null }]);
    expect((await mutate('updateCustomField', { id: tags, options: ['A'] }, 'customField { options }')).userErrors).toMatchObject([{ code: 'VALIDATION', message: expect.stringContaining('"B" is held by 1') }]);
    expect((await mutate('updateCustomField', { id: field, options: [] }, 'customField { options }')).userErrors).toMatchObject([{ code: 'VALIDATION', field: ['options'] }]);
    expect((await mutate('updateCustomField', { id: field, options: ['Lead', 'lead'] }, 'customField { options }')).userErrors).toMatchObject([{ code: 'VALIDATION', field: ['options', '1'] }]);
  });

  it('deleting a field removes its values; holders get a version and an entry', async () => {
    const group = await created('createGroup', { name: 'Temp' }, 'group');
    const field = await created('createCustomField', { groupId: group, name: 'Note', type: 'TEXT' }, 'customField');
    const holder = await createContact({ firstName: 'Noted', groups: [group], customFieldValues: [{ field, value: 'hello' }] });
    const member = await createContact({ firstName: 'Quiet', groups: [group] });
    expect(await mutate('deleteCustomField', { id: field }, 'deletedId')).toEqual({ deletedId: field, userErrors: [] });
    expect(await contactOf(holder)).toMatchObject({ version: 2, groups: [{ name: 'Temp' }], customFieldValues: [] });
    expect((await feedOf(holder)).at(-1)).toMatchObject({ changeType: 'UPDATED', changedFields: ['customFieldValues'], version: 2 });
    expect(await feedOf(member)).toHaveLength(1);
  });
});

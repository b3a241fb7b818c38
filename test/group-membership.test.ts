import { describe, expect, it } from 'vitest';
import { createHarness } from './support/harness.js';
import type { TadaDocumentNode } from 'gql.tada';
import { graphql, rootField } from './support/graphql.js';

const h = await createHarness();
const owner = await h.organization();

const gql = async <Data extends object, Input>(query: TadaDocumentNode<Data, { input: Input }>, input: Input) => {
  const res = await owner.gql(query, { input });
  expect(res.errors).toBeUndefined();
  return rootField(res.data!);
};
const group = (await gql(graphql('mutation($input: CreateGroupInput!) { createGroup(input: $input) { group { id } } }'), { name: 'Members' })).group!.id;
const ids: string[] = (
  await gql(graphql('mutation($input: CreateContactsInput!) { createContacts(input: $input) { results { contact { id } } } }'), {
    contacts: Array.from({ length: 5 }, (_, i) => ({ firstName: `M${i}` })),
  })
).results.map((r) => r.contact!.id);

const ADD = graphql('mutation($input: AddContactsToGroupInput!) { addContactsToGroup(input: $input) { group { contacts(first: 10) { totalCount } } userErrors { code field } } }');
const REMOVE = graphql('mutation($input: RemoveContactsFromGroupInput!) { removeContactsFromGroup(input: $input) { group { contacts(first: 10) { totalCount } } userErrors { code field } } }');
const versions = async () => (await owner.gql(graphql('{ contacts(first: 10, orderBy: { field: CREATED_AT, direction: ASC }) { edges { node { version } } } }'))).data!.contacts.edges.map((e: { node: { version: number } }) => e.node.version);

describe('group membership', () => {
  it('adds and removes contacts, bumping only the contacts whose membership changed', async () => {
    expect(await gql(ADD, { groupId: group, contactIds: ids.slice(0, 3) })).toEqual({ group: { contacts: { totalCount: 3 } }, userErrors: [] });
    expect(await versions()).toEqual([2, 2, 2, 1, 1]);
    expect(await gql(ADD, { groupId: group, contactIds: ids.slice(2, 5) })).toEqual({ group: { contacts: { totalCount: 5 } }, userErrors: [] });
    // The third was a member already: its version stays.
    expect(await versions()).toEqual([2, 2, 2, 2, 2]);
    expect(await gql(REMOVE, { groupId: group, contactIds: [ids[0]!, ids[0]!] })).toEqual({ group: { contacts: { totalCount: 4 } }, userErrors: [] });
  });

  it('is all or nothing: one unknown or deleted contact writes nothing', async () => {
    await gql(graphql('mutation($input: DeleteContactInput!) { deleteContact(input: $input) { userErrors { code } } }'), { id: ids[4]! });
    const before = await h.db.prisma.groupMembership.count();
    const res = await gql(ADD, { groupId: group, contactIds: [ids[0]!, 'con_bogus', ids[4]!] });
    expect(res).toEqual({ group: null, userErrors: [{ code: 'NOT_FOUND', field: ['contactIds', '1'] }, { code: 'CONTACT_DELETED', field: ['contactIds', '2'] }] });
    expect(await h.db.prisma.groupMembership.count()).toBe(before);
    expect((await gql(ADD, { groupId: 'grp_x', contactIds: [ids[0]!] })).userErrors).toEqual([{ code: 'NOT_FOUND', field: ['groupId'] }]);
    expect((await gql(ADD, { groupId: group, contactIds: Array.from({ length: 501 }, () => ids[0]!) })).userErrors).toEqual([{ code: 'LIMIT_EXCEEDED', field: ['contactIds'] }]);
  });
});

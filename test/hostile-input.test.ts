import { describe, expect, it } from 'vitest';
import { createHarness } from './support/harness.js';

// What an attack run against the server found (issue 17, low): inputs that reached PostgreSQL
// unchecked and came back as INTERNAL_SERVER_ERROR, or matched more than they said.
const h = await createHarness();
const owner = await h.organization();

const cursorOf = (text: string) => Buffer.from(text).toString('base64url');

describe('forged cursors are BAD_USER_INPUT, never an internal error', () => {
  const contactCursor = (value: string) => cursorOf(JSON.stringify([value, '0193a3c4-0000-7000-8000-000000000000']));
  it.each([
    ['a feed cursor past PostgreSQL bigint', '{ contactChanges(after: "CURSOR") { changes { cursor } } }', cursorOf('9223372036854775808:1')],
    ['a feed cursor with a sequence past bigint', '{ contactChanges(after: "CURSOR") { changes { cursor } } }', cursorOf('1:9999999999999999999')],
    ['a contact cursor with month 99', '{ contacts(first: 5, after: "CURSOR") { edges { cursor } } }', contactCursor('9999-99-99')],
    ['a contact cursor in year 275760', '{ contacts(first: 5, after: "CURSOR") { edges { cursor } } }', contactCursor('+275760-09-13T00:00:00.000Z')],
    ['a contact cursor in year -271821', '{ contacts(first: 5, after: "CURSOR", orderBy: { field: CREATED_AT }) { edges { cursor } } }', contactCursor('-271821-04-20T00:00:00.000Z')],
    ['a contact cursor whose date is not as the API writes it', '{ contacts(first: 5, after: "CURSOR") { edges { cursor } } }', contactCursor('2026-01-01')],
  ])('%s', async (_name, query, cursor) => {
    const res = await owner.gql(query.replace('CURSOR', cursor));
    expect(res.errors).toMatchObject([{ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(/cursor/) }]);
  });

  it('a cursor the API gave out still pages (the check refuses only forgeries)', async () => {
    for (const firstName of ['Page A', 'Page B']) await owner.gql('mutation($i: CreateContactInput!) { createContact(input: $i) { contact { id } } }', { i: { firstName } });
    const first = await owner.gql('{ contacts(first: 1) { edges { cursor node { firstName } } } }');
    const next = await owner.gql(`{ contacts(first: 1, after: "${first.data.contacts.edges[0].cursor}") { edges { node { firstName } } } }`);
    expect(next.errors).toBeUndefined();
    expect(next.data.contacts.edges).toHaveLength(1);
    expect(next.data.contacts.edges[0].node.firstName).not.toBe(first.data.contacts.edges[0].node.firstName);
  });
});

describe('search in companies and groups matches % and _ literally, as contacts search does', () => {
  it.each([
    ['companies', 'createCompany', 'company'],
    ['groups', 'createGroup', 'group'],
  ])('%s(search:)', async (list, mutation, object) => {
    const type = `${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input`;
    for (const name of ['100% Pure', '100 Percent', 'Under_score', 'UnderXscore']) {
      const res = await owner.gql(`mutation($i: ${type}!) { ${mutation}(input: $i) { ${object} { id } userErrors { code } } }`, { i: { name: `${list} ${name}` } });
      expect(res.data[mutation].userErrors).toEqual([]);
    }
    const names = async (search: string) =>
      (await owner.gql(`query($s: String) { ${list}(first: 10, search: $s) { edges { node { name } } } }`, { s: search })).data[list].edges.map(
        (e: { node: { name: string } }) => e.node.name,
      );
    expect(await names('100%')).toEqual([`${list} 100% Pure`]);
    expect(await names('under_')).toEqual([`${list} Under_score`]);
    expect(await names('%')).toEqual([`${list} 100% Pure`]);
  });
});

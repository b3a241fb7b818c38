import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../src/modules/common/json-depth.js';
import { createHarness } from './support/harness.js';
import { graphql, idOf, type TextMutationData, type TextPayload } from './support/graphql.js';

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
    for (const firstName of ['Page A', 'Page B']) await owner.gql(graphql('mutation($i: CreateContactInput!) { createContact(input: $i) { contact { id } } }'), { i: { firstName } });
    const first = await owner.gql(graphql('{ contacts(first: 1) { edges { cursor node { firstName } } } }'));
    const next = await owner.gql(graphql('query($after: String) { contacts(first: 1, after: $after) { edges { node { firstName } } } }'), { after: first.data!.contacts.edges[0]!.cursor });
    expect(next.errors).toBeUndefined();
    expect(next.data!.contacts.edges).toHaveLength(1);
    expect(next.data!.contacts.edges[0]!.node.firstName).not.toBe(first.data!.contacts.edges[0]!.node.firstName);
  });
});

describe('search in companies and groups matches % and _ literally, as contacts search does', () => {
  it.each([
    ['companies', 'createCompany', 'company'],
    ['groups', 'createGroup', 'group'],
  ])('%s(search:)', async (list, mutation, object) => {
    const type = `${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input`;
    for (const name of ['100% Pure', '100 Percent', 'Under_score', 'UnderXscore']) {
      const res = await owner.gql<TextMutationData>(`mutation($i: ${type}!) { ${mutation}(input: $i) { ${object} { id } userErrors { code } } }`, { i: { name: `${list} ${name}` } });
      expect(res.data![mutation]!.userErrors).toEqual([]);
    }
    const names = async (search: string) =>
      (await owner.gql<Record<string, { edges: { node: { name: string } }[] }>>(`query($s: String) { ${list}(first: 10, search: $s) { edges { node { name } } } }`, { s: search })).data![list]!.edges.map(
        (e) => e.node.name,
      );
    expect(await names('100%')).toEqual([`${list} 100% Pure`]);
    expect(await names('under_')).toEqual([`${list} Under_score`]);
    expect(await names('%')).toEqual([`${list} 100% Pure`]);
  });
});

describe('JSON nested past MAX_JSON_DEPTH is a 400 that names its request, never an internal error', () => {
  /** `levels` arrays inside one another */
  const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
  const send = async (body: string) => {
    const response = await h.app.fetch('http://test/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.key}` }, body });
    return { status: response.status, requestId: response.headers.get('x-request-id'), body: (await response.json()) as { errors?: unknown } };
  };

  it.each([
    ['variables', `{"query":"query($v: JSON) { __typename }","variables":{"v":${nested(10_000)}}}`],
    ['extensions', `{"query":"{ __typename }","extensions":{"x":${nested(10_000)}}}`],
    ['a custom value', `{"query":"mutation($i: CreateContactInput!) { createContact(input: $i) { contact { id } } }","variables":{"i":{"firstName":"Deep","customFieldValues":[{"field":"fld_x","value":${nested(100_000)}}]}}}`],
    ['one operation of a batch', `[{"query":"{ __typename }"},{"query":"{ __typename }","variables":{"v":${nested(10_000)}}}]`],
  ])('in %s', async (_where, body) => {
    const answer = await send(body);
    expect(answer.status).toBe(400);
    expect(answer.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.body.errors).toEqual([{ message: `The request's JSON nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep.`, extensions: { code: 'BAD_REQUEST' } }]);
  });

  it('takes a body nested exactly MAX_JSON_DEPTH levels', async () => {
    // the body and `extensions` are two levels
    const atLimit = await send(`{"query":"{ __typename }","extensions":{"x":${nested(MAX_JSON_DEPTH - 2)}}}`);
    expect(atLimit).toMatchObject({ status: 200, body: { data: { __typename: 'Query' } } });
    const over = await send(`{"query":"{ __typename }","extensions":{"x":${nested(MAX_JSON_DEPTH - 1)}}}`);
    expect(over.status).toBe(400);
  });
});

/** A name write's payload (asserting there was no GraphQL error). */
const writeNamed = async (mutation: string, input: Record<string, unknown>) => {
  const object = mutation.replace(/^(create|update)/, '').replace(/^./, (c) => c.toLowerCase());
  const type = `${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input`;
  const res = await owner.gql<TextMutationData>(`mutation($i: ${type}!) { ${mutation}(input: $i) { ${object} { id name } userErrors { code field message } } }`, { i: input });
  expect(res.errors).toBeUndefined();
  return res.data![mutation]!;
};
const namesGroup = idOf((await writeNamed('createGroup', { name: 'Names' })).group);
const namesCompany = idOf((await writeNamed('createCompany', { name: 'Names Inc' })).company);
const namesField = idOf((await writeNamed('createCustomField', { groupId: namesGroup, name: 'Names field', type: 'TEXT' })).customField);

describe('company, group and custom field names: something visible, no bidi overrides or isolates', () => {
  const writes: [string, (name: string) => Promise<TextPayload>][] = [
    ['createCompany', (name) => writeNamed('createCompany', { name })],
    ['updateCompany', (name) => writeNamed('updateCompany', { id: namesCompany, name })],
    ['createGroup', (name) => writeNamed('createGroup', { name })],
    ['updateGroup', (name) => writeNamed('updateGroup', { id: namesGroup, name })],
    ['createCustomField', (name) => writeNamed('createCustomField', { groupId: namesGroup, name, type: 'TEXT' })],
    ['updateCustomField', (name) => writeNamed('updateCustomField', { id: namesField, name })],
  ];

  it.each(writes)('%s refuses a name of zero-width characters only, as an empty one', async (_mutation, send) => {
    const payload = await send('\u200B\u200C\u200D\u2060\uFEFF');
    expect(payload.userErrors).toEqual([{ code: 'VALIDATION', field: ['name'], message: 'must not be empty' }]);
  });

  it.each(writes)('%s refuses a name with a bidi override or isolate', async (_mutation, send) => {
    for (const name of ['Acme\u202Ecod.exe', '\u2066Acme\u2069']) {
      const payload = await send(name);
      expect(payload.userErrors).toEqual([{ code: 'VALIDATION', field: ['name'], message: expect.stringMatching(/bidirectional/) }]);
    }
  });

  it('nothing was written by the refused names', async () => {
    const res = await owner.gql(graphql(`{ companies(first: 50) { edges { node { name } } } groups(first: 50) { edges { node { name } } } }`));
    expect(res.data!.companies.edges.map((e: { node: { name: string } }) => e.node.name)).not.toContainEqual(expect.stringMatching(/[\u200B-\u200D\u2060\uFEFF\u202A-\u202E\u2066-\u2069]/));
    expect(res.data!.groups.edges.map((e: { node: { name: string } }) => e.node.name)).not.toContainEqual(expect.stringMatching(/[\u200B-\u200D\u2060\uFEFF\u202A-\u202E\u2066-\u2069]/));
    expect((await owner.gql<{ node: { name: string } }>(`{ node(id: "${namesCompany}") { ... on Company { name } } }`)).data!.node.name).toBe('Names Inc');
  });
});

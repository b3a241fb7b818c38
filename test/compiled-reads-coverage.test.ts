import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { createApp } from '../src/yoga.js';
import { createHarness } from './support/harness.js';
import { graphql } from './support/graphql.js';

// Which operations the compiled read path answers (src/graphql/compiled-reads.ts) and which run
// through the resolvers as before; either way the answer is the resolvers' own, byte for byte.
// test/compiled-reads.test.ts compares thousands of generated selections.

const answered: string[][] = [];
const failures: unknown[] = [];
const h = await createHarness({
  apiKeyCache: { ttlMs: 3_600_000 },
  compiledReads: { onAnswer: (fields) => void answered.push([...fields]), onError: (error) => void failures.push(error) },
});
const plain = createApp({ db: h.db, log: createLogger('silent'), compiledReads: false });
const owner = await h.organization();
const reader = await h.organization({ scopes: ['contacts:read'] });
const writer = await h.organization({ scopes: ['contacts:write'] });

const CREATE = graphql('mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } userErrors { message } } }');
const created = await owner.gql(CREATE, {
  input: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@engine.example', ssn: '078-05-1120', tags: ['math'], companies: [{ company: { name: 'Engines Ltd' } }], externalRefs: [{ namespace: 'crm', externalId: 'a-1' }] },
});
expect(created.data!.createContact.userErrors).toEqual([]);
const ada = created.data!.createContact.contact!.id;
const company = (await owner.gql('query($id: ID!) { contact(by: { id: $id }) { companies { company { id } } } }', { id: ada })).data as {
  contact: { companies: { company: { id: string } }[] };
};
const companyId = company.contact.companies[0]!.company.id;

/** Sends `query` to the app (compiled path on) and to the plain app; says whether the compiled path answered. */
async function both(key: string, query: string, variables: Record<string, unknown> = {}) {
  const send = async (app: typeof plain) => {
    const response = await app.fetch('http://test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
    return `${response.status} ${await response.text()}`;
  };
  const before = answered.length;
  const fast = await send(h.app);
  const compiled = answered.length > before;
  return { fast, slow: await send(plain), compiled };
}

const manyAliases = Array.from({ length: 51 }, (_, i) => `a${i}: firstName`).join(' ');

const CASES: { name: string; key?: string; query: string; variables?: Record<string, unknown>; compiled: boolean }[] = [
  { name: 'a page of contacts with every kind of connection field', query: '{ contacts(first: 2) { __typename totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id fullName email companies { company { name } } } } } }', compiled: true },
  { name: 'contact by id', query: `{ contact(by: { id: "${ada}" }) { id fullName tags externalRefs { namespace externalId } } }`, compiled: true },
  { name: 'contact by email', query: '{ contact(by: { email: "ADA@engine.example" }) { id } }', compiled: true },
  { name: 'contact by external ref', query: '{ contact(by: { externalRef: { namespace: "crm", externalId: "a-1" } }) { id } }', compiled: true },
  { name: 'the change feed with its contacts', query: '{ contactChanges(first: 10) { hasMore endCursor changes { cursor changeType contact { id fullName } } } }', compiled: true },
  { name: 'nodes of contacts (a malformed id answers null)', query: `{ nodes(ids: ["${ada}", "garbage"]) { __typename id ... on Contact { fullName } } }`, compiled: true },
  { name: '_entities of contacts', query: `{ _entities(representations: [{ __typename: "Contact", id: "${ada}" }]) { ... on Contact { id fullName } } }`, compiled: true },
  { name: 'ssn with contacts:sensitive', query: `{ contact(by: { id: "${ada}" }) { ssn } }`, compiled: true },
  { name: 'two root fields that both compile', query: `{ contacts(first: 1) { totalCount } contact(by: { id: "${ada}" }) { id } }`, compiled: true },
  // the resolvers' path
  { name: 'a mutation', query: 'mutation { createGroup(input: { name: "" }) { group { id } userErrors { code } } }', compiled: false },
  { name: 'a root field without a compiled read (viewer)', query: '{ viewer { organization { name } } }', compiled: false },
  { name: 'a compiled root field beside one without', query: '{ contacts(first: 1) { totalCount } viewer { user { id } } }', compiled: false },
  { name: 'node(id:)', query: `{ node(id: "${ada}") { id } }`, compiled: false },
  { name: 'nodes naming a company', query: `{ nodes(ids: ["${ada}", "${companyId}"]) { id } }`, compiled: false },
  { name: '_entities of a company', query: `{ _entities(representations: [{ __typename: "Company", id: "${companyId}" }]) { ... on Company { name } } }`, compiled: false },
  { name: 'ssn without contacts:sensitive (null and FORBIDDEN)', key: reader.key, query: `{ contact(by: { id: "${ada}" }) { fullName ssn } }`, compiled: false },
  { name: 'a key without contacts:read', key: writer.key, query: '{ contacts(first: 1) { totalCount } }', compiled: false },
  { name: 'a field that takes arguments below a contact (Company.contacts)', query: '{ contacts(first: 1) { edges { node { companies { company { contacts(first: 1) { totalCount } } } } } } }', compiled: false },
  { name: '@defer', query: `{ contact(by: { id: "${ada}" }) { id ... @defer { fullName } } }`, compiled: false },
  { name: 'more than 50 keys in one object', query: `{ contact(by: { id: "${ada}" }) { ${manyAliases} } }`, compiled: false },
  { name: 'introspection', query: '{ __type(name: "Contact") { name } }', compiled: false },
  { name: 'a page size out of range (the domain refuses it)', query: '{ contacts(first: 0) { totalCount } }', compiled: false },
  { name: 'a cursor this API did not give out', query: '{ contacts(first: 1, after: "bm9wZQ") { totalCount } }', compiled: false },
  { name: 'a feed cursor this API did not give out', query: '{ contactChanges(after: "bm9wZQ") { hasMore } }', compiled: false },
];

describe('the compiled read path', () => {
  for (const { name, key, query, variables, compiled } of CASES) {
    it(`${compiled ? 'answers' : 'leaves to the resolvers'}: ${name}`, async () => {
      const answer = await both(key ?? owner.key, query, variables);
      expect(answer.fast).toBe(answer.slow);
      expect(answer.compiled).toBe(compiled);
      expect(failures).toEqual([]);
    });
  }
});

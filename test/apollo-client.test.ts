import { createHash } from 'node:crypto';
import type http from 'node:http';
import {
  ApolloClient,
  ApolloLink,
  CombinedGraphQLErrors,
  HttpLink,
  InMemoryCache,
  type Reference,
  type StoreObject,
} from '@apollo/client';
import { Defer20220824Handler } from '@apollo/client/incremental';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { relayStylePagination } from '@apollo/client/utilities';
import { filter, firstValueFrom } from 'rxjs';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { graphql, type ResultOf } from './support/graphql.js';
import { createHarness } from './support/harness.js';
import { listenOnLoopback } from './support/http-server.js';

// contactgraph as a front end on Apollo Client 4 sees it: over real HTTP on loopback.

const h = await createHarness();
const owner = await h.organization();

/** What reached the HTTP server, in order (bodies read here, then handed to the app). */
interface Seen {
  method: string;
  url: string;
  body: SeenBody | undefined;
}
/** The fields of a request body the tests look at. */
interface SeenBody {
  operationName?: string;
  query?: string;
  extensions?: { persistedQuery?: { sha256Hash: string } };
}
let seen: Seen[] = [];

const listener: http.RequestListener = (req, res) => {
  if (req.method === 'GET' || req.method === 'HEAD') {
    seen.push({ method: req.method, url: req.url ?? '', body: undefined });
    h.app(req, res);
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const text = Buffer.concat(chunks).toString('utf8');
    seen.push({ method: req.method ?? '', url: req.url ?? '', body: text ? (JSON.parse(text) as SeenBody) : undefined });
    // The stream is consumed: yoga (like behind a body parser) takes the body from `req.body`.
    (req as http.IncomingMessage & { body?: string }).body = text;
    h.app(req, res);
  });
};
const server = await listenOnLoopback(listener);
const uri = `${server.origin}/graphql`;
afterAll(() => server.close());
beforeEach(() => {
  seen = [];
});

/** A GraphQL error answer read straight off the wire. */
interface ErrorBody {
  errors: { extensions: { code: string } }[];
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function createClient(options: { key?: string | null; links?: ApolloLink[] } = {}) {
  const key = options.key === undefined ? owner.key : options.key;
  const httpLink = new HttpLink({ uri, headers: key ? { authorization: `Bearer ${key}` } : {} });
  return new ApolloClient({
    link: ApolloLink.from([...(options.links ?? []), httpLink]),
    cache: new InMemoryCache({
      typePolicies: {
        Query: { fields: { contacts: relayStylePagination(['filter', 'orderBy']) } },
      },
    }),
    incrementalHandler: new Defer20220824Handler(),
  });
}

const CREATE = graphql(`
  mutation Create($input: CreateContactInput!) {
    createContact(input: $input) {
      contact { id firstName lastName fullName email }
      userErrors { code field message }
    }
  }
`);

async function createContact(input: Record<string, unknown>): Promise<string> {
  const res = await owner.gql(
    graphql('mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } userErrors { code field message } } }'),
    { input },
  );
  expect(res.data!.createContact.userErrors).toEqual([]);
  return res.data!.createContact.contact!.id;
}

// 27 contacts to page through, made in order.
const paged: string[] = [];
for (let i = 0; i < 27; i += 1) {
  paged.push(
    await createContact({
      firstName: `Page${String(i).padStart(2, '0')}`,
      lastName: 'Turner',
      tags: ['paged'],
      companies: [{ company: { name: `Paper Mill ${i % 3}` } }],
    }),
  );
}

describe('Apollo Client 4 against contactgraph', () => {
  it('normalises objects by __typename and id: two queries share one Contact entry', async () => {
    const client = createClient();
    const id = paged[0]!;
    const one = await client.query({
      query: graphql(`query One($id: ID!) { contact(by: { id: $id }) { id fullName } }`),
      variables: { id },
    });
    expect(one.data).toEqual({ contact: { __typename: 'Contact', id, fullName: 'Page00 Turner' } });
    const list = await client.query({
      query: graphql(`{ contacts(first: 3, filter: { tags: ["paged"] }, orderBy: { field: CREATED_AT, direction: ASC }) {
        edges { node { id firstName } }
      } }`),
    });
    expect(list.data!.contacts.edges[0]!.node).toEqual({ __typename: 'Contact', id, firstName: 'Page00' });

    const store = client.cache.extract() as Record<string, StoreObject>;
    const contactKeys = Object.keys(store).filter((key) => key.startsWith('Contact:'));
    expect(contactKeys).toEqual(expect.arrayContaining([`Contact:${id}`, `Contact:${paged[1]}`, `Contact:${paged[2]}`]));
    expect(contactKeys).toHaveLength(3);
    // One entry, holding the fields both queries asked for, referenced from both results.
    expect(store[`Contact:${id}`]).toEqual({ __typename: 'Contact', id, fullName: 'Page00 Turner', firstName: 'Page00' });
    const rootFields = Object.entries(store.ROOT_QUERY!) as [string, { edges: { node: unknown }[] }][];
    const lookup = rootFields.find(([field]) => field.startsWith('contact('))![1];
    expect(lookup).toEqual({ __ref: `Contact:${id}` });
    const page = rootFields.find(([field]) => field.startsWith('contacts:'))![1];
    expect(page.edges[0]!.node).toEqual({ __ref: `Contact:${id}` });
  });

  it('pages through every contact with relayStylePagination and fetchMore', async () => {
    const client = createClient();
    const PAGE = graphql(`
      query Page($first: Int!, $after: String) {
        contacts(first: $first, after: $after, filter: { tags: ["paged"] }, orderBy: { field: CREATED_AT, direction: ASC }) {
          pageInfo { hasNextPage endCursor }
          edges { cursor node { id fullName } }
        }
      }
    `);
    const observable = client.watchQuery({ query: PAGE, variables: { first: 10 } });
    const subscription = observable.subscribe(() => {});
    try {
      const first = await firstValueFrom(observable.pipe(filter((result) => result.dataState === 'complete')));
      let pageInfo = first.data.contacts.pageInfo;
      let pages = 1;
      while (pageInfo.hasNextPage && pages < 10) {
        const more = await observable.fetchMore({ variables: { after: pageInfo.endCursor } });
        pageInfo = more.data.contacts.pageInfo;
        pages += 1;
      }
      expect(pages).toBe(3);
      // What the component watching the query sees: the three pages merged, in order.
      const merged = await firstValueFrom(
        observable.pipe(filter((result) => result.data?.contacts?.edges?.length === paged.length)),
      );
      const { contacts } = merged.data as ResultOf<typeof PAGE>;
      expect(contacts.edges.map((edge) => edge.node.id)).toEqual(paged);
      expect(contacts.edges.map((edge) => edge.node.fullName)).toEqual(paged.map((_, i) => `Page${String(i).padStart(2, '0')} Turner`));
      expect(contacts.pageInfo.hasNextPage).toBe(false);
      // The cache holds one merged list for the query.
      const cached = client.readQuery({ query: PAGE, variables: { first: 10 } });
      expect(cached!.contacts.edges.map((edge) => edge.node.id)).toEqual(paged);
    } finally {
      subscription.unsubscribe();
    }
  });

  it('puts a created contact into the cache and into a list the client shows', async () => {
    const client = createClient();
    const LIST = graphql(`{ contacts(first: 5, filter: { tags: ["created-here"] }) { edges { cursor node { id fullName } } pageInfo { hasNextPage endCursor } } }`);
    const before = await client.query({ query: LIST });
    expect(before.data!.contacts.edges).toEqual([]);

    const created = await client.mutate({
      mutation: CREATE,
      variables: { input: { firstName: 'Cached', lastName: 'Carla', email: 'carla@cache.example', tags: ['created-here'] } },
      update(cache, { data }) {
        const contact = data?.createContact.contact;
        if (!contact) return;
        cache.modify<{ contacts: { edges: unknown[] } }>({
          fields: {
            contacts(existing, { toReference }) {
              const node = toReference(contact) as Reference;
              return { ...existing, edges: [...(existing && 'edges' in existing ? existing.edges : []), { __typename: 'ContactEdge', cursor: '', node }] };
            },
          },
        });
      },
    });
    const contact = created.data!.createContact.contact!;
    expect(contact).toMatchObject({ fullName: 'Cached Carla', email: 'carla@cache.example' });

    // The normalised contact is there without another request…
    seen = [];
    const fragment = client.readFragment({
      id: `Contact:${contact.id}`,
      fragment: graphql(`fragment Seen on Contact { id fullName email }`),
    });
    expect(fragment).toEqual({ __typename: 'Contact', id: contact.id, fullName: 'Cached Carla', email: 'carla@cache.example' });
    // …and so is the list that the update added it to.
    const after = await client.query({ query: LIST, fetchPolicy: 'cache-only' });
    expect(after.data!.contacts.edges.map((edge) => edge.node)).toEqual([
      { __typename: 'Contact', id: contact.id, fullName: 'Cached Carla' },
    ]);
    expect(seen).toEqual([]);
    // The server agrees.
    const fresh = await createClient().query({ query: LIST });
    expect(fresh.data!.contacts.edges.map((edge) => edge.node.id)).toEqual([contact.id]);
  });

  it('updates a contact an earlier query shows, without refetching', async () => {
    const client = createClient();
    const id = await createContact({ firstName: 'Before', lastName: 'Update' });
    const SHOW = graphql(`query Show($id: ID!) { contact(by: { id: $id }) { id fullName lastName } }`);
    const observable = client.watchQuery({ query: SHOW, variables: { id } });
    const shown: (string | null)[] = [];
    const subscription = observable.subscribe((result) => {
      if (result.dataState === 'complete') shown.push(result.data.contact!.fullName);
    });
    try {
      const fullNameShown = (name: string) =>
        firstValueFrom(observable.pipe(filter((result) => result.data?.contact?.fullName === name)));
      await fullNameShown('Before Update');

      seen = [];
      const res = await client.mutate({
        mutation: graphql(`mutation Rename($input: UpdateContactInput!) {
          updateContact(input: $input) { contact { id fullName lastName } changedFields userErrors { code field message } }
        }`),
        variables: { input: { id, patch: { lastName: 'After' } } },
      });
      expect(res.data!.updateContact.userErrors).toEqual([]);
      // The watching query shows the new name from the mutation's result…
      const updated = await fullNameShown('Before After');
      expect(updated.data!.contact).toEqual({ __typename: 'Contact', id, fullName: 'Before After', lastName: 'After' });
      expect(shown).toEqual(['Before Update', 'Before After']);
      // …and only the mutation went over the wire: the query was not sent again.
      expect(seen.map((request) => request.body?.operationName)).toEqual(['Rename']);
    } finally {
      subscription.unsubscribe();
    }
  });

  it('keeps the same external id in two namespaces apart: ExternalRef has no id to normalise by', async () => {
    const id = await createContact({
      firstName: 'Two',
      lastName: 'Systems',
      externalRefs: [
        { namespace: 'hubspot', externalId: '42' },
        { namespace: 'salesforce', externalId: '42' },
      ],
    });
    const client = createClient();
    const REFS = graphql(`query Refs($id: ID!) { contact(by: { id: $id }) { id externalRefs { namespace externalId } } }`);
    const res = await client.query({ query: REFS, variables: { id } });
    const both = [
      { __typename: 'ExternalRef', namespace: 'hubspot', externalId: '42' },
      { __typename: 'ExternalRef', namespace: 'salesforce', externalId: '42' },
    ];
    expect(res.data!.contact!.externalRefs).toEqual(both);
    // Read back from the cache alone: still two refs, stored inside the contact, not as entries of their own.
    expect(client.readQuery({ query: REFS, variables: { id } })!.contact!.externalRefs).toEqual(both);
    const store = client.cache.extract() as Record<string, StoreObject>;
    expect(Object.keys(store).filter((key) => key.startsWith('ExternalRef'))).toEqual([]);
    expect(store[`Contact:${id}`]!.externalRefs).toEqual(both);
  });

  it('delivers user errors as data, with a code and the field path', async () => {
    const client = createClient();
    const res = await client.mutate({ mutation: CREATE, variables: { input: { firstName: 'Bad', email: 'not-an-email' } } });
    expect(res.error).toBeUndefined();
    const payload = res.data!.createContact;
    expect(payload.contact).toBeNull();
    expect(payload.userErrors).toHaveLength(1);
    expect(payload.userErrors[0]!).toMatchObject({ code: 'VALIDATION', field: ['email'] });
    expect(payload.userErrors[0]!.message).toEqual(expect.any(String));
  });

  it('rejects a wrong key with CombinedGraphQLErrors carrying UNAUTHENTICATED', async () => {
    for (const key of ['cgk_not-a-real-key', null]) {
      const client = createClient({ key });
      const error = await client
        .query({ query: graphql(`{ viewer { scopes } }`) })
        .then(() => null, (e: unknown) => e);
      expect(CombinedGraphQLErrors.is(error)).toBe(true);
      const { errors, data } = error as CombinedGraphQLErrors;
      expect(data ?? null).toBeNull();
      expect(errors.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    }
    // What went over the wire: HTTP 401 with a GraphQL body.
    const response = await fetch(uri, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json;q=0.9' },
      body: JSON.stringify({ query: '{ viewer { scopes } }' }),
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as ErrorBody).errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('uses automatic persisted queries: miss, register, then hash-only hits', async () => {
    const QUERY = graphql(`query Persisted($id: ID!) { contact(by: { id: $id }) { id fullName } }`);
    const id = paged[5]!;
    const apq = () => new PersistedQueryLink({ sha256 });

    const first = createClient({ links: [apq()] });
    const one = await first.query({ query: QUERY, variables: { id } });
    expect(one.data!.contact!.fullName).toBe('Page05 Turner');
    expect(seen).toHaveLength(2);
    const [miss, register] = seen as [Seen, Seen];
    const hash = miss.body!.extensions!.persistedQuery!.sha256Hash;
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(miss.body!.query).toBeUndefined();
    expect(register.body!.query).toContain('query Persisted');
    expect(register.body!.extensions!.persistedQuery!.sha256Hash).toBe(hash);

    // The miss answered PERSISTED_QUERY_NOT_FOUND (seen directly, as the link saw it).
    const probe = await fetch(uri, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.key}` },
      body: JSON.stringify({ variables: { id }, extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ unknown }') } } }),
    });
    expect(((await probe.json()) as ErrorBody).errors[0]!.extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');

    // A second client with an empty cache sends only the hash, and gets data.
    seen = [];
    const second = createClient({ links: [apq()] });
    const two = await second.query({ query: QUERY, variables: { id: paged[6]! } });
    expect(two.data!.contact).toEqual({ __typename: 'Contact', id: paged[6], fullName: 'Page06 Turner' });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.body!.query).toBeUndefined();
    expect(seen[0]!.body!.extensions!.persistedQuery!.sha256Hash).toBe(hash);
  });

  it('streams @defer: the initial part first, then the deferred companies', async () => {
    const client = createClient();
    const DEFERRED = graphql(`
      query Deferred {
        contacts(first: 3, filter: { tags: ["paged"] }, orderBy: { field: CREATED_AT, direction: ASC }) {
          edges { node { id fullName ... @defer { companies { company { name } } } } }
        }
      }
    `);
    const observable = client.watchQuery({ query: DEFERRED });
    // Streaming parts hold the initial fields only: the deferred ones are absent until they arrive.
    const results: { dataState: string; data: ResultOf<typeof DEFERRED> }[] = [];
    await new Promise<void>((resolve, reject) => {
      const subscription = observable.subscribe({
        next(result) {
          results.push({ dataState: result.dataState, data: result.data as ResultOf<typeof DEFERRED> });
          if (result.dataState === 'complete') {
            subscription.unsubscribe();
            resolve();
          }
        },
        error: reject,
      });
    });
    // It asked for multipart and got the incremental delivery.
    const streaming = results.filter((result) => result.dataState === 'streaming');
    expect(streaming.length).toBeGreaterThanOrEqual(1);
    const initial = streaming[0]!.data.contacts.edges.map((edge) => edge.node);
    expect(initial.map((node) => node.fullName)).toEqual(['Page00 Turner', 'Page01 Turner', 'Page02 Turner']);
    expect(initial.every((node) => (node as { companies?: unknown }).companies === undefined)).toBe(true);

    const final = results.at(-1)!.data.contacts.edges.map((edge) => edge.node);
    expect(final).toEqual([0, 1, 2].map((i) => ({
      __typename: 'Contact',
      id: paged[i],
      fullName: `Page0${i} Turner`,
      companies: [{ __typename: 'ContactCompany', company: { __typename: 'Company', name: `Paper Mill ${i}` } }],
    })));
  });
});

describe('CSRF prevention', () => {
  it('refuses a bare GET a browser could send cross-site, and lets Apollo Client’s requests through', async () => {
    const bare = await fetch(`${uri}?query=${encodeURIComponent('{ __typename }')}`);
    expect(bare.status).toBe(403);

    // The same GET with the preflight header Apollo documents gets past CSRF (and then asks for a key).
    const preflighted = await fetch(`${uri}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(preflighted.status).toBe(401);

    // Apollo Client's own requests (POST JSON, and GET for queries) pass.
    const post = await createClient().query({ query: graphql(`{ viewer { scopes } }`) });
    expect(post.data!.viewer.scopes).toContain('contacts:read');
    const getClient = new ApolloClient({
      link: new HttpLink({ uri, useGETForQueries: true, headers: { authorization: `Bearer ${owner.key}` } }),
      cache: new InMemoryCache(),
    });
    seen = [];
    const viaGet = await getClient.query({ query: graphql(`{ viewer { scopes } }`) });
    expect(viaGet.data!.viewer.scopes).toContain('contacts:read');
    expect(seen.map((request) => request.method)).toEqual(['GET']);
  });
});

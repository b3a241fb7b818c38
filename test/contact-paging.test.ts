import { describe, expect, it } from 'vitest';
import { createHarness } from './support/harness.js';
import { graphql, type VariablesOf } from './support/graphql.js';

const h = await createHarness();
const owner = await h.organization();

// 250 contacts whose sort keys collide a lot (5 last names, 25 full names), so the id
// tiebreak is exercised; several share created/updated timestamps within one bulk write.
const created = await owner.gql(graphql('mutation($input: CreateContactsInput!) { createContacts(input: $input) { results { contact { id } } } }'), {
  input: {
    contacts: Array.from({ length: 250 }, (_, i) => ({
      firstName: `P${i % 25}`,
      lastName: ['adams', 'Baker', 'carter', 'Davis', 'evans'][i % 5],
      tags: i % 3 === 0 ? ['third'] : [],
      email: `p${i}@paging.example`,
    })),
  },
});
const allIds: string[] = created.data!.createContacts.results.map((r) => r.contact!.id);

const PAGE = graphql(`query($first: Int, $after: String, $last: Int, $before: String, $order: ContactOrder, $filter: ContactFilter) {
  contacts(first: $first, after: $after, last: $last, before: $before, orderBy: $order, filter: $filter) {
    totalCount
    edges { cursor node { id lastName fullName } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`);

async function walk(order: NonNullable<VariablesOf<typeof PAGE>['order']>, backwards: boolean, size: number, filter?: VariablesOf<typeof PAGE>['filter']) {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages += 1) {
    const variables: VariablesOf<typeof PAGE> = backwards ? { last: size, before: cursor, order, filter } : { first: size, after: cursor, order, filter };
    const res = await owner.gql(PAGE, variables);
    expect(res.errors).toBeUndefined();
    const { edges, pageInfo } = res.data!.contacts;
    const ids = edges.map((e) => e.node.id);
    if (backwards) seen.unshift(...ids);
    else seen.push(...ids);
    const more = backwards ? pageInfo.hasPreviousPage : pageInfo.hasNextPage;
    if (!more) return seen;
    cursor = backwards ? pageInfo.startCursor : pageInfo.endCursor;
  }
  throw new Error('did not finish');
}

describe('paging through 250 contacts', () => {
  for (const field of ['CREATED_AT', 'UPDATED_AT', 'LAST_NAME', 'FULL_NAME'] as const) {
    for (const direction of ['ASC', 'DESC'] as const) {
      it(`${field} ${direction}: forward and backward see every contact exactly once, in the same order`, async () => {
        const order = { field, direction };
        const forward = await walk(order, false, 37);
        expect(forward).toHaveLength(250);
        expect(new Set(forward)).toEqual(new Set(allIds));
        const backward = await walk(order, true, 41);
        expect(backward).toEqual(forward);
      });
    }
  }

  it.each([
    ['UPDATED_AT', 'DESC'],
    ['CREATED_AT', 'DESC'],
    ['LAST_NAME', 'ASC'],
    ['FULL_NAME', 'ASC'],
  ] as const)('orderBy { field: %s } without a direction sorts %s, forward and backward', async (field, natural) => {
    const ids = async (order: NonNullable<VariablesOf<typeof PAGE>['order']>) => {
      const res = await owner.gql(PAGE, { first: 100, order });
      expect(res.errors).toBeUndefined();
      return res.data!.contacts.edges.map((e: { node: { id: string } }) => e.node.id);
    };
    const implicit = await ids({ field });
    expect(implicit).toHaveLength(100);
    expect(implicit).toEqual(await ids({ field, direction: natural }));
    expect(implicit).not.toEqual(await ids({ field, direction: natural === 'ASC' ? 'DESC' : 'ASC' }));
    expect(await walk({ field }, true, 41)).toEqual(await walk({ field, direction: natural }, false, 37));
  });

  it('orderBy { field: UPDATED_AT } is the default order', async () => {
    const res = await owner.gql(PAGE, { first: 100 });
    const implicit = await owner.gql(PAGE, { first: 100, order: { field: 'UPDATED_AT' } });
    expect(implicit.data!.contacts.edges).toEqual(res.data!.contacts.edges);
  });

  it('orders names case-insensitively with ids breaking ties', async () => {
    const res = await owner.gql(PAGE, { first: 100, order: { field: 'LAST_NAME', direction: 'ASC' } });
    const names = res.data!.contacts.edges.map((e) => e.node.lastName!.toLowerCase());
    expect(names).toEqual([...names].sort());
    expect(names[0]).toBe('adams');
  });

  it('pages a filtered list with totalCount of the whole filter', async () => {
    const forward = await walk({ field: 'FULL_NAME', direction: 'ASC' }, false, 10, { tags: ['third'] });
    expect(forward).toHaveLength(84);
    const res = await owner.gql(PAGE, { first: 5, filter: { tags: ['third'] } });
    expect(res.data!.contacts.totalCount).toBe(84);
    const any = await owner.gql(PAGE, { first: 5, filter: { tags: ['third', 'nope'] } });
    expect(any.data!.contacts.totalCount).toBe(84);
    const all = await owner.gql(PAGE, { first: 5, filter: { tags: ['third', 'nope'], tagsMatch: 'ALL' } });
    expect(all.data!.contacts.totalCount).toBe(0);
  });

  it('reads totalCount with one statement more, planned for its values, however it is selected, and on an empty page', async () => {
    const COUNTED = graphql(`query($after: String, $withCount: Boolean!) {
      contacts(first: 5, after: $after, filter: { tags: ["third"] }, orderBy: { field: LAST_NAME }) {
        ... on ContactConnection { n: totalCount @include(if: $withCount) }
        edges { cursor node { id } }
      }
    }`);
    const first = await h.statementsOf(() => owner.gql(COUNTED, { withCount: true }));
    expect(first.result.data!.contacts).toMatchObject({ n: 84 });
    expect(first.result.data!.contacts.edges).toHaveLength(5);
    const contactReads = (statements: string[]) => statements.filter((sql) => /FROM contacts c/.test(sql));
    expect(contactReads(first.statements)).toHaveLength(2);
    expect(contactReads(first.statements)[1]).toMatch(/^\/\* planned each run \*\/ SELECT count\(\*\)::int AS total FROM \(SELECT 1 FROM contacts c WHERE .* LIMIT 1001\) c$/);
    // past the last contact: no edges, and the count still there
    const last = await walk({ field: 'LAST_NAME', direction: 'ASC' }, false, 84, { tags: ['third'] });
    expect(last).toHaveLength(84);
    const lastCursor = (await owner.gql(PAGE, { first: 1, last: undefined, order: { field: 'LAST_NAME', direction: 'DESC' }, filter: { tags: ['third'] } })).data!.contacts.edges[0]!.cursor;
    const empty = await owner.gql(COUNTED, { after: lastCursor, withCount: true });
    expect(empty.data!.contacts).toEqual({ n: 84, edges: [] });
    // not selected: not counted
    const uncounted = await h.statementsOf(() => owner.gql(COUNTED, { withCount: false }));
    expect(uncounted.result.data!.contacts).not.toHaveProperty('n');
    expect(contactReads(uncounted.statements).filter((sql) => /AS total/.test(sql))).toEqual([]);
  });

  it.each([0, 101, -1])('rejects first: %i with an error, never a silent clamp', async (first) => {
    const res = await owner.gql(PAGE, { first });
    expect(res.data?.contacts ?? null).toBeNull();
    expect(res.errors?.[0]).toMatchObject({ message: expect.stringMatching(/between 1 and 100/), extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('rejects last: 101, first together with last, and a forged cursor', async () => {
    expect((await owner.gql(PAGE, { last: 101 })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await owner.gql(PAGE, { first: 5, last: 5 })).errors?.[0]?.message).toMatch(/not both/);
    expect((await owner.gql(PAGE, { first: 5, after: 'bm90LWEtY3Vyc29y' })).errors?.[0]?.message).toMatch(/cursor/);
  });

  it('finds contacts by search over names, emails and phones', async () => {
    const res = await owner.gql(PAGE, { first: 100, filter: { search: 'P7@PAGING' } });
    expect(res.data!.contacts.totalCount).toBe(1);
    const byName = await owner.gql(PAGE, { first: 100, filter: { search: 'baker' } });
    expect(byName.data!.contacts.totalCount).toBe(50);
    const wildcard = await owner.gql(PAGE, { first: 100, filter: { search: '%' } });
    expect(wildcard.data!.contacts.totalCount).toBe(0);
  });
});

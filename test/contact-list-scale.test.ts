import { describe, expect, it } from 'vitest';
import { Prisma } from '../src/db/generated/prisma/client.js';
import { contactPageStatement } from '../src/modules/contact/contact-list.js';
import { decodeIdOf } from '../src/modules/common/ids.js';
import { createTenant, DEFAULT_TENANT_SETTINGS, SCOPES } from '../src/tenant/tenant.js';
import { createChangeEvents } from '../src/tenant/change-events.js';
import { createHarness, type GraphQLResponse } from './support/harness.js';
import { graphql, type ResultOf } from './support/graphql.js';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows': number;
  Plans?: PlanNode[];
}

// Counts and filtered pages that cost what their answer costs, not what the organisation holds.
// The exact-count limit is 5 here so that its edges are reached with a handful of contacts.
const h = await createHarness({ tenantSettings: { ...DEFAULT_TENANT_SETTINGS, exactCountLimit: 5 } });

const CREATE_MANY = graphql('mutation($input: CreateContactsInput!) { createContacts(input: $input) { results { contact { id } } userErrors { message } } }');
const COUNT = graphql(`query($filter: ContactFilter) {
  contacts(first: 2, filter: $filter) { totalCount totalCountIsExact all: totalCount(exact: true) edges { node { id } } }
}`);
// without the argument: what the compiled read path answers
const COUNT_COMPILED = graphql('query($filter: ContactFilter) { contacts(first: 2, filter: $filter) { totalCountIsExact totalCount } }');
const DELETE = graphql('mutation($id: ID!) { deleteContact(input: { id: $id }) { userErrors { code } } }');

async function createContacts(caller: Awaited<ReturnType<typeof h.organization>>, inputs: object[]) {
  const ids: string[] = [];
  for (let from = 0; from < inputs.length; from += 500) {
    const res = await caller.gql(CREATE_MANY, { input: { contacts: inputs.slice(from, from + 500) as never } });
    expect(res.errors).toBeUndefined();
    ids.push(...res.data!.createContacts.results.map((r) => r.contact!.id));
  }
  return ids;
}

describe('totalCount', () => {
  it('is exact up to the limit, an estimate of at least limit + 1 past it, and exact when asked', async () => {
    const owner = await h.organization();
    const ids = await createContacts(owner, Array.from({ length: 5 }, (_, i) => ({ firstName: `Count${i}`, tags: i < 3 ? ['few'] : [] })));
    const at = await owner.gql(COUNT, {});
    expect(at.data!.contacts).toMatchObject({ totalCount: 5, totalCountIsExact: true, all: 5 });
    expect(await owner.gql(COUNT_COMPILED, {})).toMatchObject({ data: { contacts: { totalCount: 5, totalCountIsExact: true } } });

    await createContacts(owner, [{ firstName: 'Count5' }]);
    const past = await owner.gql(COUNT, {});
    expect(past.errors).toBeUndefined();
    expect(past.data!.contacts.totalCountIsExact).toBe(false);
    expect(past.data!.contacts.totalCount).toBeGreaterThanOrEqual(6);
    expect(past.data!.contacts.all).toBe(6);
    const compiled = await owner.gql(COUNT_COMPILED, {});
    expect(compiled.data!.contacts.totalCountIsExact).toBe(false);
    expect(compiled.data!.contacts.totalCount).toBeGreaterThanOrEqual(6);

    // a filter's count has the same edges: 3 of 6 is exact
    expect((await owner.gql(COUNT, { filter: { tags: ['few'] } })).data!.contacts).toMatchObject({ totalCount: 3, totalCountIsExact: true, all: 3 });
    // back at the limit: exact again
    expect((await owner.gql(DELETE, { id: ids[0]! })).data!.deleteContact.userErrors).toEqual([]);
    expect((await owner.gql(COUNT, {})).data!.contacts).toMatchObject({ totalCount: 5, totalCountIsExact: true, all: 5 });
    expect((await owner.gql(COUNT, { filter: { onlyDeleted: true } })).data!.contacts).toMatchObject({ totalCount: 1, totalCountIsExact: true });
  });

  it('counts only the caller’s organisation', async () => {
    const [one, other] = [await h.organization(), await h.organization()];
    await createContacts(one, Array.from({ length: 7 }, (_, i) => ({ firstName: `Mine${i}` })));
    await createContacts(other, [{ firstName: 'Theirs' }]);
    expect((await other.gql(COUNT, {})).data!.contacts).toMatchObject({ totalCount: 1, totalCountIsExact: true, all: 1 });
    expect((await one.gql(COUNT, {})).data!.contacts).toMatchObject({ totalCountIsExact: false, all: 7 });
  });
});

describe('a filtered page of an organisation larger than the list window (1,000 contacts)', async () => {
  const owner = await h.organization();
  // oldest first: the rare contacts are created first, so the newest-first list reaches them last
  const rare = await createContacts(owner, [
    { firstName: 'Rare0', tags: ['rare'], companies: [{ company: { name: 'Lonely Co' } }] },
    { firstName: 'Rare1', tags: ['rare'] },
    { firstName: 'Rare2', tags: ['rare'] },
  ]);
  const common = await createContacts(owner, Array.from({ length: 1_100 }, (_, i) => ({ firstName: `Common${i}`, tags: i % 2 ? ['odd'] : [] })));
  const lonelyCo = (await owner.gql(graphql('query($id: ID!) { contact(by: { id: $id }) { companies { company { id } } } }'), { id: rare[0]! })).data!.contact!.companies[0]!.company.id;
  const PAGE = graphql(`query($filter: ContactFilter, $after: String, $first: Int!) {
    contacts(first: $first, after: $after, filter: $filter) { edges { cursor node { id } } pageInfo { hasNextPage } }
  }`);

  async function pages(filter: object, first = 2) {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 1_000; page += 1) {
      const res: GraphQLResponse<ResultOf<typeof PAGE>> = await owner.gql(PAGE, { filter: filter as never, after, first });
      expect(res.errors).toBeUndefined();
      seen.push(...res.data!.contacts.edges.map((e) => e.node.id));
      if (!res.data!.contacts.pageInfo.hasNextPage) return seen;
      after = res.data!.contacts.edges.at(-1)!.cursor;
    }
    throw new Error('no last page');
  }

  it('finds the matches beyond the window, in list order, page by page', async () => {
    // the whole list, newest first: what each filter's pages must be a part of, in its order
    const list = await pages({}, 100);
    expect(list).toHaveLength(rare.length + common.length);
    const inListOrder = (ids: string[]) => list.filter((id) => ids.includes(id));
    expect(await pages({ tags: ['rare'] })).toEqual(inListOrder(rare));
    expect(await pages({ companyId: lonelyCo })).toEqual([rare[0]]);
    // dense filters: their pages come from the window
    expect(await pages({ tags: ['odd'] }, 50)).toEqual(inListOrder(common.filter((_, i) => i % 2 === 1)));
    const tens = common.filter((_, i) => i % 2 === 1 && `common${i}`.includes('common10'));
    expect(await pages({ tags: ['odd'], search: 'Common10' })).toEqual(inListOrder(tens));
  });

  it('plans the matches from the filter’s own index, not a walk of the organisation', async () => {
    const tenant = createTenant(
      { organizationId: owner.organizationId, userId: owner.userId, apiKeyId: 'test', apiKeyPrefix: 'test', scopes: new Set(SCOPES) },
      h.db.prisma,
      createChangeEvents(),
    );
    const companyId = decodeIdOf('Company', lonelyCo)!;
    // the statistics autovacuum keeps (without them PostgreSQL guesses and may walk every contact)
    await h.db.sql.exec('ANALYZE');
    const statement = contactPageStatement(tenant, {
      filter: { companyId },
      orderBy: { field: 'UPDATED_AT', direction: 'DESC' },
      page: { first: 20 },
    });
    const [plan] = await h.db.prisma.$queryRaw<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(Prisma.sql`EXPLAIN (ANALYZE, FORMAT JSON) ${statement.sql}`);
    const [countPlan] = await h.db.prisma.$queryRaw<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(
      Prisma.sql`EXPLAIN (ANALYZE, FORMAT JSON) SELECT count(*) FROM (SELECT 1 FROM contacts c WHERE c.organization_id = ${owner.organizationId}::uuid AND c.merged_into_id IS NULL AND c.deleted_at IS NULL AND EXISTS (SELECT 1 FROM contact_companies l WHERE l.contact_id = c.id AND l.company_id = ${companyId}::uuid AND l.organization_id = c.organization_id) LIMIT 6) c`,
    );
    const nodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodes)];
    // the page's matches and its count are read from the company's links, then their contacts by key
    const fromLinks = [plan!, countPlan!].flatMap((explained) => nodes(explained['QUERY PLAN'][0].Plan)).filter(
      (node) => node['Node Type'] === 'Nested Loop' && node.Plans![0]!['Relation Name'] === 'contact_companies' && node.Plans![1]!['Relation Name'] === 'contacts',
    );
    expect(fromLinks.map((node) => [node.Plans![1]!['Node Type'], node.Plans![1]!['Actual Rows']])).toEqual([
      ['Index Scan', 1],
      ['Index Scan', 1],
    ]);
  });
});

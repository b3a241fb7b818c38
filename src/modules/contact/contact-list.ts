import { Prisma } from '../../db/generated/prisma/client.js';
import type { ContactType } from '../../db/generated/prisma/enums.js';
import { PLANNED_EACH_RUN } from '../../db/client.js';
import type { Tenant } from '../../tenant/tenant.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../common/paging.js';
import { ArgumentError } from '../common/result.js';
import { externalRefSchema } from '../common/external-ref.js';
import { likeEscaped } from '../common/names.js';


export type ContactOrderField = 'UPDATED_AT' | 'CREATED_AT' | 'LAST_NAME' | 'FULL_NAME';
export type OrderDirection = 'ASC' | 'DESC';

export interface ContactFilter {
  search?: string | null;
  tags?: string[] | null;
  tagsMatch?: 'ANY' | 'ALL' | null;
  groupId?: string | null;
  companyId?: string | null;
  type?: ContactType | null;
  externalRefNamespace?: string | null;
  updatedSince?: Date | null;
  includeDeleted?: boolean | null;
  onlyDeleted?: boolean | null;
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}


const SORT_COLUMNS: Record<ContactOrderField, { name: string; kind: 'date' | 'text' }> = {
  UPDATED_AT: { name: 'updated_at', kind: 'date' },
  CREATED_AT: { name: 'created_at', kind: 'date' },
  LAST_NAME: { name: 'sort_last_name', kind: 'text' },
  FULL_NAME: { name: 'sort_full_name', kind: 'text' },
};

/** Opaque cursors: the sort value and id of a row, for keyset pagination. */
const encodeCursor = (value: string, id: string) => Buffer.from(JSON.stringify([value, id])).toString('base64url');

function decodeCursor(cursor: string): [string, string] {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(decoded) &&
      decoded.length === 2 &&
      typeof decoded[0] === 'string' &&
      typeof decoded[1] === 'string' &&
      /^[0-9a-f-]{36}$/.test(decoded[1])
    ) {
      return decoded as [string, string];
    }
  } catch {
    // fall through
  }
  throw new ArgumentError('the cursor is not one this API gave out');
}

/** A date sort value as this API writes it in cursors (an ISO timestamp of years 1–9999), or refused. */
function cursorDate(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime()) || date.toISOString() !== value || date.getUTCFullYear() < 1 || date.getUTCFullYear() > 9999) {
    throw new ArgumentError('the cursor is not one this API gave out');
  }
  return date;
}

function pageSize(args: PageArgs): { size: number; backwards: boolean } {
  if (args.first != null && args.last != null) throw new ArgumentError('give first or last, not both');
  const size = args.last ?? args.first ?? DEFAULT_PAGE_SIZE;
  const name = args.last != null ? 'last' : 'first';
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new ArgumentError(`${name} must be between 1 and ${MAX_PAGE_SIZE}, got ${size}`);
  }
  return { size, backwards: args.last != null };
}

const likePattern = (term: string) => `%${likeEscaped(term.toLowerCase())}%`;

/**
 * The conditions of a list: `base` (the organisation's contacts, the recycle bin as asked) and
 * the filter's own (`filters`), with the columns of `contacts` those read besides id.
 */
function listConditions(organizationId: string, filter: ContactFilter) {
  const base = [Prisma.sql`c.organization_id = ${organizationId}::uuid`, Prisma.sql`c.merged_into_id IS NULL`];
  if (filter.onlyDeleted) base.push(Prisma.sql`c.deleted_at IS NOT NULL`);
  else if (!filter.includeDeleted) base.push(Prisma.sql`c.deleted_at IS NULL`);
  const filters: Prisma.Sql[] = [];
  const columns = new Set(['organization_id']);
  const search = filter.search?.trim();
  if (search) {
    filters.push(Prisma.sql`c.search_text LIKE ${likePattern(search)}`);
    columns.add('search_text');
  }
  if (filter.tags?.length) {
    filters.push(filter.tagsMatch === 'ALL' ? Prisma.sql`c.tags @> ${filter.tags}::text[]` : Prisma.sql`c.tags && ${filter.tags}::text[]`);
    columns.add('tags');
  }
  if (filter.type) {
    filters.push(Prisma.sql`c.type = ${filter.type}::"ContactType"`);
    columns.add('type');
  }
  if (filter.updatedSince) {
    filters.push(Prisma.sql`c.updated_at >= ${filter.updatedSince}`);
    columns.add('updated_at');
  }
  if (filter.groupId !== undefined && filter.groupId !== null) {
    filters.push(Prisma.sql`EXISTS (SELECT 1 FROM group_memberships m WHERE m.contact_id = c.id AND m.group_id = ${filter.groupId}::uuid AND m.organization_id = c.organization_id)`);
  }
  if (filter.companyId !== undefined && filter.companyId !== null) {
    filters.push(Prisma.sql`EXISTS (SELECT 1 FROM contact_companies l WHERE l.contact_id = c.id AND l.company_id = ${filter.companyId}::uuid AND l.organization_id = c.organization_id)`);
  }
  if (filter.externalRefNamespace) {
    // a namespace no ref can have matches no contact
    const namespace = externalRefSchema.shape.namespace.safeParse(filter.externalRefNamespace).data ?? '';
    filters.push(Prisma.sql`EXISTS (SELECT 1 FROM external_refs r WHERE r.contact_id = c.id AND r.namespace = ${namespace} AND r.organization_id = c.organization_id)`);
  }
  return { base, filters, columns };
}

/**
 * How many contacts in list order a filtered page looks at before it takes the filter's own
 * index instead: a filter matching at least one in ~50 fills its page within them; a sparser one
 * (one company's contacts among a million) is read through its index and sorted. At 1,000,000
 * contacts the walk of 1,000 cost 2 ms, and a tag held by 1 contact 3 ms in all, against 3.1 s
 * for the ordered walk PostgreSQL chose by itself.
 */
const LIST_WINDOW = 1000;

/** How many contacts a filter matches, and whether that is a count or PostgreSQL's estimate. */
export interface ContactCount {
  total: number;
  exact: boolean;
}

export interface ContactPage {
  /** the ids of the page, in order, with each one's cursor */
  rows: { id: string; cursor: string }[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  /** how many contacts the filter matches (one statement more): past the exact limit an estimate, or with `exact` a count of every match */
  count: (options?: { exact?: boolean }) => Promise<ContactCount>;
}

export interface ContactPageOptions {
  filter: ContactFilter;
  orderBy: { field: ContactOrderField; direction: OrderDirection };
  page: PageArgs;
}

/** A row of a page statement: a contact's id and sort value. */
export interface ContactPageRow {
  id: string;
  sort_value: Date | string;
}

/** PostgreSQL's estimate of the rows `query` answers (its plan's top row count), without running it. */
async function estimatedRows(tenant: Tenant, query: Prisma.Sql): Promise<number> {
  const [row] = await tenant.prisma.$queryRaw<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }[]>(
    Prisma.sql`${Prisma.raw(PLANNED_EACH_RUN)}EXPLAIN (FORMAT JSON) ${query}`,
  );
  return Math.round(row!['QUERY PLAN'][0].Plan['Plan Rows']);
}

/**
 * The statement of one page of contact ids by keyset pagination over (sort key, id), so pages
 * stay stable and fast however deep, and how to read its rows; `order` is the page's ORDER BY
 * over a row `p` of it, for a statement that wraps it. Refuses bad arguments (ArgumentError).
 *
 * A filtered page first looks at the next LIST_WINDOW contacts in list order; when fewer than
 * the page match there, the page is the filter's matches read by the filter's own index (a
 * MATERIALIZED CTE, which PostgreSQL plans for all its rows, not for the first few) and sorted.
 * `count()` is exact up to the tenant's `exactCountLimit` contacts; past it, PostgreSQL's
 * estimate (flagged as such). Its statements are planned on each run, for their values: a
 * generic plan cannot tell a tag every contact has from one nobody has, and from the sixth run
 * of a named count PostgreSQL counted 10,001 of a million contacts by a bitmap of every contact
 * holding the tag (100–150 ms against 5 ms).
 */
export function contactPageStatement(tenant: Tenant, options: ContactPageOptions) {
  const { size, backwards } = pageSize(options.page);
  const column = SORT_COLUMNS[options.orderBy.field];
  const sort = Prisma.raw(`c.${column.name}`);
  const ascending = (options.orderBy.direction === 'ASC') !== backwards;
  const { base, filters, columns } = listConditions(tenant.organizationId, options.filter);
  const cursor = backwards ? options.page.before : options.page.after;
  const keyset: Prisma.Sql[] = [];
  if (cursor) {
    const [value, id] = decodeCursor(cursor);
    const typed = column.kind === 'date' ? Prisma.sql`${cursorDate(value)}::timestamptz` : Prisma.sql`${value}`;
    keyset.push(ascending ? Prisma.sql`(${sort}, c.id) > (${typed}, ${id}::uuid)` : Prisma.sql`(${sort}, c.id) < (${typed}, ${id}::uuid)`);
  }
  const direction = ascending ? Prisma.sql`ASC` : Prisma.sql`DESC`;
  const orderBy = Prisma.sql`ORDER BY ${sort} ${direction}, c.id ${direction}`;
  const and = (conditions: Prisma.Sql[]) => Prisma.join(conditions, ' AND ');
  const matching = [...base, ...filters];
  let ids: Prisma.Sql;
  if (filters.length === 0) {
    ids = Prisma.sql`
    SELECT c.id::text AS id, ${sort} AS sort_value
      FROM contacts c
     WHERE ${and([...base, ...keyset])}
     ${orderBy}
     LIMIT ${size + 1}`;
  } else {
    const windowColumns = Prisma.raw([...new Set(['id', column.name, ...columns])].map((name) => `c.${name}`).join(', '));
    ids = Prisma.sql`
    WITH walked AS MATERIALIZED (
      SELECT c.id::text AS id, ${sort} AS sort_value
        FROM (SELECT ${windowColumns} FROM contacts c WHERE ${and([...base, ...keyset])} ${orderBy} LIMIT ${Prisma.raw(String(LIST_WINDOW))}) c
       WHERE ${and(filters)}
       ${orderBy}
       LIMIT ${size + 1}),
    matches AS MATERIALIZED (SELECT c.id, ${sort} AS sort_value FROM contacts c WHERE ${and([...matching, ...keyset])})
    SELECT id, sort_value FROM walked WHERE (SELECT count(*) FROM walked) > ${size}
    UNION ALL
    (SELECT c.id::text, c.sort_value FROM matches c WHERE (SELECT count(*) FROM walked) <= ${size} ORDER BY c.sort_value ${direction}, c.id ${direction} LIMIT ${size + 1})`;
  }
  const limit = tenant.settings.exactCountLimit;
  const matchingRows = Prisma.sql`SELECT 1 FROM contacts c WHERE ${and(matching)}`;
  const countOf = async (rows: Prisma.Sql) =>
    (await tenant.prisma.$queryRaw<{ total: number }[]>(Prisma.sql`${Prisma.raw(PLANNED_EACH_RUN)}SELECT count(*)::int AS total FROM (${rows}) c`))[0]!.total;
  const order = `p.sort_value ${direction.sql}, p.id::uuid ${direction.sql}`;
  // totalCount and totalCountIsExact share one count (and one estimate)
  let bounded: Promise<ContactCount> | undefined;
  const boundedCount = async (): Promise<ContactCount> => {
    // the limit is part of the text: a generic plan would take a LIMIT $n for 10 % of the rows
    const counted = await countOf(Prisma.sql`${matchingRows} LIMIT ${Prisma.raw(String(limit + 1))}`);
    if (counted <= limit) return { total: counted, exact: true };
    // more than the limit: at least limit + 1, whatever the statistics say
    return { total: Math.max(limit + 1, await estimatedRows(tenant, matchingRows)), exact: false };
  };
  return {
    sql: ids,
    order,
    read(answered: readonly ContactPageRow[]): ContactPage {
      const more = answered.length > size;
      const page = answered.slice(0, size);
      if (backwards) page.reverse();
      const rows = page.map((row) => ({
        id: row.id,
        cursor: encodeCursor(column.kind === 'date' ? new Date(row.sort_value).toISOString() : String(row.sort_value), row.id),
      }));
      return {
        rows,
        hasNextPage: backwards ? Boolean(options.page.before) : more,
        hasPreviousPage: backwards ? more : Boolean(options.page.after),
        count: async ({ exact = false } = {}) => {
          const count = await (bounded ??= boundedCount());
          return exact && !count.exact ? { total: await countOf(matchingRows), exact: true } : count;
        },
      };
    },
  };
}

/** One page of contact ids; the caller loads the contacts themselves with the fields it needs. */
export async function listContactIds(tenant: Tenant, options: ContactPageOptions): Promise<ContactPage> {
  const statement = contactPageStatement(tenant, options);
  return statement.read(await tenant.prisma.$queryRaw<ContactPageRow[]>(statement.sql));
}

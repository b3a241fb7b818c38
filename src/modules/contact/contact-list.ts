import { Prisma } from '../../db/generated/prisma/client.js';
import type { ContactType } from '../../db/generated/prisma/enums.js';
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


const SORT_COLUMNS: Record<ContactOrderField, { sql: Prisma.Sql; kind: 'date' | 'text' }> = {
  UPDATED_AT: { sql: Prisma.sql`c.updated_at`, kind: 'date' },
  CREATED_AT: { sql: Prisma.sql`c.created_at`, kind: 'date' },
  LAST_NAME: { sql: Prisma.sql`c.sort_last_name`, kind: 'text' },
  FULL_NAME: { sql: Prisma.sql`c.sort_full_name`, kind: 'text' },
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

/** The WHERE conditions of a filter, all scoped to the tenant's organisation. */
function filterConditions(organizationId: string, filter: ContactFilter): Prisma.Sql[] {
  const where = [Prisma.sql`c.organization_id = ${organizationId}::uuid`, Prisma.sql`c.merged_into_id IS NULL`];
  if (filter.onlyDeleted) where.push(Prisma.sql`c.deleted_at IS NOT NULL`);
  else if (!filter.includeDeleted) where.push(Prisma.sql`c.deleted_at IS NULL`);
  const search = filter.search?.trim();
  if (search) where.push(Prisma.sql`c.search_text LIKE ${likePattern(search)}`);
  if (filter.tags?.length) {
    where.push(
      filter.tagsMatch === 'ALL' ? Prisma.sql`c.tags @> ${filter.tags}::text[]` : Prisma.sql`c.tags && ${filter.tags}::text[]`,
    );
  }
  if (filter.type) where.push(Prisma.sql`c.type = ${filter.type}::"ContactType"`);
  if (filter.updatedSince) where.push(Prisma.sql`c.updated_at >= ${filter.updatedSince}`);
  if (filter.groupId !== undefined && filter.groupId !== null) {
    where.push(Prisma.sql`EXISTS (SELECT 1 FROM group_memberships m WHERE m.contact_id = c.id AND m.group_id = ${filter.groupId}::uuid AND m.organization_id = c.organization_id)`);
  }
  if (filter.companyId !== undefined && filter.companyId !== null) {
    where.push(Prisma.sql`EXISTS (SELECT 1 FROM contact_companies l WHERE l.contact_id = c.id AND l.company_id = ${filter.companyId}::uuid AND l.organization_id = c.organization_id)`);
  }
  if (filter.externalRefNamespace) {
    // a namespace no ref can have matches no contact
    const namespace = externalRefSchema.shape.namespace.safeParse(filter.externalRefNamespace).data ?? '';
    where.push(Prisma.sql`EXISTS (SELECT 1 FROM external_refs r WHERE r.contact_id = c.id AND r.namespace = ${namespace} AND r.organization_id = c.organization_id)`);
  }
  return where;
}

export interface ContactPage {
  /** the ids of the page, in order, with each one's cursor */
  rows: { id: string; cursor: string }[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  /** how many contacts the filter matches: read with the page when `countTotal`, else one more statement */
  totalCount: () => Promise<number>;
}

export interface ContactPageOptions {
  filter: ContactFilter;
  orderBy: { field: ContactOrderField; direction: OrderDirection };
  page: PageArgs;
  countTotal?: boolean;
}

/** A row of a page statement: a contact's id and sort value (null on an empty page read with its count). */
export interface ContactPageRow {
  id: string | null;
  sort_value: Date | string | null;
  total?: number;
}

/**
 * The statement of one page of contact ids by keyset pagination over (sort key, id), so pages
 * stay stable and fast however deep, and how to read its rows; `order` is the page's ORDER BY
 * over a row `p` of it, for a statement that wraps it. Refuses bad arguments (ArgumentError).
 */
export function contactPageStatement(tenant: Tenant, options: ContactPageOptions) {
  const { size, backwards } = pageSize(options.page);
  const column = SORT_COLUMNS[options.orderBy.field];
  const ascending = (options.orderBy.direction === 'ASC') !== backwards;
  const where = filterConditions(tenant.organizationId, options.filter);
  const cursor = backwards ? options.page.before : options.page.after;
  const keyed = [...where];
  if (cursor) {
    const [value, id] = decodeCursor(cursor);
    const typed = column.kind === 'date' ? Prisma.sql`${cursorDate(value)}::timestamptz` : Prisma.sql`${value}`;
    keyed.push(ascending ? Prisma.sql`(${column.sql}, c.id) > (${typed}, ${id}::uuid)` : Prisma.sql`(${column.sql}, c.id) < (${typed}, ${id}::uuid)`);
  }
  const direction = ascending ? Prisma.sql`ASC` : Prisma.sql`DESC`;
  const count = Prisma.sql`SELECT count(*)::int AS total FROM contacts c WHERE ${Prisma.join(where, ' AND ')}`;
  const ids = Prisma.sql`
    SELECT c.id::text AS id, ${column.sql} AS sort_value
      FROM contacts c
     WHERE ${Prisma.join(keyed, ' AND ')}
     ORDER BY ${column.sql} ${direction}, c.id ${direction}
     LIMIT ${size + 1}`;
  const order = `p.sort_value ${direction.sql}, p.id::uuid ${direction.sql}`;
  return {
    // With the count asked for, one statement answers both: the count's one row with the page
    // beside it (one row with a null id when the page is empty), in the page's order.
    sql: options.countTotal ? Prisma.sql`SELECT p.id, p.sort_value, t.total FROM (${count}) t LEFT JOIN LATERAL (${ids}) p ON true ORDER BY ${Prisma.raw(order)}` : ids,
    order,
    read(answered: readonly ContactPageRow[]): ContactPage {
      const total = answered[0]?.total;
      const found = answered.filter((row): row is { id: string; sort_value: Date | string } => row.id !== null);
      const more = found.length > size;
      const page = found.slice(0, size);
      if (backwards) page.reverse();
      const rows = page.map((row) => ({
        id: row.id,
        cursor: encodeCursor(column.kind === 'date' ? new Date(row.sort_value).toISOString() : String(row.sort_value), row.id),
      }));
      return {
        rows,
        hasNextPage: backwards ? Boolean(options.page.before) : more,
        hasPreviousPage: backwards ? more : Boolean(options.page.after),
        totalCount: async () => {
          if (total !== undefined) return total;
          const [row] = await tenant.prisma.$queryRaw<{ total: number }[]>(count);
          return row?.total ?? 0;
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

// The GraphQL texts of the benchmark's reads, with no dependency on the app (the raw-SQL
// reference server imports them to recognise the queries it answers).
import { readFileSync } from 'node:fs';

/** The canonical list query, read from test/contact-list.test.ts so it stays the exact text. */
export function canonicalQuery() {
  const source = readFileSync(new URL('../../test/contact-list.test.ts', import.meta.url), 'utf8');
  const match = /export const CANONICAL = (?:graphql\()?`([\s\S]*?)`\)?;/.exec(source);
  if (!match) throw new Error('could not find `export const CANONICAL = `…`` in test/contact-list.test.ts');
  return match[1];
}

/** The selection under `node { … }` of the canonical query: every field of a contact. */
function nodeSelection(query) {
  const start = query.indexOf('node {') + 'node {'.length;
  let depth = 1;
  for (let i = start; i < query.length; i += 1) {
    if (query[i] === '{') depth += 1;
    if (query[i] === '}') depth -= 1;
    if (depth === 0) return query.slice(start, i);
  }
  throw new Error('unbalanced canonical query');
}

/** `text` with `from` replaced by `to`, which must occur exactly once. */
function replaceOnce(text, from, to) {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + from.length) >= 0) throw new Error(`the canonical query no longer holds \`${from}\` exactly once`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

export const CANONICAL = canonicalQuery();

const CANONICAL_HEAD = 'query($first: Int!)';
const CANONICAL_ARGS = 'contacts(first: $first, filter: { tags: ["canon"] }';
const VARIED_HEAD = 'query($first: Int!, $after: String, $search: String, $type: ContactType)';
const VARIED_ARGS = 'contacts(first: $first, after: $after, filter: { tags: ["canon"], search: $search, type: $type }';
/** the canonical query's filter (CANONICAL_ARGS) and order, as PAGE_QUERY's variables */
export const CANONICAL_FILTER = { tags: ['canon'] };
export const CANONICAL_ORDER = { field: 'CREATED_AT', direction: 'ASC' };
if (!CANONICAL.includes('orderBy: { field: CREATED_AT, direction: ASC }')) fail('orderBy: { field: CREATED_AT, direction: ASC }');

/**
 * The canonical query with its page and filter open: the same selection, order and tag filter,
 * plus `after` (a cursor) and the filter's `search` and `type` as variables (null or absent:
 * not applied).
 */
export const LIST_QUERY = replaceOnce(replaceOnce(CANONICAL, CANONICAL_HEAD, VARIED_HEAD), CANONICAL_ARGS, VARIED_ARGS);

/** Only the cursors of the same list (same filter and order), to collect a pool of them. */
export const CURSORS_QUERY = `${VARIED_HEAD} {
  ${VARIED_ARGS}, orderBy: ${/orderBy: (\{[^}]*\})/.exec(CANONICAL)?.[1] ?? fail('orderBy')}) {
    pageInfo { hasNextPage endCursor }
    edges { cursor }
  }
}`;

/** `contact(by: { id })` with every field the canonical query selects, and ssn. */
export const CONTACT_QUERY = `query($id: ID!) {
  contact(by: { id: $id }) {${nodeSelection(CANONICAL)}  ssn
  }
}`;

/** `contact(by: $by)` (ContactLookup: id, email or externalRef) with the same fields as CONTACT_QUERY. */
export const CONTACT_BY_QUERY = `query($by: ContactLookup!) {
  contact(by: $by) {${nodeSelection(CANONICAL)}  ssn
  }
}`;

/**
 * A page of contacts with the canonical query's node selection, its filter and order as
 * variables, and with or without `totalCount` and `totalCountIsExact`.
 */
const pageQuery = (withTotalCount) => `query($first: Int!, $after: String, $filter: ContactFilter, $orderBy: ContactOrder) {
  contacts(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {${withTotalCount ? '\n    totalCount totalCountIsExact' : ''}
    pageInfo { hasNextPage endCursor }
    edges { cursor node {${nodeSelection(CANONICAL)}} }
  }
}`;
export const PAGE_QUERY = pageQuery(true);
export const PAGE_QUERY_WITHOUT_TOTAL = pageQuery(false);

function fail(what) {
  throw new Error(`the canonical query has no ${what}`);
}

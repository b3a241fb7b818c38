// The scale section: single requests to the built server, one at a time, at the seeded size
// (--contacts), WARM_UPS and then MEASURED of each kind, each timed from sending it to the last
// byte of its answer; median and p90 (nearest rank) in ms. The list pages have the canonical
// query's selection; a deep page starts at the middle of its list, after the API's own cursor
// of the row before it (found by SQL, encoded as contact-list.ts encodes cursors, and checked
// against the page the API answers for it). planScale runs in-process (on PGlite the server
// holds the database once it runs), measureScale against the server.
import assert from 'node:assert/strict';
import { feedCursor } from '../../dist/modules/change-feed/change-feed.js';
import { decodeIdOf, encodeId } from '../../dist/modules/common/ids.js';
import { DEFAULT_EXACT_COUNT_LIMIT } from '../../dist/tenant/tenant.js';
import { contactInputAt } from './data.mjs';
import { bodies, checkResponse, CONTACT_CHANGES, CONTACT_QUERY, CREATE_CONTACT, seedOf } from './operations.mjs';
import { createRandom } from './prng.mjs';
import { CANONICAL_FILTER, CANONICAL_ORDER, CONTACT_BY_QUERY, PAGE_QUERY, PAGE_QUERY_WITHOUT_TOTAL } from './queries.mjs';

export const WARM_UPS = 5;
export const MEASURED = 30;
const PAGE_SIZE = 20;
/** one of data.mjs's TAGS: a contact has 0, 1 or 2 of the 6 (a third each), so each tag about 1/6 of them */
const TAG = 'vip';
const SOLO_COMPANY = 'Bench Scale Solo Company';

/** A list page's cursor as contact-list.ts encodes it (its encodeCursor is not exported): [sort value, id] as base64url JSON. */
const listCursor = (sortValue, id) => Buffer.from(JSON.stringify([sortValue instanceof Date ? sortValue.toISOString() : String(sortValue), id])).toString('base64url');

const SORT_COLUMNS = { CREATED_AT: 'c.created_at', LAST_NAME: 'c.sort_last_name' };

/**
 * The contacts a list's filter matches, as contact-list.ts's filterConditions has them, in SQL
 * over `c` ($1: the organisation, $2: the filter's value): the deep pages' cursors are found with
 * it, and the API's page after each is checked against it.
 */
const CONDITIONS = {
  tag: 'c.tags && ARRAY[$2::text]',
  groupId: 'EXISTS (SELECT 1 FROM group_memberships m WHERE m.contact_id = c.id AND m.group_id = $2::uuid AND m.organization_id = c.organization_id)',
  companyId: 'EXISTS (SELECT 1 FROM contact_companies l WHERE l.contact_id = c.id AND l.company_id = $2::uuid AND l.organization_id = c.organization_id)',
};

/**
 * Everything the section's requests need, found before the server starts: the company of one
 * contact (made by createContact), each list's size and deep-page cursor (checked against the
 * API's answer), the feed's cursors at random positions, and the request rows. `gql(body)`
 * answers { status, text, json } in-process; `sql`, the app's SqlRunner.
 */
export async function planScale({ sql, gql, organizationId, cat, contactIds }) {
  const count = contactIds.length;
  const solo = await gql({
    query: CREATE_CONTACT,
    variables: { input: { firstName: 'Solo', lastName: 'Scale', emails: [{ address: `solo.scale.${Date.now()}@bench.example` }], companies: [{ company: { name: SOLO_COMPANY } }] } },
  });
  const soloCompany = solo.json.data?.createContact?.companyResolutions?.[0];
  if (soloCompany?.action !== 'CREATED') throw new Error(`scale: createContact did not create the company "${SOLO_COMPANY}": ${solo.text.slice(0, 500)}`);
  const group = cat.groups[0];

  const lists = [
    { key: 'canonical', label: 'contacts(first: 20), canonical (tags: ["canon"], CREATED_AT ASC), totalCount', query: PAGE_QUERY, filter: CANONICAL_FILTER, condition: ['tag', 'canon'] },
    { key: 'canonical-no-total', label: 'the same without totalCount', query: PAGE_QUERY_WITHOUT_TOTAL, filter: CANONICAL_FILTER, condition: ['tag', 'canon'] },
    { key: 'group', label: `filter: { groupId } ("${group.name}")`, query: PAGE_QUERY, filter: { groupId: encodeId('Group', group.id) }, condition: ['groupId', group.id] },
    { key: 'tag', label: `filter: { tags: ["${TAG}"] }`, query: PAGE_QUERY, filter: { tags: [TAG] }, condition: ['tag', TAG] },
    { key: 'last-name', label: 'orderBy: { field: LAST_NAME } (tags: ["canon"])', query: PAGE_QUERY, filter: CANONICAL_FILTER, orderBy: { field: 'LAST_NAME' }, condition: ['tag', 'canon'] },
    { key: 'company', label: `filter: { companyId } (a company of 1 contact)`, query: PAGE_QUERY, filter: { companyId: soloCompany.company.id }, condition: ['companyId', decodeIdOf('Company', soloCompany.company.id)] },
  ];
  const rows = [];
  const matching = {};
  for (const list of lists) {
    const orderBy = list.orderBy ?? CANONICAL_ORDER;
    const sort = SORT_COLUMNS[orderBy.field];
    const [kind, value] = list.condition;
    const where = `c.organization_id = $1::uuid AND c.merged_into_id IS NULL AND c.deleted_at IS NULL AND ${CONDITIONS[kind]}`;
    const [{ n: matched }] = await sql.query(`SELECT count(*)::int AS n FROM contacts c WHERE ${where}`, [organizationId, value]);
    matching[list.key] = matched;
    const variables = { first: PAGE_SIZE, filter: list.filter, orderBy };
    const page = (after) => JSON.stringify({ query: list.query, variables: after ? { ...variables, after } : variables });
    const firstPage = page(null);
    rows.push({ key: list.key, label: `${list.label}, first page`, requests: () => ({ body: firstPage }) });
    if (matched < 2 * PAGE_SIZE) continue; // no page deep in a list this short
    // the row before the middle and the page after it
    const middle = Math.floor(matched / 2);
    const found = await sql.query(`SELECT c.id::text AS id, ${sort} AS sort_value FROM contacts c WHERE ${where} ORDER BY ${sort}, c.id OFFSET $3 LIMIT ${PAGE_SIZE + 1}`, [organizationId, value, middle - 1]);
    const [before, ...expected] = found.map((row) => listCursor(row.sort_value, row.id));
    const deep = page(before);
    const answer = (await gql(deep)).json;
    assert.deepStrictEqual(answer.data?.contacts?.edges?.map((edge) => edge.cursor), expected, `scale: the API's page after row ${middle - 1} of ${list.key} is the one SQL finds`);
    if (list.query === PAGE_QUERY) {
      // exact up to the server's limit; past it an estimate, of at least the limit + 1
      const { totalCount, totalCountIsExact } = answer.data.contacts;
      if (matched <= DEFAULT_EXACT_COUNT_LIMIT) assert.deepEqual({ totalCount, totalCountIsExact }, { totalCount: matched, totalCountIsExact: true }, `scale: ${list.key}'s totalCount is SQL's count`);
      else assert.ok(!totalCountIsExact && totalCount > DEFAULT_EXACT_COUNT_LIMIT, `scale: ${list.key}'s totalCount (${totalCount}) is an estimate past ${DEFAULT_EXACT_COUNT_LIMIT}`);
    }
    rows.push({ key: `${list.key}-deep`, label: `${list.label}, after row ${middle.toLocaleString('en')} of ${matched.toLocaleString('en')}`, requests: () => ({ body: deep }) });
  }

  // contacts by each key, a random seeded one per request
  const lookups = [
    { key: 'contact-id', label: 'contact(by: { id })', body: (index) => ({ query: CONTACT_QUERY, variables: { id: encodeId('Contact', contactIds[index]) } }) },
    { key: 'contact-email', label: 'contact(by: { email })', body: (index) => ({ query: CONTACT_BY_QUERY, variables: { by: { email: contactInputAt(index, cat).input.emails[0].address } } }) },
    { key: 'contact-ref', label: 'contact(by: { externalRef: { namespace, externalId } })', body: (index) => ({ query: CONTACT_BY_QUERY, variables: { by: { externalRef: contactInputAt(index, cat).input.externalRefs[0] } } }) },
  ];
  for (const lookup of lookups) {
    rows.push({
      key: lookup.key,
      label: `${lookup.label}, all fields`,
      requests: (random) => {
        const index = random.int(0, count - 1);
        return { body: JSON.stringify(lookup.body(index)), contactId: encodeId('Contact', contactIds[index]) };
      },
    });
  }

  // the feed after a random entry of the seeded feed (so that 100 follow it)
  const positions = {};
  for (const phase of ['warm-up', 'measure']) {
    const random = createRandom(seedOf('scale', 'changes', phase));
    positions[phase] = Array.from({ length: phase === 'measure' ? MEASURED : WARM_UPS }, () => random.int(0, count - 101));
  }
  const entries = await sql.query(
    `SELECT n::int AS n, txid::text AS txid, seq::text AS seq
       FROM (SELECT txid, seq, row_number() OVER (ORDER BY txid, seq) - 1 AS n FROM contact_changes WHERE organization_id = $1::uuid) f
      WHERE n IN (SELECT json_array_elements_text($2::json)::bigint)`,
    [organizationId, JSON.stringify([...positions['warm-up'], ...positions.measure])],
  );
  const cursorAt = new Map(entries.map((entry) => [entry.n, feedCursor({ txid: BigInt(entry.txid), seq: BigInt(entry.seq) })]));
  const feedPages = Object.fromEntries(Object.entries(positions).map(([phase, at]) => [phase, at.map((n) => JSON.stringify({ query: CONTACT_CHANGES, variables: { after: cursorAt.get(n) } }))]));
  const feedPage = (await gql(feedPages.measure[0])).json.data?.contactChanges;
  if (feedPage?.changes.length !== 100) {
    throw new Error(`scale: the change feed answers ${feedPage?.changes.length} entries after seeded entry ${positions.measure[0]}, not 100: it shows no transaction past the oldest one still open (pg_snapshot_xmin), in any database of the server`);
  }
  rows.push({ key: 'changes', label: 'contactChanges(first: 100), after a random entry', requests: (_random, phase, i) => ({ body: feedPages[phase][i] }), check: 'changes' });

  // the writes, measured last (they add contacts): the load's own bodies (fresh emails and refs)
  const writes = bodies({ cat, contactIds, feedCursors: [], listPools: [], runTag: `scale${Date.now().toString(36)}` });
  const writeRows = [
    { key: 'createContact', label: 'createContact, 3 companies by name', check: 'createContact' },
    { key: 'createContacts', label: 'createContacts, 500 items', check: 'createContacts' },
  ].map((row) => {
    const streams = {};
    return { ...row, requests: (_random, phase) => ({ body: (streams[phase] ??= writes.stream(row.key, seedOf('scale', row.key, phase)))() }) };
  });

  return {
    facts: {
      contacts: matching.canonical,
      group: { name: group.name, contacts: matching.group, share: matching.group / matching.canonical },
      tag: { tag: TAG, contacts: matching.tag, share: matching.tag / matching.canonical },
      company: { name: SOLO_COMPANY, contacts: matching.company },
    },
    reads: rows,
    writes: writeRows,
  };
}

const quantile = (sorted, q) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];

/** Sends each row's requests to `url` one at a time; its WARM_UPS untimed, then MEASURED timed. */
export async function measureScale(rows, { url, headers, log = () => {} }) {
  const results = [];
  for (const row of rows) {
    const times = [];
    for (const phase of ['warm-up', 'measure']) {
      const random = createRandom(seedOf('scale', row.key, phase));
      const n = phase === 'measure' ? MEASURED : WARM_UPS;
      for (let i = 0; i < n; i += 1) {
        const { body, contactId } = row.requests(random, phase, i);
        const started = performance.now();
        const res = await fetch(`${url}/graphql`, { method: 'POST', headers, body });
        const text = await res.text();
        const ms = performance.now() - started;
        const problem = checkResponse(row.check ?? (contactId ? 'contact' : 'list'), res.status, text);
        if (problem) throw new Error(`scale ${row.key}: ${problem} (for ${body.slice(0, 300)})`);
        if (contactId && JSON.parse(text).data.contact.id !== contactId) throw new Error(`scale ${row.key}: answered another contact than ${contactId}`);
        if (phase === 'measure') times.push(ms);
      }
    }
    times.sort((a, b) => a - b);
    results.push({ key: row.key, label: row.label, requests: times.length, medianMs: quantile(times, 0.5), p90Ms: quantile(times, 0.9), minMs: times[0], maxMs: times.at(-1) });
    log(`  ${row.label}: median ${quantile(times, 0.5).toFixed(1)} ms, p90 ${quantile(times, 0.9).toFixed(1)} ms`);
  }
  return results;
}

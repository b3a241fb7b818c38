#!/usr/bin/env node
// A reference server for the benchmark: answers the benchmark's reads — the canonical list query
// of test/contact-list.test.ts, its varied form (bench/lib/queries.mjs: a cursor, a search, a
// type) and contact(by: { id }) with every field — with hand-written SQL, and nothing else, so
// contactgraph's req/s can be compared with what plain node:http + pg (a Pool) manage on the
// same data. Same JSON shape, field order and values as contactgraph's response; same
// authentication (the API key looked up by its prefix, its SHA-256 compared, revocation and the
// contacts:read scope checked). Two statements per request: the key, then the page (with
// totalCount) or the contact as one query whose rows carry each contact's JSON built by
// PostgreSQL (json_build_object + json_agg subselects). Every statement is a named prepared
// statement (one name per distinct SQL text), so PostgreSQL parses and plans each once per
// connection rather than per request.
//
//   DATABASE_URL=postgres://… PORT=4100 node bench/raw-sql-server.mjs
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import pg from 'pg';
import { CANONICAL, CONTACT_QUERY, LIST_QUERY } from './lib/queries.mjs';

// Keep json columns as text: the server splices PostgreSQL's JSON into its answer unparsed.
pg.types.setTypeParser(114, (value) => value);

const KEY_PATTERN = /^cgk_[A-Za-z0-9_-]{43}$/;
// JIT off, as on contactgraph's own pool (src/db/client.ts)
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10), options: '-c jit=off' });
pool.on('error', () => {});

const iso = (column) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * A contact's JSON, its keys in the order the canonical query selects them; `user` is the
 * placeholder of the viewer's id (interactionMetadata.user), `extra` more keys at the end.
 */
const nodeJson = (user, extra = '') => `
       json_build_object(
         'id', 'con_' || c.id,
         'type', c.type,
         'firstName', c.first_name,
         'middleName', c.middle_name,
         'lastName', c.last_name,
         'fullName', c.full_name,
         'abbreviation', c.abbreviation,
         'title', c.title,
         'gender', c.gender,
         'birthday', to_char(c.birthday, 'YYYY-MM-DD'),
         'primaryLanguage', c.primary_language,
         'description', c.description,
         'strategy', c.strategy,
         'jobTitle', c.job_title,
         'department', c.department,
         'email', (SELECT e.address FROM contact_emails e WHERE e.organization_id = c.organization_id AND e.contact_id = c.id AND e.is_primary ORDER BY e.position LIMIT 1),
         'phone', (SELECT p.number FROM contact_phones p WHERE p.organization_id = c.organization_id AND p.contact_id = c.id AND p.is_primary ORDER BY p.position LIMIT 1),
         'mobile', (SELECT p.number FROM contact_phones p WHERE p.organization_id = c.organization_id AND p.contact_id = c.id AND p.label = 'MOBILE' ORDER BY p.position LIMIT 1),
         'linkedInUrl', c.linkedin_url,
         'profilePictureUrl', c.profile_picture_url,
         'tags', to_json(c.tags),
         'loginEmail', c.login_email,
         'mailingListOptIn', c.mailing_list_opt_in,
         'purchaseOrderNumber', c.purchase_order_number,
         'etag', 'W/"' || c.version || '"',
         'version', c.version,
         'createdAt', ${iso('c.created_at')},
         'updatedAt', ${iso('c.updated_at')},
         'deletedAt', ${iso('c.deleted_at')},
         'emails', (SELECT coalesce(json_agg(json_build_object('address', e.address, 'label', e.label, 'isPrimary', e.is_primary) ORDER BY e.position), '[]')
                      FROM contact_emails e WHERE e.organization_id = c.organization_id AND e.contact_id = c.id),
         'phones', (SELECT coalesce(json_agg(json_build_object('number', p.number, 'original', p.original, 'label', p.label, 'countryCode', p.country_code, 'isPrimary', p.is_primary) ORDER BY p.position), '[]')
                      FROM contact_phones p WHERE p.organization_id = c.organization_id AND p.contact_id = c.id),
         'addresses', (SELECT coalesce(json_agg(json_build_object(
                          'street', a.street, 'postalCode', a.postal_code, 'city', a.city, 'country', a.country,
                          'formatted', concat_ws(', ', nullif(a.street, ''), nullif(a.secondary_address, ''),
                                                 nullif(concat_ws(' ', nullif(a.postal_code, ''), nullif(a.city, '')), ''),
                                                 nullif(a.state, ''), nullif(a.country, '')),
                          'isPrimary', a.is_primary) ORDER BY a.position), '[]')
                      FROM contact_addresses a WHERE a.organization_id = c.organization_id AND a.contact_id = c.id),
         'urls', (SELECT coalesce(json_agg(json_build_object('url', u.url, 'isPrimary', u.is_primary) ORDER BY u.position), '[]')
                    FROM contact_urls u WHERE u.organization_id = c.organization_id AND u.contact_id = c.id),
         'externalRefs', (SELECT coalesce(json_agg(json_build_object('namespace', r.namespace, 'externalId', r.external_id) ORDER BY r.namespace, r.external_id), '[]')
                            FROM external_refs r WHERE r.organization_id = c.organization_id AND r.contact_id = c.id),
         'companies', (SELECT coalesce(json_agg(json_build_object('jobTitle', l.job_title, 'isPrimary', l.is_primary,
                                                                  'company', json_build_object('id', 'com_' || co.id, 'name', co.name, 'domain', co.domain)) ORDER BY l.position), '[]')
                         FROM contact_companies l JOIN companies co ON co.organization_id = l.organization_id AND co.id = l.company_id
                        WHERE l.organization_id = c.organization_id AND l.contact_id = c.id),
         'primaryCompany', (SELECT json_build_object('id', 'com_' || co.id, 'name', co.name)
                              FROM contact_companies l JOIN companies co ON co.organization_id = l.organization_id AND co.id = l.company_id
                             WHERE l.organization_id = c.organization_id AND l.contact_id = c.id AND l.is_primary ORDER BY l.position LIMIT 1),
         -- a contact's groups in the order it joined them, ties (one statement's memberships) by group id
         'groups', (SELECT coalesce(json_agg(json_build_object('id', 'grp_' || g.id, 'name', g.name) ORDER BY m.created_at, m.group_id), '[]')
                      FROM group_memberships m JOIN groups g ON g.organization_id = m.organization_id AND g.id = m.group_id
                     WHERE m.organization_id = c.organization_id AND m.contact_id = c.id),
         'customFieldValues', (SELECT coalesce(json_agg(
                                 CASE f.type
                                   WHEN 'TEXT' THEN json_build_object('__typename', 'TextFieldValue', 'field', json_build_object('id', 'fld_' || f.id, 'name', f.name, 'type', f.type), 'text', v.value->>'text')
                                   WHEN 'NUMBER' THEN json_build_object('__typename', 'NumberFieldValue', 'field', json_build_object('id', 'fld_' || f.id, 'name', f.name, 'type', f.type), 'number', (v.value->>'number')::float8)
                                   WHEN 'SINGLE_SELECT' THEN json_build_object('__typename', 'SingleSelectFieldValue', 'field', json_build_object('id', 'fld_' || f.id, 'name', f.name, 'type', f.type), 'option', v.value->>'option')
                                   -- the other types select no fields of their own in the canonical query
                                   -- (CONTACT, USER and OBJECT values are not in the benchmark's data)
                                   ELSE json_build_object('__typename', replace(initcap(replace(f.type::text, '_', ' ')), ' ', '') || 'FieldValue', 'field', json_build_object('id', 'fld_' || f.id, 'name', f.name, 'type', f.type))
                                 END ORDER BY f.position, v.field_id), '[]')
                                 FROM custom_field_values v JOIN custom_fields f ON f.organization_id = v.organization_id AND f.id = v.field_id
                                WHERE v.organization_id = c.organization_id AND v.contact_id = c.id),
         'createdBy', (SELECT json_build_object('id', 'usr_' || u.id, 'fullName', u.full_name) FROM users u WHERE u.id = c.created_by_id),
         'updatedBy', (SELECT json_build_object('id', 'usr_' || u.id) FROM users u WHERE u.id = c.updated_by_id),
         'interactionMetadata', (
           SELECT json_build_object(
                    'user', json_build_object('approximateCount', count(*) FILTER (WHERE i.user_id = ${user}),
                                              'lastInteractedAt', ${iso(`max(i.occurred_at) FILTER (WHERE i.user_id = ${user})`)}),
                    'workspace', json_build_object(
                      'approximateCount', count(*),
                      'lastInteractedAt', ${iso('max(i.occurred_at)')},
                      'lastInteractedBy', (SELECT coalesce(json_agg(json_build_object('id', 'usr_' || lu.user_id, 'fullName', lu.full_name) ORDER BY lu.last_at DESC, lu.user_id), '[]')
                                             FROM (SELECT i2.user_id, u.full_name, max(i2.occurred_at) AS last_at
                                                     FROM interactions i2 JOIN users u ON u.id = i2.user_id
                                                    WHERE i2.organization_id = c.organization_id AND i2.contact_id = c.id
                                                    GROUP BY i2.user_id, u.full_name
                                                    ORDER BY last_at DESC, i2.user_id LIMIT 5) lu)))
             FROM interactions i WHERE i.organization_id = c.organization_id AND i.contact_id = c.id)${extra}
       )`;

const CONTACT_TYPES = new Set(['GENERAL', 'COMMERCIAL', 'TECHNICAL', 'FINANCE', 'SHIPPING', 'INVOICE']);

/** Escapes LIKE's wildcards (as src/modules/common/names.ts likeEscaped does). */
const likeEscaped = (text) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The page statement for one shape of filter (which of search, type and cursor are given): its
 * name and text, built once per shape, and the values in the order its placeholders number them.
 * The conditions are contactgraph's (src/modules/contact/contact-list.ts filterConditions and
 * its keyset), ordered by created_at ascending then id; totalCount ignores the cursor.
 */
const pageStatements = new Map();
/** contactgraph's TOTAL_COUNT_EXACT_LIMIT default: totalCount counts this many, then estimates */
const EXACT_COUNT_LIMIT = 1_000;
function pageStatement({ search, type, after }) {
  const shape = `${search != null ? 's' : ''}${type != null ? 't' : ''}${after != null ? 'a' : ''}`;
  let statement = pageStatements.get(shape);
  if (!statement) {
    let n = 0;
    const next = () => `$${(n += 1)}`;
    const order = ['organization', 'tags'];
    const where = [`c.organization_id = ${next()}::uuid`, 'c.merged_into_id IS NULL', 'c.deleted_at IS NULL', `c.tags && ${next()}::text[]`];
    if (search != null) {
      where.push(`c.search_text LIKE ${next()}`);
      order.push('pattern');
    }
    if (type != null) {
      where.push(`c.type = ${next()}::"ContactType"`);
      order.push('type');
    }
    const keyed = [...where];
    if (after != null) {
      keyed.push(`(c.created_at, c.id) > (${next()}::timestamptz, ${next()}::uuid)`);
      order.push('afterValue', 'afterId');
    }
    const limit = next();
    const user = `${next()}::uuid`;
    order.push('limit', 'user');
    const text = `
WITH page AS (
  SELECT c.* FROM contacts c
   WHERE ${keyed.join(' AND ')}
   ORDER BY c.created_at ASC, c.id ASC
   LIMIT ${limit}
)
SELECT (SELECT count(*)::int FROM (SELECT 1 FROM contacts c WHERE ${where.join(' AND ')} LIMIT ${EXACT_COUNT_LIMIT + 1}) c) AS total,
       c.id::text AS id,
       ${iso('c.created_at')} AS sort_value,
       ${nodeJson(user)} AS node
  FROM page c
 ORDER BY c.created_at ASC, c.id ASC`;
    // an empty page has no row to carry the count: then this one
    const countText = `SELECT count(*)::int AS n FROM (SELECT 1 FROM contacts c WHERE ${where.join(' AND ')} LIMIT ${EXACT_COUNT_LIMIT + 1}) c`;
    const countOrder = order.filter((key) => !['afterValue', 'afterId', 'limit', 'user'].includes(key));
    statement = {
      page: { name: `page-${shape || 'plain'}`, text, order },
      count: { name: `count-${shape || 'plain'}`, text: countText, order: countOrder },
      // past the exact limit, PostgreSQL's estimate (unnamed: planned for these values)
      estimate: { text: `EXPLAIN (FORMAT JSON) SELECT 1 FROM contacts c WHERE ${where.join(' AND ')}`, order: countOrder },
    };
    pageStatements.set(shape, statement);
  }
  return statement;
}

const query = ({ name, text, order }, values) => pool.query({ name, text, values: order.map((key) => values[key]) });

// contactgraph's by-id read (contact-lookup.ts): the id's contact in the organisation, a
// merged-away one replaced by the contact it was merged into, then none when that one is in the
// recycle bin. ssn only with the contacts:sensitive scope (null without; see answerContact).
const CONTACT_STATEMENT = {
  name: 'contact-by-id',
  order: ['organization', 'id', 'user', 'sensitive'],
  text: `
WITH target AS (
  SELECT coalesce(t.id, c0.id) AS id, CASE WHEN c0.merged_into_id IS NULL THEN c0.deleted_at ELSE t.deleted_at END AS deleted_at
    FROM contacts c0
    LEFT JOIN contacts t ON t.organization_id = c0.organization_id AND t.id = c0.merged_into_id
   WHERE c0.organization_id = $1::uuid AND c0.id = $2::uuid
)
SELECT ${nodeJson('$3::uuid', `,
         'ssn', CASE WHEN $4::boolean THEN c.ssn END`)} AS node
  FROM target x
  JOIN contacts c ON c.organization_id = $1::uuid AND c.id = x.id
 WHERE x.deleted_at IS NULL`,
};

const KEY_STATEMENT = {
  name: 'api-key',
  order: ['prefix'],
  text: 'SELECT organization_id::text AS organization_id, user_id::text AS user_id, hash, scopes, revoked_at FROM api_keys WHERE prefix = $1',
};

const sha256 = (value) => createHash('sha256').update(value).digest();

async function authenticate(header) {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match || !KEY_PATTERN.test(match[1])) return null;
  const key = match[1];
  const { rows } = await query(KEY_STATEMENT, { prefix: key.slice(0, 12) });
  const record = rows[0];
  if (!record || record.revoked_at) return null;
  if (!timingSafeEqual(sha256(key), Buffer.from(record.hash, 'hex'))) return null;
  return record;
}

const cursorOf = (sortValue, id) => Buffer.from(JSON.stringify([sortValue, id])).toString('base64url');

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const error = (message, code) => JSON.stringify({ errors: [{ message, extensions: { code } }] });

async function answer(req, res) {
  if (req.url === '/healthz') return send(res, 200, '{"status":"ok"}');
  if (req.method !== 'POST' || !req.url.startsWith('/graphql')) return send(res, 404, error('not found', 'NOT_FOUND'));
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const auth = await authenticate(req.headers.authorization);
  if (!auth) return send(res, 401, error('Unknown or revoked API key.', 'UNAUTHENTICATED'));
  if (!auth.scopes.includes('contacts:read')) return send(res, 200, error('Not authorized', 'FORBIDDEN'));
  let body;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return send(res, 400, error('body is not JSON', 'BAD_REQUEST'));
  }
  const variables = body.variables ?? {};
  if (body.query === CANONICAL) return answerList(res, auth, { first: variables.first });
  if (body.query === LIST_QUERY) return answerList(res, auth, variables);
  if (body.query === CONTACT_QUERY) return answerContact(res, auth, variables);
  return send(res, 400, error('this reference server answers the benchmark\'s reads only (bench/lib/queries.mjs)', 'BAD_REQUEST'));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const badInput = (message) => error(message, 'BAD_USER_INPUT');
const optionalString = (value) => value === undefined || value === null || typeof value === 'string';

/** A cursor's sort value and id, as contactgraph decodes them (contact-list.ts), or null. */
function decodeCursor(cursor) {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(decoded) || decoded.length !== 2 || typeof decoded[0] !== 'string' || typeof decoded[1] !== 'string' || !/^[0-9a-f-]{36}$/.test(decoded[1])) return null;
    const date = new Date(decoded[0]);
    if (Number.isNaN(date.getTime()) || date.toISOString() !== decoded[0] || date.getUTCFullYear() < 1 || date.getUTCFullYear() > 9999) return null;
    return decoded;
  } catch {
    return null;
  }
}

async function answerList(res, auth, { first, after, search, type }) {
  if (!Number.isInteger(first) || first < 1 || first > 100) return send(res, 200, badInput(`first must be between 1 and 100, got ${first}`));
  if (!optionalString(after) || !optionalString(search)) return send(res, 200, badInput('after and search are strings'));
  if (type != null && !CONTACT_TYPES.has(type)) return send(res, 200, badInput(`not a ContactType: ${type}`));
  const term = search?.trim() || null; // an empty search filters nothing
  const cursor = after ? decodeCursor(after) : null;
  if (after && !cursor) return send(res, 200, badInput('the cursor is not one this API gave out'));
  const statement = pageStatement({ search: term, type: type ?? null, after: cursor });
  const values = {
    organization: auth.organization_id,
    tags: ['canon'],
    pattern: term && `%${likeEscaped(term.toLowerCase())}%`,
    type,
    afterValue: cursor?.[0],
    afterId: cursor?.[1],
    limit: first + 1,
    user: auth.user_id,
  };
  const { rows } = await query(statement.page, values);
  const counted = rows[0]?.total ?? (await query(statement.count, values)).rows[0].n;
  const total = counted <= EXACT_COUNT_LIMIT ? counted : Math.max(EXACT_COUNT_LIMIT + 1, Math.round(JSON.parse((await query(statement.estimate, values)).rows[0]['QUERY PLAN'])[0].Plan['Plan Rows']));
  const page = rows.slice(0, first);
  const edges = page.map((row) => `{"cursor":"${cursorOf(row.sort_value, row.id)}","node":${row.node}}`);
  const last = page.at(-1);
  const endCursor = last ? `"${cursorOf(last.sort_value, last.id)}"` : 'null';
  send(res, 200, `{"data":{"contacts":{"totalCount":${total},"pageInfo":{"hasNextPage":${rows.length > first},"endCursor":${endCursor}},"edges":[${edges.join(',')}]}}}`);
}

async function answerContact(res, auth, { id }) {
  if (typeof id !== 'string') return send(res, 200, badInput('id is a string'));
  // a malformed id, or one of another type, names no contact (src/modules/common/ids.ts)
  const uuid = id.startsWith('con_') && UUID.test(id.slice(4)) ? id.slice(4) : null;
  const sensitive = auth.scopes.includes('contacts:sensitive');
  const rows = uuid ? (await query(CONTACT_STATEMENT, { organization: auth.organization_id, id: uuid, user: auth.user_id, sensitive })).rows : [];
  const node = rows[0]?.node ?? 'null';
  // without contacts:sensitive contactgraph answers ssn null with a FORBIDDEN error on the field
  const errors = sensitive || !rows[0] ? '' : `,"errors":[{"message":"Not authorized","path":["contact","ssn"],"extensions":{"code":"FORBIDDEN"}}]`;
  send(res, 200, `{"data":{"contact":${node}}${errors}}`);
}

const server = createServer((req, res) => {
  answer(req, res).catch((err) => {
    process.stderr.write(`${err.stack}\n`);
    if (!res.headersSent) send(res, 500, error('internal error', 'INTERNAL_SERVER_ERROR'));
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 4100), process.env.HOST ?? '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ msg: 'raw-sql reference server listening', port: server.address().port })}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    server.close();
    server.closeAllConnections();
    pool.end().finally(() => process.exit(0));
  });
}

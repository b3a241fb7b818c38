#!/usr/bin/env node
// A reference server for the benchmark: answers the canonical list query of
// test/contact-list.test.ts (and only it) with hand-written SQL, so contactgraph's req/s can be
// compared with what plain node:http + pg (a Pool) manage on the same data. Same JSON shape,
// field order and values as contactgraph's response; same authentication (the API key looked
// up by its prefix, its SHA-256 compared, revocation and the contacts:read scope checked).
// Two statements per request: the key, then the page (with totalCount) as one query whose rows
// carry each contact's JSON built by PostgreSQL (json_build_object + json_agg subselects).
//
//   DATABASE_URL=postgres://… PORT=4100 node bench/raw-sql-server.mjs
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import pg from 'pg';

// Keep json columns as text: the server splices PostgreSQL's JSON into its answer unparsed.
pg.types.setTypeParser(114, (value) => value);

const KEY_PATTERN = /^cgk_[A-Za-z0-9_-]{43}$/;
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });
pool.on('error', () => {});

const iso = (column) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const WHERE = `c.organization_id = $1::uuid AND c.merged_into_id IS NULL AND c.deleted_at IS NULL AND c.tags && $2::text[]`;

// The node's keys in the order the canonical query selects them.
const PAGE_SQL = `
WITH page AS (
  SELECT c.* FROM contacts c
   WHERE ${WHERE}
   ORDER BY c.created_at ASC, c.id ASC
   LIMIT $3
)
SELECT (SELECT count(*)::int FROM contacts c WHERE ${WHERE}) AS total,
       c.id::text AS id,
       ${iso('c.created_at')} AS sort_value,
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
         -- contactgraph orders a contact's groups by membership created_at only; memberships
         -- written by one statement tie, and its plan returns them in insertion (heap) order:
         -- ctid breaks the tie the same way here.
         'groups', (SELECT coalesce(json_agg(json_build_object('id', 'grp_' || g.id, 'name', g.name) ORDER BY m.created_at, m.ctid), '[]')
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
                    'user', json_build_object('approximateCount', count(*) FILTER (WHERE i.user_id = $4::uuid),
                                              'lastInteractedAt', ${iso('max(i.occurred_at) FILTER (WHERE i.user_id = $4::uuid)')}),
                    'workspace', json_build_object(
                      'approximateCount', count(*),
                      'lastInteractedAt', ${iso('max(i.occurred_at)')},
                      'lastInteractedBy', (SELECT coalesce(json_agg(json_build_object('id', 'usr_' || lu.user_id, 'fullName', lu.full_name) ORDER BY lu.last_at DESC), '[]')
                                             FROM (SELECT i2.user_id, u.full_name, max(i2.occurred_at) AS last_at
                                                     FROM interactions i2 JOIN users u ON u.id = i2.user_id
                                                    WHERE i2.organization_id = c.organization_id AND i2.contact_id = c.id
                                                    GROUP BY i2.user_id, u.full_name
                                                    ORDER BY last_at DESC LIMIT 5) lu)))
             FROM interactions i WHERE i.organization_id = c.organization_id AND i.contact_id = c.id)
       ) AS node
  FROM page c
 ORDER BY c.created_at ASC, c.id ASC`;

const sha256 = (value) => createHash('sha256').update(value).digest();

async function authenticate(header) {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match || !KEY_PATTERN.test(match[1])) return null;
  const key = match[1];
  const { rows } = await pool.query(
    'SELECT organization_id::text AS organization_id, user_id::text AS user_id, hash, scopes, revoked_at FROM api_keys WHERE prefix = $1',
    [key.slice(0, 12)],
  );
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
  // Only the canonical list query is implemented (first: 1–100, no cursor).
  if (typeof body.query !== 'string' || !/contacts\(first: \$first, filter: \{ tags: \["canon"\] \}/.test(body.query)) {
    return send(res, 400, error('this reference server answers the canonical list query only', 'BAD_REQUEST'));
  }
  const first = body.variables?.first;
  if (!Number.isInteger(first) || first < 1 || first > 100) return send(res, 200, error(`first must be between 1 and 100, got ${first}`, 'BAD_USER_INPUT'));
  const { rows } = await pool.query(PAGE_SQL, [auth.organization_id, ['canon'], first + 1, auth.user_id]);
  const total = rows[0]?.total ?? (await pool.query(`SELECT count(*)::int AS n FROM contacts c WHERE ${WHERE}`, [auth.organization_id, ['canon']])).rows[0].n;
  const page = rows.slice(0, first);
  const edges = page.map((row) => `{"cursor":"${cursorOf(row.sort_value, row.id)}","node":${row.node}}`);
  const last = page.at(-1);
  const endCursor = last ? `"${cursorOf(last.sort_value, last.id)}"` : 'null';
  send(res, 200, `{"data":{"contacts":{"totalCount":${total},"pageInfo":{"hasNextPage":${rows.length > first},"endCursor":${endCursor}},"edges":[${edges.join(',')}]}}}`);
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

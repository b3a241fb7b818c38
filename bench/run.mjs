#!/usr/bin/env node
// npm run bench [-- --duration 10] [-- --pglite] [-- --contacts 1000000 --sections scale]
//
// Seeds a database reproducibly, checks the seeded rows are what createContact writes, counts
// the SQL statements of each operation in-process, then drives `contactgraph serve` (a child
// process) over loopback HTTP with autocannon (10 connections) and samples its CPU and memory.
// The reads (the canonical list query, varied by cursor and filter, and contact by id) are also
// run against bench/raw-sql-server.mjs (hand-written SQL, named statements) for a reference,
// with the same request sequence (a seeded PRNG per operation and phase). Writes bench/results/latest.md and latest.json and prints the table.
// See bench/README.md.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { openDatabase } from '../dist/db/client.js';
import { migrate } from '../dist/db/migrator.js';
import { SCOPES } from '../dist/tenant/tenant.js';
import { encodeId } from '../dist/modules/common/ids.js';
import { createLogger } from '../dist/logger.js';
import { createApiKey } from '../dist/modules/api-key/api-key.js';
import { createOrganization } from '../dist/modules/organization/organization.js';
import { createUser } from '../dist/modules/user/user.js';
import { createApp } from '../dist/yoga.js';
import { CONTACT_TABLES, contactInputAt, idAt, rowsFor } from './lib/data.mjs';
import { bodies, CANONICAL, checkResponse, CONTACT_QUERY, CREATE_CONTACT, CURSORS_QUERY, LIST_FILTERS, seedOf } from './lib/operations.mjs';
import { cpuTicks, postgresSampler, processSampler, rssMB } from './lib/proc.mjs';
import { createRandom } from './lib/prng.mjs';
import { measureScale, MEASURED, planScale, WARM_UPS } from './lib/scale.mjs';
import { insertRows, seed } from './lib/seed.mjs';
import { batchRows, indexCosts, writeBatches, writeContacts } from './lib/write-reference.mjs';
import { writeCreateFile, writeUpsertFile } from './lib/import-file.mjs';

const ROOT = path.resolve(new URL('..', import.meta.url).pathname);
const RESULTS = path.join(ROOT, 'bench', 'results');
const CONNECTIONS = 10;
/** What a run can measure after seeding and checking the seeder against createContact (--sections; all by default). */
const SECTIONS = ['statements', 'load', 'scale', 'write-reference', 'import', 'cold-start'];

const { values: options } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    contacts: { type: 'string', default: '10000' },
    pglite: { type: 'boolean', default: false },
    sections: { type: 'string', default: SECTIONS.join(',') },
    'skip-cold-start': { type: 'boolean', default: false },
    'import-rows': { type: 'string', default: '100000' },
    'upsert-rows': { type: 'string', default: '20000' },
  },
  strict: true,
});
const duration = Number(options.duration);
const warmup = Number(options.warmup);
const contactCount = Number(options.contacts);
if (!(duration > 0 && duration <= 20)) fail(`--duration must be in (0, 20] seconds, got ${options.duration}`);
if (!(warmup >= 0 && warmup <= 10)) fail(`--warmup must be in [0, 10] seconds, got ${options.warmup}`);
if (!(Number.isInteger(contactCount) && contactCount >= 200)) fail(`--contacts must be an integer ≥ 200, got ${options.contacts}`);
const sections = new Set(options.sections.split(',').map((name) => name.trim()).filter(Boolean));
const unknownSections = [...sections].filter((name) => !SECTIONS.includes(name));
if (unknownSections.length > 0) fail(`--sections takes a comma-separated list of ${SECTIONS.join(', ')}; unknown: ${unknownSections.join(', ')}`);
if (options['skip-cold-start']) sections.delete('cold-start');
const importRows = Number(options['import-rows']);
const upsertRows = Number(options['upsert-rows']);
if (!(Number.isInteger(importRows) && importRows >= 0)) fail(`--import-rows must be an integer ≥ 0 (0: no import runs), got ${options['import-rows']}`);
if (!(Number.isInteger(upsertRows) && upsertRows >= 0 && upsertRows <= 2 * importRows)) fail(`--upsert-rows must be an integer in [0, 2 × --import-rows], got ${options['upsert-rows']}`);

const benchStarted = performance.now();
const log = (line) => process.stderr.write(`${line}\n`);
const children = new Set();

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  for (const child of children) child.kill('SIGKILL');
  process.exit(1);
}

/** Where the seed's time went, in a line. */
function seedSummary(t) {
  const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
  const load = t.copyMs !== undefined
    ? `loading ${s(t.loadMs)}: COPY ${s(t.copyMs)}, waiting for rows ${s(t.waitMs)} (built in ${s(t.buildMs)} by ${t.workers} worker thread${t.workers === 1 ? '' : 's'})`
    : `building rows ${s(t.buildMs)}, inserting ${s(t.insertMs)}`;
  const indexes = t.indexMs !== undefined ? `, indexes made again ${s(t.indexMs)}, foreign keys ${s(t.foreignKeyMs)}` : '';
  return `${s(t.totalMs)} (${load}${indexes}, ANALYZE ${s(t.analyzeMs)})`;
}

const round = (value, digits = 1) => (value == null || Number.isNaN(value) ? null : Number(value.toFixed(digits)));

async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  return port;
}

async function waitFor(url, { timeoutMs = 60_000, intervalMs = 50 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Spawns a node script as a child process with its output in a log file. */
function spawnNode(args, env, logFile) {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (logFile) {
    const out = createWriteStream(logFile);
    child.stdout.pipe(out);
    child.stderr.pipe(out);
  } else {
    child.stdout.resume();
    child.stderr.resume();
  }
  return child;
}

async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

// ---------------------------------------------------------------------------------------------
// 1. The database

const machine = {
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  memoryGB: round(os.totalmem() / 2 ** 30),
  node: process.version,
  platform: `${os.type()} ${os.release()}`,
  loadAverageAtStart: os.loadavg().map((v) => round(v, 2)),
};

let databaseUrl;
let databaseName;
let dataDir;
let benchDatabaseCreated = false;
if (options.pglite) {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'contactgraph-bench-pglite-'));
  log(`database: PGlite in ${dataDir}`);
} else if (process.env.DATABASE_URL) {
  databaseUrl = process.env.DATABASE_URL;
  databaseName = new URL(databaseUrl).pathname.slice(1);
  log(`database: DATABASE_URL (${databaseName}); a new organisation is seeded into it`);
} else {
  const admin = new pg.Client({ connectionString: 'postgres://root@127.0.0.1:5432/postgres' });
  await admin.connect().catch((error) => fail(`cannot reach PostgreSQL at 127.0.0.1:5432 (${error.message}); set DATABASE_URL or use --pglite`));
  databaseName = 'contactgraph_bench';
  await admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${databaseName}`);
  await admin.end();
  benchDatabaseCreated = true;
  databaseUrl = `postgres://root@127.0.0.1:5432/${databaseName}`;
  log(`database: ${databaseUrl} (dropped and created)`);
}

const db = await openDatabase(databaseUrl ? { url: databaseUrl, recordStatements: true } : { dataDir, recordStatements: true });
await migrate(db.sql);
const [{ server_version: postgresVersion }] = await db.sql.query('SHOW server_version');
machine.postgres = options.pglite ? `PGlite (PostgreSQL ${postgresVersion})` : `PostgreSQL ${postgresVersion}`;

// The organisation, user and key, with the project's own functions.
const organizationName = benchDatabaseCreated || options.pglite ? 'Bench' : `Bench ${new Date().toISOString()}`;
const organization = await createOrganization(db.prisma, organizationName);
const user = await createUser(db.prisma, { organizationId: organization.id, email: 'bench@example.com', fullName: 'Bench User' });
const { key, record: keyRecord } = await createApiKey(db.prisma, { organizationId: organization.id, userId: user.id, scopes: [...SCOPES] });
const tenant = { organizationId: organization.id, userId: user.id, apiKeyId: keyRecord.id, apiKeyPrefix: keyRecord.prefix };

log(`seeding ${contactCount.toLocaleString('en')} contacts (2,000 companies, 20 groups with 3 custom fields each)…`);
// a database the bench made for itself (or its own PGlite folder) loads with its indexes deferred
const seeded = await seed(db, tenant, { count: contactCount, organizationName, url: databaseUrl, deferIndexes: benchDatabaseCreated || options.pglite, log });
const seedPeakRssMB = process.resourceUsage().maxRSS / 1024;
log(`seeded in ${seedSummary(seeded.timings)}; peak RSS ${seedPeakRssMB.toFixed(0)} MB`);

// ---------------------------------------------------------------------------------------------
// 2. In-process: the seeded rows are the API's, and how many statements each operation sends

const app = createApp({ db, log: createLogger('warn') });
async function gql(body) {
  const res = await app.fetch('http://bench/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${key}` },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, json: JSON.parse(text) };
}

/** Differences between two JSON values, as "path: a ≠ b" lines. */
function differences(a, b, at = '', out = []) {
  if (out.length >= 25) return out;
  if (a === b) return out;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) {
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${at || '(root)'}: ${JSON.stringify(a)?.slice(0, 200)} ≠ ${JSON.stringify(b)?.slice(0, 200)}`);
    return out;
  }
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) differences(a[k], b[k], `${at}${Array.isArray(a) ? `[${k}]` : `.${k}`}`, out);
  return out;
}

const IGNORED = {
  contacts: ['created_at', 'updated_at'],
  contact_emails: ['id'],
  external_refs: ['id'],
  contact_phones: ['id'],
  contact_addresses: ['id'],
  contact_urls: ['id'],
  contact_companies: [],
  group_memberships: ['created_at'],
  custom_field_values: [],
  contact_changes: ['seq', 'txid', 'occurred_at'],
};
const sortKey = (row) => `${row.position ?? ''}|${row.group_id ?? ''}|${row.field_id ?? ''}|${row.namespace ?? ''}`;
const comparable = (table, rows) =>
  rows
    .map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => !IGNORED[table].includes(k))))
    .sort((x, y) => (sortKey(x) < sortKey(y) ? -1 : 1));

async function databaseRows(table, contactId) {
  const rows = await db.sql.query(`SELECT to_jsonb(t) AS row FROM "${table}" t WHERE ${table === 'contacts' ? 'id' : 'contact_id'} = $1::uuid`, [contactId]);
  return rows.map((r) => r.row);
}

async function rowsAsStored(table, rows) {
  if (rows.length === 0) return [];
  const out = await db.sql.query(`SELECT to_jsonb(r) AS row FROM json_populate_recordset(NULL::"${table}", $1::json) r`, [JSON.stringify(rows)]);
  return out.map((r) => r.row);
}

log('checking that seeded rows are what createContact writes…');
const verification = { contacts: [], rowsChecked: Object.fromEntries(CONTACT_TABLES.map((table) => [table, 0])) };

/** Writes contact number `index` with createContact and checks the seeder would write the same. */
async function verifyAgainstApi(index) {
  // The contact is written by createContact…
  const { input, createdAt, random } = contactInputAt(index, seeded.cat);
  const created = await gql({ query: CREATE_CONTACT, variables: { input } });
  const payload = created.json.data?.createContact;
  if (!payload?.contact || payload.userErrors.length > 0) fail(`createContact of check contact ${index} failed: ${created.text.slice(0, 500)}`);
  if (payload.companyResolutions.some((r) => r.action !== 'MATCHED')) fail(`check contact ${index}: its companies should all match seeded ones`);
  const contactId = payload.contact.id.replace(/^con_/, '');
  // …and its rows must equal what the seeder would have inserted for the same input.
  const built = await rowsFor(input, { ...seeded.context, contactId, createdAt, random });
  const problems = [];
  for (const table of CONTACT_TABLES) {
    const api = comparable(table, await databaseRows(table, contactId));
    const ours = comparable(table, await rowsAsStored(table, built[table]));
    problems.push(...differences(api, ours, table));
    verification.rowsChecked[table] += api.length;
  }
  if (problems.length > 0) fail(`check contact ${index}: seeded rows differ from createContact's:\n  ${problems.join('\n  ')}`);

  // Then the same contact read through the API, once as createContact wrote it and once as the
  // seeder writes it (its rows replaced by the seeder's, same id and times): identical answers.
  const read = async () => (await gql({ query: CONTACT_QUERY, variables: { id: `con_${contactId}` } })).json;
  const asWritten = await read();
  if (asWritten.errors || !asWritten.data?.contact) fail(`reading check contact ${index} failed: ${JSON.stringify(asWritten.errors)}`);
  const [{ created_at: apiCreatedAt }] = await db.sql.query('SELECT created_at FROM contacts WHERE id = $1::uuid', [contactId]);
  const rebuilt = await rowsFor(input, { ...seeded.context, contactId, createdAt: new Date(apiCreatedAt).getTime(), random });
  await db.sql.transaction(async (tx) => {
    await tx.query('DELETE FROM contact_changes WHERE contact_id = $1::uuid', [contactId]);
    await tx.query('DELETE FROM contacts WHERE id = $1::uuid', [contactId]);
    for (const table of CONTACT_TABLES) await insertRows(tx, table, rebuilt[table]);
  });
  const asSeeded = await read();
  const diff = differences(asWritten, asSeeded);
  if (diff.length > 0) fail(`check contact ${index}: a seeded contact reads differently from one createContact wrote:\n  ${diff.join('\n  ')}`);
  verification.contacts.push(`con_${contactId}`);
}

// Contact number `contactCount` (one past the seeded ones), and the next one that has an
// address, a URL, a mobile phone and three companies (so every kind of row is compared).
const full = (index) => {
  const { input } = contactInputAt(index, seeded.cat);
  return input.addresses && input.urls && input.phones[0].label === 'MOBILE' && input.companies.length === 3;
};
const checkIndexes = [contactCount];
for (let index = contactCount + 1; index < contactCount + 2000; index += 1) {
  if (full(index)) {
    checkIndexes.push(index);
    break;
  }
}
for (const index of checkIndexes) await verifyAgainstApi(index);
log(`  ok: ${checkIndexes.length} contacts written by createContact, ${CONTACT_TABLES.length} tables row for row (${Object.values(verification.rowsChecked).reduce((a, b) => a + b, 0)} rows), and the GraphQL read of every field`);

const contactIds = seeded.contactIds;

// The scale section's company of one contact, deep-page cursors and feed positions, in-process
// before anything else writes (on PGlite, the server holds the database once it runs).
let scalePlan = null;
if (sections.has('scale')) {
  log('scale: planning the requests (a company of one contact, the middle of each list, feed positions)…');
  scalePlan = await planScale({ sql: db.sql, gql, organizationId: tenant.organizationId, cat: seeded.cat, contactIds }).catch((error) => fail(error.message));
  const { group, tag } = scalePlan.facts;
  log(`  ${scalePlan.facts.contacts.toLocaleString('en')} contacts; the group "${group.name}" holds ${(group.share * 100).toFixed(1)} %, the tag "${tag.tag}" ${(tag.share * 100).toFixed(1)} %; each deep page checked against SQL`);
}

// The load's and the statement counts' requests: every position of the seeded feed, and the
// cursors contactgraph gives out for each filter of the varied list reads (pages of 100, only
// the cursors selected; a page after any but the last is not empty).
const measuresOperations = sections.has('statements') || sections.has('load');
const feedCursors = [];
const listPools = LIST_FILTERS.map(() => []);
if (measuresOperations) {
  const feed = await db.sql.query('SELECT txid::text AS txid, seq::text AS seq FROM contact_changes WHERE organization_id = $1::uuid ORDER BY txid, seq', [tenant.organizationId]);
  feedCursors.push(...feed.map((row) => Buffer.from(`${row.txid}:${row.seq}`).toString('base64url')));
  for (const [i, filter] of LIST_FILTERS.entries()) {
    const cursors = [];
    for (let after = null; ; ) {
      const res = await gql({ query: CURSORS_QUERY, variables: { first: 100, after, ...filter } });
      const connection = res.json.data?.contacts;
      if (!connection) fail(`paging the list with ${JSON.stringify(filter)} failed: ${res.text.slice(0, 500)}`);
      cursors.push(...connection.edges.map((edge) => edge.cursor));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    if (cursors.length < 2) fail(`the list filter ${JSON.stringify(filter)} matches ${cursors.length} contact(s); the varied reads need at least 2`);
    listPools[i].push(...cursors.slice(0, -1));
  }
  log(`list cursors: ${LIST_FILTERS.map((filter, i) => `${JSON.stringify(filter)} ${listPools[i].length + 1}`).join(', ')}`);
}

const make = bodies({ cat: seeded.cat, contactIds, feedCursors, listPools });

const OPERATIONS = [
  { name: 'list', label: '(a) contacts(first: 50), canonical query, varied' },
  { name: 'list100', label: '(a100) contacts(first: 100), canonical query, varied' },
  { name: 'contact', label: '(b) contact(by: {id}), all fields' },
  { name: 'createContact', label: '(c) createContact, 3 companies by name' },
  { name: 'createContacts', label: '(d) createContacts, 500 items' },
  { name: 'upsertContacts', label: '(d″) upsertContacts, 500 items: 250 updates by external ref, 250 new' },
  { name: 'changes', label: '(e) contactChanges(first: 100)' },
];

const statements = {};
if (sections.has('statements')) {
  log('counting SQL statements per operation (in-process, Prisma query events)…');
  for (const op of OPERATIONS) {
    const next = make.stream(op.name, seedOf(op.name, 'count'));
    const first = await gql(next()); // warms up caches and the first-call paths
    const problem = checkResponse(op.name, first.status, first.text);
    if (problem) fail(`${op.name}: ${problem}`);
    const seen = [];
    const body = next();
    const unsubscribe = db.onStatement((sql) => seen.push(sql));
    const t0 = performance.now();
    const res = await gql(body);
    const singleMs = performance.now() - t0;
    unsubscribe();
    const problem2 = checkResponse(op.name, res.status, res.text);
    if (problem2) fail(`${op.name}: ${problem2}`);
    statements[op.name] = { count: seen.length, singleRequestMs: round(singleMs), statements: seen.map((sql) => sql.replace(/\s+/g, ' ').trim().slice(0, 300)) };
    log(`  ${op.name}: ${seen.length} statements (one request alone, in-process: ${singleMs.toFixed(0)} ms)`);
  }
}
await db.close();

// ---------------------------------------------------------------------------------------------
// 3. The servers

mkdirSync(RESULTS, { recursive: true });
const logDir = mkdtempSync(path.join(os.tmpdir(), 'contactgraph-bench-logs-'));
const port = await freePort();
const serverEnv = {
  PORT: String(port),
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  NODE_ENV: 'production',
  // the benchmark measures throughput with one key: its per-key points budget is off, and so are
  // its turns (one expensive operation of a key at a time, README Security and limits), which
  // would measure one request's latency instead
  RATE_LIMIT_REQUESTS: '0',
  EXPENSIVE_OPERATIONS_PER_KEY: '0',
  REDIS_URL: '',
  ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATABASE_URL: '', DATA_DIR: dataDir }),
};
let shuttingDown = false;
let server = null;
let baseUrl = null;
let idleRssMB = null;
if (sections.has('load') || sections.has('scale')) {
  server = spawnNode(['bin/contactgraph.js', 'serve'], serverEnv, path.join(logDir, 'server.log'));
  server.once('exit', (code, signal) => {
    if (!shuttingDown) fail(`contactgraph exited (${code ?? signal}) during the benchmark; see ${logDir}/server.log`);
  });
  baseUrl = `http://127.0.0.1:${port}`;
  await waitFor(`${baseUrl}/readyz`);
  // idle after start: ready, a second later, before any GraphQL request
  await new Promise((resolve) => setTimeout(resolve, 1000));
  idleRssMB = rssMB(server.pid);
  log(`contactgraph serving at ${baseUrl} (pid ${server.pid}; idle RSS ${idleRssMB?.toFixed(0)} MB)`);
}

let raw;
let rawUrl;
if (databaseUrl && sections.has('load')) {
  const rawPort = await freePort();
  raw = spawnNode(['bench/raw-sql-server.mjs'], { PORT: String(rawPort), HOST: '127.0.0.1', DATABASE_URL: databaseUrl }, path.join(logDir, 'raw-sql.log'));
  rawUrl = `http://127.0.0.1:${rawPort}`;
  await waitFor(`${rawUrl}/healthz`);
  log(`raw-SQL reference serving at ${rawUrl} (pid ${raw.pid})`);
}

const headers = { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${key}` };
async function post(url, body) {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers, body });
  return { status: res.status, json: await res.json() };
}

// The reference must answer exactly what contactgraph answers: the canonical query itself, 20
// variations of each list read (every filter from the start and after a cursor, the rest
// random) and 20 contacts by id (plus an unknown id), deep-equal `data`.
const equality = { checked: false, sameKeyOrder: true, compared: {} };
if (rawUrl) {
  const check = async (what, body) => {
    const [ours, theirs] = await Promise.all([post(baseUrl, body), post(rawUrl, body)]);
    if (ours.json.errors) fail(`${what}: contactgraph answered errors: ${JSON.stringify(ours.json.errors)} to ${body.slice(0, 300)}`);
    if (theirs.json.errors) fail(`${what}: the raw-SQL server answered errors: ${JSON.stringify(theirs.json.errors)} to ${body.slice(0, 300)}`);
    try {
      assert.deepStrictEqual(theirs.json.data, ours.json.data);
    } catch {
      fail(`${what}: the raw-SQL server's answer differs from contactgraph's for ${body.slice(0, 300)}:\n  ${differences(ours.json.data, theirs.json.data).join('\n  ')}`);
    }
    equality.sameKeyOrder &&= JSON.stringify(ours.json.data) === JSON.stringify(theirs.json.data);
    equality.compared[what] = (equality.compared[what] ?? 0) + 1;
    return ours.json.data;
  };
  await check('canonical', JSON.stringify({ query: CANONICAL, variables: { first: 50 } }));
  for (const [name, first] of [['list', 50], ['list100', 100]]) {
    const randomBody = make.stream(name, seedOf(name, 'check'));
    const pick = createRandom(seedOf(name, 'check-cursors'));
    for (let i = 0; i < 20; i += 1) {
      const filter = i % LIST_FILTERS.length;
      const body = i < LIST_FILTERS.length ? make.listBody(first, filter, null) : i < 2 * LIST_FILTERS.length ? make.listBody(first, filter, pick.pick(listPools[filter])) : randomBody();
      const data = await check(name, body);
      if (!data.contacts.edges.length) fail(`${name}: an empty page for ${body.slice(0, 300)}`);
    }
  }
  const contacts = make.stream('contact', seedOf('contact', 'check'));
  for (let i = 0; i < 20; i += 1) await check('contact', contacts());
  const unknown = await check('contact', JSON.stringify({ query: CONTACT_QUERY, variables: { id: `con_${randomUUID()}` } }));
  if (unknown.contact !== null) fail('an unknown contact id answered a contact');
  equality.checked = true;
  log(`raw-SQL answers equal contactgraph's (${Object.entries(equality.compared).map(([what, n]) => `${what} ${n}`).join(', ')}; same key order: ${equality.sameKeyOrder})`);
}

// ---------------------------------------------------------------------------------------------
// 3b. Scale: single requests one at a time, the reads on the data as seeded (before the load
// writes), the writes after the load's

let scale = null;
if (scalePlan) {
  log(`scale: one request at a time, ${WARM_UPS} warm-ups then ${MEASURED} measured of each…`);
  scale = { facts: scalePlan.facts, rows: await measureScale(scalePlan.reads, { url: baseUrl, headers, log }).catch((error) => fail(error.message)) };
}

// ---------------------------------------------------------------------------------------------
// 4. Load

let pgClient;
if (databaseUrl) {
  pgClient = new pg.Client({ connectionString: databaseUrl });
  await pgClient.connect();
}

async function cannon(url, name, seconds, connections, phase) {
  const errors = [];
  let checked = 0;
  const next = make.stream(name, seedOf(name, phase));
  const result = await autocannon({
    url: `${url}/graphql`,
    connections,
    duration: seconds,
    timeout: 60,
    method: 'POST',
    headers,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => ({ ...request, body: next() }),
        onResponse: (status, body) => {
          checked += 1;
          const problem = checkResponse(name, status, body);
          if (problem) errors.push(problem);
        },
      },
    ],
  });
  return { result, errors, checked };
}

/**
 * Waits until a process is idle (under ~10 % CPU over 250 ms): autocannon stops at the end of a
 * run with requests still in flight, and the server finishes them; the next run must not pay.
 */
async function settle(pid, maxMs = 20_000) {
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline) {
    const before = cpuTicks(pid);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const after = cpuTicks(pid);
    if (before === null || after === null || after - before <= 2) return;
  }
}

async function measure(op, { url = baseUrl, pid = server.pid, label = op.label, key: resultKey = op.name, connections = CONNECTIONS, seconds = duration, warm = warmup } = {}) {
  if (warm > 0) {
    const { errors } = await cannon(url, op.name, warm, connections, 'warm-up');
    if (errors.length > 0) fail(`${resultKey} (warm-up): ${errors.length} bad responses, e.g. ${errors[0]}`);
  }
  await settle(pid);
  const proc = processSampler(pid);
  const pgSampler = pgClient ? postgresSampler(pgClient, databaseName) : null;
  await pgSampler?.start();
  proc.start();
  const { result, errors, checked } = await cannon(url, op.name, seconds, connections, 'measure');
  const usage = proc.stop();
  const dbUsage = await pgSampler?.stop();
  await settle(pid);
  const ok = result['2xx'] - errors.filter((e) => !e.startsWith('HTTP')).length;
  const row = {
    key: resultKey,
    label,
    connections,
    requests: result.requests.total,
    ok,
    failed: result.requests.total - ok + result.errors + result.timeouts,
    durationS: result.duration,
    reqPerSec: ok / result.duration,
    latencyMs: ok === 0 ? { p50: null, p90: null, p99: null, max: null, mean: null } : { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max, mean: result.latency.average },
    serverCpuPct: usage.cpuPct,
    serverCpuMsPerRequest: ok > 0 && usage.cpuPct != null ? (usage.cpuPct / 100) * usage.wallS * 1000 / ok : null,
    peakRssMB: usage.peakRssMB,
    dbCpuPct: dbUsage?.cpuPct ?? null,
    sampleErrors: errors.slice(0, 3),
    responsesChecked: checked,
  };
  if (op.name === 'createContacts' || op.name === 'upsertContacts') row.contactsPerSec = row.reqPerSec * 500;
  log(`  ${resultKey}: ${row.reqPerSec.toFixed(1)} req/s, p50 ${row.latencyMs.p50} ms, p99 ${row.latencyMs.p99} ms, CPU ${usage.cpuPct?.toFixed(0)} %, peak RSS ${usage.peakRssMB.toFixed(0)} MB${errors.length ? `, ${errors.length} bad responses (${errors[0]})` : ''}`);
  return row;
}

const rows = [];
// each read of the load, then the same requests (same seeds) against the reference
const REFERENCE = {
  list: { key: 'list-raw-sql', label: '(a′) same query, raw-SQL reference server' },
  list100: { key: 'list100-raw-sql', label: '(a′100) same query, raw-SQL reference server' },
  contact: { key: 'contact-raw-sql', label: '(b′) same query, raw-SQL reference server' },
};
if (sections.has('load')) {
  log(`load: ${CONNECTIONS} connections, ${duration} s per operation after a ${warmup} s warm-up`);
  const byName = Object.fromEntries(OPERATIONS.map((op) => [op.name, op]));
  for (const name of ['list', 'list100', 'contact']) {
    rows.push({ ...(await measure(byName[name])), statementsPerRequest: statements[name]?.count ?? null });
    if (raw) rows.push({ ...(await measure(byName[name], { url: rawUrl, pid: raw.pid, ...REFERENCE[name] })), statementsPerRequest: 2 });
  }
  for (const name of ['changes', 'createContact']) {
    rows.push({ ...(await measure(byName[name])), statementsPerRequest: statements[name]?.count ?? null });
  }
  // One createContacts of 500 takes seconds: at 10 connections few (or none) finish within a
  // bounded run, and a warm-up would leave ten of them running into the measurement. So: first one
  // connection for up to 20 s (its first request warms the path), then 10 connections, last.
  const bulkSeconds = Math.min(20, duration * 2);
  rows.push({
    ...(await measure(byName.createContacts, { connections: 1, seconds: bulkSeconds, warm: 0, key: 'createContacts-1', label: `(d′) createContacts, 500 items, 1 connection, ${bulkSeconds} s` })),
    statementsPerRequest: statements.createContacts?.count ?? null,
  });
  rows.push({ ...(await measure(byName.createContacts, { warm: 0 })), statementsPerRequest: statements.createContacts?.count ?? null });
  rows.push({ ...(await measure(byName.upsertContacts, { warm: 0 })), statementsPerRequest: statements.upsertContacts?.count ?? null });
}
if (scalePlan) scale.rows.push(...(await measureScale(scalePlan.writes, { url: baseUrl, headers, log }).catch((error) => fail(error.message))));
shuttingDown = true;
if (server) await stop(server);
if (raw) await stop(raw);

// ---------------------------------------------------------------------------------------------
// 4b. The raw write reference (PostgreSQL only): the rows of (c) and (d)'s own inputs, written by
// plain pg with the server stopped (bench/lib/write-reference.mjs)

let writeReference = null;
if (databaseUrl && sections.has('write-reference')) {
  log('raw write reference: the rows of (c) and (d), written by plain pg…');
  const random = createRandom(seedOf('write-reference'));
  const context = { ...seeded.context, random, newId: (ms) => idAt(random, ms, seeded.context.salt) };
  const pgSampler = postgresSampler(pgClient, databaseName);
  let streams = 0;
  /** `count` batches of createContacts' 500 items (fresh emails and refs), as rows by table */
  const makeBatches = async (count = 10) => {
    const next = make.stream('createContacts', seedOf('createContacts', 'reference', streams++));
    const batches = [];
    for (let i = 0; i < count; i += 1) batches.push(await batchRows(JSON.parse(next()).variables.input.contacts, context));
    return batches;
  };
  const nextCreate = make.stream('createContact', seedOf('createContact', 'reference'));
  const single = await writeContacts({
    url: databaseUrl,
    inputs: Array.from({ length: 3000 }, () => JSON.parse(nextCreate()).variables.input),
    context,
    connections: CONNECTIONS,
    pgSampler,
  });
  log(`  (c) one contact per transaction: ${single.contactsPerSec.toFixed(0)} contacts/s, p99 ${single.latencyMs.p99.toFixed(1)} ms`);
  const bulk = {};
  for (const method of ['insert', 'copy']) {
    bulk[method] = await writeBatches({ url: databaseUrl, batches: await makeBatches(20), connections: CONNECTIONS, method, pgSampler });
    log(`  (d) ${method}: ${bulk[method].contactsPerSec.toFixed(0)} contacts/s`);
  }
  const method = bulk.copy.contactsPerSec > bulk.insert.contactsPerSec ? 'copy' : 'insert';
  log(`index costs (the reference's ${method}, 20 batches a run)…`);
  const indexes = await indexCosts({ url: databaseUrl, admin: pgClient, makeBatches: () => makeBatches(20), connections: CONNECTIONS, method, pgSampler, log });
  writeReference = { single, bulk, method, indexes };
  const referenceRow = (key, label, result, perRequest, statementsPerRequest) => ({
    key,
    label,
    connections: CONNECTIONS,
    reqPerSec: result.contactsPerSec / perRequest,
    contactsPerSec: perRequest > 1 ? result.contactsPerSec : undefined,
    latencyMs: result.latencyMs ?? { p50: null, p90: null, p99: null },
    statementsPerRequest,
    serverCpuPct: null,
    peakRssMB: null,
    serverCpuMsPerRequest: result.cpuMsPerContact * perRequest,
    dbCpuPct: result.dbCpuPct,
  });
  rows.push(referenceRow('createContact-raw-sql', "(c′) createContact's rows, raw write reference (a transaction per contact)", single, 1, round(single.statementsPerContact)));
  for (const m of ['insert', 'copy']) {
    rows.push(referenceRow(`createContacts-raw-sql-${m}`, `(d ${m}) createContacts' rows, raw write reference, ${m === 'copy' ? 'COPY' : 'multi-row INSERT'} per table${m === method ? ' (the faster: the reference)' : ''}`, bulk[m], 500, round(bulk[m].statementsPerBatch)));
  }
}

// ---------------------------------------------------------------------------------------------
// 4c. The import CLI (PostgreSQL only): a CSV of `importRows` new contacts into an empty
// organisation, then `upsertRows` rows by external ref, half of them updating those contacts

let imports = null;
if (databaseUrl && sections.has('import') && importRows > 0) {
  const importDb = await openDatabase({ url: databaseUrl });
  const importOrg = await createOrganization(importDb.prisma, `Bench import ${new Date().toISOString()}`);
  await createUser(importDb.prisma, { organizationId: importOrg.id, email: 'import@example.com', fullName: 'Import User' });
  await importDb.close();
  const importDir = mkdtempSync(path.join(os.tmpdir(), 'contactgraph-bench-import-'));
  const runImport = async (label, file, rowCount, extra = []) => {
    // the import's backends come and go with it
    const pgSampler = postgresSampler(pgClient, databaseName, { pollMs: 200 });
    await pgSampler.start();
    const started = performance.now();
    const child = spawn(process.execPath, ['bin/contactgraph.js', 'import', file, '--org', encodeId('Organization', importOrg.id), '--stats', ...extra], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.resume();
    const [code] = await once(child, 'exit');
    const seconds = (performance.now() - started) / 1000;
    const dbUsage = await pgSampler.stop();
    if (code !== 0) fail(`${label}: the import exited with ${code}:\n${stdout}`);
    const count = (what) => Number(new RegExp(`^\\s+${what}\\s+(\\d+)$`, 'm').exec(stdout)?.[1]);
    const result = {
      label,
      rows: rowCount,
      seconds,
      rowsPerSec: rowCount / seconds,
      created: count('created'),
      updated: count('updated'),
      unchanged: count('unchanged'),
      failed: count('failed'),
      peakRssMB: Number(/^peak RSS: ([\d.]+) MB$/m.exec(stdout)?.[1]),
      dbCpuPct: dbUsage.cpuPct,
    };
    log(`  ${label}: ${result.rowsPerSec.toFixed(0)} rows/s (${seconds.toFixed(1)} s), created ${result.created}, updated ${result.updated}, peak RSS ${result.peakRssMB} MB, PostgreSQL CPU ${result.dbCpuPct.toFixed(0)} %`);
    return result;
  };
  log(`import CLI: ${importRows.toLocaleString('en')} new rows, then ${upsertRows.toLocaleString('en')} by external ref…`);
  const createFile = path.join(importDir, 'create.csv');
  await writeCreateFile(createFile, importRows, seedOf('import', 'create'));
  imports = [await runImport(`import, ${importRows.toLocaleString('en')} new rows`, createFile, importRows)];
  assert.equal(imports[0].created, importRows, 'every row of the create file is created');
  if (upsertRows > 0) {
    const upsertFile = path.join(importDir, 'upsert.csv');
    await writeUpsertFile(upsertFile, upsertRows, importRows, seedOf('import', 'upsert'));
    const upserted = await runImport(`import --upsert-by externalRef:crm, ${upsertRows.toLocaleString('en')} rows (half updates)`, upsertFile, upsertRows, ['--upsert-by', 'externalRef:crm']);
    assert.equal(upserted.created + upserted.updated + upserted.unchanged, upsertRows, 'every row of the upsert file is applied');
    imports.push(upserted);
  }
  rmSync(importDir, { recursive: true, force: true });
}
await pgClient?.end();

// ---------------------------------------------------------------------------------------------
// 5. Cold start on an existing PGlite data folder

let coldStart = null;
if (sections.has('cold-start')) {
  log('cold start: `contactgraph serve` on an existing PGlite data folder until /healthz answers 200…');
  const coldDir = mkdtempSync(path.join(os.tmpdir(), 'contactgraph-bench-cold-'));
  const coldPort = await freePort();
  const env = { PORT: String(coldPort), HOST: '127.0.0.1', LOG_LEVEL: 'warn', NODE_ENV: 'production', DATABASE_URL: '', DATA_DIR: coldDir };
  const first = spawnNode(['bin/contactgraph.js', 'serve'], env);
  await waitFor(`http://127.0.0.1:${coldPort}/healthz`);
  await stop(first);
  const times = [];
  for (let i = 0; i < 3; i += 1) {
    const started = performance.now();
    const child = spawnNode(['bin/contactgraph.js', 'serve'], env);
    await waitFor(`http://127.0.0.1:${coldPort}/healthz`, { intervalMs: 10 });
    times.push(performance.now() - started);
    await stop(child);
  }
  rmSync(coldDir, { recursive: true, force: true });
  const sorted = [...times].sort((a, b) => a - b);
  coldStart = { runsMs: times.map((t) => Math.round(t)), medianMs: Math.round(sorted[1]) };
  log(`  ${coldStart.runsMs.join(', ')} ms (median ${coldStart.medianMs} ms)`);
}
if (dataDir) rmSync(dataDir, { recursive: true, force: true });

// ---------------------------------------------------------------------------------------------
// 6. Results

const fmt = (value, digits = 1) => (value == null ? '–' : value.toFixed(digits));
// contactgraph / reference, for each read the reference answers
const ratios = Object.entries(REFERENCE).flatMap(([name, reference]) => {
  const ours = rows.find((r) => r.key === name);
  const theirs = rows.find((r) => r.key === reference.key);
  if (!ours || !theirs) return [];
  return [{
    key: name,
    label: `${ours.label.split(' ')[0]} / ${theirs.label.split(' ')[0]}`,
    reqPerSec: theirs.reqPerSec > 0 ? ours.reqPerSec / theirs.reqPerSec : null,
    serverCpuMsPerRequest: theirs.serverCpuMsPerRequest > 0 && ours.serverCpuMsPerRequest != null ? ours.serverCpuMsPerRequest / theirs.serverCpuMsPerRequest : null,
    ours: ours.reqPerSec,
    theirs: theirs.reqPerSec,
  }];
});
if (writeReference) {
  for (const [name, referenceKey, label] of [
    ['createContact', 'createContact-raw-sql', '(c) / (c′)'],
    ['createContacts', `createContacts-raw-sql-${writeReference.method}`, `(d) / (d ${writeReference.method})`],
  ]) {
    const ours = rows.find((r) => r.key === name);
    const theirs = rows.find((r) => r.key === referenceKey);
    if (!ours || !theirs) continue;
    ratios.push({ key: name, label, reqPerSec: ours.reqPerSec / theirs.reqPerSec, serverCpuMsPerRequest: ours.serverCpuMsPerRequest / theirs.serverCpuMsPerRequest, ours: ours.reqPerSec, theirs: theirs.reqPerSec });
  }
}
const ratio = ratios.find((r) => r.key === 'list')?.reqPerSec ?? null;
const table = rows.length === 0 ? null : [
  '| operation | req/s | p50 ms | p90 ms | p99 ms | statements/request | server CPU % | peak RSS MB | server CPU ms/request |' + (databaseUrl ? ' PostgreSQL CPU % |' : ''),
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |' + (databaseUrl ? ' ---: |' : ''),
  ...rows.map(
    (r) =>
      `| ${r.label} | ${fmt(r.reqPerSec)}${r.contactsPerSec ? ` (${fmt(r.contactsPerSec, 0)} contacts/s)` : ''} | ${fmt(r.latencyMs.p50, 0)} | ${fmt(r.latencyMs.p90, 0)} | ${fmt(r.latencyMs.p99, 0)} | ${r.statementsPerRequest ?? '–'} | ${fmt(r.serverCpuPct, 0)} | ${fmt(r.peakRssMB, 0)} | ${fmt(r.serverCpuMsPerRequest, 1)} |` +
      (databaseUrl ? ` ${fmt(r.dbCpuPct, 0)} |` : ''),
  ),
].join('\n');
const ratioTable = ratios.length
  ? [
      '| contactgraph / raw-SQL reference | req/s ratio | server CPU ms/request ratio |',
      '| --- | ---: | ---: |',
      ...ratios.map((r) => `| ${r.label} | ${fmt(r.reqPerSec, 2)} (${fmt(r.ours)} vs ${fmt(r.theirs)}) | ${fmt(r.serverCpuMsPerRequest, 1)} |`),
    ].join('\n')
  : null;
// each index group's share of the reference's write time: 1 − (rate with it) / (rate without it)
const indexTable = writeReference
  ? (() => {
      const { baselines, results } = writeReference.indexes;
      const span = (values, digits) => `${fmt(Math.min(...values), digits)}–${fmt(Math.max(...values), digits)}`;
      return [
        `| the reference's write (${writeReference.method === 'copy' ? 'COPY' : 'multi-row INSERT'}, 20 batches of 500, ${CONNECTIONS} connections) without | contacts/s | PostgreSQL CPU ms/contact | share of the write's time (against the runs with everything on either side) |`,
        '| --- | ---: | ---: | ---: |',
        `| nothing (${baselines.length} runs, one before each below and one after) | ${span(baselines.map((b) => b.contactsPerSec), 0)} | ${span(baselines.map((b) => b.dbCpuMsPerContact), 3)} | — |`,
        ...results.map((r) => `| ${r.group} | ${fmt(r.contactsPerSec, 0)} | ${fmt(r.dbCpuMsPerContact, 3)} | ${fmt(r.shareOfWriteTime * 100, 0)} % |`),
      ].join('\n');
    })()
  : null;
const importTable = imports
  ? [
      '| the import CLI (a CSV into an empty organisation: 2 emails, a phone, 2 of 5,000 companies by name, a tag, a title and a ref per row) | rows/s | seconds | created | updated | unchanged | peak RSS MB | PostgreSQL CPU % |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...imports.map((r) => `| ${r.label} | ${fmt(r.rowsPerSec, 0)} | ${fmt(r.seconds)} | ${r.created} | ${r.updated} | ${r.unchanged} | ${fmt(r.peakRssMB, 0)} | ${fmt(r.dbCpuPct, 0)} |`),
    ].join('\n')
  : null;
const scaleTable = scale
  ? [
      `| scale (${scale.facts.contacts.toLocaleString('en')} contacts): one request at a time to \`contactgraph serve\`, ${WARM_UPS} warm-ups then ${MEASURED} measured | median ms | p90 ms |`,
      '| --- | ---: | ---: |',
      ...scale.rows.map((r) => `| ${r.label} | ${fmt(r.medianMs)} | ${fmt(r.p90Ms)} |`),
    ].join('\n')
  : null;
const benchPeakRssMB = process.resourceUsage().maxRSS / 1024;
const notes = [
  ratios.length
    ? `**contactgraph / raw-SQL req/s: ${ratios.map((r) => `${r.label} ${fmt(r.reqPerSec, 2)}`).join(', ')}** (the reference's answers were checked equal to contactgraph's before measuring: ${Object.entries(equality.compared).map(([what, n]) => `${what} ${n}`).join(', ')}; it sends every statement named and prepared)`
    : sections.has('load') ? 'No raw-SQL reference on PGlite (its data folder serves one process).' : null,
  writeReference
    ? `Raw write reference (PostgreSQL, the server stopped): the rows contactgraph writes for the same inputs (bench/lib/data.mjs rowsFor, checked row for row against createContact above), written by plain pg over ${CONNECTIONS} connections, nothing validated or looked up but (c)'s companies. (c′): 3,000 createContact inputs, a transaction each — the companies by name created when missing and read back in one statement, then one multi-row INSERT per table. (d insert) / (d copy): 20 batches of createContacts' 500 items, a transaction each, one multi-row INSERT or one COPY per table; the faster is the reference. Its CPU ms/request is the writing script's. Index costs: fresh batches with each group dropped in turn and put back after.`
    : null,
  sections.has('load') && `Reads vary: (a)/(a100) each ask a random page of the canonical query's selection and order (bench/lib/queries.mjs LIST_QUERY) — a fifth from the start, the rest after a random cursor contactgraph gave out for that list — with the canonical tag filter alone (half), plus a search (${LIST_FILTERS.filter((f) => f.search).map((f) => JSON.stringify(f.search)).join(', ')}; a quarter) or a type (a quarter); (b) a random seeded id; (e) a random position of the feed. One seeded PRNG per operation and phase (warm-up, measurement), so contactgraph and the reference get the same requests in the same order.`,
  server && `Idle RSS after start (\`contactgraph serve\` ready, a second later, before any GraphQL request): ${fmt(idleRssMB, 0)} MB.`,
  scale &&
    `Scale: each row one kind of request, sent alone (no concurrency) over loopback, timed from sending to the answer's last byte; median and p90 are nearest-rank over the ${MEASURED} measured. Lists: the canonical query's node selection (bench/lib/queries.mjs PAGE_QUERY), first: 20, with the canonical filter and order unless the row says otherwise, totalCount selected unless the row says without. The group "${scale.facts.group.name}" holds ${fmt(scale.facts.group.share * 100)} % of the contacts, the tag "${scale.facts.tag.tag}" ${fmt(scale.facts.tag.share * 100)} %, the company "${scale.facts.company.name}" ${scale.facts.company.contacts} (made with createContact after the seed). A deep page is the page after the API's cursor of the row before the middle of its list (found by SQL, checked against the API's answer). Lookups: a random seeded contact per request (a seeded PRNG per row and phase); the feed: after a random entry of the seeded feed. The reads run on the data as seeded, before the load; the writes (the load's bodies: fresh emails and refs) after the load's writes.`,
  coldStart ? `Cold start (\`contactgraph serve\` on an existing PGlite data folder, spawn → first 200 on /healthz): median ${coldStart.medianMs} ms (runs: ${coldStart.runsMs.join(', ')} ms).` : null,
  `Data: ${contactCount.toLocaleString('en')} contacts seeded in ${seedSummary(seeded.timings)}; the bench process's peak RSS ${fmt(seedPeakRssMB, 0)} MB after the seed, ${fmt(benchPeakRssMB, 0)} MB in all (+${verification.contacts.length} written by createContact to check the seeder against), each with 1–3 of 2,000 companies, 2 emails, 1 phone, 2 of 20 groups, 3 custom values (TEXT, NUMBER, SINGLE_SELECT), 1 external ref; half have an address, 30 % a URL. Seed ${'20261122'}.`,
  sections.has('load') && `Load: autocannon, ${CONNECTIONS} connections, ${duration} s per operation after a ${warmup} s warm-up, loopback; req/s counts checked 200 answers without errors. Statements/request: counted in-process (Prisma query events, authentication included; Prisma reports a transaction's COMMIT but not its BEGIN, so writes make one round trip more); the reference server sends 2 (the key, then the page or the contact). Server CPU ms/request = server CPU time / answered requests (less sensitive to other load than req/s).`,
  sections.has('statements') && `One request alone (in-process, no concurrency): ${OPERATIONS.map((op) => `${op.name} ${fmt(statements[op.name].singleRequestMs, 0)} ms`).join(', ')}.`,
  ...rows.filter((r) => r.ok === 0).map((r) => `${r.label}: no request completed within ${r.durationS} s at ${r.connections} connection(s) (autocannon drops requests still in flight at the end).`),
  `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGB} GB, Node ${machine.node}, ${machine.postgres}; load average at start ${machine.loadAverageAtStart.join(' / ')} (other work shares this machine: treat numbers as noisy).`,
].filter(Boolean);
const tables = [table, ratioTable, indexTable, importTable, scaleTable].filter(Boolean).join('\n\n');
const markdown = `# contactgraph benchmark\n\n${new Date().toISOString()} — \`npm run bench${process.argv.slice(2).length ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\`\n\n${tables}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n`;
const json = {
  date: new Date().toISOString(),
  options: { duration, warmup, contacts: contactCount, pglite: options.pglite, connections: CONNECTIONS, sections: SECTIONS.filter((name) => sections.has(name)) },
  machine,
  dataset: { rowCounts: seeded.rowCounts, seedTimings: seeded.timings, seed: 20261122 },
  benchPeakRssMB: { afterSeed: seedPeakRssMB, inAll: benchPeakRssMB },
  verification,
  equality,
  ratio,
  ratios,
  coldStart,
  idleRssMB,
  writeReference,
  imports,
  scale,
  operations: rows,
  statements,
  totalSeconds: (performance.now() - benchStarted) / 1000,
};
writeFileSync(path.join(RESULTS, 'latest.md'), markdown);
writeFileSync(path.join(RESULTS, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
process.stdout.write(`\n${tables}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n\nwritten: bench/results/latest.md, bench/results/latest.json (${json.totalSeconds.toFixed(0)} s in all)\n`);
rmSync(logDir, { recursive: true, force: true });

// Seeds an organisation with the benchmark's data set in bulk, in batches of 500 contacts (one
// transaction per batch, as createContacts writes them, so one txid per batch in the feed).
//   - On PostgreSQL (`url`): the rows are built by worker threads (seed-worker.mjs) while the
//     batches before them go in, each table's rows of a batch by one COPY … FROM STDIN (text
//     format) on a connection of the seeder's own (synchronous_commit off).
//   - On PGlite: built here, each table's rows of a batch by one INSERT … SELECT FROM
//     json_populate_recordset($1) (the app's own bulk insert): the app's Database gives no way to
//     hand PGlite a COPY's data.
// With `deferIndexes` (a database the bench made for itself), the contact tables' secondary
// indexes and foreign keys are dropped before the load and made again after it
// (deferred-indexes.mjs), then everything is ANALYZEd.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { insertRows as insertWith } from '../../dist/db/insert-rows.js';
import { copyInto, jsonColumnsOf } from './copy-text.mjs';
import { catalog, CONTACT_TABLES, saltOf, seedContext, seededRows } from './data.mjs';
import { dropRecorded, indexRecord, restoreRecorded } from './deferred-indexes.mjs';

export const BATCH = 500;

/** Inserts rows (objects keyed by column name) with the app's own bulk insert, through a SqlRunner session. */
export function insertRows(session, table, rows) {
  const run = (sql, json) => session.query(sql, [json]);
  return insertWith({ $executeRawUnsafe: run, $queryRawUnsafe: run }, table, rows);
}

/** A pg client as a SqlSession (query answers rows), with session settings of its own. */
async function connect(url, settings) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  for (const [name, value] of Object.entries(settings)) await client.query(`SET ${name} = '${value}'`);
  return { client, query: async (text, params) => (await client.query(text, params)).rows, end: () => client.end() };
}

/**
 * The batches of contacts 0 … count - 1 in order, each { contactIds, copies (COPY text per
 * table, in CONTACT_TABLES' order), buildMs }, built by `workers` worker threads, at most
 * `ahead` batches ahead of the caller.
 */
async function* builtBatches({ count, workers, ahead, workerData }) {
  const threads = Array.from({ length: workers }, () => new Worker(new URL('./seed-worker.mjs', import.meta.url), { workerData }));
  // each thread answers its batches in the order it was sent them
  const waiting = threads.map(() => []);
  threads.forEach((thread, i) => {
    thread.on('message', (built) => waiting[i].shift().resolve(built));
    thread.on('error', (error) => waiting.flatMap((queue) => queue.splice(0)).forEach((batch) => batch.reject(error)));
  });
  const batches = Math.ceil(count / BATCH);
  const request = (batch) => {
    const i = batch % workers;
    const built = new Promise((resolve, reject) => waiting[i].push({ resolve, reject }));
    built.catch(() => {}); // a failed thread fails the batch awaited first; the others go unread
    threads[i].postMessage({ from: batch * BATCH, to: Math.min(count, (batch + 1) * BATCH) });
    return built;
  };
  try {
    const requested = [];
    let next = 0;
    while (next < batches && requested.length < ahead) requested.push(request(next++));
    while (requested.length > 0) {
      const built = await requested.shift();
      if (next < batches) requested.push(request(next++));
      yield built;
    }
  } finally {
    await Promise.all(threads.map((thread) => thread.terminate()));
  }
}

/** Contacts 0 … count - 1 by COPY, built by worker threads meanwhile: their ids, and the time spent in each step. */
async function copyContacts({ url, count, cat, tenant, salt, log }) {
  const loader = await connect(url, { synchronous_commit: 'off' });
  // A builder per core that this thread and PostgreSQL's backend leave. Loading 100,000 contacts
  // on the 2-core machine (runs alternated, other work on it): built here one batch after
  // another 32–33 s, here overlapping the COPY of the batch before (yielding every 25 contacts)
  // 29–42 s, 1 worker 21–27 s; quieter, 1 worker 15–19 s, 2 workers 15–21 s (each building at
  // about half the speed of one beside the backend's COPY).
  const workers = Math.max(1, os.availableParallelism() - 1);
  const contactIds = [];
  const timings = { buildMs: 0, waitMs: 0, copyMs: 0, workers };
  try {
    const workerData = { cat, tenant, salt, jsonColumns: [...(await jsonColumnsOf(loader.client, CONTACT_TABLES))] };
    let waitStarted = performance.now();
    for await (const batch of builtBatches({ count, workers, ahead: 2 * workers, workerData })) {
      const copyStarted = performance.now();
      timings.waitMs += copyStarted - waitStarted;
      timings.buildMs += batch.buildMs;
      await loader.query('BEGIN');
      for (let t = 0; t < CONTACT_TABLES.length; t += 1) await copyInto(loader.client, CONTACT_TABLES[t], batch.copies[t]);
      await loader.query('COMMIT');
      contactIds.push(...batch.contactIds);
      waitStarted = performance.now();
      timings.copyMs += waitStarted - copyStarted;
      progress(log, contactIds.length, count);
    }
  } finally {
    await loader.end();
  }
  return { contactIds, timings };
}

/** Contacts 0 … count - 1 by the app's bulk insert, built here: their ids, and the time spent in each step. */
async function insertContacts({ db, count, context, log }) {
  const contactIds = [];
  const timings = { buildMs: 0, insertMs: 0 };
  for (let from = 0; from < count; from += BATCH) {
    const buildStarted = performance.now();
    const batch = await seededRows(from, Math.min(count, from + BATCH), context);
    const insertStarted = performance.now();
    await db.sql.transaction(async (tx) => {
      for (const table of CONTACT_TABLES) await insertRows(tx, table, batch.tables[table]);
    });
    contactIds.push(...batch.contactIds);
    timings.buildMs += insertStarted - buildStarted;
    timings.insertMs += performance.now() - insertStarted;
    progress(log, contactIds.length, count);
  }
  return { contactIds, timings };
}

/** A progress line at every tenth of the seed. */
function progress(log, done, count) {
  const step = Math.max(BATCH, Math.ceil(count / 10 / BATCH) * BATCH);
  if (done % step === 0 || done === count) log(`  seeded ${done.toLocaleString('en')}/${count.toLocaleString('en')} contacts`);
}

/**
 * Seeds `count` contacts (indexes 0 … count-1) into the tenant's organisation.
 * `tenant`: { organizationId, userId, apiKeyId, apiKeyPrefix } of the key the data is
 * attributed to (createdBy, change origin); `organizationName` salts the ids. `url`: the
 * PostgreSQL database of `db`, to load by COPY (without it, PGlite: the app's bulk insert).
 * `deferIndexes`: drop the contact tables' secondary indexes and foreign keys for the load and
 * make them again after it (only in a database nothing else uses meanwhile).
 */
export async function seed(db, tenant, { count = 10_000, companies = 2000, groups = 20, organizationName = 'Bench', url = null, deferIndexes = false, log = () => {} } = {}) {
  const started = performance.now();
  const salt = saltOf(organizationName);
  const cat = catalog({ companies, groups, salt });
  const organization_id = tenant.organizationId;
  await db.sql.transaction(async (tx) => {
    await insertRows(tx, 'companies', cat.companies.map((c) => ({ ...c, organization_id })));
    await insertRows(tx, 'groups', cat.groups.map((g) => ({ ...g, organization_id })));
    await insertRows(tx, 'custom_fields', cat.fields.map((f) => ({ ...f, organization_id })));
  });
  const context = seedContext(cat, tenant, salt);

  const deferred = deferIndexes ? await indexRecord(db.sql, CONTACT_TABLES) : null;
  if (deferred) {
    await dropRecorded(db.sql, deferred);
    log(`  dropped ${deferred.indexes.length} secondary indexes and ${deferred.foreignKeys.length} foreign keys of the contact tables for the load`);
  }
  const loadStarted = performance.now();
  const loaded = url ? await copyContacts({ url, count, cat, tenant, salt, log }) : await insertContacts({ db, count, context, log });
  const timings = { loadMs: performance.now() - loadStarted, ...loaded.timings };

  if (deferred) {
    // the index builds' memory and the foreign keys' checks (joins) as a session setting each
    const sessions = url
      ? await Promise.all([1, 2].map(() => connect(url, { maintenance_work_mem: '1GB', work_mem: '256MB' })))
      : [db.sql];
    try {
      const restored = await restoreRecorded(sessions, deferred, CONTACT_TABLES);
      Object.assign(timings, { indexMs: restored.indexMs, foreignKeyMs: restored.foreignKeyMs, indexBuildMs: restored.buildMs });
    } finally {
      if (url) await Promise.all(sessions.map((session) => session.end()));
    }
    log(`  made again: ${deferred.indexes.length} indexes in ${(timings.indexMs / 1000).toFixed(1)} s, ${deferred.foreignKeys.length} foreign keys in ${(timings.foreignKeyMs / 1000).toFixed(1)} s (the catalog's definitions equal the recorded ones)`);
  }
  const analyzeStarted = performance.now();
  await db.sql.exec('ANALYZE');
  timings.analyzeMs = performance.now() - analyzeStarted;
  timings.totalMs = performance.now() - started;
  const rowCounts = {};
  for (const table of ['companies', 'groups', 'custom_fields', ...CONTACT_TABLES]) {
    const [row] = await db.sql.query(`SELECT count(*)::int AS n FROM "${table}" WHERE organization_id = $1::uuid`, [organization_id]);
    rowCounts[table] = row.n;
  }
  return { cat, context, contactIds: loaded.contactIds, rowCounts, timings };
}

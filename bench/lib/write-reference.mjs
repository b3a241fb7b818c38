// The raw write reference of (c) and (d): the rows contactgraph writes for the bench's own
// inputs (rowsFor, which bench/run.mjs checks row for row against createContact), written into
// the same tables, with the same indexes and constraints, by plain `pg` and nothing else: no
// GraphQL, no validation, no lookups but the companies (c) needs. What contactgraph spends
// beyond it is the API's; what it spends is the database's floor for these rows.
//
// Two ways of sending a batch's rows are measured, and the faster is the reference:
//   - `insert`: one multi-row INSERT … VALUES per table and batch, in one transaction;
//   - `copy`: one COPY … FROM STDIN (text format) per table and batch, in one transaction.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { normalizeName } from '../../dist/modules/common/names.js';
import { copyInto, copyText, jsonColumnsOf, quote, textOf } from './copy-text.mjs';
import { CONTACT_TABLES, rowsFor } from './data.mjs';

const named = new Map();
/** a statement name per text: the reference prepares what it repeats, as the read reference does */
const nameOf = (text) => {
  let name = named.get(text);
  if (!name) named.set(text, (name = `w${createHash('sha1').update(text).digest('hex').slice(0, 16)}`));
  return name;
};

function writer(method, jsonColumns) {
  if (method === 'insert') {
    return async (client, table, rows) => {
      if (rows.length === 0) return 0;
      const columns = Object.keys(rows[0]);
      const values = [];
      const tuples = rows.map((row) => `(${columns.map((column) => `$${values.push(textOf(jsonColumns.has(`${table}.${column}`), row[column]))}`).join(', ')})`);
      const text = `INSERT INTO ${quote(table)} (${columns.map(quote).join(', ')}) VALUES ${tuples.join(', ')}`;
      await client.query({ name: nameOf(text), text, values });
      return 1;
    };
  }
  return (client, table, rows) => copyInto(client, table, copyText(table, rows, jsonColumns));
}

/** One batch's rows by table, from createContacts' input items. */
export async function batchRows(items, context) {
  const tables = Object.fromEntries(CONTACT_TABLES.map((table) => [table, []]));
  for (const item of items) {
    const { clientRef: _clientRef, ...input } = item;
    const createdAt = Date.now();
    const rows = await rowsFor(input, { ...context, contactId: context.newId(createdAt), createdAt, random: context.random });
    for (const table of CONTACT_TABLES) tables[table].push(...rows[table]);
  }
  return tables;
}

/** CPU of this process and of PostgreSQL's backends over `work`. */
async function sampled(pgSampler, work) {
  await pgSampler?.start();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await work();
  const wallS = (performance.now() - started) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  const db = await pgSampler?.stop();
  return { result, wallS, cpuMs: (user + system) / 1000, dbCpuPct: db?.cpuPct ?? null };
}

/**
 * Writes `batches` (rows by table) over `connections` connections, each batch in one
 * transaction, as fast as they go: contacts/s, and CPU per contact of this process and PostgreSQL.
 */
export async function writeBatches({ url, batches, connections, method, pgSampler }) {
  const pool = new pg.Pool({ connectionString: url, max: connections, options: '-c jit=off' });
  try {
    const write = writer(method, await jsonColumnsOf(pool, CONTACT_TABLES));
    let next = 0;
    let statements = 0;
    const contacts = batches.reduce((sum, batch) => sum + batch.contacts.length, 0);
    const worker = async () => {
      const client = await pool.connect();
      try {
        for (let batch = batches[next++]; batch; batch = batches[next++]) {
          await client.query('BEGIN');
          for (const table of CONTACT_TABLES) {
            const sent = await write(client, table, batch[table]);
            statements += sent;
          }
          await client.query('COMMIT');
          statements += 2;
        }
      } finally {
        client.release();
      }
    };
    const { wallS, cpuMs, dbCpuPct } = await sampled(pgSampler, () => Promise.all(Array.from({ length: connections }, worker)));
    return { method, contacts, batches: batches.length, statementsPerBatch: statements / batches.length, wallS, contactsPerSec: contacts / wallS, cpuMsPerContact: cpuMs / contacts, dbCpuMsPerContact: dbCpuPct == null ? null : (dbCpuPct / 100) * wallS * 1000 / contacts, dbCpuPct };
  } finally {
    await pool.end();
  }
}

/**
 * (c)'s reference: each createContact input written in its own transaction over `connections`
 * connections — its companies by name created when missing and read back (one statement), then
 * its rows, one multi-row INSERT per table — with each write's latency.
 */
export async function writeContacts({ url, inputs, context, connections, pgSampler }) {
  const pool = new pg.Pool({ connectionString: url, max: connections, options: '-c jit=off' });
  try {
    const write = writer('insert', await jsonColumnsOf(pool, CONTACT_TABLES));
    // rows built beforehand, each company id standing in as its normalised name until resolved
    const prepared = [];
    for (const input of inputs) {
      const names = input.companies.map((link) => link.company.name);
      const companyIdByName = new Map(names.map((name) => [normalizeName(name), normalizeName(name)]));
      const createdAt = Date.now();
      const rows = await rowsFor(input, { ...context, companyIdByName, contactId: context.newId(createdAt), createdAt, random: context.random });
      prepared.push({ names, rows, companyIds: names.map(() => context.newId(createdAt)) });
    }
    const resolve = `WITH wanted AS (SELECT * FROM unnest($2::text[], $3::text[], $4::uuid[]) AS w(name, normalized_name, id)),
        created AS (
          INSERT INTO companies (id, organization_id, name, normalized_name, created_at, updated_at)
          SELECT id, $1::uuid, name, normalized_name, now(), now() FROM wanted
          ON CONFLICT (organization_id, normalized_name) DO NOTHING RETURNING id, normalized_name)
      SELECT id, normalized_name FROM created
      UNION ALL SELECT c.id, c.normalized_name FROM companies c JOIN wanted w ON c.organization_id = $1::uuid AND c.normalized_name = w.normalized_name`;
    const latencies = [];
    let next = 0;
    let statements = 0;
    const worker = async () => {
      const client = await pool.connect();
      try {
        for (let job = prepared[next++]; job; job = prepared[next++]) {
          const started = performance.now();
          await client.query('BEGIN');
          const { rows: companies } = await client.query({
            name: nameOf(resolve),
            text: resolve,
            values: [context.organizationId, job.names, job.names.map(normalizeName), job.companyIds],
          });
          const idOf = new Map(companies.map((c) => [c.normalized_name, c.id]));
          for (const link of job.rows.contact_companies) link.company_id = idOf.get(link.company_id);
          for (const table of CONTACT_TABLES) {
            const sent = await write(client, table, job.rows[table]);
            statements += sent;
          }
          await client.query('COMMIT');
          statements += 3;
          latencies.push(performance.now() - started);
        }
      } finally {
        client.release();
      }
    };
    const { wallS, cpuMs, dbCpuPct } = await sampled(pgSampler, () => Promise.all(Array.from({ length: connections }, worker)));
    latencies.sort((a, b) => a - b);
    const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
    return {
      contacts: inputs.length,
      statementsPerContact: statements / inputs.length,
      wallS,
      contactsPerSec: inputs.length / wallS,
      latencyMs: { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: latencies.at(-1) },
      cpuMsPerContact: cpuMs / inputs.length,
      dbCpuPct,
    };
  } finally {
    await pool.end();
  }
}

/** What each secondary index (and the foreign keys) of the contact tables is measured as, by what it serves. */
export const INDEX_GROUPS = [
  { name: 'trigram search (contacts.search_text, GIN)', indexes: ['contacts_search_text_idx'] },
  { name: 'tags (contacts.tags, GIN)', indexes: ['contacts_tags_idx'] },
  {
    name: 'name sort keys (contacts: last_name, sort_full_name, sort_last_name)',
    indexes: ['contacts_organization_id_last_name_id_idx', 'contacts_organization_id_sort_full_name_id_idx', 'contacts_organization_id_sort_last_name_id_idx'],
  },
  { name: 'time sort keys (contacts: created_at, updated_at)', indexes: ['contacts_organization_id_created_at_id_idx', 'contacts_organization_id_updated_at_id_idx'] },
  {
    name: "child tables' position indexes (emails, phones, addresses, urls)",
    indexes: [
      'contact_emails_organization_id_contact_id_position_idx',
      'contact_phones_organization_id_contact_id_position_idx',
      'contact_addresses_organization_id_contact_id_position_idx',
      'contact_urls_organization_id_contact_id_position_idx',
    ],
  },
  { name: 'phone numbers (contact_phones.number)', indexes: ['contact_phones_organization_id_number_idx'] },
  {
    name: 'reverse lookups (company links, refs by contact and company, memberships, custom values by field, feed by contact)',
    indexes: [
      'contact_companies_organization_id_company_id_idx',
      'external_refs_organization_id_company_id_idx',
      'external_refs_organization_id_contact_id_idx',
      'group_memberships_organization_id_contact_id_idx',
      'custom_field_values_organization_id_field_id_idx',
      'contact_changes_organization_id_contact_id_idx',
    ],
  },
  { name: 'feed order (contact_changes: txid, seq)', indexes: ['contact_changes_organization_id_txid_seq_idx'] },
  { name: 'foreign keys of the contact tables', foreignKeys: true },
  { name: 'all of the above', all: true },
];

/**
 * The reference's write with each group of INDEX_GROUPS dropped in turn (and put back after),
 * fresh batches each time. A run with everything in place goes before each group's and after
 * the last (and one more first, to warm up, not counted), each after a CHECKPOINT: a group's
 * cost is against the mean of the runs on either side of it, as the machine drifts.
 */
export async function indexCosts({ url, admin, makeBatches, connections, method, pgSampler, log = () => {} }) {
  const definitions = new Map((await admin.query('SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()')).rows.map((r) => [r.indexname, r.indexdef]));
  const foreignKeys = (
    await admin.query(
      `SELECT conrelid::regclass::text AS "table", conname AS name, pg_get_constraintdef(oid) AS definition
         FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY($1)`,
      [CONTACT_TABLES],
    )
  ).rows;
  const grouped = INDEX_GROUPS.flatMap((group) => group.indexes ?? []);
  const missing = grouped.filter((name) => !definitions.has(name));
  if (missing.length > 0) throw new Error(`index costs: no index ${missing.join(', ')} (the schema changed: update INDEX_GROUPS)`);
  const run = async (batches) => {
    await admin.query('CHECKPOINT');
    return writeBatches({ url, batches, connections, method, pgSampler });
  };
  await run(await makeBatches());
  const baselines = [];
  const results = [];
  for (const group of INDEX_GROUPS) {
    baselines.push(await run(await makeBatches()));
    const indexes = group.all ? grouped : (group.indexes ?? []);
    const keys = group.all || group.foreignKeys ? foreignKeys : [];
    const batches = await makeBatches();
    for (const name of indexes) await admin.query(`DROP INDEX ${quote(name)}`);
    for (const key of keys) await admin.query(`ALTER TABLE ${quote(key.table)} DROP CONSTRAINT ${quote(key.name)}`);
    try {
      results.push({ group: group.name, ...(await run(batches)) });
    } finally {
      for (const name of indexes) await admin.query(definitions.get(name));
      for (const key of keys) await admin.query(`ALTER TABLE ${quote(key.table)} ADD CONSTRAINT ${quote(key.name)} ${key.definition}`);
    }
    log(`  everything: ${baselines.at(-1).contactsPerSec.toFixed(0)} contacts/s; without ${group.name}: ${results.at(-1).contactsPerSec.toFixed(0)}`);
  }
  baselines.push(await run(await makeBatches()));
  return {
    baselines,
    results: results.map((result, i) => {
      const around = (baselines[i].wallS + baselines[i + 1].wallS) / 2;
      return { ...result, shareOfWriteTime: 1 - result.wallS / around };
    }),
  };
}

// Seeds an organisation with the benchmark's data set in bulk: one INSERT … SELECT FROM
// json_populate_recordset($1) per table and batch of 500 contacts (one transaction per
// batch, as createContacts writes them). Works on PostgreSQL (pg) and PGlite alike, through the
// project's own SqlRunner (src/db/client.ts).
import { insertRows as insertWith } from '../../dist/db/insert-rows.js';
import { CONTACT_TABLES, catalog, contactInputAt, idAt, rowsFor, saltOf } from './data.mjs';

export const BATCH = 500;

/** Inserts rows (objects keyed by column name) with the app's own bulk insert, through a SqlRunner session. */
export function insertRows(session, table, rows) {
  const run = (sql, json) => session.query(sql, [json]);
  return insertWith({ $executeRawUnsafe: run, $queryRawUnsafe: run }, table, rows);
}

/** What rowsFor needs to know about the organisation and its catalog. */
export function seedContext(cat, tenant, salt) {
  return {
    salt,
    organizationId: tenant.organizationId,
    tenant,
    cat,
    companyIdByName: new Map(cat.companies.map((c) => [c.normalized_name, c.id])),
    fieldById: new Map(cat.fields.map((f) => [f.id, f])),
    groupIds: new Set(cat.groups.map((g) => g.id)),
  };
}

/**
 * Seeds `count` contacts (indexes 0 … count-1) into the tenant's organisation.
 * `tenant`: { organizationId, userId, apiKeyId, apiKeyPrefix } of the key the data is
 * attributed to (createdBy, change origin); `organizationName` salts the ids.
 */
export async function seed(db, tenant, { count = 10_000, companies = 2000, groups = 20, organizationName = 'Bench', log = () => {} } = {}) {
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
  const contacts = [];
  let buildMs = 0;
  let insertMs = 0;
  for (let from = 0; from < count; from += BATCH) {
    const t0 = performance.now();
    const tables = Object.fromEntries(CONTACT_TABLES.map((table) => [table, []]));
    for (let index = from; index < Math.min(count, from + BATCH); index += 1) {
      const { input, createdAt, random } = contactInputAt(index, cat);
      const contactId = idAt(random, createdAt, salt);
      const rows = await rowsFor(input, { ...context, contactId, createdAt, random });
      for (const table of CONTACT_TABLES) tables[table].push(...rows[table]);
      contacts.push({ id: contactId, email: input.emails[0].address });
    }
    const t1 = performance.now();
    await db.sql.transaction(async (tx) => {
      for (const table of CONTACT_TABLES) await insertRows(tx, table, tables[table]);
    });
    buildMs += t1 - t0;
    insertMs += performance.now() - t1;
    log(`  seeded ${Math.min(count, from + BATCH)}/${count} contacts`);
  }
  const analyzeStarted = performance.now();
  await db.sql.exec('ANALYZE');
  const analyzeMs = performance.now() - analyzeStarted;
  const rowCounts = {};
  for (const table of ['companies', 'groups', 'custom_fields', ...CONTACT_TABLES]) {
    const [row] = await db.sql.query(`SELECT count(*)::int AS n FROM "${table}" WHERE organization_id = $1::uuid`, [organization_id]);
    rowCounts[table] = row.n;
  }
  return {
    cat,
    context,
    contacts,
    rowCounts,
    timings: { totalMs: performance.now() - started, buildMs, insertMs, analyzeMs },
  };
}

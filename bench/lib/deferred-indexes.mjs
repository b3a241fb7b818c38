// Index builds deferred for a bulk load, as a large import does it: the secondary indexes of the
// loaded tables and the foreign keys on or onto them are recorded from the catalog
// (pg_indexes.indexdef, pg_get_constraintdef), dropped before the load, made again after it
// with the same names and definitions, and the catalog is then checked against the record.
// Primary keys stay: every row is checked against them as it goes in. The unique indexes
// (an email or external ref per organisation, contacts' (organization_id, id) that the foreign
// keys reference) are dropped too: CREATE UNIQUE INDEX checks the loaded rows when it is made
// again, so a duplicate still stops the seed, only later.
import assert from 'node:assert/strict';
import { quote } from './copy-text.mjs';

/**
 * The secondary indexes of `tables` (an index of no primary key, unique or exclusion
 * constraint) and the foreign keys on them or referencing them, each { table, name, definition }.
 * `session.query(text, params)` answers rows (the app's SqlSession, on PostgreSQL and PGlite).
 */
export async function indexRecord(session, tables) {
  const names = JSON.stringify(tables);
  const indexes = await session.query(
    `SELECT i.tablename AS "table", i.indexname AS name, i.indexdef AS definition
       FROM pg_indexes i
      WHERE i.schemaname = current_schema() AND i.tablename IN (SELECT json_array_elements_text($1::json))
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                         WHERE c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass AND c.contype IN ('p', 'u', 'x'))
      ORDER BY i.tablename, i.indexname`,
    [names],
  );
  const foreignKeys = await session.query(
    `SELECT t.relname AS "table", c.conname AS name, pg_get_constraintdef(c.oid) AS definition
       FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
      WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
        AND (t.relname IN (SELECT json_array_elements_text($1::json)) OR r.relname IN (SELECT json_array_elements_text($1::json)))
      ORDER BY t.relname, c.conname`,
    [names],
  );
  return { indexes, foreignKeys };
}

/** Drops what `record` names: the foreign keys, then the indexes (one of which a foreign key may reference). */
export async function dropRecorded(session, record) {
  for (const key of record.foreignKeys) await session.query(`ALTER TABLE ${quote(key.table)} DROP CONSTRAINT ${quote(key.name)}`);
  for (const index of record.indexes) await session.query(`DROP INDEX ${quote(index.name)}`);
}

/**
 * Makes again what `record` names, the indexes spread over `sessions` (CREATE INDEX takes a
 * lock that lets others build on the same table), the GIN ones first (the longest builds: a
 * session free after them takes the rest), then the foreign keys on the first session, and
 * checks that the catalog defines `tables` exactly as recorded. Answers each build's ms.
 */
export async function restoreRecorded(sessions, record, tables) {
  const buildMs = {};
  const queue = [...record.indexes].sort((a, b) => Number(/ USING gin /i.test(b.definition)) - Number(/ USING gin /i.test(a.definition)));
  const indexesStarted = performance.now();
  await Promise.all(
    sessions.map(async (session) => {
      for (let index = queue.shift(); index; index = queue.shift()) {
        const started = performance.now();
        await session.query(index.definition);
        buildMs[index.name] = performance.now() - started;
      }
    }),
  );
  const indexMs = performance.now() - indexesStarted;
  const keysStarted = performance.now();
  for (const key of record.foreignKeys) {
    const started = performance.now();
    await sessions[0].query(`ALTER TABLE ${quote(key.table)} ADD CONSTRAINT ${quote(key.name)} ${key.definition}`);
    buildMs[key.name] = performance.now() - started;
  }
  const foreignKeyMs = performance.now() - keysStarted;
  assert.deepStrictEqual(await indexRecord(sessions[0], tables), record, 'the indexes and foreign keys made again are the ones recorded before the load');
  return { indexMs, foreignKeyMs, buildMs };
}

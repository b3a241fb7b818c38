// A worker thread of the seeder (bench/lib/seed.mjs): builds the rows of the batches of contacts
// it is sent, one after another, and answers each as COPY text per table.
import { parentPort, workerData } from 'node:worker_threads';
import { copyText } from './copy-text.mjs';
import { CONTACT_TABLES, seedContext, seededRows } from './data.mjs';

const context = seedContext(workerData.cat, workerData.tenant, workerData.salt);
const jsonColumns = new Set(workerData.jsonColumns);

let previous = Promise.resolve();
parentPort.on('message', ({ from, to }) => {
  previous = previous.then(async () => {
    const started = performance.now();
    const { contactIds, tables } = await seededRows(from, to, context);
    const copies = CONTACT_TABLES.map((table) => copyText(table, tables[table], jsonColumns));
    parentPort.postMessage({ contactIds, copies, buildMs: performance.now() - started });
  });
});

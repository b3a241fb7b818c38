// The import CLI's files, as in the README's measurement: rows with 2 emails, a phone, 2 of
// 5,000 companies (by name), a tag and a ref in the namespace `crm`. Reproducible (a seeded PRNG).
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createRandom } from './prng.mjs';

const FIRST = ['Anna', 'Ben', 'Carla', 'David', 'Eva', 'Felix', 'Greta', 'Hugo', 'Ida', 'Jonas', 'Karin', 'Lars', 'Maja', 'Nils', 'Olivia', 'Per', 'Rosa', 'Sven', 'Tove', 'Ulf'];
const LAST = ['Andersson', 'Berg', 'Carlsson', 'Dahl', 'Eriksson', 'Fischer', 'García', 'Hansen', 'Ibrahim', 'Jensen', 'Kowalski', 'Larsen', 'Müller', 'Nguyen', "O'Brien", 'Petrov'];
const TAGS = ['vip', 'lead', 'customer', 'partner', 'newsletter'];
const TITLES = ['Engineer', 'Buyer', 'Analyst', 'Consultant', 'Partner'];
export const IMPORT_HEADER = 'firstName,lastName,emails,phone,companies,tags,title,externalRef.crm';
const COMPANIES = 5000;

const csvCell = (text) => (/[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

/** The line of contact number `n` (its ref is `c<n>`, its emails unique to n and `variant`). */
function line(random, n, variant) {
  const first = random.pick(FIRST);
  const last = random.pick(LAST);
  const a = random.int(0, COMPANIES - 1);
  const b = (a + random.int(1, COMPANIES - 1)) % COMPANIES;
  const local = `${first}.${last}`.toLowerCase().normalize('NFD').replace(/[^a-z.]/g, '');
  const cells = [
    first,
    last,
    `${local}.${n}${variant}@example.com;${local}${n}${variant}@mail.example`,
    `+4930${20_000_000 + n}`,
    `Import Company ${a} Ltd;Import Company ${b} Ltd`,
    random.pick(TAGS),
    random.pick(TITLES),
    `c${n}`,
  ];
  return cells.map(csvCell).join(',');
}

async function writeLines(file, count, lineAt) {
  const out = createWriteStream(file);
  out.write(`${IMPORT_HEADER}\n`);
  for (let i = 0; i < count; i += 1) {
    if (!out.write(`${lineAt(i)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** `count` new contacts, numbered from 0. */
export function writeCreateFile(file, count, seed) {
  const random = createRandom(seed);
  return writeLines(file, count, (i) => line(random, i, ''));
}

/**
 * `count` rows for `--upsert-by externalRef:crm`: even rows update contacts the create file made
 * (refs among its first `existing`, new emails, tag and title), odd rows are new contacts
 * (numbered from `existing`); one row in a hundred names again a contact an earlier row of the
 * file named, so that the order of a contact's rows matters.
 */
export function writeUpsertFile(file, count, existing, seed) {
  const random = createRandom(seed);
  const named = [];
  let fresh = existing;
  return writeLines(file, count, (i) => {
    let n;
    if (i % 100 === 99 && named.length > 0) n = named[random.int(0, named.length - 1)];
    else if (i % 2 === 0) n = random.int(0, existing - 1);
    else n = fresh++;
    named.push(n);
    return line(random, n, `u${i}`);
  });
}

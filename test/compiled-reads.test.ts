import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { createApiKey } from '../src/modules/api-key/api-key.js';
import { createUser } from '../src/modules/user/user.js';
import { createLogger } from '../src/logger.js';
import { schema } from '../src/graphql/schema.js';
import { createApp } from '../src/yoga.js';
import { createHarness } from './support/harness.js';
import { type GeneratedOperation, generateOperations, type KeyRole } from './support/selection-generator.js';

// The differential test of the compiled read path (src/graphql/compiled-reads.ts): thousands of
// generated read operations over Contact — every field and relation, aliases, fragments,
// variables, @include/@skip, keys without contacts:sensitive or contacts:read, foreign, deleted,
// merged and malformed ids, invalid operations — answered byte for byte alike by an app with the
// compiled path and by one that runs every read through the resolvers, over the same database.

const SEED = 20261203;
const OPERATIONS = 1500;
/** the compiled path must answer at least this share of the valid generated operations */
const MIN_COMPILED_SHARE = 0.5;
/** the generated operations the schema must accept (the rest are refused by validation on both paths alike) */
const MIN_VALID_SHARE = 0.6;

let answered = 0;
let answeredEarly = 0;
const failures: unknown[] = [];
const h = await createHarness({
  apiKeyCache: { ttlMs: 3_600_000 },
  compiledReads: {
    onAnswer: (_fields, early) => void (early ? (answeredEarly += 1) : (answered += 1)),
    onError: (error) => void failures.push(error),
  },
});
const plain = createApp({ db: h.db, log: createLogger('silent'), compiledReads: false });
const owner = await h.organization({ name: 'Differential Org' });
const foreign = await h.organization({ name: 'Foreign Org' });
const keyOf = async (scopes: Parameters<typeof createApiKey>[1]['scopes'], userId = owner.userId) =>
  (await createApiKey(h.db.prisma, { organizationId: owner.organizationId, userId, scopes })).key;
const colleague = await createUser(h.db.prisma, { organizationId: owner.organizationId, email: 'colleague@example.com', fullName: 'Col League' });
const keys: Record<KeyRole, string> = {
  owner: owner.key,
  reader: await keyOf(['contacts:read']),
  noRead: await keyOf(['contacts:write']),
  colleague: await keyOf(['contacts:read', 'contacts:write', 'contacts:sensitive'], colleague.id),
  foreign: foreign.key,
};

async function ok<T>(key: string, query: string, variables: Record<string, unknown>, field: string): Promise<T> {
  const response = await h.request({ query, variables }, { authorization: `Bearer ${key}` });
  const payload = (response.data as Record<string, { userErrors?: unknown[] } & Record<string, unknown>> | undefined)?.[field];
  expect(response.errors, query).toBeUndefined();
  expect(payload?.userErrors ?? [], JSON.stringify(variables)).toEqual([]);
  return payload as T;
}
const create = async (input: Record<string, unknown>, key = owner.key) =>
  (await ok<{ contact: { id: string } }>(key, 'mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } userErrors { code message field } } }', { input }, 'createContact')).contact.id;
const group = async (name: string) =>
  (await ok<{ group: { id: string } }>(owner.key, 'mutation($name: String!) { createGroup(input: { name: $name }) { group { id } userErrors { message } } }', { name }, 'createGroup')).group.id;
const field = async (groupId: string, name: string, type: string, options?: string[]) =>
  (
    await ok<{ customField: { id: string } }>(
      owner.key,
      'mutation($input: CreateCustomFieldInput!) { createCustomField(input: $input) { customField { id } userErrors { message } } }',
      { input: { groupId, name, type, ...(options ? { options } : {}) } },
      'createCustomField',
    )
  ).customField.id;

// the organisation's data: every field and relation, values of every custom field type
const vip = await group('VIP');
const events = await group('Events');
const fields = {
  text: await field(vip, 'Note', 'TEXT'),
  number: await field(vip, 'Score', 'NUMBER'),
  date: await field(vip, 'Since', 'DATE'),
  single: await field(vip, 'Tier', 'SINGLE_SELECT', ['Gold', 'Silver']),
  multiple: await field(vip, 'Topics', 'MULTIPLE_SELECT', ['AI', 'DB', 'UX']),
  contact: await field(events, 'Referrer', 'CONTACT'),
  user: await field(events, 'Owner', 'USER'),
  object: await field(events, 'Related', 'OBJECT'),
  magic: await field(events, 'Summary', 'MAGIC'),
};
const plainOne = await create({ firstName: 'Only', lastName: 'Name' });
const gone = await create({ firstName: 'Gone', lastName: 'Soon', email: 'gone@diff.example', tags: ['canon'] });
const source = await create({ firstName: 'Merged', lastName: 'Away', email: 'merged@diff.example', tags: ['canon'] });
const full = await create({
  type: 'INVOICE', firstName: 'Ada', middleName: 'King', lastName: 'Lovelace', abbreviation: 'AL', title: 'Dr.', gender: 'FEMALE', birthday: '1915-12-10',
  primaryLanguage: 'en-GB', description: 'Analyst', strategy: 'Lunch', jobTitle: 'Mathematician', department: 'Research', linkedInUrl: 'https://www.linkedin.com/in/ada',
  profilePictureUrl: 'https://pictures.example/ada.png', tags: ['canon', 'math', 'vip'], loginEmail: 'ada.login@diff.example', mailingListOptIn: true, purchaseOrderNumber: 'PO-1', ssn: '078-05-1120',
  emails: [{ address: 'ada@diff.example', label: 'work' }, { address: 'ada@home.example', label: 'home' }],
  phones: [{ number: '+44 20 7946 0958 ext. 12', label: 'WORK' }, { number: '+44 7700 900123', label: 'MOBILE' }, { number: "12345 67890", countryCode: "GB" }],
  addresses: [{ street: '1 Road', secondaryAddress: 'Floor 2', postalCode: 'N1', city: 'London', state: 'LDN', country: 'GB' }, { line: '5 Other Street, Paris' }],
  urls: [{ url: 'https://ada.example' }, { url: 'https://blog.ada.example' }],
  externalRefs: [{ namespace: 'crm', externalId: 'ada-1' }, { namespace: 'billing', externalId: 'B-7' }],
  companies: [{ company: { name: 'Engines Ltd' }, jobTitle: 'CTO', department: 'R&D' }, { company: { name: 'Looms' }, isPrimary: true }],
  groups: [vip, events],
  customFieldValues: [
    { field: fields.text, value: 'likes "quotes" and \\ slashes' },
    { field: fields.number, value: -3.25 },
    { field: fields.date, value: '2024-02-29' },
    { field: fields.single, value: 'Gold' },
    { field: fields.multiple, value: ['UX', 'AI'] },
    { field: fields.contact, value: [plainOne, gone, source] },
    { field: fields.user, value: [colleague.id ? `usr_${colleague.id}` : '', `usr_${owner.userId}`] },
    { field: fields.object, value: [plainOne, `usr_${owner.userId}`, vip, fields.text, `org_${owner.organizationId}`] },
    { field: fields.magic, value: 'auto summary' },
  ],
});
const others: string[] = [];
for (let i = 0; i < 9; i += 1) {
  others.push(
    await create(
      {
        firstName: `Person${i}`, lastName: ['Quinn', 'Chen', 'Sen', 'Anna'][i % 4], tags: i % 2 ? ['canon'] : ['canon', 'x'], type: i % 3 ? 'GENERAL' : 'TECHNICAL',
        email: `p${i}@diff.example`, phone: `+44 7700 90${String(1000 + i)}`, companies: [{ company: { name: i % 2 ? 'Engines Ltd' : `Co ${i}` } }],
        groups: i % 2 ? [vip] : [events], externalRefs: [{ namespace: 'crm', externalId: `p-${i}` }],
        customFieldValues: i % 2 ? [{ field: fields.number, value: i * 1.5 }, { field: fields.text, value: `t${i}` }] : [{ field: fields.object, value: [full] }],
      },
      i % 3 ? owner.key : keys.colleague,
    ),
  );
}
await ok(owner.key, 'mutation($id: ID!) { deleteContact(input: { id: $id }) { userErrors { message } } }', { id: gone }, 'deleteContact');
await ok(owner.key, 'mutation($t: ID!, $s: [ID!]!) { mergeContacts(input: { targetId: $t, sourceIds: $s }) { userErrors { message } } }', { t: others[0], s: [source] }, 'mergeContacts');
for (const [key, id] of [[owner.key, full], [keys.colleague, full], [keys.colleague, others[1]!], [owner.key, others[1]!]] as const) {
  await ok(key, 'mutation($id: ID!) { recordInteraction(input: { contactId: $id }) { userErrors { message } } }', { id }, 'recordInteraction');
}
const stranger = await create({ firstName: 'Other', lastName: 'Org', email: 'other@foreign.example', tags: ['canon'] }, foreign.key);

/**
 * Sends an operation to both apps, twice to the one with the compiled path (the second time a
 * text it answered compiled is answered early: see useCompiledReads); says whether the compiled
 * path answered it and what each said.
 */
async function both(operation: { query: string; variables?: Record<string, unknown>; operationName?: string }, key: string) {
  const body = JSON.stringify(operation);
  const send = async (app: typeof plain) => {
    const response = await app.fetch('http://test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${key}` },
      body,
    });
    return `${response.status} ${response.headers.get('content-type')}\n${await response.text()}`;
  };
  const before = answered + answeredEarly;
  const fast = await send(h.app);
  const compiled = answered + answeredEarly > before;
  const beforeAgain = answeredEarly;
  const again = await send(h.app);
  return { fast, again, slow: await send(plain), compiled, early: answeredEarly > beforeAgain };
}

const short = (text: string) => (text.length > 3000 ? `${text.slice(0, 3000)}… (${text.length} characters)` : text);
function expectSame(label: string, operation: { query: string; variables?: Record<string, unknown> }, answer: { fast: string; again: string; slow: string; compiled: boolean; early: boolean }) {
  // a text answered compiled is answered early the next time
  if (answer.compiled !== answer.early) expect.fail(`${label} (seed ${SEED}): answered compiled ${answer.compiled}, then early ${answer.early}:\n${short(operation.query)}`);
  for (const [path, text] of [['compiled', answer.fast], ['early', answer.again]]) {
    if (text === answer.slow) continue;
    expect.fail(`${label} (seed ${SEED}) answered differently:\n${short(operation.query)}\nvariables ${short(JSON.stringify(operation.variables ?? {}))}\n${path}: ${short(text!)}\nresolvers: ${short(answer.slow)}`);
  }
}

const CANONICAL = /export const CANONICAL = graphql\(`([\s\S]*?)`\);/.exec(readFileSync(new URL('./contact-list.test.ts', import.meta.url), 'utf8'))![1]!;
const EVERY_FIELD = `query($id: ID!) { contact(by: { id: $id }) {${CANONICAL.slice(CANONICAL.indexOf('node {') + 'node {'.length, CANONICAL.lastIndexOf('} }'))} ssn } }`;

it('answers the canonical reads alike through both paths, for a key with and without contacts:sensitive', async () => {
  for (const [label, operation, key] of [
    ['canonical page of 50', { query: CANONICAL, variables: { first: 50 } }, owner.key],
    ['canonical page of 100', { query: CANONICAL, variables: { first: 100 } }, keys.reader],
    ['every field by id', { query: EVERY_FIELD, variables: { id: full } }, owner.key],
    ['every field by id without contacts:sensitive', { query: EVERY_FIELD, variables: { id: full } }, keys.reader],
  ] as const) {
    expectSame(label, operation, await both(operation, key));
  }
  expect(failures).toEqual([]);
});

it(`answers ${OPERATIONS} generated operations byte for byte alike through both paths`, async () => {
  // cursors the API gave out, for the generated pages and feed reads
  const page = (await h.request({ query: '{ contacts(first: 100) { edges { cursor } } contactChanges(first: 100) { changes { cursor } } }' }, { authorization: `Bearer ${owner.key}` })).data as {
    contacts: { edges: { cursor: string }[] };
    contactChanges: { changes: { cursor: string }[] };
  };
  const companies = (await h.request({ query: '{ companies(first: 20) { edges { node { id } } } }' }, { authorization: `Bearer ${owner.key}` })).data as { companies: { edges: { node: { id: string } }[] } };
  const companyIds = companies.companies.edges.map((edge) => edge.node.id);
  const operations = generateOperations({
    schema,
    seed: SEED,
    count: OPERATIONS,
    pools: {
      contactIds: [full, plainOne, gone, source, stranger, ...others, 'con_01890000-0000-7000-8000-000000000000', 'garbage', full.replace('con_', 'com_')],
      emails: ['ADA@diff.example', 'gone@diff.example', 'merged@diff.example', 'other@foreign.example', 'nobody@diff.example'],
      externalRefs: [{ namespace: 'crm', externalId: 'ada-1' }, { namespace: 'CRM', externalId: ' p-3 ' }, { namespace: 'billing', externalId: 'B-7' }, { namespace: 'crm', externalId: 'missing' }],
      namespaces: ['crm', 'billing', 'none'],
      tags: ['canon', 'math', 'x', 'vip'],
      searches: ['ada', 'Quinn', ' chen ', 'diff.example', '%', '7700'],
      groupIds: [vip, events, 'grp_01890000-0000-7000-8000-000000000000'],
      companyIds,
      nodeIds: [full, vip, fields.text, `usr_${owner.userId}`, `org_${owner.organizationId}`, `org_${foreign.organizationId}`, ...companyIds.slice(0, 2), stranger, gone],
      cursors: [...page.contacts.edges.map((edge) => edge.cursor), 'bm9wZQ'],
      changeCursors: [...page.contactChanges.changes.map((change) => change.cursor), 'bm9wZQ'],
      instants: ['2020-01-01T00:00:00.000Z', new Date().toISOString(), '2999-01-01T00:00:00.000Z'],
    },
  });
  expect(generateOperations({ schema, seed: SEED, count: 20, pools: { contactIds: [full], emails: [], externalRefs: [], namespaces: [], tags: [], searches: [], groupIds: [], companyIds: [], nodeIds: [], cursors: [], changeCursors: [], instants: [] } }))
    .toEqual(generateOperations({ schema, seed: SEED, count: 20, pools: { contactIds: [full], emails: [], externalRefs: [], namespaces: [], tags: [], searches: [], groupIds: [], companyIds: [], nodeIds: [], cursors: [], changeCursors: [], instants: [] } }));
  let valid = 0;
  let compiled = 0;
  for (const operation of operations as GeneratedOperation[]) {
    const request = { query: operation.query, variables: operation.variables, ...(operation.operationName ? { operationName: operation.operationName } : {}) };
    const answer = await both(request, keys[operation.role]);
    expectSame(operation.label, request, answer);
    if (answer.compiled) compiled += 1;
    if (operation.intent === 'valid' && !answer.fast.includes('GRAPHQL_VALIDATION_FAILED')) valid += 1;
  }
  expect(failures).toEqual([]);
  console.log(`compiled-reads: ${operations.length} operations, ${valid} valid, ${compiled} answered by the compiled path (each again early)`);
  expect(valid / operations.length).toBeGreaterThan(MIN_VALID_SHARE);
  expect(compiled / valid).toBeGreaterThanOrEqual(MIN_COMPILED_SHARE);
}, 300_000);

import { isEnumType } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../src/graphql/schema.js';
import { checkConsistency, snapshotOrganization } from './support/consistency.js';
import { createFuzzer, type FuzzCase, type FuzzPools, type IdKind } from './support/fuzz.js';
import { databaseKind } from './support/database.js';
import { type Caller, createHarness } from './support/harness.js';
import { graphql, idOf, type TextMutationData } from './support/graphql.js';

// Thousands of generated operations over the live schema — valid in shape, hostile in value —
// plus raw HTTP abuse. The server must answer every one with a client error or data: never a
// 5xx, never a masked internal fault, never SQL or a stack trace; and the database must be
// consistent afterwards. FUZZ_SEED and FUZZ_OPS reproduce or resize a run.

const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
// 10,000 on PGlite (the project every run has; ~3 min on 2 cores), 2,500 on PostgreSQL (the same
// generator again, against the real server: ~1 min); FUZZ_OPS sets both.
const OPS = Number(process.env.FUZZ_OPS ?? (databaseKind === 'postgres' ? 2_500 : 10_000));
const CONCURRENCY = 8;
const REFRESH_EVERY = 250;

/** GraphQL error codes the server (yoga, its plugins, our errors) answers with on purpose. */
const ALLOWED_CODES = new Set([
  'BAD_USER_INPUT', // ArgumentError (src/yoga.ts maskError), graphql-armor
  'BAD_REQUEST', // yoga's request parsing and validation (bad JSON, wrong method, batching)
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED', // graphql-js validation, graphql-armor limits
  'UNAUTHENTICATED', // src/graphql/errors.ts
  'FORBIDDEN', // src/graphql/errors.ts (scope-auth)
  'PAYLOAD_TOO_LARGE', // src/yoga.ts body limit
  'PERSISTED_QUERY_NOT_FOUND', // @graphql-yoga/plugin-apq
  'PERSISTED_QUERY_MISMATCH',
  'OPERATION_RESOLUTION_FAILURE', // yoga: operationName names no operation of the document
  'RATE_LIMITED', // per-key rate limit (HTTP 429)
  'DEPTH_LIMIT_EXCEEDED', // src/graphql/limits.ts
  'ALIAS_LIMIT_EXCEEDED',
  'TOKEN_LIMIT_EXCEEDED',
  'DIRECTIVE_LIMIT_EXCEEDED',
  'COST_LIMIT_EXCEEDED',
  'CONFLICT', // src/graphql/faults.ts: a write lost a race with a concurrent delete
]);
const USER_ERROR_CODES = new Set((() => {
  const type = schema.getType('UserErrorCode');
  return isEnumType(type) ? type.getValues().map((v) => v.name) : [];
})());
/** What internals look like when they leak into an answer. */
const LEAKS = /prisma|Invalid `|\n\s+at .+:\d+:\d+|\bat (async )?[\w.<>]+ \(.*:\d+:\d+\)|SELECT .+ FROM|INSERT INTO|UPDATE .+ SET|violates .+ constraint|duplicate key value|invalid byte sequence|relation ".+" does not exist|\bP\d{4}\b|DriverAdapterError|PGlite|node_modules/i;

const h = await createHarness();
const owner = await h.organization({ name: 'Fuzz target' });
const foreign = await h.organization({ name: 'Fuzz bystander' });

const ok = async (caller: Caller, mutation: string, object: string, input: Record<string, unknown>): Promise<string> => {
  const type = `${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input`;
  const res = await caller.gql<TextMutationData>(`mutation($input: ${type}!) { ${mutation}(input: $input) { ${object} { id } userErrors { code field message } } }`, { input });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  expect(res.data![mutation]!.userErrors).toEqual([]);
  return idOf(res.data![mutation]![object]);
};

/** A small but varied world, made through the API. */
async function seedWorld(caller: Caller, tag: string) {
  const groups = [await ok(caller, 'createGroup', 'group', { name: `${tag} VIP` }), await ok(caller, 'createGroup', 'group', { name: `${tag} Board` })];
  const types = ['TEXT', 'NUMBER', 'DATE', 'SINGLE_SELECT', 'MULTIPLE_SELECT', 'CONTACT', 'USER', 'OBJECT', 'MAGIC'] as const;
  const fields: string[] = [];
  for (const type of types) {
    const options = type === 'SINGLE_SELECT' ? ['Gold', 'Silver'] : type === 'MULTIPLE_SELECT' ? ['Red', 'Blue'] : undefined;
    fields.push(await ok(caller, 'createCustomField', 'customField', { groupId: groups[0], name: `${tag} ${type}`, type, options }));
  }
  const companies = [
    await ok(caller, 'createCompany', 'company', { name: `${tag} Acme`, domain: 'acme.example', externalRefs: [{ namespace: 'erp', externalId: `${tag}-ACME` }] }),
    await ok(caller, 'createCompany', 'company', { name: `${tag} Globex` }),
  ];
  const contacts: string[] = [];
  for (let i = 0; i < 12; i += 1) {
    contacts.push(
      await ok(caller, 'createContact', 'contact', {
        firstName: `First${i}`,
        lastName: `Last${i}`,
        email: `${tag.toLowerCase()}${i}@seed.example`,
        emails: i % 3 === 0 ? [{ address: `${tag.toLowerCase()}${i}.alt@seed.example`, label: 'work' }] : undefined,
        phones: i % 2 === 0 ? [{ number: '+44 20 7946 0958', label: 'WORK' }] : undefined,
        addresses: i % 4 === 0 ? [{ city: 'Paris', country: 'FR' }] : undefined,
        urls: i % 5 === 0 ? [{ url: 'https://seed.example' }] : undefined,
        tags: i % 2 ? ['vip'] : ['board'],
        externalRefs: [{ namespace: 'salesforce', externalId: `${tag}-SF-${i}` }],
        companies: [{ company: { id: companies[i % 2] }, jobTitle: 'CTO' }],
        groups: i % 3 === 0 ? groups : [groups[1]],
        customFieldValues: i % 3 === 0 ? [{ field: fields[0], value: `text ${i}` }, { field: fields[1], value: i }, { field: fields[3], value: 'Gold' }] : undefined,
      }),
    );
  }
  return { groups, fields, companies, contacts };
}

const ownWorld = await seedWorld(owner, 'Own');
const foreignWorld = await seedWorld(foreign, 'Their');
{
  const res = await owner.gql(graphql('mutation($id: ID!) { deleteContact(input: { id: $id }) { userErrors { code } } }'), { id: ownWorld.contacts[11]! });
  expect(res.data!.deleteContact.userErrors).toEqual([]);
}

const idsOf = async (organizationId: string): Promise<Record<IdKind, string[]>> => {
  const q = async (sql: string, prefix: string) =>
    (await h.db.sql.query<{ id: string }>(sql, [organizationId])).map((row) => `${prefix}_${row.id}`);
  return {
    Contact: await q('SELECT id FROM contacts WHERE organization_id = $1 ORDER BY id LIMIT 40', 'con'),
    Company: await q('SELECT id FROM companies WHERE organization_id = $1 ORDER BY id LIMIT 20', 'com'),
    Group: await q('SELECT id FROM groups WHERE organization_id = $1 ORDER BY id LIMIT 20', 'grp'),
    CustomField: await q('SELECT id FROM custom_fields WHERE organization_id = $1 ORDER BY id LIMIT 20', 'fld'),
    User: await q('SELECT id FROM users WHERE organization_id = $1', 'usr'),
    Organization: [`org_${organizationId}`],
  };
};

const pools: FuzzPools = {
  own: await idsOf(owner.organizationId),
  foreign: await idsOf(foreign.organizationId),
  cursors: [],
  emails: ['own0@seed.example', 'their0@seed.example', 'OWN3.ALT@seed.example'],
  externalRefs: [{ namespace: 'salesforce', externalId: 'Own-SF-1' }, { namespace: 'salesforce', externalId: 'Their-SF-1' }],
};
async function refreshPools() {
  pools.own = await idsOf(owner.organizationId);
  const page = await owner.gql(graphql('{ contacts(first: 3) { pageInfo { endCursor } } contactChanges(first: 2) { endCursor } companies(first: 1) { pageInfo { endCursor } } }'));
  const theirs = await foreign.gql(graphql('{ contacts(first: 2) { pageInfo { endCursor } } contactChanges(first: 1) { endCursor } }'));
  pools.cursors = [
    page.data?.contacts.pageInfo.endCursor,
    page.data?.contactChanges.endCursor,
    page.data?.companies.pageInfo.endCursor,
    theirs.data?.contacts.pageInfo.endCursor,
    theirs.data?.contactChanges.endCursor,
  ].filter((c): c is string => typeof c === 'string');
}

interface Finding {
  kind: string;
  detail: string;
  count: number;
  example: { label: string; status: number; request: string; response: string };
}

const clip = (text: string, n = 1500) => (text.length > n ? `${text.slice(0, n)}… (${text.length} chars)` : text);
const describeRequest = (c: FuzzCase) =>
  clip(c.operation !== undefined ? `${c.init.method} ${c.operation}\nvariables: ${JSON.stringify(c.variables)}` : `${c.init.method} ${c.url} ${JSON.stringify(c.init.headers)}\n${c.init.body ?? ''}`);

const findings = new Map<string, Finding>();
const stats = { sent: 0, byStatus: new Map<number, number>(), codes: new Map<string, number>(), userErrorCodes: new Map<string, number>(), withData: 0, ms: 0 };
const bump = <K>(map: Map<K, number>, key: K) => map.set(key, (map.get(key) ?? 0) + 1);

/** Findings are grouped by kind, message shape and root field: one example each. */
function note(kind: string, detail: string, c: FuzzCase, status: number, text: string) {
  let shape = detail.replace(/"[^"]*"/g, '"…"').replace(/\d+/g, 'N').slice(0, 120);
  // one line per cause: "Variable "…" got invalid value …" is one cause, whatever the value
  if (kind === 'error without extensions.code') shape = shape.split(' ').slice(0, 2).join(' ');
  const key = `${kind}|${shape}|${kind === 'error without extensions.code' ? '' : c.label}`;
  const existing = findings.get(key);
  if (existing) existing.count += 1;
  else findings.set(key, { kind, detail: shape, count: 1, example: { label: c.label, status, request: describeRequest(c), response: clip(text) } });
}

function collectUserErrors(value: unknown, out: { code?: unknown; message?: unknown }[]) {
  if (Array.isArray(value)) value.forEach((v) => collectUserErrors(v, out));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'userErrors' && Array.isArray(v)) out.push(...(v as { code?: unknown }[]));
      else collectUserErrors(v, out);
    }
  }
}

const slowest: { ms: number; request: string }[] = [];
async function send(c: FuzzCase) {
  const t0 = performance.now();
  const response = await h.app.fetch(c.url, c.init);
  const text = await response.text();
  const took = performance.now() - t0;
  if (slowest.length < 15 || took > slowest.at(-1)!.ms) {
    slowest.push({ ms: Math.round(took), request: clip(describeRequest(c), 400) });
    slowest.sort((a, b) => b.ms - a.ms).splice(15);
  }
  const status = response.status;
  stats.sent += 1;
  bump(stats.byStatus, status);
  if (status >= 500) note('5xx', `HTTP ${status}`, c, status, text);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // yoga answers an unsupported media type with 415 and no body: standard HTTP, not a fault
    if (!(status === 415 && text === '')) note('not JSON', `HTTP ${status} ${response.headers.get('content-type')}`, c, status, text);
    return;
  }
  // a batched request (a JSON array) is answered with one result per operation
  for (const result of Array.isArray(body) && body.length > 0 ? body : [body]) checkResult(result, c, status, text);
}

function checkResult(result: unknown, c: FuzzCase, status: number, text: string) {
  if (!result || typeof result !== 'object' || (!('data' in result) && !('errors' in result))) {
    note('no data/errors', `HTTP ${status}`, c, status, text);
    return;
  }
  const body = result as { data?: unknown; errors?: unknown };
  if (body.data) stats.withData += 1;
  for (const error of (body.errors ?? []) as { message?: string; extensions?: { code?: string } }[]) {
    const code = error.extensions?.code;
    bump(stats.codes, code ?? '(none)');
    if (error.message === 'Unexpected error.' || code === 'INTERNAL_SERVER_ERROR') note('masked internal fault', String(error.message), c, status, text);
    else if (!code) note('error without extensions.code', String(error.message), c, status, text);
    else if (!ALLOWED_CODES.has(code)) note('unexpected error code', code, c, status, text);
  }
  const userErrors: { code?: unknown; message?: unknown }[] = [];
  collectUserErrors(body.data, userErrors);
  for (const userError of userErrors) {
    bump(stats.userErrorCodes, String(userError.code));
    if (!USER_ERROR_CODES.has(String(userError.code))) note('userError code outside UserErrorCode', String(userError.code), c, status, text);
  }
  const exposed = JSON.stringify({ errors: body.errors, userErrors: userErrors.map((e) => e.message) });
  const leak = LEAKS.exec(exposed);
  if (leak) note('leak', leak[0].slice(0, 80), c, status, text);
}

const report = (kinds: string[]) => {
  const selected = [...findings.values()].filter((f) => kinds.includes(f.kind));
  return selected
    .map((f) => `[${f.kind}] ${f.detail} ×${f.count} (${f.example.label}, HTTP ${f.example.status})\n  request: ${f.example.request}\n  response: ${f.example.response}`)
    .join('\n\n');
};
const failuresOf = (...kinds: string[]) => [...findings.values()].filter((f) => kinds.includes(f.kind)).map((f) => `${f.kind}: ${f.detail} (${f.example.label})`);

let foreignBefore: Record<string, string>;

describe(`fuzzing the live schema (seed ${SEED}, ${OPS} operations; FUZZ_SEED/FUZZ_OPS to change)`, () => {
  beforeAll(async () => {
    foreignBefore = await snapshotOrganization(h.db, foreign.organizationId);
    await refreshPools();
    const fuzzer = createFuzzer({ schema, seed: SEED, pools, authorization: `Bearer ${owner.key}` });
    const started = Date.now();
    for (let done = 0; done < OPS; done += REFRESH_EVERY) {
      const batch = Array.from({ length: Math.min(REFRESH_EVERY, OPS - done) }, () => fuzzer.next());
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < batch.length) {
            const c = batch[next++]!;
            try {
              await send(c);
            } catch (error) {
              note('request threw', String(error).slice(0, 200), c, 0, String((error as Error)?.stack ?? error));
            }
          }
        }),
      );
      await refreshPools();
    }
    stats.ms = Date.now() - started;
    console.log(
      `fuzz seed ${SEED}: ${stats.sent} requests in ${(stats.ms / 1000).toFixed(1)} s; status ${JSON.stringify(Object.fromEntries(stats.byStatus))}; ` +
        `answers with data ${stats.withData}; error codes ${JSON.stringify(Object.fromEntries(stats.codes))}; userError codes ${JSON.stringify(Object.fromEntries(stats.userErrorCodes))}`,
    );
    if (process.env.FUZZ_SLOWEST) console.log(slowest.map((s) => `${s.ms} ms ${s.request}`).join('\n'));
    const all = report([...new Set([...findings.values()].map((f) => f.kind))]);
    if (all) console.log(`fuzz seed ${SEED} findings:\n${all}`);
  }, 1_800_000);

  it('sent every operation', () => {
    expect(stats.sent).toBe(OPS);
    expect(failuresOf('request threw'), report(['request threw'])).toEqual([]);
  });

  it('answers no request with a 5xx', () => {
    expect(failuresOf('5xx'), `seed ${SEED}\n${report(['5xx'])}`).toEqual([]);
  });

  it('answers every request with JSON holding data or errors', () => {
    expect(failuresOf('not JSON', 'no data/errors'), `seed ${SEED}\n${report(['not JSON', 'no data/errors'])}`).toEqual([]);
  });

  it('never masks an internal fault as "Unexpected error."', () => {
    expect(failuresOf('masked internal fault'), `seed ${SEED}\n${report(['masked internal fault'])}`).toEqual([]);
  });

  it('gives every GraphQL error an extensions.code from the allowed set', () => {
    const kinds = ['error without extensions.code', 'unexpected error code'];
    expect(failuresOf(...kinds), `seed ${SEED}\n${report(kinds)}`).toEqual([]);
  });

  it('gives every userError a UserErrorCode', () => {
    expect(failuresOf('userError code outside UserErrorCode'), report(['userError code outside UserErrorCode'])).toEqual([]);
  });

  it('leaks no SQL, stack trace or Prisma text', () => {
    expect(failuresOf('leak'), `seed ${SEED}\n${report(['leak'])}`).toEqual([]);
  });

  it('leaves the database consistent', async () => {
    expect(await checkConsistency(h.db)).toEqual([]);
  });

  it("leaves the other organisation's rows exactly as they were", async () => {
    const after = await snapshotOrganization(h.db, foreign.organizationId);
    for (const table of Object.keys(foreignBefore)) expect(after[table], table).toBe(foreignBefore[table]);
    expect(foreignWorld.contacts.length).toBe(12);
  });
});

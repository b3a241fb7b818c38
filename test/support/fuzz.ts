import { getNamedType, type GraphQLField, type GraphQLSchema, isNonNullType } from 'graphql';
import { seededRandom } from './fuzz/random.js';
import { createSelections } from './fuzz/selection.js';
import { createValues, deep, type FuzzPools, HUGE } from './fuzz/values.js';

export { seededRandom, type Random } from './fuzz/random.js';
export { HOSTILE_STRINGS, type FuzzPools, type IdKind } from './fuzz/values.js';
export { fullSelection, idKindOf, minimalCall } from './fuzz/calls.js';

/**
 * A seeded generator of GraphQL requests over the live schema: valid in shape, hostile in value.
 * Everything it does depends only on the seed and on the pools it is given, so a failure is
 * reproduced by running again with the printed seed.
 */

export interface FuzzCase {
  label: string;
  url: string;
  init: { method: string; headers: Record<string, string>; body?: string };
  /** the operation text and variables, for the failure report */
  operation?: string;
  variables?: unknown;
}

export interface FuzzerOptions {
  schema: GraphQLSchema;
  seed: number;
  pools: FuzzPools;
  /** Authorization header for the fuzzing organisation */
  authorization: string;
}

export function createFuzzer({ schema, seed, pools, authorization }: FuzzerOptions) {
  const r = seededRandom(seed);
  const rootFields: { operation: 'query' | 'mutation'; field: GraphQLField<unknown, unknown> }[] = [
    ...Object.values(schema.getQueryType()?.getFields() ?? {}).map((field) => ({ operation: 'query' as const, field })),
    ...Object.values(schema.getMutationType()?.getFields() ?? {}).map((field) => ({ operation: 'mutation' as const, field })),
  ];
  const values = createValues(r, pools);
  const { valueFor } = values;
  const { selectionFor } = createSelections(r, schema, values);
  let counter = 0;
  const post = (label: string, operation: string, variables: Record<string, unknown>, extraHeaders: Record<string, string> = {}): FuzzCase => ({
    label,
    url: 'http://test/graphql',
    init: {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization, ...extraHeaders },
      body: JSON.stringify({ query: operation, variables }),
    },
    operation,
    variables,
  });

  /** One GraphQL operation over 1–3 root fields of one operation type. */
  const operationCase = (): FuzzCase => {
    const first = r.pick(rootFields);
    const siblings = rootFields.filter((f) => f.operation === first.operation);
    const roots = r.chance(0.85) ? [first] : [first, ...r.sample(siblings, r.int(1, 2))];
    const declarations: string[] = [];
    const variables: Record<string, unknown> = {};
    const selections: string[] = [];
    roots.forEach(({ field }, index) => {
      const args: string[] = [];
      for (const arg of field.args) {
        if (!isNonNullType(arg.type) && !r.chance(arg.name === 'first' ? 0.8 : 0.4)) continue;
        const variable = `${arg.name}${index}`;
        const declared = r.chance(0.02) ? String(getNamedType(arg.type)) : String(arg.type);
        declarations.push(`$${variable}: ${declared}`);
        args.push(`${arg.name}: $${variable}`);
        variables[variable] = valueFor(arg.type, arg.name, field.name, 0);
      }
      const argText = args.length ? `(${args.join(', ')})` : '';
      selections.push(`f${index}: ${field.name}${argText} ${selectionFor(field.type, 1)}`.trim());
    });
    const operation = `${first.operation} Fuzz${(counter += 1)}${declarations.length ? `(${declarations.join(', ')})` : ''} { ${selections.join(' ')} }`;
    return post(`${first.operation} ${roots.map((f) => f.field.name).join('+')}`, operation, variables);
  };

  /** Requests a GraphQL server meets from broken clients and hostile ones. */
  const rawCase = (): FuzzCase => {
    const base = { 'content-type': 'application/json', authorization };
    const viewer = '{ viewer { scopes } }';
    const list = 'query($n: Int) { contacts(first: $n) { totalCount } }';
    const cases: (() => FuzzCase)[] = [
      () => ({ label: 'raw invalid JSON', url: 'http://test/graphql', init: { method: 'POST', headers: base, body: r.pick(['{bad', '{"query":', '{"query": "{ viewer { scopes } }",}', '\u0000', "{'query': 1}", '{"query":"\\uZZZZ"}']) } }),
      () => ({ label: 'raw NaN in JSON', url: 'http://test/graphql', init: { method: 'POST', headers: base, body: `{"query":${JSON.stringify(list)},"variables":{"n":${r.pick(['NaN', 'Infinity', '-Infinity', 'undefined'])}}}` } }),
      () => ({ label: 'raw 1e999 (JSON Infinity)', url: 'http://test/graphql', init: { method: 'POST', headers: base, body: `{"query":${JSON.stringify(list)},"variables":{"n":1e999}}` } }),
      () => {
        const field = pools.own.CustomField.length ? r.pick(pools.own.CustomField) : 'fld_x';
        const group = pools.own.Group.length ? r.pick(pools.own.Group) : 'grp_x';
        const query = 'mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } userErrors { code field message } } }';
        const value = r.pick(['1e999', '-1e999', '1e-999', '123456789012345678901234567890', '-0', '[1e999]', '{"n":1e999}']);
        return { label: 'raw huge JSON number in a custom value', url: 'http://test/graphql', init: { method: 'POST', headers: base, body: `{"query":${JSON.stringify(query)},"variables":{"input":{"firstName":"Num","groups":[${JSON.stringify(group)}],"customFieldValues":[{"field":${JSON.stringify(field)},"value":${value}}]}}}` } };
      },
      () => ({ label: 'raw empty body', url: 'http://test/graphql', init: { method: 'POST', headers: base, body: '' } }),
      () => ({ label: 'raw JSON not an object', url: 'http://test/graphql', init: { method: 'POST', headers: base, body: r.pick(['null', '"string"', '[]', '[{"query":"{ viewer { scopes } }"}]', '123', '{}', '{"query": 5}', `{"query": ${JSON.stringify(viewer)}, "variables": "x"}`, `{"query": ${JSON.stringify(viewer)}, "operationName": "nope"}`, `{"query": ${JSON.stringify(viewer)}, "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "00"}}}`, '{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "00"}}}']) } }),
      () => ({ label: 'raw wrong content type', url: 'http://test/graphql', init: { method: 'POST', headers: { authorization, 'content-type': r.pick(['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/graphql', 'application/json; charset=utf-16', 'application/xml']) }, body: r.pick([JSON.stringify({ query: viewer }), `query=${encodeURIComponent(viewer)}`, '--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{bad\r\n--x--\r\n', viewer]) } }),
      () => ({ label: 'raw GET query', url: `http://test/graphql?query=${encodeURIComponent(r.pick([viewer, list, '{ contacts(first: 5) { edges { node { id fullName } } } }', '{ bad', '']))}${r.chance(0.5) ? `&variables=${encodeURIComponent(r.pick(['{"n": 5}', '{bad', '[1]', '{"n": "x"}']))}` : ''}`, init: { method: 'GET', headers: { authorization, accept: r.pick(['application/json', 'application/graphql-response+json', '*/*']) } } }),
      () => ({ label: 'raw GET mutation', url: `http://test/graphql?query=${encodeURIComponent('mutation { createGroup(input: { name: "via GET" }) { group { id } } }')}`, init: { method: 'GET', headers: { authorization, accept: 'application/json' } } }),
      () => ({ label: 'raw other method', url: 'http://test/graphql', init: { method: r.pick(['PUT', 'DELETE', 'PATCH']), headers: base, body: JSON.stringify({ query: viewer }) } }),
      () => ({ label: 'raw unauthenticated', url: 'http://test/graphql', init: { method: 'POST', headers: { 'content-type': 'application/json', ...r.pick<Record<string, string>>([{}, { authorization: 'Bearer' }, { authorization: 'Bearer cgk_x' }, { authorization: `Bearer ${'cgk_'.padEnd(47, 'A')}` }, { authorization: `Basic ${HUGE.slice(0, 5000)}` }, { authorization: `Bearer ${authorization.slice(7)}x` }]) }, body: JSON.stringify({ query: viewer }) } }),
      () => {
        // deeper than any sensible depth limit (≥ 13 levels), but bounded: without a limit the
        // work doubles with every level (a 15-level one took minutes on PGlite)
        const levels = r.int(2, 3);
        let sel = 'id fullName';
        for (let i = 0; i < levels; i += 1) sel = `id companies { company { name contacts(first: 2) { edges { node { ${sel} } } } } }`;
        return post('deep query', `{ contacts(first: 2) { edges { node { ${sel} } } } }`, {});
      },
      () => post('many aliases', `{ ${Array.from({ length: r.pick([50, 200]) }, (_, i) => `a${i}: viewer { scopes }`).join(' ')} }`, {}),
      () => post('many directives', `{ viewer ${'@include(if: true) '.repeat(r.pick([20, 200]))} { scopes } }`, {}),
      () => post('introspection', '{ __schema { types { name fields { name args { name type { name ofType { name } } } } } } }', {}),
      () => post('fragment cycle', 'query { viewer { ...A } } fragment A on Viewer { ...B } fragment B on Viewer { ...A }', {}),
      () => post('huge token count', `{ viewer { ${'scopes '.repeat(r.pick([100, 5000]))} } }`, {}),
    ];
    return r.pick(cases)();
  };

  return {
    seed,
    next(): FuzzCase {
      return r.chance(0.06) ? rawCase() : operationCase();
    },
  };
}

import {
  getNamedType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
} from 'graphql';

/**
 * A seeded generator of GraphQL requests over the live schema: valid in shape, hostile in value.
 * Everything it does depends only on the seed and on the pools it is given, so a failure is
 * reproduced by running again with the printed seed.
 */

/** mulberry32: small, fast, seedable */
export function seededRandom(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const chance = (p: number) => next() < p;
  const sample = <T>(items: readonly T[], n: number): T[] => {
    const copy = [...items];
    const out: T[] = [];
    while (out.length < n && copy.length > 0) out.push(copy.splice(Math.floor(next() * copy.length), 1)[0]!);
    return out;
  };
  return { next, int, pick, chance, sample };
}
export type Random = ReturnType<typeof seededRandom>;

export type IdKind = 'Contact' | 'Company' | 'Group' | 'CustomField' | 'User' | 'Organization';

/** Ids and cursors the generator may use; refreshed by the caller as the data changes. */
export interface FuzzPools {
  own: Record<IdKind, string[]>;
  foreign: Record<IdKind, string[]>;
  cursors: string[];
  emails: string[];
  externalRefs: { namespace: string; externalId: string }[];
}

/** One request to send: a GraphQL operation (JSON POST) or a raw HTTP request. */
export interface FuzzCase {
  label: string;
  url: string;
  init: { method: string; headers: Record<string, string>; body?: string };
  /** the operation text and variables, for the failure report */
  operation?: string;
  variables?: unknown;
}

const HUGE = 'x'.repeat(100_000);
const UUID_UNKNOWN = '01890000-0000-7000-8000-000000000000';
const deep = (depth: number): unknown => (depth === 0 ? 'bottom' : { d: deep(depth - 1) });
const deepList = (depth: number): unknown => (depth === 0 ? [] : [deepList(depth - 1)]);

/** Strings that are valid UTF-16 JSON but hostile to whatever stores or echoes them. */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '   padded   ',
  'a',
  'Zoë Ünïcødé',
  '\u0000',
  'nul\u0000inside',
  '\uD800', // lone high surrogate (JSON.stringify escapes it as \ud800)
  'lone low \uDC00 surrogate',
  '\u202Eevil\u202C',
  '\u200F\u200Fרחל\u200E',
  '👨‍👩‍👧‍👦',
  '🏳️‍🌈🧑🏽‍💻',
  `e${'\u0301'.repeat(200)}`,
  '\uFEFFbom',
  '\r\n\t',
  'back\\slash "quoted"',
  "Robert'); DROP TABLE contacts;--",
  '%s%n%x',
  '${7*7}{{7*7}}',
  '<script>alert(1)</script>',
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '1e309',
  'null',
  'undefined',
  '[]',
  '{}',
  '𝕏'.repeat(300),
  'a'.repeat(50),
  'a'.repeat(51),
  'a'.repeat(100),
  'a'.repeat(101),
  'a'.repeat(255),
  'a'.repeat(256),
  'a'.repeat(320),
  'a'.repeat(321),
  'a'.repeat(500),
  'a'.repeat(501),
  'a'.repeat(5000),
  'a'.repeat(5001),
  'ä'.repeat(256),
  HUGE,
];

const EMAILS = ['a@b.co', 'John.Doe@Example.COM', 'not-an-email', 'a@b', '@b.co', `${'l'.repeat(250)}@x.example`, 'ünï@cödé.example', 'x@x.x\u0000', ' spaced@x.example '];
const PHONES = ['+44 20 7946 0958', '020 7946 0958', '+1 415 555 2671', '+1', '++44', '+999999999999999999999', '0', '+44 20 7946 0958 ext 12345678901234567890123456789012345678901234567890', 'phone'];
const URLS = ['https://www.linkedin.com/in/jane', 'https://www.linkedin.com/in/', 'http://www.linkedin.com/in/x', 'javascript:alert(1)', 'https://a.example/' + 'p'.repeat(600), 'ftp://x', 'https://ex ample.com'];
const DATES = ['2020-02-29', '2021-02-29', '2020-13-01', '0000-01-01', '9999-12-31', '1900-01-01', '2026-11-22', '2026-11-22T10:00:00Z', 'yesterday', '20201301'];
const DATETIMES = ['2026-11-22T10:00:00Z', '2026-11-22T10:00:00.000+05:30', '1970-01-01T00:00:00Z', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '2026-02-30T00:00:00Z', 'now', '2026-11-22', '1e20'];
const COUNTRIES = ['GB', 'gb', 'US', 'XX', 'GBR', '', 'ZZ'];
const LANGUAGES = ['en', 'EN', 'xx', 'eng', 'zz', ''];
const NAMESPACES = ['salesforce', 'HubSpot', 'erp', 'a b', 'ns:with.chars-ok_1', 'ñ', 'x'.repeat(101), ''];
const INTS: readonly unknown[] = [0, 1, -1, 2, 10, 50, 99, 100, 101, 1000, 2147483647, 2147483648, -2147483648, -2147483649, 1e20, 1.5, '5', 'NaN', 'Infinity', true, null];
const FLOATS: readonly unknown[] = [0, -0, 1.5, -1e308, 1e308, 5e-324, 'NaN', 'Infinity', '1.5', false];

/** Hostile JSON values for custom field values (the JSON scalar). */
function jsonValues(r: Random, pools: FuzzPools): unknown {
  const contactId = () => r.pick([...pools.own.Contact, ...pools.foreign.Contact, 'con_x']);
  return r.pick<() => unknown>([
    () => 'Gold',
    () => 'Silver',
    () => ['Red', 'Blue'],
    () => ['Red', 'Red', 'Nope'],
    () => 42,
    () => -1.5e308,
    () => '42',
    () => '1e999',
    () => 'NaN',
    () => '2026-11-22',
    () => '2026-02-30',
    () => null,
    () => [],
    () => '',
    () => true,
    // past the request's nesting cap (refused whole), and within it (reaching the resolvers)
    () => deep(100),
    () => deepList(100),
    () => deep(40),
    () => deepList(40),
    () => ({ __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } }),
    () => JSON.parse('{"__proto__": {"polluted": true}}'),
    () => [{ id: contactId() }, { id: contactId() }],
    () => [{ id: r.pick([...pools.own.User, ...pools.foreign.User]) }, { email: r.pick(['user1@example.com', 'nobody@x.example']) }],
    () => [{ id: r.pick([...pools.own.Company, ...pools.own.Group, ...pools.foreign.Company, 'org_x']) }],
    () => Array.from({ length: 1000 }, () => ({ id: contactId() })),
    () => r.pick(HOSTILE_STRINGS),
    () => ({ text: 'object where a string goes' }),
  ])();
}

function idKindFor(name: string, parentType: string): IdKind | null {
  const n = `${parentType}.${name}`.toLowerCase();
  if (/group/.test(name.toLowerCase())) return 'Group';
  if (/compan/.test(name.toLowerCase())) return 'Company';
  if (/field/.test(name.toLowerCase())) return 'CustomField';
  if (/user/.test(name.toLowerCase())) return 'User';
  if (/contact|target|source/.test(name.toLowerCase())) return 'Contact';
  if (/company/.test(n)) return 'Company';
  if (/group/.test(n)) return 'Group';
  if (/customfield/.test(n)) return 'CustomField';
  return null;
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

  const anyId = (kind: IdKind | null): string => {
    const k: IdKind = kind ?? r.pick<IdKind>(['Contact', 'Company', 'Group', 'CustomField', 'User', 'Organization']);
    const roll = r.next();
    if (roll < 0.6 && pools.own[k].length) return r.pick(pools.own[k]);
    if (roll < 0.75 && pools.foreign[k].length) return r.pick(pools.foreign[k]);
    const own = pools.own[k][0] ?? `con_${UUID_UNKNOWN}`;
    const uuid = own.slice(own.indexOf('_') + 1);
    return r.pick([
      '',
      'con_',
      'con_not-a-uuid',
      `con_${UUID_UNKNOWN}`,
      `grp_${UUID_UNKNOWN}`,
      'con_00000000-0000-0000-0000-000000000000',
      `com_${uuid}`, // another type's prefix on an existing row's uuid
      `con_${uuid}`,
      `grp_${uuid}`,
      `fld_${uuid}`,
      `${own.toUpperCase()}`,
      `${own} `,
      `${own}\u0000`,
      uuid,
      '1',
      '-1',
      'x'.repeat(5000),
      r.pick(HOSTILE_STRINGS),
    ]);
  };

  /** A plausible-or-hostile string for a named input field. */
  const stringFor = (name: string, parentType: string): string => {
    const n = name.toLowerCase();
    if (r.chance(0.35)) return r.pick(HOSTILE_STRINGS);
    if (/email/.test(n)) return r.chance(0.3) && pools.emails.length ? r.pick(pools.emails) : r.pick(EMAILS).replace('a@', `a${r.int(0, 999)}@`);
    if (/phone|mobile|number/.test(n) && !/purchase/.test(n)) return r.pick(PHONES);
    if (/url/.test(n)) return r.pick(URLS);
    if (/birthday|date/.test(n)) return r.pick(DATES);
    if (/country/.test(n)) return r.pick(COUNTRIES);
    if (/language/.test(n)) return r.pick(LANGUAGES);
    if (n === 'namespace') return r.pick(NAMESPACES);
    if (n === 'after' || n === 'before') return pools.cursors.length && r.chance(0.5) ? r.pick(pools.cursors) : r.pick(['', 'abc', 'WyJ4Il0', Buffer.from('["2026","x"]').toString('base64url'), Buffer.from(JSON.stringify(deep(50))).toString('base64'), HUGE]);
    if (n === 'ifmatch') return r.pick(['W/"1"', 'W/"2"', 'W/"0"', '"1"', 'W/"-1"', 'W/"99999999999999999999"', '*']);
    if (n === 'search') return r.pick(['a', '%', '_', '\\', 'Secret', '%%%', "'", 'ää', '']);
    if (n === 'name' && /company/i.test(parentType)) return r.pick(['Acme', 'acme ', '  ACME  corp', `Co ${r.int(0, 50)}`]);
    if (n === 'name') return `Name ${r.int(0, 1000)}`;
    if (n === 'idempotencykey') return `key-${r.int(0, 5)}`;
    if (n === 'tags') return r.pick(['vip', 'board', 'VIP', '']);
    return r.pick(['Jane', 'Doe', 'O’Brien', 'Dr', 'x', `v${r.int(0, 100)}`]);
  };

  /** A wrong-typed value: what a careless or hostile client sends. */
  const wrongType = (type: GraphQLInputType): unknown => {
    const named = getNamedType(type);
    if (isListType(isNonNullType(type) ? type.ofType : type)) return r.pick<unknown>([{ not: 'a list' }, 'string', 5]);
    if (isInputObjectType(named)) return r.pick<unknown>(['string', 5, [1, 2], true]);
    if (named.name === 'Int' || named.name === 'Float') return r.pick<unknown>(['five', { n: 5 }, [5], '']);
    return r.pick<unknown>([5, { s: 'x' }, ['x'], true, 1.5]);
  };

  /** A value for an input type; `depth` bounds input nesting. */
  const valueFor = (type: GraphQLInputType, name: string, parentType: string, depth: number): unknown => {
    if (r.chance(0.02)) return wrongType(type);
    if (isNonNullType(type)) {
      if (r.chance(0.01)) return null;
      return valueFor(type.ofType, name, parentType, depth);
    }
    if (r.chance(0.03)) return null;
    if (isListType(type)) {
      const item = type.ofType as GraphQLInputType;
      const roll = r.next();
      if (roll < 0.1) return [];
      if (roll < 0.13) return Array.from({ length: 501 }, () => minimalValue(item, name, parentType));
      if (roll < 0.16) return Array.from({ length: r.pick([21, 101]) }, () => minimalValue(item, name, parentType));
      if (roll < 0.2) return valueFor(item, name, parentType, depth + 1); // a single value where a list goes (coerced)
      return Array.from({ length: r.int(1, 3) }, () => valueFor(item, name, parentType, depth + 1));
    }
    if (isEnumType(type)) return r.chance(0.05) ? r.pick(['NOPE', 'general', '', 'GENERAL ']) : r.pick(type.getValues()).name;
    if (isInputObjectType(type)) {
      if (depth > 4) return minimalValue(type, name, parentType);
      const fields = Object.values(type.getFields());
      const out: Record<string, unknown> = {};
      if (type.isOneOf || type.extensions.oneOf) {
        for (const field of r.sample(fields, r.chance(0.05) ? 2 : 1)) out[field.name] = valueFor(field.type, field.name, type.name, depth + 1);
        return out;
      }
      for (const field of fields) {
        if (isNonNullType(field.type) || r.chance(0.35)) out[field.name] = valueFor(field.type, field.name, type.name, depth + 1);
      }
      if (r.chance(0.01)) out.unknownField = 'x';
      if ('firstName' in type.getFields() && !('firstName' in out) && r.chance(0.7)) out.firstName = stringFor('firstName', type.name);
      return out;
    }
    if (isScalarType(type)) return scalarFor(type.name, name, parentType);
    return null;
  };

  const scalarFor = (scalar: string, name: string, parentType: string): unknown => {
    switch (scalar) {
      case 'ID':
        return anyId(idKindFor(name, parentType));
      case 'Int':
        if (name === 'first' || name === 'last') return r.chance(0.85) ? r.int(1, 100) : r.pick(INTS);
        return r.pick(INTS);
      case 'Float':
        return r.pick(FLOATS);
      case 'Boolean':
        return r.chance(0.95) ? r.chance(0.5) : r.pick<unknown>(['true', 0, 1]);
      case 'DateTime':
        return r.pick(DATETIMES);
      case 'LocalDate':
        return r.pick(DATES);
      case 'JSON':
        return jsonValues(r, pools);
      case '_Any':
        return representation();
      case 'String':
        return stringFor(name, parentType);
      default:
        return r.pick(HOSTILE_STRINGS);
    }
  };

  /** A federation representation: `{ __typename, id }` with own, foreign or bogus ids. */
  const representation = () => {
    const typename = r.pick(['Contact', 'Company', 'Group', 'CustomField', 'User', 'Nope', '']);
    const roll = r.next();
    if (roll < 0.05) return { __typename: typename };
    if (roll < 0.1) return { id: anyId(null) };
    if (roll < 0.12) return 'not an object';
    return { __typename: typename, id: anyId(typename in pools.own ? (typename as IdKind) : null) };
  };

  /** The smallest value of the right shape (for the items of huge lists). */
  const minimalValue = (type: GraphQLInputType, name: string, parentType: string): unknown => {
    if (isNonNullType(type)) return minimalValue(type.ofType, name, parentType);
    if (isListType(type)) return [];
    if (isEnumType(type)) return type.getValues()[0]!.name;
    if (isInputObjectType(type)) {
      const out: Record<string, unknown> = {};
      const fields = Object.values(type.getFields());
      if (type.isOneOf || type.extensions.oneOf) {
        const first = fields[0]!;
        out[first.name] = minimalValue(first.type, first.name, type.name);
        return out;
      }
      for (const field of fields) if (isNonNullType(field.type)) out[field.name] = minimalValue(field.type, field.name, type.name);
      if ('firstName' in type.getFields()) out.firstName = `Bulk ${r.int(0, 1_000_000)}`;
      return out;
    }
    if (isScalarType(type)) {
      if (type.name === 'ID') return anyId(idKindFor(name, parentType));
      if (type.name === 'Int' || type.name === 'Float') return 1;
      if (type.name === 'Boolean') return false;
      if (type.name === 'JSON') return 'x';
      if (type.name === '_Any') return representation();
      return `v${r.int(0, 1_000_000)}`;
    }
    return null;
  };

  /** A GraphQL literal for a nested field's argument (kept mostly valid). */
  const literalFor = (arg: GraphQLArgument): string | null => {
    const named = getNamedType(arg.type);
    if (arg.name === 'first' || arg.name === 'last') return String(r.chance(0.92) ? r.int(1, 20) : r.pick([0, -1, 101, 100000]));
    if (!isNonNullType(arg.type)) return null;
    if (named.name === 'ID') return JSON.stringify(anyId(idKindFor(arg.name, '')));
    if (named.name === 'String') return JSON.stringify(stringFor(arg.name, ''));
    if (named.name === 'Int') return String(r.int(1, 10));
    if (named.name === 'Boolean') return 'true';
    if (isEnumType(named)) return named.getValues()[0]!.name;
    return null;
  };

  const userErrorsSelection = 'userErrors { code field message existingId }';

  /** A selection set for `type` (depth ≤ 4, a few fields per level). */
  const selectionFor = (type: GraphQLOutputType, depth: number): string => {
    const named = getNamedType(type) as GraphQLNamedType;
    if (isLeafType(named)) return '';
    if (isUnionType(named) || isInterfaceType(named)) {
      const possible = schema.getPossibleTypes(named);
      const parts = ['__typename'];
      if (isInterfaceType(named) && depth < 4) parts.push(fieldsOf(named.getFields(), depth, named.name));
      for (const object of r.sample(possible, r.int(1, 2))) {
        const inner = depth < 4 ? fieldsOf(object.getFields(), depth, object.name) : '__typename';
        parts.push(`... on ${object.name} { ${inner} }`);
      }
      return `{ ${parts.filter(Boolean).join(' ')} }`;
    }
    if (isObjectType(named)) return `{ ${fieldsOf(named.getFields(), depth, named.name)} }`;
    return '';
  };

  const fieldsOf = (fields: Record<string, GraphQLField<unknown, unknown>>, depth: number, typeName: string): string => {
    const all = Object.values(fields);
    const leaves = all.filter((f) => isLeafType(getNamedType(f.type)) && f.args.every((a) => !isNonNullType(a.type)));
    const chosen = depth >= 4 ? r.sample(leaves, r.int(1, 3)) : r.sample(all, r.int(1, 4));
    const parts: string[] = [];
    if ('userErrors' in fields) parts.push(userErrorsSelection);
    if ('id' in fields && r.chance(0.5)) parts.push('id');
    for (const field of chosen) {
      if (field.name === 'userErrors') continue;
      const args = field.args.map((arg) => [arg.name, literalFor(arg)] as const).filter(([, v]) => v !== null);
      if (field.args.some((a) => isNonNullType(a.type) && !args.some(([n]) => n === a.name))) continue;
      const argText = args.length ? `(${args.map(([n, v]) => `${n}: ${v}`).join(', ')})` : '';
      const sub = isLeafType(getNamedType(field.type)) ? '' : depth + 1 > 4 ? null : selectionFor(field.type, depth + 1);
      if (sub === null) continue;
      parts.push(`${field.name}${argText} ${sub}`.trim());
    }
    if (parts.length === 0) parts.push('__typename');
    void typeName;
    return parts.join(' ');
  };

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

/**
 * The smallest arguments of the right shape for a root field, as variables with their
 * declarations: required arguments and input fields only, plus every ID-typed input field when
 * `allIds` is set (to aim each one at a chosen id). `idFor(path)` picks the id for an ID field,
 * given the path of field names from the argument down.
 */
export function minimalCall(
  field: GraphQLField<unknown, unknown>,
  idFor: (path: string[]) => string,
  options: { allIds?: boolean } = {},
): { declarations: string; args: string; variables: Record<string, unknown> } {
  const hasId = (type: GraphQLInputType, seen = new Set<string>()): boolean => {
    const named = getNamedType(type);
    if (named.name === 'ID') return true;
    if (!isInputObjectType(named) || seen.has(named.name)) return false;
    seen.add(named.name);
    return Object.values(named.getFields()).some((f) => f.name !== 'clientMutationId' && hasId(f.type, seen));
  };
  const value = (type: GraphQLInputType, path: string[], depth: number): unknown => {
    if (isNonNullType(type)) return value(type.ofType, path, depth);
    if (isListType(type)) {
      const item = type.ofType as GraphQLInputType;
      return options.allIds && hasId(item) && depth < 4 ? [value(item, path, depth + 1)] : [];
    }
    if (isEnumType(type)) return type.getValues()[0]!.name;
    if (isInputObjectType(type)) {
      const fields = Object.values(type.getFields());
      if (type.isOneOf || type.extensions.oneOf) {
        const chosen = fields.find((f) => f.name === 'id') ?? fields[0]!;
        return { [chosen.name]: value(chosen.type, [...path, chosen.name], depth + 1) };
      }
      const out: Record<string, unknown> = {};
      for (const f of fields) {
        if (f.name === 'clientMutationId') continue;
        const wanted = isNonNullType(f.type) || (options.allIds && depth < 4 && hasId(f.type));
        if (wanted) out[f.name] = value(f.type, [...path, f.name], depth + 1);
      }
      return out;
    }
    switch (type.name) {
      case 'ID':
        return idFor(path);
      case 'Int':
      case 'Float':
        return 1;
      case 'Boolean':
        return false;
      case 'JSON':
        return 'x';
      case '_Any':
        return { __typename: 'Contact', id: idFor([...path, 'Contact']) };
      case 'DateTime':
        return '2026-01-01T00:00:00Z';
      case 'LocalDate':
        return '2026-01-01';
      default:
        return 'x';
    }
  };
  const variables: Record<string, unknown> = {};
  const declarations: string[] = [];
  const args: string[] = [];
  for (const arg of field.args) {
    const include = isNonNullType(arg.type) || arg.name === 'first';
    if (!include) continue;
    variables[arg.name] = arg.name === 'first' ? 1 : value(arg.type, [arg.name], 0);
    declarations.push(`$${arg.name}: ${String(arg.type)}`);
    args.push(`${arg.name}: $${arg.name}`);
  }
  return {
    declarations: declarations.length ? `(${declarations.join(', ')})` : '',
    args: args.length ? `(${args.join(', ')})` : '',
    variables,
  };
}

/** Which kind of record an ID input names, from the mutation and the path of field names. */
export function idKindOf(mutation: string, path: string[]): IdKind {
  const last = path.at(-1) ?? '';
  const parent = path.at(-2) ?? '';
  if (/^group/i.test(last) || last === 'groups') return 'Group';
  if (/^compan/i.test(last) || (parent === 'company' && last === 'id')) return 'Company';
  if (last === 'field' || /fieldId/i.test(last)) return 'CustomField';
  if (/^user/i.test(last)) return 'User';
  if (/contact|target|source/i.test(last)) return 'Contact';
  if (last === 'id' && path.length <= 2) {
    if (/Company|Companies/.test(mutation)) return 'Company';
    if (/CustomField/.test(mutation)) return 'CustomField';
    if (/Group$/.test(mutation)) return 'Group';
  }
  return 'Contact';
}

/**
 * A selection of everything below `type`: every field whose arguments are all optional
 * (connections get `first: pageSize`), `__typename` on every object, every possible type of an
 * interface or union as a fragment. A type already on the path answers only `__typename` and
 * its `id`, so the selection is finite.
 */
export function fullSelection(schema: GraphQLSchema, type: GraphQLOutputType, options: { pageSize: number }, path: string[] = []): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  const hasId = (isObjectType(named) || isInterfaceType(named)) && 'id' in named.getFields();
  if (path.includes(named.name)) return hasId ? '{ __typename id }' : '{ __typename }';
  const inner = [...path, named.name];
  const parts = ['__typename'];
  if (isObjectType(named) || isInterfaceType(named)) {
    for (const field of Object.values(named.getFields())) {
      if (field.args.some((arg) => isNonNullType(arg.type))) continue;
      const args = field.args.some((arg) => arg.name === 'first') ? `(first: ${options.pageSize})` : '';
      parts.push(`${field.name}${args} ${fullSelection(schema, field.type, options, inner)}`.trim());
    }
  }
  if (isInterfaceType(named) || isUnionType(named)) {
    for (const object of schema.getPossibleTypes(named)) parts.push(`... on ${object.name} ${fullSelection(schema, object, options, inner)}`);
  }
  return `{ ${parts.join(' ')} }`;
}

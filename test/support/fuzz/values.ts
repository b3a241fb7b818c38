import {
  getNamedType,
  type GraphQLInputType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
} from 'graphql';
import type { Random } from './random.js';

export type IdKind = 'Contact' | 'Company' | 'Group' | 'CustomField' | 'User' | 'Organization';

/** Ids and cursors the generator may use; refreshed by the caller as the data changes. */
export interface FuzzPools {
  own: Record<IdKind, string[]>;
  foreign: Record<IdKind, string[]>;
  cursors: string[];
  emails: string[];
  externalRefs: { namespace: string; externalId: string }[];
}


export const HUGE = 'x'.repeat(100_000);
const UUID_UNKNOWN = '01890000-0000-7000-8000-000000000000';
export const deep = (depth: number): unknown => (depth === 0 ? 'bottom' : { d: deep(depth - 1) });
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

export function idKindFor(name: string, parentType: string): IdKind | null {
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

/** The value generators of one fuzzer: ids from the pools, plausible-or-hostile strings, inputs of any type. They draw from `r` in call order. */
export function createValues(r: Random, pools: FuzzPools) {
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


  return { anyId, stringFor, valueFor, minimalValue };
}

export type Values = ReturnType<typeof createValues>;

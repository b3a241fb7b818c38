/**
 * Public ids are opaque, prefixed and stable: `con_<uuidv7>`. The prefix names the type, so
 * `node(id)` can route an id without a lookup, and an id of one type cannot pose as another.
 */
export const ID_PREFIXES = {
  Contact: 'con',
  Company: 'com',
  Group: 'grp',
  CustomField: 'fld',
  User: 'usr',
  Organization: 'org',
} as const;

export type NodeTypename = keyof typeof ID_PREFIXES;

const TYPENAME_BY_PREFIX = new Map<string, NodeTypename>(
  Object.entries(ID_PREFIXES).map(([typename, prefix]) => [prefix, typename as NodeTypename]),
);

export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeId(typename: string, id: string | number | bigint): string {
  const prefix = ID_PREFIXES[typename as NodeTypename];
  if (!prefix) throw new Error(`no public id prefix for type ${typename}`);
  return `${prefix}_${id}`;
}

/** The type and database id a public id names, or null when it is malformed. */
export function decodeId(globalId: string): { typename: NodeTypename; id: string } | null {
  const separator = globalId.indexOf('_');
  if (separator < 0) return null;
  const typename = TYPENAME_BY_PREFIX.get(globalId.slice(0, separator));
  const id = globalId.slice(separator + 1);
  if (!typename || !UUID.test(id)) return null;
  return { typename, id };
}

/** The database id when `globalId` is a well-formed id of `typename`, else null. */
export function decodeIdOf(typename: NodeTypename, globalId: string): string | null {
  const decoded = decodeId(globalId);
  return decoded && decoded.typename === typename ? decoded.id : null;
}

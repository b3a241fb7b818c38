import {
  getNamedType,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
  isAbstractType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import { type Random, seededRandom } from './fuzz/random.js';

/**
 * A seeded generator of read operations over the live schema, for the differential test of the
 * compiled read path (test/compiled-reads.test.ts): random selections over Contact and what is
 * reachable below it, with aliases, fragments, directives and variables, under the query limits.
 * Everything depends only on the seed and the pools: the same seed gives the same operations.
 */

/** Which API key an operation is sent with. */
export type KeyRole = 'owner' | 'reader' | 'noRead' | 'colleague' | 'foreign';

/** Ids, names and cursors the generated arguments draw from. */
export interface GeneratorPools {
  /** contact ids: live, in the recycle bin, merged away, of another organisation, missing, malformed */
  contactIds: readonly string[];
  emails: readonly string[];
  externalRefs: readonly { namespace: string; externalId: string }[];
  namespaces: readonly string[];
  tags: readonly string[];
  searches: readonly string[];
  groupIds: readonly string[];
  companyIds: readonly string[];
  /** ids of any type (users, groups, fields, organisations, …) for node/nodes/_entities */
  nodeIds: readonly string[];
  /** contact-list cursors from earlier answers, and malformed ones */
  cursors: readonly string[];
  /** change-feed cursors from earlier answers, and malformed ones */
  changeCursors: readonly string[];
  /** DateTime values for filter.updatedSince */
  instants: readonly string[];
}

export interface GeneratedOperation {
  /** position in the run and what was generated, for the failure report */
  label: string;
  role: KeyRole;
  query: string;
  variables: Record<string, unknown>;
  operationName?: string;
  /** what the generator meant: a valid operation, or one both paths must refuse alike */
  intent: 'valid' | 'invalid';
}

export interface GeneratorOptions {
  schema: GraphQLSchema;
  seed: number;
  pools: GeneratorPools;
  /** an operation meant to be valid is generated again (up to a few times) when this refuses it, e.g. over the cost limit */
  accept?: (operation: GeneratedOperation) => boolean;
  /** share of deliberately invalid operations (0.08 by default) */
  invalidShare?: number;
}

/** Levels of fields below a contact: in a page (contacts › edges › node) and elsewhere. */
const CONTACT_DEPTH_IN_PAGE = 4;
const CONTACT_DEPTH_AT_ROOT = 5;
/** graphql-armor's alias limit is 15 per operation */
const ALIAS_BUDGET = 14;

interface Variable {
  name: string;
  type: string;
  value: unknown;
  /** declared with a default and left out of the variables */
  defaultText?: string;
}

interface Fragment {
  name: string;
  typeName: string;
  text: string;
  depth: number;
  /** generated for a place under an abstract type (shape-safe there) */
  underAbstract: boolean;
}

interface Built {
  text: string;
  depth: number;
}

/** One operation being built: its variables, fragments and alias count. */
class Draft {
  readonly variables: Variable[] = [];
  readonly fragments: Fragment[] = [];
  aliases = 0;
  private counter = 0;
  constructor(readonly r: Random) {}

  alias(): string | null {
    if (this.aliases >= ALIAS_BUDGET) return null;
    this.aliases += 1;
    return `${this.r.pick(['a', 'x', 'k', 'alias', 'the'])}${++this.counter}`;
  }

  variable(type: string, value: unknown, defaultText?: string): string {
    const name = `${this.r.pick(['v', 'p', 'arg', 'flag'])}${++this.counter}`;
    this.variables.push({ name, type, value, defaultText });
    return `$${name}`;
  }

  fragmentName(typeName: string): string {
    return `${typeName}Part${++this.counter}`;
  }

  declarations(): string {
    if (this.variables.length === 0) return '';
    return `(${this.variables.map((v) => `$${v.name}: ${v.type}${v.defaultText !== undefined ? ` = ${v.defaultText}` : ''}`).join(', ')})`;
  }

  values(): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    for (const v of this.variables) if (v.defaultText === undefined) values[v.name] = v.value;
    return values;
  }
}

/** A GraphQL literal for `value` of `type` (enums bare, strings quoted, input objects braced). */
function literal(type: GraphQLInputType, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  const nullable = isNonNullType(type) ? type.ofType : type;
  if (isListType(nullable)) {
    const items = Array.isArray(value) ? value : [value];
    return `[${items.map((item) => literal(nullable.ofType, item)).join(', ')}]`;
  }
  if (isInputObjectType(nullable)) {
    const fields = nullable.getFields();
    const entries = Object.entries(value as Record<string, unknown>);
    return `{ ${entries.map(([name, inner]) => `${name}: ${literal(fields[name]!.type, inner)}`).join(', ')} }`;
  }
  if (isEnumType(nullable)) return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') {
    // a custom scalar given as an object (_Any): a literal object
    return `{ ${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ')} }`;
  }
  return String(value);
}

/** The parts of a selection being built, and how deep the deepest one nests. */
function builtParts() {
  const parts: string[] = [];
  let depth = 1;
  return {
    parts,
    add(built: Built | null) {
      if (!built) return;
      parts.push(built.text);
      depth = Math.max(depth, built.depth);
    },
    depthOf: () => depth,
  };
}

export function createOperationGenerator({ schema, seed, pools, accept, invalidShare = 0.08 }: GeneratorOptions) {
  const r = seededRandom(seed);
  const query = schema.getQueryType()!;
  const rootFields = query.getFields();
  const type = (name: string) => schema.getType(name) as GraphQLObjectType;
  const contactType = type('Contact');

  /** Field names that two possible types of one abstract type give different types: aliased under it. */
  const ambiguous = new Map<string, Set<string>>();
  for (const abstract of Object.values(schema.getTypeMap())) {
    if (!isAbstractType(abstract) || abstract.name.startsWith('__')) continue;
    const possible = schema.getPossibleTypes(abstract);
    for (const a of possible) {
      for (const b of possible) {
        if (a === b) continue;
        for (const [name, field] of Object.entries(a.getFields())) {
          const other = b.getFields()[name];
          if (other && (other.type.toString() !== field.type.toString() || field.args.length > 0)) {
            if (!ambiguous.has(a.name)) ambiguous.set(a.name, new Set());
            ambiguous.get(a.name)!.add(name);
          }
        }
      }
    }
  }

  /** An argument: inline, or as a variable (sometimes one with a default, left out). */
  const argument = (draft: Draft, name: string, argType: GraphQLInputType, value: unknown): string => {
    const nullable = isNonNullType(argType) ? argType.ofType : argType;
    if (isInputObjectType(nullable) && value !== null && typeof value === 'object' && !Array.isArray(value) && r.chance(0.25)) {
      // an inline object whose fields are variables or literals
      const fields = nullable.getFields();
      const inner = Object.entries(value as Record<string, unknown>).map(([field, v]) => argument(draft, field, fields[field]!.type, v));
      return `${name}: { ${inner.map((text) => text).join(', ')} }`;
    }
    if (r.chance(0.35)) return `${name}: ${draft.variable(argType.toString(), value)}`;
    if (!isNonNullType(argType) && r.chance(0.05)) return `${name}: ${draft.variable(argType.toString(), value, literal(argType, value))}`;
    return `${name}: ${literal(argType, value)}`;
  };

  const args = (draft: Draft, field: GraphQLField<unknown, unknown>, values: Record<string, unknown>): string => {
    const entries = Object.entries(values).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '';
    const defs = new Map(field.args.map((a) => [a.name, a.type]));
    return `(${r
      .sample(entries, entries.length)
      .map(([name, v]) => argument(draft, name, defs.get(name)!, v))
      .join(', ')})`;
  };

  const directive = (draft: Draft): string => {
    if (!r.chance(0.1)) return '';
    const name = r.pick(['include', 'skip']);
    const value = r.chance(0.5);
    const condition = r.chance(0.6) ? draft.variable(r.chance(0.8) ? 'Boolean!' : 'Boolean', value) : String(value);
    return ` @${name}(if: ${condition})`;
  };

  const pageSize = (big: boolean) => (big ? r.pick([1, 2, 3, 5, 10, 10, 20, 50, 100]) : r.int(1, 3));

  const filterValue = (): Record<string, unknown> => {
    const filter: Record<string, unknown> = {};
    const parts = r.sample(['search', 'tags', 'tagsMatch', 'type', 'groupId', 'companyId', 'externalRefNamespace', 'updatedSince', 'includeDeleted', 'onlyDeleted'], r.int(1, 3));
    for (const part of parts) {
      if (part === 'search') filter.search = r.pick(pools.searches);
      if (part === 'tags') filter.tags = r.sample(pools.tags, r.int(1, 3));
      if (part === 'tagsMatch') filter.tagsMatch = r.pick(['ANY', 'ALL']);
      if (part === 'type') filter.type = r.pick(['GENERAL', 'COMMERCIAL', 'TECHNICAL', 'FINANCE', 'SHIPPING', 'INVOICE']);
      if (part === 'groupId') filter.groupId = r.pick(pools.groupIds);
      if (part === 'companyId') filter.companyId = r.pick(pools.companyIds);
      if (part === 'externalRefNamespace') filter.externalRefNamespace = r.pick(pools.namespaces);
      if (part === 'updatedSince') filter.updatedSince = r.pick(pools.instants);
      if (part === 'includeDeleted') filter.includeDeleted = r.chance(0.7);
      if (part === 'onlyDeleted') filter.onlyDeleted = r.chance(0.6);
    }
    return filter;
  };

  /** The arguments of a contact list: paging, cursors, filter and order. */
  const pageArgs = (big: boolean): Record<string, unknown> => {
    const values: Record<string, unknown> = {};
    const direction = r.next();
    if (direction < 0.72) values.first = pageSize(big);
    else if (direction < 0.9) values.last = pageSize(big);
    if (big && r.chance(0.3)) {
      const cursor = r.pick(pools.cursors);
      if (values.last !== undefined) values.before = cursor;
      else if (values.first !== undefined || r.chance(0.5)) values.after = cursor;
      else values.before = cursor;
      if (r.chance(0.05)) values[values.after ? 'before' : 'after'] = r.pick(pools.cursors);
    }
    if (r.chance(big ? 0.5 : 0.2)) values.filter = filterValue();
    if (r.chance(big ? 0.5 : 0.2)) {
      values.orderBy = r.chance(0.2)
        ? { field: r.pick(['UPDATED_AT', 'CREATED_AT', 'LAST_NAME', 'FULL_NAME']) }
        : { field: r.pick(['UPDATED_AT', 'CREATED_AT', 'LAST_NAME', 'FULL_NAME']), direction: r.pick(['ASC', 'DESC']) };
    }
    return values;
  };

  const isConnection = (field: GraphQLField<unknown, unknown>) => getNamedType(field.type).name === 'ContactConnection';

  /** The levels a field needs: 1 for a leaf, 2 for an object, 4 for a page of nodes. */
  const needs = (field: GraphQLField<unknown, unknown>) => (isLeafType(getNamedType(field.type)) ? 1 : isConnection(field) ? 2 : 2);

  /** A connection's selection: totalCount, pageInfo, edges { cursor node { … } }, __typename. */
  const connection = (draft: Draft, remaining: number, contactDepth: number): Built => {
    const parts: string[] = [];
    let depth = 1;
    const pageInfo = () => {
      const fields = r.sample(['hasNextPage', 'hasPreviousPage', 'startCursor', 'endCursor', '__typename'], r.int(1, 5));
      return `pageInfo { ${fields.join(' ')} }`;
    };
    if (r.chance(0.4)) parts.push(`totalCount${directive(draft)}`);
    if (r.chance(0.5)) {
      parts.push(pageInfo());
      depth = Math.max(depth, 2);
    }
    if (r.chance(0.1)) parts.push('__typename');
    if (remaining >= 3 && (parts.length === 0 || r.chance(0.85))) {
      const node = selection(draft, contactType, Math.min(contactDepth, remaining - 2), false);
      const edgeParts = r.sample([`cursor`, `node ${node.text}`, ...(r.chance(0.1) ? ['__typename'] : [])], r.int(1, 3));
      if (!edgeParts.some((p) => p.startsWith('node')) && r.chance(0.8)) edgeParts.push(`node ${node.text}`);
      const edgesKey = r.chance(0.1) ? draft.alias() : null;
      parts.push(`${edgesKey ? `${edgesKey}: ` : ''}edges${directive(draft)} { ${edgeParts.join(' ')} }`);
      depth = Math.max(depth, edgeParts.some((p) => p.startsWith('node')) ? 2 + node.depth : 2);
      if (r.chance(0.08)) parts.push(`edges { cursor }`); // merges with the edges above
    }
    if (parts.length === 0) parts.push('totalCount');
    if (r.chance(0.05)) parts.push(`... on ContactConnection { ${pageInfo()} }`);
    return { text: `{ ${parts.join(' ')} }`, depth };
  };

  /** A random selection set of `parent` whose fields nest at most `remaining` levels. */
  const selection = (draft: Draft, parent: GraphQLCompositeType, remaining: number, underAbstract: boolean): Built => {
    if (isAbstractType(parent)) return abstractSelection(draft, parent, remaining);
    const { parts, add, depthOf } = builtParts();
    const all = Object.values(parent.getFields()).filter((f) => !f.name.startsWith('_') && needs(f) <= remaining);
    const usable = all.filter((f) => !isConnection(f) || r.chance(0.04));
    const size = r.chance(0.12) ? usable.length : r.int(1, Math.min(usable.length, parent === contactType ? 12 : 5));
    const chosen = r.sample(usable, size);
    const emitted: { key: string; field: GraphQLField<unknown, unknown> }[] = [];
    for (const field of chosen) {
      const built = fieldText(draft, parent, field, remaining, underAbstract);
      if (built) {
        add(built);
        emitted.push({ key: built.key, field });
      }
    }
    // the same response key again: its selections merge
    const composite = emitted.filter((e) => !isLeafType(getNamedType(e.field.type)));
    if (composite.length > 0 && r.chance(0.12)) {
      const again = r.pick(composite);
      const sub = selection(draft, getNamedType(again.field.type) as GraphQLCompositeType, remaining - 1, false);
      add({ text: `${again.key} ${sub.text}`, depth: 1 + sub.depth });
    } else if (emitted.length > 0 && r.chance(0.05)) {
      add({ text: r.pick(emitted).key, depth: 1 });
    }
    // the same field under two aliases, with different selections
    const objects = usable.filter((f) => !isLeafType(getNamedType(f.type)) && f.args.length === 0);
    if (objects.length > 0 && r.chance(0.08) && draft.aliases + 2 <= ALIAS_BUDGET) {
      const field = r.pick(objects);
      for (let i = 0; i < 2; i += 1) {
        const sub = selection(draft, getNamedType(field.type) as GraphQLCompositeType, remaining - 1, false);
        add({ text: `${draft.alias()}: ${field.name} ${sub.text}`, depth: 1 + sub.depth });
      }
    }
    if (r.chance(0.12)) add({ text: '__typename', depth: 1 });
    // an inline fragment without a type condition, or on the type itself
    if (r.chance(0.1)) {
      const sub = selection(draft, parent, remaining, underAbstract);
      add({ text: `...${directive(draft)} ${sub.text}`, depth: sub.depth });
    }
    if (r.chance(0.08)) {
      const sub = selection(draft, parent, remaining, underAbstract);
      add({ text: `... on ${parent.name}${directive(draft)} ${sub.text}`, depth: sub.depth });
    }
    if (r.chance(parent === contactType ? 0.15 : 0.05)) add(spread(draft, parent, remaining, underAbstract));
    if (parts.length === 0) parts.push(isObjectType(parent) && 'id' in parent.getFields() ? 'id' : '__typename');
    return { text: `{ ${r.sample(parts, parts.length).join(' ')} }`, depth: depthOf() };
  };

  /** A named fragment on `on` (a new one, or one the operation has already), spread here. */
  const spread = (draft: Draft, on: GraphQLObjectType | GraphQLCompositeType, remaining: number, underAbstract: boolean): Built | null => {
    const reusable = draft.fragments.filter((f) => f.typeName === on.name && f.depth <= remaining && (f.underAbstract || !underAbstract));
    let fragment: Fragment;
    if (reusable.length > 0 && r.chance(0.5)) {
      fragment = r.pick(reusable);
    } else {
      const name = draft.fragmentName(on.name);
      const body = selection(draft, on, Math.min(remaining, 3), underAbstract);
      fragment = { name, typeName: on.name, text: `fragment ${name} on ${on.name} ${body.text}`, depth: body.depth, underAbstract };
      draft.fragments.push(fragment);
    }
    return { text: `...${fragment.name}${directive(draft)}`, depth: fragment.depth };
  };

  /** A field with its alias, arguments, directive and selection; null when it cannot fit. */
  const fieldText = (
    draft: Draft,
    parent: GraphQLObjectType,
    field: GraphQLField<unknown, unknown>,
    remaining: number,
    underAbstract: boolean,
  ): (Built & { key: string }) | null => {
    const forced = field.args.length > 0 || (underAbstract && ambiguous.get(parent.name)?.has(field.name));
    let alias: string | null = null;
    if (forced || r.chance(0.1)) {
      alias = draft.alias();
      if (!alias && forced) return null;
    }
    let argText = '';
    if (isConnection(field)) argText = args(draft, field, pageArgs(false));
    else if (field.args.some((a) => isNonNullType(a.type))) return null;
    const key = `${alias ? `${alias}: ` : ''}${field.name}${argText}`;
    const named = getNamedType(field.type);
    if (isLeafType(named)) return { text: `${key}${directive(draft)}`, depth: 1, key };
    if (!isCompositeType(named)) return null;
    const sub = isConnection(field) ? connection(draft, remaining - 1, remaining - 3) : selection(draft, named, remaining - 1, false);
    return { text: `${key}${directive(draft)} ${sub.text}`, depth: 1 + sub.depth, key };
  };

  /** An interface's or union's selection: its own fields, __typename, fragments on its types. */
  const abstractSelection = (draft: Draft, parent: GraphQLCompositeType & { name: string }, remaining: number): Built => {
    const possible = isAbstractType(parent) ? schema.getPossibleTypes(parent) : [];
    const { parts, add, depthOf } = builtParts();
    if (r.chance(0.5)) add({ text: '__typename', depth: 1 });
    if (isInterfaceType(parent)) {
      for (const field of Object.values(parent.getFields())) {
        if (needs(field) > remaining || !r.chance(0.5)) continue;
        const named = getNamedType(field.type);
        if (isLeafType(named)) add({ text: `${field.name}${directive(draft)}`, depth: 1 });
        else if (isCompositeType(named)) {
          const sub = selection(draft, named, remaining - 1, false);
          add({ text: `${field.name} ${sub.text}`, depth: 1 + sub.depth });
        }
      }
      if (r.chance(0.15)) {
        const sub = selection(draft, parent, remaining, false);
        add({ text: `... on ${parent.name} ${sub.text}`, depth: sub.depth });
      }
    }
    const customValues = parent.name === 'CustomFieldValue';
    const types = r.sample(possible, customValues && r.chance(0.5) ? possible.length : r.int(1, Math.min(possible.length, 4)));
    for (const object of types) {
      if (r.chance(object === contactType ? 0.3 : 0.1)) {
        add(spread(draft, object, remaining, true));
        continue;
      }
      const sub = selection(draft, object, remaining, true);
      add({ text: `... on ${object.name}${directive(draft)} ${sub.text}`, depth: sub.depth });
    }
    if (parts.length === 0) parts.push('__typename');
    return { text: `{ ${parts.join(' ')} }`, depth: depthOf() };
  };

  const contactLookup = (): Record<string, unknown> => {
    const kind = r.next();
    if (kind < 0.7) return { id: r.pick(pools.contactIds) };
    if (kind < 0.87) return { email: r.pick(pools.emails) };
    return { externalRef: r.pick(pools.externalRefs) };
  };

  /** A root field, aliased when `alias` is given. */
  const root = (draft: Draft, name: string, alias: string | null): string => {
    const field = rootFields[name]!;
    const prefix = alias ? `${alias}: ` : '';
    if (name === 'contacts') {
      return `${prefix}contacts${args(draft, field, pageArgs(true))}${directive(draft)} ${connection(draft, 6, CONTACT_DEPTH_IN_PAGE).text}`;
    }
    if (name === 'contact') {
      const values: Record<string, unknown> = { by: contactLookup() };
      if (r.chance(0.25)) values.includeDeleted = r.chance(0.6);
      return `${prefix}contact${args(draft, field, values)}${directive(draft)} ${selection(draft, contactType, CONTACT_DEPTH_AT_ROOT, false).text}`;
    }
    if (name === 'contactChanges') {
      const values: Record<string, unknown> = {};
      if (r.chance(0.8)) values.first = r.pick([1, 2, 5, 10, 50, 100]);
      if (r.chance(0.4)) values.after = r.pick(pools.changeCursors);
      const changeFields = r.sample(['changeType', 'contactId', 'changedFields', 'version', 'cursor', 'occurredAt', 'changeOrigin { apiKeyPrefix user namespaces }', '__typename'], r.int(1, 5));
      if (r.chance(0.7)) changeFields.push(`contact ${selection(draft, contactType, CONTACT_DEPTH_IN_PAGE, false).text}`);
      const page = r.sample([`changes { ${changeFields.join(' ')} }`, 'endCursor', 'hasMore'], r.int(1, 3));
      if (!page.some((p) => p.startsWith('changes')) && r.chance(0.7)) page.push(`changes { ${changeFields.join(' ')} }`);
      return `${prefix}contactChanges${args(draft, field, values)} { ${page.join(' ')} }`;
    }
    if (name === 'node') {
      const values: Record<string, unknown> = { id: r.pick([...pools.contactIds, ...pools.nodeIds]) };
      if (r.chance(0.2)) values.includeDeleted = true;
      return `${prefix}node${args(draft, field, values)} ${abstractSelection(draft, schema.getType('Node') as GraphQLCompositeType & { name: string }, 5).text}`;
    }
    if (name === 'nodes') {
      const values: Record<string, unknown> = { ids: r.sample([...pools.contactIds, ...pools.nodeIds], r.int(1, 6)) };
      if (r.chance(0.2)) values.includeDeleted = true;
      return `${prefix}nodes${args(draft, field, values)} ${abstractSelection(draft, schema.getType('Node') as GraphQLCompositeType & { name: string }, 5).text}`;
    }
    if (name === '_entities') {
      const representations = r.sample(pools.contactIds, r.int(1, 4)).map((id) => ({ __typename: 'Contact', id }));
      if (r.chance(0.2)) representations.push({ __typename: r.pick(['Company', 'Group']), id: r.pick(pools.nodeIds) });
      const entity = schema.getType('_Entity') as GraphQLCompositeType & { name: string };
      return `${prefix}_entities(representations: ${draft.variable('[_Any!]!', representations)}) ${abstractSelection(draft, entity, 5).text}`;
    }
    if (name === 'company') {
      return `${prefix}company(by: { id: ${JSON.stringify(r.pick(pools.companyIds))} }) ${selection(draft, type('Company'), 5, false).text}`;
    }
    if (name === 'group') {
      return `${prefix}group(id: ${JSON.stringify(r.pick(pools.groupIds))}) ${selection(draft, type('Group'), 5, false).text}`;
    }
    // viewer, companies, groups: walked generically
    const values: Record<string, unknown> = field.args.some((a) => a.name === 'first') ? { first: r.int(1, 5) } : {};
    const named = getNamedType(field.type) as GraphQLCompositeType;
    return `${prefix}${name}${args(draft, field, values)} ${selection(draft, named, 5, false).text}`;
  };

  const OTHER_ROOTS = ['contactChanges', 'node', 'nodes', 'viewer', '_entities', 'company', 'group', 'companies', 'groups'].filter((name) => name in rootFields);

  const role = (): KeyRole => {
    const p = r.next();
    if (p < 0.62) return 'owner';
    if (p < 0.86) return 'reader';
    if (p < 0.93) return 'colleague';
    if (p < 0.97) return 'noRead';
    return 'foreign';
  };

  /** One operation meant to be valid. */
  const validOperation = (label: string): GeneratedOperation => {
    const draft = new Draft(r);
    const kind = r.next();
    let names: string[];
    if (kind < 0.5) names = ['contacts'];
    else if (kind < 0.8) names = ['contact'];
    else if (kind < 0.9) names = r.sample(['contacts', 'contacts', 'contact', 'contact', ...r.sample(OTHER_ROOTS, 1)], r.int(2, 3));
    else names = [r.pick(OTHER_ROOTS)];
    const seen = new Set<string>();
    const roots: string[] = [];
    for (const name of names) {
      // a second root of one name has other arguments: it needs its own response key
      const alias = seen.has(name) || r.chance(0.15) ? draft.alias() : null;
      if (seen.has(name) && !alias) continue;
      seen.add(name);
      roots.push(root(draft, name, alias));
    }
    const named = r.chance(draft.variables.length > 0 ? 0.6 : 0.35);
    const operationName = named ? r.pick(['Contacts', 'ReadContacts', 'Hot', 'Sync', 'Q']) + r.int(1, 99) : undefined;
    const head = draft.variables.length > 0 || operationName ? `query${operationName ? ` ${operationName}` : ''}${draft.declarations()} ` : r.chance(0.5) ? 'query ' : '';
    let text = `${head}{ ${roots.join(' ')} }`;
    const fragments = r.sample(draft.fragments, draft.fragments.length).map((f) => f.text);
    if (fragments.length > 0) text = r.chance(0.3) ? `${fragments.join('\n')}\n${text}` : `${text}\n${fragments.join('\n')}`;
    let sentName: string | undefined;
    if (operationName && r.chance(0.1)) {
      // a second operation in the document: the operationName picks ours
      text = `${text}\nquery Other${r.int(1, 9)} { viewer { scopes } }`;
      sentName = operationName;
    } else if (operationName && r.chance(0.5)) {
      sentName = operationName;
    }
    return { label, role: role(), query: text, variables: draft.values(), operationName: sentName, intent: 'valid' };
  };

  /** One operation both paths must refuse (or answer with errors) alike. */
  const invalidOperation = (label: string): GeneratedOperation => {
    const base = (q: string, variables: Record<string, unknown> = {}): GeneratedOperation => ({ label, role: r.chance(0.8) ? 'owner' : 'reader', query: q, variables, intent: 'invalid' });
    switch (r.int(0, 11)) {
      case 0:
        return base(`{ contacts(first: ${r.pick([0, 101, -1, 1000])}) { edges { node { id fullName } } } }`);
      case 1:
        return base(`{ contacts(last: ${r.pick([0, 101])}, before: ${JSON.stringify(r.pick(pools.cursors))}) { totalCount } }`);
      case 2:
        return base(`{ contacts(first: 5) { edges { node { id ${r.pick(['nope', 'name', 'emailAddress', 'ssnNumber'])} } } } }`);
      case 3:
        return base(`{ contact(by: { id: ${JSON.stringify(r.pick(pools.contactIds))}, email: ${JSON.stringify(r.pick(pools.emails))} }) { id } }`);
      case 4:
        return base(`{ contact(by: {}) { id } }`);
      case 5:
        return base(`{ contacts(filter: { type: ${r.pick(['NOPE', '"GENERAL"', 'general'])} }) { totalCount } }`);
      case 6:
        return base(`query($f: Int!) { contacts(first: $f) { totalCount edges { cursor } } }`, r.chance(0.5) ? { f: r.pick(['ten', 2.5, null, true]) } : {});
      case 7: {
        const valid = validOperation(label);
        return { ...valid, query: valid.query.slice(0, r.int(1, valid.query.length - 1)), intent: 'invalid' };
      }
      case 8:
        return base(`{ contact { id } }`);
      case 9:
        return base(`{ contacts(orderBy: { direction: ASC }) { totalCount } }`);
      case 10:
        return base(`{ contactChanges(after: ${JSON.stringify(r.pick(['garbage', '', 'MTIz', ...pools.cursors]))}) { hasMore } }`);
      default: {
        const valid = validOperation(label);
        const i = valid.query.indexOf('{');
        return { ...valid, query: `${valid.query.slice(0, i + 1)} unknownRoot ${valid.query.slice(i + 1)}`, intent: 'invalid' };
      }
    }
  };

  let count = 0;
  return {
    next(): GeneratedOperation {
      count += 1;
      const label = `#${count} (seed ${seed})`;
      if (r.chance(invalidShare)) return invalidOperation(label);
      let operation = validOperation(label);
      for (let attempt = 0; attempt < 5 && accept && !accept(operation); attempt += 1) operation = validOperation(label);
      return operation;
    },
  };
}

/** `count` operations of the seed. */
export function generateOperations(options: GeneratorOptions & { count: number }): GeneratedOperation[] {
  const generator = createOperationGenerator(options);
  return Array.from({ length: options.count }, () => generator.next());
}

import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { createComplexityRule } from '@pothos/plugin-complexity';
import {
  type DocumentNode,
  getNamedType,
  getNullableType,
  type GraphQLError,
  type GraphQLField,
  type GraphQLSchema,
  isListType,
  Kind,
  NoSchemaIntrospectionCustomRule,
  parse,
  validate,
  visit,
} from 'graphql';
import { createGraphQLError, type GraphQLParams, type Plugin } from 'graphql-yoga';
import { DEFAULT_PAGE_SIZE } from '../modules/common/paging.js';

/** The query limits; each has an environment variable (see config.ts and the README). */
export interface QueryLimits {
  /** levels of fields below the root field */
  depth: number;
  aliases: number;
  tokens: number;
  directives: number;
  /** the largest cost of a request (a batch's operations summed), list fields multiplied by the page size asked */
  cost: number;
  /** operations in one batched request (a JSON array body) */
  batch: number;
  introspection: boolean;
  /** "did you mean …?" hints in validation errors; they map a schema out to whoever asks */
  fieldSuggestions: boolean;
}

export const DEFAULT_LIMITS: QueryLimits = {
  depth: 6,
  aliases: 15,
  tokens: 1000,
  directives: 50,
  cost: 100_000,
  batch: 10,
  introspection: true,
  fieldSuggestions: true,
};

/** A list's items multiply the cost of what is selected below it. */
const SMALL_LIST_MULTIPLIER = 10;

/**
 * The cost of a field: 1, and what is selected below it counts once per item a list or a page
 * may hold — `first`/`last` when given, the number of `ids` asked (`nodes`), else the default
 * page size for connections and 10 for other lists (a contact's emails, companies, ...).
 */
export function fieldComplexity(args: Record<string, unknown>, _context: unknown, field: Pick<GraphQLField<unknown, never>, 'args' | 'type' | 'name'>) {
  const pageSize = [args.first, args.last].find((n): n is number => typeof n === 'number');
  if (pageSize !== undefined) return { field: 1, multiplier: Math.max(0, pageSize) };
  if (Array.isArray(args.ids)) return { field: 1, multiplier: args.ids.length };
  if (field.args.some((arg) => arg.name === 'first')) return { field: 1, multiplier: DEFAULT_PAGE_SIZE };
  // a connection's edges are the page its `first` already counted
  if (field.name === 'edges' && getNamedType(field.type).name.endsWith('Edge')) return { field: 1, multiplier: 1 };
  return isListType(getNullableType(field.type)) ? { field: 1, multiplier: SMALL_LIST_MULTIPLIER } : 1;
}

/** Gives graphql-armor's rejections a stable code a client can act on. */
const coded = (code: string) => ({
  propagateOnRejection: true,
  onReject: [(_context: unknown, error: GraphQLError) => Object.assign(error.extensions, { code, http: { status: 400 } })],
});

/** The query texts of persisted queries (APQ), by their hash: the store `useAPQ` keeps. */
export interface PersistedQueries {
  get(sha256Hash: string): string | null | undefined | Promise<string | null | undefined>;
}

const requestCosts = new WeakMap<Request, number[]>();
/** What each operation of a request costs (none before or without the query limits' check). */
export const operationCostsOf = (request: Request) => requestCosts.get(request) ?? [];

/**
 * Depth, aliases, tokens and directives through graphql-armor; cost through Pothos' complexity
 * rule, which reads `first`/`last` (armor's cost limit does not). Each is checked before any
 * operation starts, so one over a limit runs nothing. The cost limit is one per HTTP request: a
 * batch's operations are summed, and a batch over it is refused whole.
 */
export function useQueryLimits(limits: QueryLimits, costOf: CostCalculator, persistedQueries?: PersistedQueries): Plugin[] {
  const queryOf = async (params: GraphQLParams) => {
    if (typeof params.query === 'string') return params.query;
    const hash = (params.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined)?.sha256Hash;
    return typeof hash === 'string' ? ((await persistedQueries?.get(hash)) ?? undefined) : undefined;
  };
  return [
    EnvelopArmorPlugin({
      // Fragments add no depth: a gateway's `_entities { ... on Contact { … } }` is then no
      // deeper than the client's own path to the entity.
      // armor counts the root field as level 1
      maxDepth: { n: limits.depth + 1, flattenFragments: true, ...coded('DEPTH_LIMIT_EXCEEDED') },
      maxAliases: { n: limits.aliases, ...coded('ALIAS_LIMIT_EXCEEDED') },
      maxTokens: { n: limits.tokens, ...coded('TOKEN_LIMIT_EXCEEDED') },
      maxDirectives: { n: limits.directives, ...coded('DIRECTIVE_LIMIT_EXCEEDED') },
      costLimit: { enabled: false },
      blockFieldSuggestion: { enabled: !limits.fieldSuggestions },
    }),
    {
      onValidate({ addValidationRule }) {
        if (!limits.introspection) addValidationRule(NoSchemaIntrospectionCustomRule);
      },
      // Cost depends on the variables (`first: $first`), so it is worked out per request, from
      // the parsed body, before any operation of it is parsed, authenticated or run.
      onRequestParse({ request }) {
        return {
          async onRequestParseDone({ requestParserResult }) {
            const batch = Array.isArray(requestParserResult) ? requestParserResult : [requestParserResult];
            const costs = await Promise.all(
              batch.map(async (params) => {
                const query = await queryOf(params);
                // a document that does not parse or validate is refused by yoga itself, running nothing
                return (query && costOf(query, params.operationName ?? undefined, variablesOf(params))) || 0;
              }),
            );
            const total = costs.reduce((sum, cost) => sum + cost, 0);
            requestCosts.set(request, costs);
            if (total <= limits.cost) return;
            const what = Array.isArray(requestParserResult) ? `The batch's ${costs.length} operations cost ${total} together (${costs.join(' + ')})` : `The operation costs ${total}`;
            throw createGraphQLError(`${what}; the limit is ${limits.cost} per request. Ask for smaller pages or fewer fields, or send fewer operations at once.`, {
              extensions: { code: 'COST_LIMIT_EXCEEDED', cost: { actual: total, max: limits.cost, operations: costs }, http: { status: 400 } },
            });
          },
        };
      },
    },
  ];
}

const variablesOf = (params: GraphQLParams) => (params.variables && typeof params.variables === 'object' ? (params.variables as Record<string, unknown>) : {});

/**
 * The variables a document's cost depends on: those giving a `first` or `last` (by value) and
 * those giving the `ids` of `nodes` (by length).
 */
function sizeVariables(document: DocumentNode) {
  const pages = new Set<string>();
  const lists = new Set<string>();
  visit(document, {
    Argument(node) {
      if (node.value.kind !== Kind.VARIABLE) return;
      if (node.name.value === 'first' || node.name.value === 'last') pages.add(node.value.name.value);
      if (node.name.value === 'ids') lists.add(node.value.name.value);
    },
  });
  return { pages: [...pages], lists: [...lists] };
}

const ABSENT = { absent: true };
/** documents remembered, the longest text remembered, and distinct costs remembered per document */
const DOCUMENTS = 1000;
const DOCUMENT_CHARS = 20_000;
const COSTS_PER_DOCUMENT = 100;

type Known = { document: DocumentNode | null; sizes: ReturnType<typeof sizeVariables>; costs: Map<string, number> };

/**
 * An operation's cost, worked out by Pothos' complexity rule; undefined when the document does
 * not parse (within the token limit) or its variables are invalid (yoga then refuses it). The
 * rule coerces every variable, which for a 500-item bulk input took a tenth of the call; but a
 * cost depends only on the document, the operation and its sizes (`fieldComplexity` reads
 * nothing else), so it is remembered by those.
 */
export function createCostCalculator(schema: GraphQLSchema, maxTokens: number) {
  const byText = new Map<string, Known>();
  // yoga parses each text once (its parse cache), so an executed document is one object per text
  const byDocument = new WeakMap<DocumentNode, Known>();
  const knownOf = (query: string | DocumentNode): Known => {
    if (typeof query !== 'string') {
      let known = byDocument.get(query);
      if (!known) byDocument.set(query, (known = { document: query, sizes: sizeVariables(query), costs: new Map() }));
      return known;
    }
    const remembered = byText.get(query);
    if (remembered) return remembered;
    let document: DocumentNode | null = null;
    try {
      document = parse(query, { maxTokens });
    } catch {
      // yoga answers the syntax error
    }
    const known = { document, sizes: document ? sizeVariables(document) : { pages: [], lists: [] }, costs: new Map<string, number>() };
    if (query.length <= DOCUMENT_CHARS) {
      if (byText.size >= DOCUMENTS) byText.delete(byText.keys().next().value!);
      byText.set(query, known);
    }
    return known;
  };
  return (query: string | DocumentNode, operationName: string | undefined, variables: Record<string, unknown>) => {
    const known = knownOf(query);
    if (!known.document) return undefined;
    const valueOf = (name: string) => (Object.hasOwn(variables, name) ? variables[name] : ABSENT);
    // An absent variable takes its default, an explicit null does not: they are different keys.
    const key = JSON.stringify([
      operationName ?? null,
      known.sizes.pages.map(valueOf),
      known.sizes.lists.map((name) => {
        const value = valueOf(name);
        return Array.isArray(value) ? { length: value.length } : value;
      }),
    ]);
    if (known.costs.has(key)) return known.costs.get(key);
    let cost: number | undefined;
    try {
      validate(schema, known.document, [createComplexityRule({ context: {}, variableValues: variables, operationName, validate: (state) => void (cost = state.complexity) })]);
    } catch {
      // an invalid document: yoga's validation refuses it
      return undefined;
    }
    // Invalid variables are not remembered: the next call's may be valid.
    if (cost !== undefined) {
      if (known.costs.size >= COSTS_PER_DOCUMENT) known.costs.clear();
      known.costs.set(key, cost);
    }
    return cost;
  };
}

export type CostCalculator = ReturnType<typeof createCostCalculator>;

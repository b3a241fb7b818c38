import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { createComplexityRule } from '@pothos/plugin-complexity';
import {
  type DocumentNode,
  getNamedType,
  getNullableType,
  GraphQLError,
  type GraphQLField,
  isListType,
  Kind,
  NoSchemaIntrospectionCustomRule,
  validate,
  visit,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { DEFAULT_PAGE_SIZE } from '../modules/common/paging.js';

/** The query limits; each has an environment variable (see config.ts and the README). */
export interface QueryLimits {
  /** levels of fields below the root field */
  depth: number;
  aliases: number;
  tokens: number;
  directives: number;
  /** the largest cost of an operation, list fields multiplied by the page size asked */
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
 * may hold — `first`/`last` when given, else the default page size for connections and 10
 * for other lists (a contact's emails, companies, ...).
 */
export function fieldComplexity(args: Record<string, unknown>, _context: unknown, field: Pick<GraphQLField<unknown, never>, 'args' | 'type' | 'name'>) {
  const pageSize = [args.first, args.last].find((n): n is number => typeof n === 'number');
  if (pageSize !== undefined) return { field: 1, multiplier: Math.max(0, pageSize) };
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

/**
 * Depth, aliases, tokens and directives through graphql-armor; cost through Pothos' complexity
 * rule, which reads `first`/`last` (armor's cost limit does not). Each is checked before the
 * operation starts, so one over a limit runs nothing.
 */
export function useQueryLimits(limits: QueryLimits): Plugin[] {
  const costOf = costCalculator();
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
      // Cost depends on the variables (`first: $first`), so it is checked per execution: yoga
      // caches validation by document text alone.
      onExecute({ args, setResultAndStopExecution }) {
        const cost = costOf(args.schema, args.document, args.operationName ?? undefined, (args.variableValues ?? {}) as Record<string, unknown>, args.contextValue as object);
        if (cost !== undefined && cost > limits.cost) {
          setResultAndStopExecution({
            errors: [
              new GraphQLError(`The operation costs ${cost}; the limit is ${limits.cost}. Ask for smaller pages or fewer fields.`, {
                extensions: { code: 'COST_LIMIT_EXCEEDED', cost: { actual: cost, max: limits.cost }, http: { status: 400 } },
              }),
            ],
          });
        }
      },
    },
  ];
}

/** The variables that give a `first` or `last` argument somewhere in a document. */
function pageSizeVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  visit(document, {
    Argument(node) {
      if ((node.name.value === 'first' || node.name.value === 'last') && node.value.kind === Kind.VARIABLE) names.add(node.value.name.value);
    },
  });
  return [...names];
}

const ABSENT = { absent: true };
/** distinct page sizes remembered per document; more start the memory of that document afresh */
const COSTS_PER_DOCUMENT = 100;

/**
 * An operation's cost, worked out by Pothos' complexity rule; undefined when its variables are
 * invalid (execution then refuses them). The rule coerces every variable, which for a 500-item
 * bulk input took a tenth of the call; but a cost depends only on the document, the operation
 * and its page sizes (`fieldComplexity` reads nothing else), so it is remembered by those.
 */
function costCalculator() {
  const byDocument = new WeakMap<DocumentNode, { pageVariables: string[]; costs: Map<string, number> }>();
  return (schema: Parameters<typeof validate>[0], document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown>, context: object) => {
    let known = byDocument.get(document);
    if (!known) byDocument.set(document, (known = { pageVariables: pageSizeVariables(document), costs: new Map() }));
    // An absent variable takes its default, an explicit null does not: they are different keys.
    const key = JSON.stringify([operationName ?? null, known.pageVariables.map((name) => (Object.hasOwn(variables, name) ? variables[name] : ABSENT))]);
    if (known.costs.has(key)) return known.costs.get(key);
    let cost: number | undefined;
    validate(schema, document, [createComplexityRule({ context, variableValues: variables, operationName, validate: (state) => void (cost = state.complexity) })]);
    // Invalid variables are not remembered: the next call's may be valid.
    if (cost !== undefined) {
      if (known.costs.size >= COSTS_PER_DOCUMENT) known.costs.clear();
      known.costs.set(key, cost);
    }
    return cost;
  };
}

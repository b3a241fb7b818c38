import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { createComplexityRule } from '@pothos/plugin-complexity';
import { getNamedType, getNullableType, GraphQLError, type GraphQLField, isListType, NoSchemaIntrospectionCustomRule, validate } from 'graphql';
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
        const errors = validate(args.schema, args.document, [
          createComplexityRule({
            context: args.contextValue as object,
            variableValues: (args.variableValues ?? {}) as Record<string, unknown>,
            operationName: args.operationName ?? undefined,
            validate: (state, report) => {
              if (state.complexity <= limits.cost) return;
              report(
                new GraphQLError(`The operation costs ${state.complexity}; the limit is ${limits.cost}. Ask for smaller pages or fewer fields.`, {
                  extensions: { code: 'COST_LIMIT_EXCEEDED', cost: { actual: state.complexity, max: limits.cost }, http: { status: 400 } },
                }),
              );
            },
          }),
        ]);
        const overCost = errors.filter((error) => error.extensions.code === 'COST_LIMIT_EXCEEDED');
        if (overCost.length > 0) setResultAndStopExecution({ errors: overCost });
      },
    },
  ];
}

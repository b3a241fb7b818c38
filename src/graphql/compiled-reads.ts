import { collectFields, collectSubFields } from '@graphql-tools/utils';
import {
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  getArgumentValues,
  getNamedType,
  getOperationAST,
  getVariableValues,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLScalarType,
  type GraphQLSchema,
  isAbstractType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  OperationTypeNode,
  visit,
} from 'graphql';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import { columnOf } from '../db/columns.js';
import { ID_PREFIXES, type NodeTypename } from '../modules/common/ids.js';
import { ArgumentError } from '../modules/common/result.js';
import type { Tenant } from '../tenant/tenant.js';
import type { Context } from './context.js';
import { faultError, isStatementTimeout } from './faults.js';

// The compiled read path. A read whose every root field declares `extensions.compiledRead`, and
// whose every selected field below declares how SQL reads it (`extensions.sql`, or a Prisma
// field exposed as it is), is answered without the resolvers: each root field costs PostgreSQL
// one statement whose rows carry the selection's JSON, built by json_build_object/json_agg in
// the selection's order (aliases, fragments and @include/@skip applied), and costs Node the
// parse of that JSON. Anything else — a field without SQL, a scope the key lacks (ssn without
// contacts:sensitive), @defer, an argument the domain refuses — runs through the resolvers as
// before, so both paths answer byte for byte the same (test/compiled-reads.test.ts).

/** A root field's statement: its parameters, in placeholder order. */
export interface SqlStatement {
  /** a placeholder for `value` ($1, $2…), with an SQL cast when given */
  param(value: unknown, cast?: string): string;
}

/**
 * What a field's SQL may name besides its rows: the caller's user id, as a placeholder bound when
 * the statement runs (a selection's SQL is compiled once per document and reused).
 */
export interface SqlCaller {
  readonly userId: string;
}

const VIEWER = '\u0001viewer\u0001';

/** How the compiled read path reads a field in SQL: the field's `extensions.sql`. */
export type FieldSql =
  /** a JSON-able value computed from the parent's row (`row` is its table alias) */
  | { value: (row: string, caller: SqlCaller) => string }
  /**
   * the nested object(s) read by a subquery: `from` is its FROM … WHERE, `child` the alias of the
   * nested rows; a list field aggregates them in `orderBy`, a single one takes the first
   */
  | {
      from: (row: string, child: string, caller: SqlCaller) => string;
      orderBy?: (child: string) => string;
      /** the type name of a row, when the field's type is an interface */
      typename?: (child: string) => string;
      /** the rows carry only `id` (of the type `typename` names): nothing else may be selected below */
      idsOnly?: boolean;
    }
  /** a nested object read from the parent's row itself (or a row its FROM joined) */
  | { sameRow: (row: string) => string };

/** A root field the compiled path answers: the field's `extensions.compiledRead`. */
export type RootRead = (read: RootReadInput) => Promise<unknown>;

export interface RootReadInput {
  /** the field's arguments, coerced */
  args: Record<string, unknown>;
  /** the field's nodes in the operation (one response key) */
  nodes: readonly FieldNode[];
  tenant: Tenant;
  statement: SqlStatement;
  /** the parameters of `statement`, in placeholder order */
  params: unknown[];
  /** runs the field's statement `sql` with `params` (outside Prisma: see SqlRunner.read) */
  rows<Row>(sql: string): Promise<Row[]>;
  /** the JSON of the selection below `nodes` on `type`, over the row aliased `row` */
  json(type: string, nodes: readonly FieldNode[], row: string): string;
  /** the fields selected below `nodes` on `type`, by response key */
  subFields(type: string, nodes: readonly FieldNode[]): Map<string, FieldNode[]>;
  /** a value as the scalar `type` answers it */
  serialize(type: string, value: unknown): unknown;
  /**
   * `build`'s text, built once per operation, its directive variables, the key's scopes and `key`
   * (what else the text depends on), then the same string: a new 10 KB statement text each
   * request cost a by-id read 12 µs of its 290 in the statement cache's hashing alone
   */
  remember(key: string, build: () => string): string;
}

/** The operation needs something the compiled path does not do: it runs through the resolvers. */
export class NotCompiled extends Error {}

export interface CompiledReadsOptions {
  /** called after an operation was answered by the compiled path, with its root fields' names and whether it was answered early */
  onAnswer?: (rootFields: readonly string[], early: boolean) => void;
  /** called when the compiled path failed and the operation ran through the resolvers instead */
  onError?: (error: unknown) => void;
  /**
   * false: every compiled read goes through yoga's parse, validation, context and executor
   * (the early answer, see useCompiledReads, is off)
   */
  early?: boolean;
}

/** What the early answer needs of the app: the context the app's context factory builds. */
export interface EarlyAnswerHooks {
  contextOf(request: Request): Promise<Context>;
  /** false when the operation must run through the executor all the same (a key's turn wraps it) */
  mayAnswerEarly?(request: Request, params: GraphQLParams): boolean;
}

/** json_build_object takes at most 100 arguments: 50 keys. */
const MAX_KEYS = 50;

/** The rows of `table` that belong to the parent (by organisation and `key`), in `orderBy`. */
export const childRows = (table: string, orderBy?: (child: string) => string, key = 'contact_id'): FieldSql => ({
  from: (row, child) => `FROM ${table} ${child} WHERE ${child}.organization_id = ${row}.organization_id AND ${child}.${key} = ${row}.id`,
  orderBy,
});

export const isoTimestamp = (sql: string) => `to_char(${sql} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

type Scopes = Record<string, unknown> | undefined;

interface PothosExtensions {
  pothosOptions?: { authScopes?: unknown; skipTypeScopes?: boolean };
  pothosExposedField?: string;
  pothosPrismaModel?: string;
  sql?: FieldSql;
  compiledRead?: RootRead;
}

const extensionsOf = (thing: { extensions?: unknown }) => (thing.extensions ?? {}) as PothosExtensions;

/** Scopes as `{ scope: true }` (any of them) are checked; anything else is left to the resolvers. */
function requireScopes(tenant: Tenant, scopes: unknown) {
  if (scopes === undefined) return;
  if (typeof scopes !== 'object' || scopes === null) throw new NotCompiled('scopes given as a function');
  const named = Object.entries(scopes as Scopes ?? {});
  if (named.some(([, wanted]) => wanted !== true)) throw new NotCompiled('scopes other than { scope: true }');
  if (!named.some(([scope]) => tenant.scopes.has(scope as never))) throw new NotCompiled('a scope the key lacks');
}

/** Compiles selections to SQL; what it compiled for one document, variables' directives and scopes, it remembers. */
class Compiler {
  private aliases = 0;
  readonly caller: SqlCaller = { userId: `${VIEWER}::uuid` };

  constructor(
    readonly schema: GraphQLSchema,
    readonly fragments: Record<string, FragmentDefinitionNode>,
    readonly variables: Record<string, unknown>,
    readonly tenant: Tenant,
  ) {}

  alias() {
    this.aliases += 1;
    return `t${this.aliases}`;
  }

  objectType(name: string): GraphQLObjectType {
    const type = this.schema.getType(name);
    if (!isObjectType(type)) throw new Error(`${name} is not an object type`);
    return type;
  }

  subFields(type: GraphQLObjectType, nodes: readonly FieldNode[]) {
    const { fields, patches } = collectSubFields(this.schema, this.fragments, this.variables, type, [...nodes]);
    if (patches.length > 0) throw new NotCompiled('@defer');
    for (const fieldNodes of fields.values()) {
      for (const node of fieldNodes) {
        if (node.directives?.some((d) => d.name.value !== 'include' && d.name.value !== 'skip')) throw new NotCompiled(`@${node.directives[0]!.name.value}`);
      }
    }
    return fields;
  }

  /** json_build_object of the selection below `nodes`, on the object type `type`, over `row` */
  objectJson(type: GraphQLObjectType, nodes: readonly FieldNode[], row: string, idsOnly = false): string {
    const typeScopes = extensionsOf(type).pothosOptions?.authScopes;
    const pairs: string[] = [];
    for (const [key, fieldNodes] of this.subFields(type, nodes)) {
      const name = fieldNodes[0]!.name.value;
      if (name === '__typename') {
        pairs.push(`'${key}', '${type.name}'`);
        continue;
      }
      const field = type.getFields()[name];
      if (!field) throw new NotCompiled(`${type.name}.${name} is not a field`);
      if (idsOnly && name !== 'id') throw new NotCompiled(`${type.name}.${name} below a field of ids`);
      const options = extensionsOf(field).pothosOptions;
      if (!options?.skipTypeScopes) requireScopes(this.tenant, typeScopes);
      requireScopes(this.tenant, options?.authScopes);
      if (field.args.length > 0) throw new NotCompiled(`${type.name}.${name} takes arguments`);
      pairs.push(`'${key}', ${this.fieldJson(type, field, fieldNodes, row)}`);
    }
    if (pairs.length > MAX_KEYS) throw new NotCompiled(`more than ${MAX_KEYS} keys in one object`);
    return `json_build_object(${pairs.join(', ')})`;
  }

  private fieldJson(parent: GraphQLObjectType, field: GraphQLField<unknown, unknown>, nodes: readonly FieldNode[], row: string): string {
    const sql = extensionsOf(field).sql;
    const named = getNamedType(field.type);
    if (isLeafType(named)) {
      if (sql && 'value' in sql) return sql.value(row, this.caller);
      const model = extensionsOf(parent).pothosPrismaModel;
      if (field.name === 'id' && model && parent.getInterfaces().some((i) => i.name === 'Node')) {
        return `'${ID_PREFIXES[parent.name as NodeTypename]}_' || ${row}.id`;
      }
      const exposed = extensionsOf(field).pothosExposedField;
      if (!model || !exposed) throw new NotCompiled(`${parent.name}.${field.name} has no SQL`);
      const column = `${row}."${columnOf(this.tenant.prisma, model, exposed)}"`;
      return named.name === 'DateTime' ? isoTimestamp(column) : column;
    }
    if (!sql || 'value' in sql) throw new NotCompiled(`${parent.name}.${field.name} has no SQL`);
    if ('sameRow' in sql) return this.nestedJson(named, nodes, sql.sameRow(row));
    const child = this.alias();
    const from = sql.from(row, child, this.caller);
    const json = this.nestedJson(named, nodes, child, sql);
    const order = sql.orderBy ? ` ORDER BY ${sql.orderBy(child)}` : '';
    const type = isNonNullType(field.type) ? field.type.ofType : field.type;
    return isListType(type) ? `(SELECT coalesce(json_agg(${json}${order}), '[]') ${from})` : `(SELECT ${json} ${from}${order} LIMIT 1)`;
  }

  private nestedJson(type: GraphQLNamedType, nodes: readonly FieldNode[], row: string, sql?: { typename?: (child: string) => string; idsOnly?: boolean }): string {
    if (isObjectType(type)) return this.objectJson(type, nodes, row, sql?.idsOnly);
    if (!isAbstractType(type) || !sql?.typename) throw new NotCompiled(`${type.name} has no SQL type name`);
    const branches = this.schema
      .getPossibleTypes(type)
      .map((possible) => `WHEN '${possible.name}' THEN ${this.objectJson(possible, nodes, row, sql.idsOnly)}`);
    return `CASE ${sql.typename(row)} ${branches.join(' ')} END`;
  }
}

/** The answer of a query the compiled path takes, or undefined when it runs through the resolvers. */
type Answer = ((context: Context) => Promise<Record<string, unknown> | undefined>) & { rootFields: readonly string[] };

interface RootField {
  key: string;
  field: GraphQLField<unknown, unknown> | null;
  nodes: FieldNode[];
}

/** What is known of one operation of a document, whatever its variables. */
interface CompiledOperation {
  operation: OperationDefinitionNode;
  fragments: Record<string, FragmentDefinitionNode>;
  /** the variables @include/@skip read: the selection depends on them alone */
  directiveVariables: string[];
  /** by the values of those variables: the root fields (null when one has no compiled read) */
  roots: Map<string, RootField[] | null>;
  /** by those values and the key's scopes: SQL and selections compiled (or the NotCompiled why not) */
  compiled: Map<string, Map<string, unknown>>;
}

const operations = new WeakMap<DocumentNode, Map<string, CompiledOperation | null>>();

function compiledOperation(document: DocumentNode, operationName: string | undefined): CompiledOperation | null {
  let byName = operations.get(document);
  if (!byName) operations.set(document, (byName = new Map()));
  const name = operationName ?? '';
  if (byName.has(name)) return byName.get(name)!;
  const operation = getOperationAST(document, operationName);
  let compiled: CompiledOperation | null = null;
  if (operation?.operation === OperationTypeNode.QUERY) {
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
    }
    const directiveVariables = new Set<string>();
    visit(document, {
      Directive(directive) {
        visit(directive, { Variable: (variable) => void directiveVariables.add(variable.name.value) });
      },
    });
    compiled = { operation, fragments, directiveVariables: [...directiveVariables], roots: new Map(), compiled: new Map() };
  }
  byName.set(name, compiled);
  return compiled;
}

const nodeIds = new WeakMap<FieldNode, number>();
let lastNodeId = 0;
/** A key naming a list of field nodes of a document. */
function nodesKey(nodes: readonly FieldNode[]) {
  return nodes
    .map((node) => {
      let id = nodeIds.get(node);
      if (id === undefined) nodeIds.set(node, (id = ++lastNodeId));
      return id;
    })
    .join(',');
}

/** `compute`'s answer remembered in `memo` under `key`, a NotCompiled included. */
function remembered<T>(memo: Map<string, unknown>, key: string, compute: () => T): T {
  if (!memo.has(key)) {
    try {
      memo.set(key, compute());
    } catch (error) {
      if (!(error instanceof NotCompiled)) throw error;
      memo.set(key, error);
    }
  }
  const value = memo.get(key);
  if (value instanceof NotCompiled) throw value;
  return value as T;
}

/** What an operation would need answered, when every root field has a compiled read. */
function answerOf(schema: GraphQLSchema, args: { document: unknown; operationName?: string | null; variableValues?: unknown }): Answer | undefined {
  const operation = compiledOperation(args.document as DocumentNode, args.operationName ?? undefined);
  if (!operation) return undefined;
  const query = schema.getQueryType()!;
  const coerced = getVariableValues(schema, operation.operation.variableDefinitions ?? [], (args.variableValues ?? {}) as Record<string, unknown>);
  if (coerced.errors) return undefined;
  const variables = coerced.coerced;
  const signature = JSON.stringify(operation.directiveVariables.map((name) => variables[name] ?? null));
  let roots = operation.roots.get(signature);
  if (roots === undefined) {
    roots = rootFieldsOf(schema, query, operation, variables);
    operation.roots.set(signature, roots);
  }
  if (!roots) return undefined;
  const fields = roots;
  const answer = async ({ tenant, db }: Context) => {
    const scopes = `${signature}|${[...tenant.scopes].sort().join(' ')}`;
    let memo = operation.compiled.get(scopes);
    if (!memo) operation.compiled.set(scopes, (memo = new Map()));
    const compiler = new Compiler(schema, operation.fragments, variables, tenant);
    const values = await Promise.all(
      fields.map(({ field, nodes }) => {
        if (!field) return query.name;
        requireScopes(tenant, extensionsOf(field).pothosOptions?.authScopes);
        const params: unknown[] = [];
        const param = (value: unknown, cast?: string) => {
          params.push(value);
          return cast ? `$${params.length}::${cast}` : `$${params.length}`;
        };
        let viewer: string | undefined;
        return extensionsOf(field).compiledRead!({
          args: getArgumentValues(field, nodes[0]!, variables),
          nodes,
          tenant,
          statement: { param },
          params,
          rows: (sql) => db.sql.read(sql, params),
          json: (type, below, row) => {
            const template = remembered(memo, `json ${type} ${row} ${nodesKey(below)}`, () => compiler.objectJson(compiler.objectType(type), below, row));
            return template.includes(VIEWER) ? template.replaceAll(VIEWER, (viewer ??= param(tenant.userId))) : template;
          },
          subFields: (type, below) => remembered(memo, `fields ${type} ${nodesKey(below)}`, () => compiler.subFields(compiler.objectType(type), below)),
          serialize: (type, value) => (schema.getType(type) as GraphQLScalarType).serialize(value),
          remember: (key, build) => remembered(memo, `text ${nodesKey(nodes)} ${key}`, build),
        });
      }),
    );
    return Object.fromEntries(fields.map(({ key }, index) => [key, values[index]]));
  };
  return Object.assign(answer, { rootFields: fields.map(({ field }) => field?.name ?? '__typename') });
}

/** The operation's root fields, or null when one of them has no compiled read. */
function rootFieldsOf(schema: GraphQLSchema, query: GraphQLObjectType, operation: CompiledOperation, variables: Record<string, unknown>): RootField[] | null {
  const { fields, patches } = collectFields(schema, operation.fragments, variables, query, operation.operation.selectionSet);
  if (patches.length > 0) return null;
  const roots: RootField[] = [];
  for (const [key, nodes] of fields) {
    const name = nodes[0]!.name.value;
    if (name === '__typename') {
      roots.push({ key, field: null, nodes });
      continue;
    }
    const field = query.getFields()[name];
    if (!field || !extensionsOf(field).compiledRead) return null;
    if (nodes.some((node) => node.directives?.some((d) => d.name.value !== 'include' && d.name.value !== 'skip'))) return null;
    roots.push({ key, field, nodes });
  }
  return roots;
}

/**
 * The answer's result, or undefined when the resolvers must answer: they say why a refusal is
 * one, or read what is not compiled. A statement cancelled by its timeout is answered as such
 * here: the resolvers would only wait as long again.
 */
async function resultOf(answer: Answer, context: Context, options: CompiledReadsOptions, early: boolean): Promise<ExecutionResult | undefined> {
  try {
    const data = await answer(context);
    if (data) options.onAnswer?.(answer.rootFields, early);
    return data && { data };
  } catch (error) {
    if (isStatementTimeout(error)) {
      context.log.warn({ err: error, requestId: context.requestId, rootFields: answer.rootFields }, 'statement timeout');
      return { data: null, errors: [faultError(error, context.requestId)] };
    }
    if (!(error instanceof NotCompiled) && !(error instanceof ArgumentError)) options.onError?.(error);
    return undefined;
  }
}

/** query texts remembered, and the longest remembered */
const TEXTS = 1000;
const TEXT_CHARS = 20_000;

/**
 * Answers the reads it can compile (see above); everything else runs as before.
 *
 * A query text this app has parsed, validated and answered compiled before is answered early,
 * from yoga's params, skipping its parse and validation caches, the envelop context and the
 * executor's hooks: 30 µs of the 270 µs of CPU a by-id read cost in-process (README,
 * Performance). What the text's validation said holds for it again (the schema and the rules
 * are fixed); the body's guards, the cost limit and the key's points budget have run by then
 * (onRequestParseDone and the other onParams hooks), the context is the app's own, and an
 * operation that needs the executor (a key's turn, a refusal, a selection not compiled) goes on
 * through it as if this were not here.
 */
export function useCompiledReads(schema: GraphQLSchema, options: CompiledReadsOptions, hooks?: EarlyAnswerHooks): Plugin {
  const validated = new Map<string, DocumentNode>();
  const early = hooks && options.early !== false;
  const answerEarly = async (request: Request, params: GraphQLParams, document: DocumentNode) => {
    if (hooks!.mayAnswerEarly && !hooks!.mayAnswerEarly(request, params)) return undefined;
    const answer = answerOf(schema, { document, operationName: params.operationName, variableValues: params.variables });
    if (!answer) return undefined;
    let context: Context;
    try {
      context = await hooks!.contextOf(request);
    } catch {
      // the executor's path answers the refusal (UNAUTHENTICATED) or the fault
      return undefined;
    }
    return resultOf(answer, context, options, true);
  };
  return {
    onParams({ paramsHandler, setParamsHandler }) {
      if (!early) return;
      // the params as the last onParams hook left them (APQ's query text, say)
      setParamsHandler((payload) => {
        const document = typeof payload.params.query === 'string' ? validated.get(payload.params.query) : undefined;
        if (!document) return paramsHandler(payload);
        return answerEarly(payload.request, payload.params, document).then((result) => result ?? paramsHandler(payload));
      });
    },
    onExecute({ args, executeFn, setExecuteFn }) {
      const answer = answerOf(schema, args);
      if (!answer) return;
      setExecuteFn(async (execution) => {
        const context = execution.contextValue as Context & { params?: GraphQLParams };
        const result = await resultOf(answer, context, options, false);
        if (!result) return executeFn(execution);
        const text = context.params?.query;
        if (early && text && text.length <= TEXT_CHARS && !validated.has(text)) {
          if (validated.size >= TEXTS) validated.delete(validated.keys().next().value!);
          validated.set(text, execution.document);
        }
        return result;
      });
    },
  };
}

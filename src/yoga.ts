import { randomUUID } from 'node:crypto';
import { createInMemoryAPQStore, useAPQ } from '@graphql-yoga/plugin-apq';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import { GraphQLError, getOperationAST, OperationTypeNode, parse } from 'graphql';
import { createGraphQLError, createYoga, type GraphQLParams, maskError, type Plugin } from 'graphql-yoga';
import pLimit from 'p-limit';
import type { Database } from './db/client.js';
import { pendingMigrationNames } from './db/migrator.js';
import { graphiqlOptions, renderGraphiQLPage, useGraphiQLAssets } from './graphiql.js';
import { type Context, DEFAULT_BULK_CONCURRENCY } from './graphql/context.js';
import { createTenant, DEFAULT_TENANT_SETTINGS, type TenantSettings } from './tenant/tenant.js';
import { unauthenticated } from './graphql/errors.js';
import { clientError, faultError, useFaults } from './graphql/faults.js';
import { createCostCalculator, DEFAULT_LIMITS, operationCostsOf, type QueryLimits, useQueryLimits } from './graphql/limits.js';
import { type ConcurrencyOptions, type RateLimiter, useKeyBudgets } from './graphql/rate-limit.js';
import { schema } from './graphql/schema.js';
import { type CompiledReadsOptions, useCompiledReads } from './graphql/compiled-reads.js';
import type { Logger } from './logger.js';
import { type ApiKeyCache, type ApiKeyCacheOptions, createApiKeyCache } from './modules/api-key/api-key.js';
import { illFormedPaths } from './modules/common/validation.js';
import { type ChangeEvents, createChangeEvents } from './tenant/change-events.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './modules/common/json-depth.js';

export interface AppOptions {
  db: Database;
  log: Logger;
  /** change events for subscriptions; in-process unless given one backed by Redis */
  events?: ChangeEvents;
  maxBodyBytes?: number;
  graphiql?: boolean;
  limits?: QueryLimits;
  /** a per-key points budget; none when absent */
  rateLimit?: RateLimiter;
  /** how many expensive operations of one key run at once; unbounded when absent */
  concurrency?: ConcurrencyOptions;
  /** bulk writes this app runs at once */
  bulkConcurrency?: number;
  /** the app's cache of authenticated keys (KEY_CACHE_TTL_MS, KEY_CACHE_MAX_ENTRIES by default) */
  apiKeyCache?: ApiKeyCacheOptions;
  /** hot reads answered by one SQL statement per root field (on by default); false: every read runs through the resolvers */
  compiledReads?: CompiledReadsOptions | false;
  /** how the tenants' reads and writes are bounded (TOTAL_COUNT_EXACT_LIMIT, the statement timeouts) */
  tenantSettings?: TenantSettings;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** /healthz: the process answers. /readyz: the database answers and is fully migrated. */
function useHealthChecks(db: Database): Plugin {
  let migrated = false;
  return {
    async onRequest({ url, endResponse }) {
      if (url.pathname === '/healthz') return endResponse(json(200, { status: 'ok' }));
      if (url.pathname !== '/readyz') return;
      try {
        if (!migrated) {
          const pending = await pendingMigrationNames(db.sql);
          if (pending.length > 0) return endResponse(json(503, { status: 'migrations pending', pending }));
          migrated = true;
        } else {
          await db.sql.query('SELECT 1');
        }
        endResponse(json(200, { status: 'ready' }));
      } catch {
        endResponse(json(503, { status: 'database unreachable' }));
      }
    },
  };
}

const tooLarge = (maxBytes: number, size: string) =>
  createGraphQLError(`Request body is ${size}; the limit is ${maxBytes} bytes.`, {
    extensions: { code: 'PAYLOAD_TOO_LARGE', http: { status: 413 } },
  });

/**
 * Refuses bodies over the limit: by Content-Length before reading, and a chunked body (no
 * length) as soon as what has arrived passes the limit.
 */
function useBodyLimit(maxBytes: number): Plugin {
  return {
    onRequest({ request, endResponse }) {
      const header = request.headers.get('content-length');
      // one non-negative integer, or the length is not to be trusted (request smuggling)
      if (header !== null && !/^\d+$/.test(header)) {
        return endResponse(json(400, { errors: [{ message: 'The Content-Length header is not a byte count.', extensions: { code: 'BAD_REQUEST' } }] }));
      }
      const length = Number(header ?? 0);
      if (length > maxBytes) {
        endResponse(json(413, { errors: [{ message: tooLarge(maxBytes, `${length} bytes`).message, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] }));
      }
    },
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      if (request.method !== 'POST' || request.headers.has('content-length') || !request.body || !requestParser) return;
      setRequestParser(async (chunked) => {
        const reader = chunked.body!.getReader();
        const chunks: Uint8Array[] = [];
        let size = 0;
        for (let read = await reader.read(); !read.done; read = await reader.read()) {
          size += read.value.byteLength;
          if (size > maxBytes) {
            await reader.cancel();
            throw tooLarge(maxBytes, `over ${maxBytes} bytes`);
          }
          chunks.push(read.value);
        }
        return requestParser(new fetchAPI.Request(chunked.url, { method: 'POST', headers: chunked.headers, body: Buffer.concat(chunks) }));
      });
    },
  };
}

const LONE_SURROGATE_ESCAPE = /\\ud[89a-f][0-9a-f]{2}/i;

/**
 * Ill-formed UTF-16 (a lone surrogate, which JSON can escape as "\ud800") in the variables of
 * a query or subscription: BAD_USER_INPUT before it runs. A mutation's inputs are checked by
 * the domain, which answers VALIDATION at the string's path (per item in a bulk write).
 */
function refuseIllFormedOutsideMutations(params: { query?: string; operationName?: string | null; variables?: unknown; extensions?: unknown }, text: string) {
  // JSON.stringify writes a lone surrogate, and only that, as a \udXXX escape: without one the
  // walk below (a path per string of a 500-item bulk body) is not needed.
  if (!LONE_SURROGATE_ESCAPE.test(text)) return;
  const paths = illFormedPaths({ variables: params.variables, extensions: params.extensions, operationName: params.operationName });
  if (paths.length === 0) return;
  let operation: OperationTypeNode | undefined;
  try {
    operation = params.query ? getOperationAST(parse(params.query), params.operationName)?.operation : undefined;
  } catch {
    // not GraphQL: refused below all the same
  }
  if (operation === OperationTypeNode.MUTATION) return;
  throw createGraphQLError(`Strings must be well-formed UTF-16: ${paths[0]!.join('.')} holds a lone surrogate.`, {
    extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
  });
}

/**
 * Refuses what no operation can be run from: an empty batch, JSON nested deeper than
 * MAX_JSON_DEPTH, and U+0000 in any string (PostgreSQL text cannot hold it), before anything runs.
 */
function useRequestGuards(log: Logger): Plugin {
  return {
    onRequestParse({ request }) {
      return {
        onRequestParseDone({ requestParserResult }) {
          if (Array.isArray(requestParserResult) && requestParserResult.length === 0) {
            throw createGraphQLError('A batched request needs at least one operation.', { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
          }
          if (nestsDeeperThan(requestParserResult, MAX_JSON_DEPTH)) {
            log.warn({ requestId: requestIds.get(request), maxDepth: MAX_JSON_DEPTH }, 'refused a request: its JSON nests too deep');
            throw createGraphQLError(`The request's JSON nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep.`, {
              extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
            });
          }
        },
      };
    },
    onParams({ params }) {
      const text = JSON.stringify(params);
      if (text.includes('\\u0000')) {
        throw createGraphQLError('Strings must not contain the NUL character (U+0000).', {
          extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
        });
      }
      refuseIllFormedOutsideMutations(params, text);
    },
  };
}

/** Every response names its request: the client's X-Request-Id or a new one. */
const requestIds = new WeakMap<Request, string>();
function useRequestIds(): Plugin {
  return {
    onRequest({ request }) {
      requestIds.set(request, request.headers.get('x-request-id')?.slice(0, 100) || randomUUID());
    },
    onResponse({ request, response }) {
      const id = requestIds.get(request);
      if (id) response.headers.set('X-Request-Id', id);
    },
  };
}

async function callerFromRequest(request: Request, apiKeys: ApiKeyCache) {
  const header = request.headers.get('authorization');
  if (!header) throw unauthenticated('Missing API key: send the header `Authorization: Bearer <api key>`.');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw unauthenticated('Malformed Authorization header: expected `Bearer <api key>`.');
  const auth = await apiKeys.authenticate(match[1]!);
  if (!auth) throw unauthenticated('Unknown or revoked API key.');
  return auth;
}

/**
 * What yoga logs, as fields of a log line. An error is written as its type and stack frames:
 * pino would write it as `{}`, and its message may quote the request (JSON.parse's does).
 */
function yogaLogFields(args: unknown[]) {
  return {
    args: args.map((arg) => (arg instanceof Error ? { type: arg.name, frames: arg.stack?.split('\n').slice(1).map((frame) => frame.trim()) } : arg)),
  };
}

export function createApp({
  db,
  log,
  maxBodyBytes = 1_048_576,
  graphiql = true,
  events = createChangeEvents(),
  limits = DEFAULT_LIMITS,
  rateLimit,
  concurrency,
  bulkConcurrency = DEFAULT_BULK_CONCURRENCY,
  apiKeyCache,
  compiledReads = {},
  tenantSettings = DEFAULT_TENANT_SETTINGS,
}: AppOptions) {
  const bulkWrites = pLimit(bulkConcurrency);
  const persistedQueries = createInMemoryAPQStore();
  const costOf = createCostCalculator(schema, limits.tokens);
  // A warm key costs no statement: this app's own cache, never shared with another app.
  const apiKeys = createApiKeyCache(db, apiKeyCache);
  // One authentication per HTTP request: the key budgets and each operation of a batch share it.
  const callers = new WeakMap<Request, ReturnType<typeof callerFromRequest>>();
  const callerOf = (request: Request) => {
    let caller = callers.get(request);
    if (!caller) {
      // a fault is logged once per request, however many operations and hooks ask
      caller = callerFromRequest(request, apiKeys).catch((error: unknown) => {
        if (error instanceof GraphQLError) throw error;
        const requestId = requestIds.get(request);
        log.error({ err: error, requestId }, 'fault while authenticating');
        throw faultError(error, requestId);
      });
      callers.set(request, caller);
    }
    return caller;
  };
  const contextOf = async (request: Request): Promise<Context> => {
    const requestId = requestIds.get(request) ?? randomUUID();
    const caller = await callerOf(request);
    // each operation of a batch has its own loaders: a write in one must not leave another's stale
    const tenant = createTenant({ ...caller, settings: tenantSettings }, db.prisma, events);
    return { tenant, bulkWrites, db, log: log.child({ requestId }), requestId };
  };
  // an operation a key's turn must wrap runs through the executor (useKeyBudgets' onExecute)
  const takesNoTurn = (_request: Request, params: GraphQLParams) =>
    typeof params.query === 'string' &&
    (costOf(params.query, params.operationName ?? undefined, (params.variables ?? {}) as Record<string, unknown>) ?? Infinity) < concurrency!.cost;
  return createYoga<Record<string, never>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: graphiql && graphiqlOptions,
    renderGraphiQL: renderGraphiQLPage,
    batching: { limit: limits.batch },
    // useBodyLimit is the one body limit: yoga's own piped every body through a TransformStream
    // it then aborted (a DOMException per request): 0.17 of the 0.30 ms of CPU a bare yoga spent
    // per `{ __typename }`
    maxRequestBodySize: false,
    logging: {
      debug: (...args) => log.debug(yogaLogFields(args), 'yoga'),
      info: (...args) => log.info(yogaLogFields(args), 'yoga'),
      warn: (...args) => log.warn(yogaLogFields(args), 'yoga'),
      error: (...args) => log.error(yogaLogFields(args), 'yoga'),
    },
    plugins: [
      useRequestIds(),
      useHealthChecks(db),
      ...(graphiql ? [useGraphiQLAssets()] : []),
      useBodyLimit(maxBodyBytes),
      // A request a browser would send cross-site without a preflight (a form post, a bare GET)
      // must carry one of these headers; every API call carries Authorization, which a page on
      // another origin cannot add without a preflight.
      useCSRFPrevention({ requestHeaders: ['authorization', 'x-graphql-yoga-csrf', 'apollo-require-preflight'] }),
      useRequestGuards(log),
      useAPQ({ store: persistedQueries }),
      ...useQueryLimits(limits, costOf, persistedQueries),
      // before the key budgets, so that their turns wrap the compiled answer too
      ...(compiledReads ? [useCompiledReads(schema, compiledReads, { contextOf, mayAnswerEarly: concurrency && takesNoTurn })] : []),
      ...(rateLimit || concurrency
        ? [
            useKeyBudgets({
              apiKeyOf: (request) => callerOf(request).then((caller) => caller.apiKeyId, () => null),
              operationCostsOf,
              costOf: (execution) => costOf(execution.document, execution.operationName ?? undefined, execution.variableValues ?? {}),
              rateLimit,
              concurrency,
            }),
          ]
        : []),
      useDeferStream(),
      useFaults(log),
    ],
    maskedErrors: {
      maskError(error, message, isDev) {
        const original = error instanceof GraphQLError ? error.originalError : error;
        return clientError(original) ?? maskError(error, message, isDev);
      },
    },
    context: ({ request }) => contextOf(request),
  });
}

export type App = ReturnType<typeof createApp>;

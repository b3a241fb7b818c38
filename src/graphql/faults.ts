import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../logger.js';
import { ArgumentError, ScopeError } from '../modules/common/result.js';

/** Prisma's and PostgreSQL's ways of saying the database cannot be reached right now. */
const UNAVAILABLE_CODES = new Set([
  'P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2037', // Prisma: unreachable, timeout, closed, pool timeout, too many connections
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT',
  '57P01', '57P02', '57P03', '53300', // PostgreSQL: shutting down, cannot connect now, too many connections
]);

/**
 * The errors an error wraps: its `cause`, and the driver adapter's error Prisma keeps in
 * `meta.driverAdapterError` (e.g. P2039 around PostgreSQL's 57P01 "terminating connection").
 */
function* chainOf(error: unknown): Generator<Record<string, unknown>> {
  for (let depth = 0; error && typeof error === 'object' && depth < 6; depth += 1) {
    const current = error as { cause?: unknown; meta?: { driverAdapterError?: unknown } };
    yield current as Record<string, unknown>;
    const adapterError = current.meta?.driverAdapterError;
    if (adapterError && typeof adapterError === 'object') yield* chainOf(adapterError);
    error = current.cause;
  }
}

const UNAVAILABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connect ECONNREFUSED|Can't reach database server|Server has closed the connection|not queryable|the database system is (shutting down|starting up)/i;

function isUnavailable(error: unknown): boolean {
  for (const { code, originalCode, kind, message } of chainOf(error)) {
    if ((typeof code === 'string' && UNAVAILABLE_CODES.has(code)) || (typeof originalCode === 'string' && UNAVAILABLE_CODES.has(originalCode))) return true;
    if (typeof kind === 'string' && UNAVAILABLE_KINDS.has(kind)) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
  }
  return false;
}

/** Prisma's codes for a write that lost a race: a row it refers to was deleted, or a unique value taken. */
const CONFLICT_CODES = new Set(['P2002', 'P2003', 'P2025', 'P2034', '23503', '23505', '40001', '40P01']);

function isConflict(error: unknown): boolean {
  for (const { code, originalCode } of chainOf(error)) {
    if ((typeof code === 'string' && CONFLICT_CODES.has(code)) || (typeof originalCode === 'string' && CONFLICT_CODES.has(originalCode))) return true;
  }
  return false;
}

/** PostgreSQL cancelled a statement that ran past its statement_timeout (57014, query_canceled). */
export function isStatementTimeout(error: unknown): boolean {
  for (const { code, originalCode, message } of chainOf(error)) {
    if (code === '57014' || originalCode === '57014') return true;
    if (typeof message === 'string' && /canceling statement due to statement timeout/.test(message)) return true;
  }
  return false;
}

/**
 * The one place an unexpected error becomes what a client sees: a database that cannot be
 * reached is SERVICE_UNAVAILABLE (HTTP 503), a statement that ran past its time is
 * STATEMENT_TIMEOUT, a write that lost a race with a concurrent delete or insert is CONFLICT
 * (worth retrying), anything else INTERNAL_SERVER_ERROR; never a message, SQL or stack of the
 * original. The request id ties it to the server's log.
 */
export function faultError(error: unknown, requestId: string | undefined): GraphQLError {
  if (isStatementTimeout(error)) {
    return new GraphQLError('The database took longer than this server allows for one statement of this request, and it was cancelled (nothing it would have written was kept); narrow it (a filter, a smaller page or batch) or retry later.', {
      extensions: { code: 'STATEMENT_TIMEOUT', ...(requestId ? { requestId } : {}) },
    });
  }
  if (!isUnavailable(error) && isConflict(error)) {
    return new GraphQLError('A record this request refers to changed meanwhile (deleted or taken by a concurrent request); retry.', {
      extensions: { code: 'CONFLICT', ...(requestId ? { requestId } : {}) },
    });
  }
  const unavailable = isUnavailable(error);
  return new GraphQLError(unavailable ? 'The database is unavailable; try again shortly.' : 'Unexpected error.', {
    extensions: {
      code: unavailable ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_SERVER_ERROR',
      ...(requestId ? { requestId } : {}),
      ...(unavailable ? { http: { status: 503, headers: { 'Retry-After': '1' } } } : {}),
    },
  });
}

/** An error a client caused (a bad argument, a malformed request), as a coded GraphQL error. */
export function clientError(error: unknown): GraphQLError | null {
  if (error instanceof ArgumentError) return new GraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT' } });
  if (error instanceof ScopeError) return new GraphQLError(error.message, { extensions: { code: 'FORBIDDEN', field: error.path.map(String) } });
  // yoga parses `variables`/`extensions` of a GET with JSON.parse
  if (error instanceof SyntaxError) {
    return new GraphQLError('Malformed request: a parameter is not valid JSON.', { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
  }
  return null;
}

const isExpected = (error: GraphQLError) => !error.originalError || error.originalError instanceof GraphQLError;

/**
 * Replaces the errors of an execution that did not come from a GraphQL error (a resolver's
 * bug, a database fault) by coded faults carrying the request id, logging each original with
 * that id; and gives every remaining GraphQL error a code.
 */
export function useFaults(log: Logger): Plugin<{ requestId?: string; log?: Logger }> {
  const settle = (errors: readonly GraphQLError[], context: { requestId?: string; log?: Logger }) =>
    errors.map((error) => {
      if (isExpected(error)) return error;
      const mapped = clientError(error.originalError);
      if (mapped) return new GraphQLError(mapped.message, { path: error.path, extensions: mapped.extensions });
      (context.log ?? log).error({ err: error.originalError, path: error.path, requestId: context.requestId }, 'fault while executing');
      const fault = faultError(error.originalError, context.requestId);
      return new GraphQLError(fault.message, { path: error.path, extensions: fault.extensions });
    });
  return {
    onExecute({ args }) {
      const context = args.contextValue;
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) return;
          if (result.errors?.length) setResult({ ...result, errors: settle(result.errors, context) });
        },
      };
    },
    onResultProcess({ result }) {
      // Errors of validation and variable coercion come without a code: they are the request's.
      for (const single of Array.isArray(result) ? result : [result]) {
        if (!single || typeof single !== 'object' || !('errors' in single)) continue;
        for (const error of (single.errors ?? []) as GraphQLError[]) {
          if (error.extensions && error.extensions.code === undefined) {
            (error.extensions as Record<string, unknown>).code = error.message.startsWith('Syntax Error') ? 'GRAPHQL_PARSE_FAILED' : 'BAD_USER_INPUT';
          }
        }
      }
    },
  };
}

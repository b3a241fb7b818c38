import path from 'node:path';
import { type DatabaseOptions, DEFAULT_STATEMENT_TIMEOUTS, type StatementTimeouts } from './db/client.js';
import { DEFAULT_BULK_CONCURRENCY } from './graphql/context.js';
import { DEFAULT_EXACT_COUNT_LIMIT, type TenantSettings } from './tenant/tenant.js';
import { DEFAULT_LIMITS, type QueryLimits } from './graphql/limits.js';
import type { ConcurrencyOptions } from './graphql/rate-limit.js';

export interface Config {
  port: number;
  host: string;
  /** PostgreSQL connection string; when absent the embedded PGlite database is used */
  databaseUrl: string | undefined;
  /** where the embedded database keeps its files */
  dataDir: string;
  redisUrl: string | undefined;
  logLevel: string;
  /** largest accepted request body, in bytes */
  maxBodyBytes: number;
  /** seconds to let in-flight requests finish on SIGTERM/SIGINT */
  shutdownGraceSeconds: number;
  /** seconds a client has to send a request's headers, and its whole request (headers and body) */
  headersTimeoutSeconds: number;
  requestTimeoutSeconds: number;
  /** seconds an idle keep-alive connection stays open */
  keepAliveTimeoutSeconds: number;
  /** open connections at once (subscriptions included); 0 for no cap */
  maxConnections: number;
  production: boolean;
  /** GraphiQL on GET /graphql from a browser */
  graphiql: boolean;
  limits: QueryLimits;
  /** cost points per API key per window (a request costs its cost / 100, at least 1); 0 turns the budget off */
  rateLimitPoints: number;
  rateLimitWindowSeconds: number;
  /** expensive operations of one key running at once per process, and waiting; undefined: unbounded */
  concurrency: ConcurrencyOptions | undefined;
  /** bulk writes (createContacts, upsertContacts) one process runs at once; more wait their turn */
  bulkConcurrency: number;
  /** PostgreSQL connections of a process at most */
  databasePoolSize: number;
  /** statements prepared once per connection by name; off behind a pooler that does not track them */
  databaseNamedStatements: boolean;
  statementTimeouts: StatementTimeouts;
  /** contacts a list counts one by one before its totalCount becomes an estimate */
  exactCountLimit: number;
}

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) {
    throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  }
  return parsed;
}

function flag(name: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  if (/^(1|true|on|yes)$/i.test(value)) return true;
  if (/^(0|false|off|no)$/i.test(value)) return false;
  throw new Error(`${name} must be true or false, got "${value}"`);
}

function connectionLimits(env: NodeJS.ProcessEnv, positive: (name: string, fallback: number) => number) {
  const headersTimeoutSeconds = positive('HEADERS_TIMEOUT_SECONDS', 10);
  const requestTimeoutSeconds = positive('REQUEST_TIMEOUT_SECONDS', 30);
  // Node refuses a headers timeout longer than the request's.
  if (headersTimeoutSeconds > requestTimeoutSeconds) throw new Error('HEADERS_TIMEOUT_SECONDS must not exceed REQUEST_TIMEOUT_SECONDS');
  return {
    headersTimeoutSeconds,
    requestTimeoutSeconds,
    keepAliveTimeoutSeconds: positive('KEEP_ALIVE_TIMEOUT_SECONDS', 5),
    maxConnections: integer('MAX_CONNECTIONS', env.MAX_CONNECTIONS, 1000),
  };
}

/**
 * 25 points a second per key, counted over a minute: 1500 small requests (the request count
 * limit before was 1200), or one and a half of the largest cost (100,000 = 1000 points).
 */
export const DEFAULT_RATE_LIMIT_POINTS = 1500;

/**
 * One expensive operation (cost 1000 or more) of a key runs at a time and ten wait: a key cannot
 * crowd out other tenants' work (a batch's operations too take turns), and a client sending a
 * full batch still gets it served.
 */
export const DEFAULT_CONCURRENCY: ConcurrencyOptions = { cost: 1000, perKey: 1, queue: 10 };

function concurrencyOf(env: NodeJS.ProcessEnv): ConcurrencyOptions | undefined {
  const perKey = integer('EXPENSIVE_OPERATIONS_PER_KEY', env.EXPENSIVE_OPERATIONS_PER_KEY, DEFAULT_CONCURRENCY.perKey);
  if (perKey === 0) return undefined;
  return {
    cost: integer('EXPENSIVE_OPERATION_COST', env.EXPENSIVE_OPERATION_COST, DEFAULT_CONCURRENCY.cost),
    perKey,
    queue: integer('EXPENSIVE_OPERATION_QUEUE', env.EXPENSIVE_OPERATION_QUEUE, DEFAULT_CONCURRENCY.queue),
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === 'production';
  const positive = (name: string, fallback: number) => {
    const value = integer(name, env[name], fallback);
    if (value < 1) throw new Error(`${name} must be at least 1`);
    return value;
  };
  return {
    port: integer('PORT', env.PORT, 4000),
    host: env.HOST || '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.DATA_DIR || '.data'),
    redisUrl: env.REDIS_URL || undefined,
    logLevel: env.LOG_LEVEL || 'info',
    maxBodyBytes: integer('MAX_BODY_BYTES', env.MAX_BODY_BYTES, 1_048_576),
    shutdownGraceSeconds: integer('SHUTDOWN_GRACE_SECONDS', env.SHUTDOWN_GRACE_SECONDS, 10),
    ...connectionLimits(env, positive),
    production,
    graphiql: flag('GRAPHIQL', env.GRAPHIQL, !production),
    limits: {
      depth: positive('MAX_DEPTH', DEFAULT_LIMITS.depth),
      aliases: positive('MAX_ALIASES', DEFAULT_LIMITS.aliases),
      tokens: positive('MAX_TOKENS', DEFAULT_LIMITS.tokens),
      directives: positive('MAX_DIRECTIVES', DEFAULT_LIMITS.directives),
      cost: positive('MAX_COST', DEFAULT_LIMITS.cost),
      batch: positive('MAX_BATCH_OPERATIONS', DEFAULT_LIMITS.batch),
      introspection: flag('INTROSPECTION', env.INTROSPECTION, !production),
      fieldSuggestions: !production,
    },
    // RATE_LIMIT_REQUESTS is the name of the budget before it counted points; still read when alone
    rateLimitPoints: env.RATE_LIMIT_POINTS ? integer('RATE_LIMIT_POINTS', env.RATE_LIMIT_POINTS, 0) : integer('RATE_LIMIT_REQUESTS', env.RATE_LIMIT_REQUESTS, DEFAULT_RATE_LIMIT_POINTS),
    rateLimitWindowSeconds: positive('RATE_LIMIT_WINDOW_SECONDS', 60),
    concurrency: concurrencyOf(env),
    bulkConcurrency: positive('BULK_CONCURRENCY', DEFAULT_BULK_CONCURRENCY),
    databasePoolSize: positive('DATABASE_POOL_SIZE', 10),
    databaseNamedStatements: flag('DATABASE_NAMED_STATEMENTS', env.DATABASE_NAMED_STATEMENTS, true),
    statementTimeouts: {
      read: integer('STATEMENT_TIMEOUT_READ_MS', env.STATEMENT_TIMEOUT_READ_MS, DEFAULT_STATEMENT_TIMEOUTS.read),
      write: integer('STATEMENT_TIMEOUT_WRITE_MS', env.STATEMENT_TIMEOUT_WRITE_MS, DEFAULT_STATEMENT_TIMEOUTS.write),
      bulk: integer('STATEMENT_TIMEOUT_BULK_MS', env.STATEMENT_TIMEOUT_BULK_MS, DEFAULT_STATEMENT_TIMEOUTS.bulk),
      export: integer('STATEMENT_TIMEOUT_EXPORT_MS', env.STATEMENT_TIMEOUT_EXPORT_MS, DEFAULT_STATEMENT_TIMEOUTS.export),
    },
    exactCountLimit: integer('TOTAL_COUNT_EXACT_LIMIT', env.TOTAL_COUNT_EXACT_LIMIT, DEFAULT_EXACT_COUNT_LIMIT),
  };
}

/**
 * How the configured database is opened: PostgreSQL with the pool's size and `statementTimeoutMs`
 * as every connection's default (the reads' unless given), or the embedded PGlite.
 */
export function databaseOptions(config: Config, statementTimeoutMs = config.statementTimeouts.read): DatabaseOptions {
  return config.databaseUrl
    ? { url: config.databaseUrl, poolSize: config.databasePoolSize, statementTimeoutMs, namedStatements: config.databaseNamedStatements }
    : { dataDir: config.dataDir };
}

/** The tenants' settings the configuration gives. */
export const tenantSettings = (config: Config): TenantSettings => ({ exactCountLimit: config.exactCountLimit, statementTimeouts: config.statementTimeouts });

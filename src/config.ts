import path from 'node:path';
import { DEFAULT_BULK_CONCURRENCY } from './graphql/context.js';
import { DEFAULT_LIMITS, type QueryLimits } from './graphql/limits.js';

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
  /** requests per API key per window; 0 turns the rate limit off */
  rateLimitPoints: number;
  rateLimitWindowSeconds: number;
  /** bulk writes (createContacts, upsertContacts) one process runs at once; more wait their turn */
  bulkConcurrency: number;
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
    rateLimitPoints: integer('RATE_LIMIT_REQUESTS', env.RATE_LIMIT_REQUESTS, 1200),
    rateLimitWindowSeconds: positive('RATE_LIMIT_WINDOW_SECONDS', 60),
    bulkConcurrency: positive('BULK_CONCURRENCY', DEFAULT_BULK_CONCURRENCY),
  };
}

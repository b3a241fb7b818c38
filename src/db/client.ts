import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { lockDataDir } from './data-dir-lock.js';
import { PrismaClient } from './generated/prisma/client.js';

export type { PrismaClient };

/** A connection that runs plain SQL outside Prisma: migrations, health checks, locks. */
export interface SqlSession {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  /** runs a script of several statements (no parameters) */
  exec(script: string): Promise<void>;
}

export interface SqlRunner extends SqlSession {
  /** runs `work` inside one transaction on one connection; rolls back when it throws */
  transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
  /**
   * One read statement outside Prisma (the compiled read path's, the API key lookup), reported
   * to the statement listeners; on PostgreSQL named, so each connection prepares it once.
   * Prisma's $queryRawUnsafe cost 554 µs of CPU per run of the contact-by-id statement, pg's
   * named query 230 µs. JSON columns arrive parsed; a bigint may arrive as a string.
   */
  read<Row = Record<string, unknown>>(text: string, params: readonly unknown[]): Promise<Row[]>;
}

export interface Database {
  kind: 'pglite' | 'postgres';
  prisma: PrismaClient;
  sql: SqlRunner;
  /** subscribes to every SQL statement Prisma sends (when created with recordStatements) */
  onStatement(listener: (sql: string) => void): () => void;
  close(): Promise<void>;
}

/**
 * Milliseconds a statement may run, by request class (0: no limit): `read` is every
 * connection's default, the others are set by the transactions of writes and bulk writes;
 * `export` is the CLI export's connections' default. PGlite enforces none of them.
 */
export interface StatementTimeouts {
  read: number;
  write: number;
  bulk: number;
  export: number;
}

export const DEFAULT_STATEMENT_TIMEOUTS: StatementTimeouts = { read: 5_000, write: 5_000, bulk: 60_000, export: 60_000 };

export interface DatabaseOptions {
  /** PostgreSQL connection string; without it, PGlite */
  url?: string;
  /** PGlite data folder; without it (and without url), an in-memory database */
  dataDir?: string;
  /** emit Prisma's query events so statements can be counted (tests, benchmarks) */
  recordStatements?: boolean;
  /** PostgreSQL connections at most (DATABASE_POOL_SIZE); 10 by default */
  poolSize?: number;
  /** every connection's statement_timeout in ms (0: none, PostgreSQL's default) */
  statementTimeoutMs?: number;
  /**
   * false: every statement unnamed, parsed and planned on each run (DATABASE_NAMED_STATEMENTS):
   * behind a pooler in transaction mode that does not track prepared statements (PgBouncer
   * before 1.21), where a connection's named statements are another client's
   */
  namedStatements?: boolean;
}

function withStatementEvents(recordStatements: boolean | undefined) {
  return recordStatements ? { log: [{ emit: 'event' as const, level: 'query' as const }] } : {};
}

/** The listeners of every statement sent, through Prisma or `read`; `sent` tells them of one of `read`'s. */
function statementHub(prisma: PrismaClient, enabled: boolean | undefined) {
  const listeners = new Set<(sql: string) => void>();
  const sent = (sql: string) => {
    for (const listener of listeners) listener(sql);
  };
  if (enabled) {
    (prisma as unknown as { $on(event: 'query', cb: (e: { query: string }) => void): void }).$on('query', (event) => sent(event.query));
  }
  return {
    sent: enabled ? sent : () => {},
    subscribe(listener: (sql: string) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

/**
 * A statement's name: one per text, so a connection parses and plans each text once. Names are
 * remembered by text (a Map lookup instead of SHA-1 over a page statement's 10–15 KB: 2.7 % of
 * the CPU of a contact read); the memory starts over past 1,000 texts.
 */
const statementNames = new Map<string, string>();
/**
 * Leads a statement to be parsed and planned on each run, for its values (unnamed): one whose
 * best plan depends on them more than parsing it costs (a count of a tag's contacts).
 */
export const PLANNED_EACH_RUN = '/* planned each run */ ';
function statementName(sql: string) {
  if (sql.startsWith(PLANNED_EACH_RUN)) return undefined;
  let name = statementNames.get(sql);
  if (name === undefined) {
    if (statementNames.size >= 1000) statementNames.clear();
    statementNames.set(sql, (name = `cg_${createHash('sha1').update(sql).digest('base64url')}`));
  }
  return name;
}

/**
 * pglite-prisma-adapter's transactions have no savepoints, which Prisma's nested transactions
 * (a bulk upsert's items inside the call's one transaction) need: they are plain SQL.
 */
function withSavepoints(factory: PrismaPGlite): PrismaPGlite {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const start = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) => {
      const tx = await start(isolationLevel);
      const run = async (sql: string) => {
        await tx.executeRaw({ sql, args: [], argTypes: [] });
      };
      return Object.assign(tx, {
        createSavepoint: (name: string) => run(`SAVEPOINT ${name}`),
        rollbackToSavepoint: (name: string) => run(`ROLLBACK TO SAVEPOINT ${name}`),
        releaseSavepoint: (name: string) => run(`RELEASE SAVEPOINT ${name}`),
      });
    };
    return adapter;
  };
  return factory;
}

async function openPglite(options: DatabaseOptions): Promise<Database> {
  let unlock = async () => {};
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    unlock = await lockDataDir(options.dataDir, (error) => {
      // Another process may be writing the folder now: stop rather than corrupt it.
      throw new Error(`lost the lock on the embedded database in ${options.dataDir}: ${error.message}`);
    });
  }
  const pglite = await PGlite.create(options.dataDir, { extensions: { pg_trgm } }).catch(async (error: unknown) => {
    await unlock();
    throw error;
  });
  const prisma = new PrismaClient({
    adapter: withSavepoints(new PrismaPGlite(pglite)),
    ...withStatementEvents(options.recordStatements),
  });
  const session = (db: Pick<PGlite, 'query' | 'exec'>): SqlSession => ({
    async query<Row>(text: string, params?: unknown[]) {
      return (await db.query<Row>(text, params)).rows;
    },
    async exec(script: string) {
      await db.exec(script);
    },
  });
  const statements = statementHub(prisma, options.recordStatements);
  return {
    kind: 'pglite',
    prisma,
    sql: {
      ...session(pglite),
      transaction: (work) => pglite.transaction((tx) => work(session(tx))),
      async read<Row>(text: string, params: readonly unknown[]) {
        statements.sent(text);
        return (await pglite.query<Row>(text, [...params])).rows;
      },
    },
    onStatement: statements.subscribe,
    async close() {
      await prisma.$disconnect();
      await pglite.close();
      await unlock();
    },
  };
}

async function openPostgres(url: string, options: DatabaseOptions): Promise<Database> {
  // JIT off: a compiled read's statement (a page's JSON: hundreds of expressions) is estimated
  // above jit_above_cost, and PostgreSQL spent 111 ms of 144 compiling it to machine code on
  // every run (EXPLAIN ANALYZE: 331 functions), for a statement that runs in 30 ms without.
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    options: `-c jit=off${options.statementTimeoutMs === undefined ? '' : ` -c statement_timeout=${options.statementTimeoutMs}`}`,
  });
  // An idle client that loses its server (restart, failover) must not crash the process.
  pool.on('error', () => {});
  const nameOf = options.namedStatements === false ? () => undefined : statementName;
  const prisma = new PrismaClient({
    // Named statements are parsed once per connection: later runs send only their parameters.
    // Prisma's statements for a page of contacts with its relations run to many kilobytes of
    // SQL, which PostgreSQL would otherwise receive and parse again on every request.
    // (its type says a string; pg sends a statement without a name unnamed)
    adapter: new PrismaPg(pool, { statementNameGenerator: ({ sql }) => nameOf(sql) as string }),
    ...withStatementEvents(options.recordStatements),
  });
  const session = (client: pg.Pool | pg.PoolClient): SqlSession => ({
    async query<Row>(text: string, params?: unknown[]) {
      return (await client.query(text, params)).rows as Row[];
    },
    async exec(script: string) {
      await client.query(script);
    },
  });
  const statements = statementHub(prisma, options.recordStatements);
  return {
    kind: 'postgres',
    prisma,
    sql: {
      ...session(pool),
      async read<Row>(text: string, params: readonly unknown[]) {
        statements.sent(text);
        return (await pool.query({ name: nameOf(text), text, values: [...params] })).rows as Row[];
      },
      async transaction(work) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const result = await work(session(client));
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          throw error;
        } finally {
          client.release();
        }
      },
    },
    onStatement: statements.subscribe,
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

export function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.url ? openPostgres(options.url, options) : openPglite(options);
}

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Config, databaseOptions, loadConfig, tenantSettings } from './config.js';
import { openDatabase } from './db/client.js';
import { seedDemoIfEmpty } from './modules/organization/organization-demo.js';
import { migrate } from './db/migrator.js';
import { Redis } from 'ioredis';
import { createRateLimiter } from './graphql/rate-limit.js';
import { createLogger, limitLogFlush } from './logger.js';
import { createChangeEvents } from './tenant/change-events.js';
import { reportRedisOutages } from './modules/common/redis-outages.js';

/** Opens the database, migrates it, and serves GraphQL until SIGTERM/SIGINT. */
export async function serve(config: Config = loadConfig()) {
  const startedAt = performance.now();
  const log = createLogger(config.logLevel);
  // The database opens (PGlite compiles its WebAssembly) while the schema is built.
  const [db, { createApp }] = await Promise.all([
    openDatabase(databaseOptions(config)),
    import('./yoga.js'),
  ]);
  const { applied } = await migrate(db.sql);
  if (applied.length > 0) log.info({ applied }, 'applied migrations');
  const demoKey = config.databaseUrl ? null : await seedDemoIfEmpty(db);

  const events = createChangeEvents(config.redisUrl, log);
  const redis = config.redisUrl && config.rateLimitPoints > 0 ? new Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1 }) : undefined;
  if (redis) {
    reportRedisOutages(log, [redis], {
      down: 'rate-limit redis unavailable: budgets are per instance meanwhile',
      up: 'rate-limit redis reachable again: budgets are shared again',
    });
  }
  const rateLimit =
    config.rateLimitPoints > 0 ? createRateLimiter({ points: config.rateLimitPoints, windowSeconds: config.rateLimitWindowSeconds, redis }) : undefined;
  const yoga = createApp({ db, log, events, maxBodyBytes: config.maxBodyBytes, graphiql: config.graphiql, limits: config.limits, rateLimit, concurrency: config.concurrency, bulkConcurrency: config.bulkConcurrency, tenantSettings: tenantSettings(config) });
  const server = createServer(
    {
      headersTimeout: config.headersTimeoutSeconds * 1000,
      requestTimeout: config.requestTimeoutSeconds * 1000,
      keepAliveTimeout: config.keepAliveTimeoutSeconds * 1000,
      // how often the two timeouts above are checked (Node's 30 s would let a slow client stay that much longer)
      connectionsCheckingInterval: 1000,
    },
    yoga,
  );
  if (config.maxConnections > 0) {
    server.maxConnections = config.maxConnections;
    let droppedSince = 0;
    server.on('drop', () => {
      if (Date.now() - droppedSince < 60_000) return;
      droppedSince = Date.now();
      log.warn({ maxConnections: config.maxConnections }, 'refusing connections: MAX_CONNECTIONS are open (said once a minute at most)');
    });
  }
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://localhost:${port}/graphql`;
  if (demoKey) {
    process.stderr.write(
      `\nA demo organisation was created. Its API key (shown only this once):\n\n  ${demoKey}\n\n` +
        `Try it:\n\n  curl -s ${url} -H 'Content-Type: application/json' -H 'Authorization: Bearer ${demoKey}' ` +
        `-d '{"query":"{ viewer { organization { name } user { email } scopes } }"}'\n\n` +
        `Or open ${url} in a browser and put {"Authorization": "Bearer ${demoKey}"} in the Headers pane.\n\n`,
    );
  }
  log.info(
    { url, database: config.databaseUrl ? 'postgres' : `pglite:${config.dataDir}`, startupMs: Math.round(performance.now() - startedAt), sinceProcessStartMs: Math.round(process.uptime() * 1000) },
    'contactgraph is serving',
  );

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      log.info('shutting down: finishing in-flight requests');
      const force = setTimeout(() => server.closeAllConnections(), config.shutdownGraceSeconds * 1000);
      force.unref();
      // Keep-alive connections close as soon as their in-flight request is answered.
      const reap = setInterval(() => server.closeIdleConnections(), 50);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      clearInterval(reap);
      clearTimeout(force);
      await Promise.all([db.close(), events.close(), redis?.quit()]);
      log.info('stopped');
    })();
    return closing;
  };
  return { url, port, close, db, log, shutdownGraceSeconds: config.shutdownGraceSeconds };
}

export async function main() {
  const { close, log, shutdownGraceSeconds } = await serve();
  const exit = (code: number) => {
    limitLogFlush(log);
    process.exit(code);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      // Whatever in-flight work or the log's reader does, the process ends: the grace, then a
      // second for the database and the log to close.
      setTimeout(() => {
        exit(1);
      }, (shutdownGraceSeconds + 1) * 1000).unref();
      close().then(
        () => exit(0),
        () => exit(1),
      );
    });
  }
}

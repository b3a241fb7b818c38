import type { Redis } from 'ioredis';
import type { Logger } from '../../logger.js';

/**
 * Logs an outage of Redis once: a warning when the first of `clients` fails to reach it, a
 * line when all of them are connected again. The listeners also stop ioredis printing
 * "Unhandled error event" to stderr at every reconnection attempt.
 */
export function reportRedisOutages(log: Logger, clients: Redis[], say: { down: string; up: string }) {
  const unreachable = new Set<Redis>();
  for (const client of clients) {
    client.on('error', (error: NodeJS.ErrnoException) => {
      // (a refused connection to both of localhost's addresses is an AggregateError without a message)
      if (unreachable.size === 0) log.warn({ error: error.message || error.code }, say.down);
      unreachable.add(client);
    });
    client.on('ready', () => {
      if (unreachable.delete(client) && unreachable.size === 0) log.info(say.up);
    });
  }
}

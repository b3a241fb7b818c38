import { pino } from 'pino';

/** lines waiting for a slow log reader beyond this are dropped */
const MAX_PENDING_LOG_BYTES = 16 * 1024 * 1024;

/** per destination: until when a full pipe is retried (unset: for ever) */
const retryUntil = new WeakMap<object, number>();

/**
 * Structured JSON logs on stdout, one object a line. Written asynchronously: with pino's
 * default synchronous writes, a stdout pipe nobody reads (a stuck log collector, a parent
 * that stopped reading) filled up and then blocked the process for good, SIGTERM included.
 */
export function createLogger(level = process.env.LOG_LEVEL || 'info') {
  const destination = pino.destination({
    dest: 1,
    sync: false,
    maxLength: MAX_PENDING_LOG_BYTES,
    retryEAGAIN: () => Date.now() < (retryUntil.get(destination) ?? Infinity),
  });
  // EPIPE and the like: nobody reads the log any more, and there is nowhere left to say so.
  destination.on('error', () => {});
  return pino({ level, base: { service: 'contactgraph' }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

export type Logger = ReturnType<typeof createLogger>;

/**
 * Before exiting: pino writes out what the log holds synchronously at exit, and would wait
 * there for ever for a reader that takes nothing. Give the reader `ms`, then drop the rest.
 */
export function limitLogFlush(log: Logger, ms = 1_000) {
  const destination = (log as unknown as Record<symbol, object>)[pino.symbols.streamSym]!;
  retryUntil.set(destination, Date.now() + ms);
}

import { pino } from 'pino';

/** Structured JSON logs on stdout, one object a line. */
export function createLogger(level = process.env.LOG_LEVEL || 'info') {
  return pino({ level, base: { service: 'contactgraph' }, timestamp: pino.stdTimeFunctions.isoTime });
}

export type Logger = ReturnType<typeof createLogger>;

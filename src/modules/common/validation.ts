import type { z } from 'zod';
import type { Failure } from './result.js';

/** Zod issues as VALIDATION failures, each naming its path inside the input. */
export function validationFailures(error: z.ZodError, basePath: (string | number)[] = []): Failure[] {
  return error.issues.map((issue) => ({
    code: 'VALIDATION',
    message: issue.message,
    path: [...basePath, ...issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part))],
  }));
}

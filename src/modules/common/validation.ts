import { z } from 'zod';
import type { Failure } from './result.js';

/** Zod issues as VALIDATION failures, each naming its path inside the input. */
export function validationFailures(error: z.ZodError, basePath: (string | number)[] = []): Failure[] {
  return error.issues.map((issue) => ({
    code: 'VALIDATION',
    message: issue.message,
    path: [...basePath, ...issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part))],
  }));
}

/**
 * Why a string is refused when it is not well-formed UTF-16 (it holds a lone surrogate, which
 * JSON can escape as "\ud800"): no UTF-8 text, so no PostgreSQL text, can hold it.
 */
export const ILL_FORMED_TEXT = 'is not well-formed text: it holds a lone UTF-16 surrogate';

/** The paths of the strings (object keys included) in a JSON-like value that are not well-formed. */
export function illFormedPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return value.isWellFormed() ? [] : [path];
  if (Array.isArray(value)) return value.flatMap((entry, index) => illFormedPaths(entry, [...path, index]));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, entry]) => (key.isWellFormed() ? illFormedPaths(entry, [...path, key]) : [[...path]]));
  }
  return [];
}

/**
 * `schema`, checked first for ill-formed strings anywhere in the input (custom values' JSON
 * included): each is a VALIDATION issue at its path, and the schema itself then does not run.
 */
export function wellFormedInput<T extends z.ZodType>(schema: T): z.ZodType<z.output<T>, z.input<T>> {
  return z
    .unknown()
    .superRefine((value, ctx) => {
      for (const path of illFormedPaths(value)) ctx.addIssue({ code: 'custom', message: ILL_FORMED_TEXT, path });
    })
    .pipe(schema) as unknown as z.ZodType<z.output<T>, z.input<T>>;
}

/** A string schema that refuses ill-formed text (for strings outside a wellFormedInput). */
export const wellFormedString = () => z.string().refine((text) => text.isWellFormed(), ILL_FORMED_TEXT);

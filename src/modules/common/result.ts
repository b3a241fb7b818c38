import type { NodeTypename } from './ids.js';

/** The expected failures of the contract; anything else is an internal fault. */
export const FAILURE_CODES = [
  'VALIDATION',
  'DUPLICATE',
  'NOT_FOUND',
  'STALE_ETAG',
  'CONTACT_DELETED',
  'LIMIT_EXCEEDED',
  /** concurrent writers kept changing the record; the same request may be sent again */
  'CONFLICT',
] as const;
export type FailureCode = (typeof FAILURE_CODES)[number];

/** One expected failure, with the path inside the input it concerns. */
export interface Failure {
  code: FailureCode;
  message: string;
  path?: (string | number)[];
  /** the record a DUPLICATE collided with */
  existing?: { typename: NodeTypename; id: string };
}

export type Result<T> = { ok: true; value: T } | { ok: false; failures: Failure[] };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (...failures: Failure[]): Result<never> => ({ ok: false, failures });

/** Thrown inside a transaction to roll it back with expected failures. */
export class FailureAbort extends Error {
  constructor(readonly failures: Failure[]) {
    super(failures.map((f) => f.message).join('; '));
  }
}

/**
 * A request argument no answer can be given for (a page size out of range, a forged cursor):
 * the API answers a GraphQL error with code BAD_USER_INPUT (see yoga.ts).
 */
export class ArgumentError extends Error {
  override name = 'ArgumentError';
}

/**
 * The caller's scopes do not allow what the request asks (writing `ssn` without
 * contacts:sensitive): the API answers a GraphQL error with code FORBIDDEN, its `field`
 * extension the path inside `input`, and nothing is written.
 */
export class ScopeError extends Error {
  override name = 'ScopeError';
  constructor(
    message: string,
    readonly path: (string | number)[],
  ) {
    super(message);
  }
}

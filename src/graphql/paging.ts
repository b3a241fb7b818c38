import { MAX_PAGE_SIZE } from '../modules/common/paging.js';
import { ArgumentError } from '../modules/common/result.js';

/**
 * Rejects page sizes outside 1–100. Pothos' connection helpers would clamp them silently;
 * the contract wants an error a client can see.
 */
export function checkPageSize(args: { first?: number | null; last?: number | null }) {
  for (const name of ['first', 'last'] as const) {
    const size = args[name];
    if (size != null && (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE)) {
      throw new ArgumentError(`${name} must be between 1 and ${MAX_PAGE_SIZE}, got ${size}`);
    }
  }
}

import { GraphQLError } from 'graphql';
import type { Redis } from 'ioredis';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface RateLimitOptions {
  /** requests per key per window */
  points: number;
  windowSeconds: number;
  /** shares the budget across instances; in-process without it */
  redis?: Redis;
}

export interface RateLimitState {
  limit: number;
  remaining: number;
  resetSeconds: number;
}

/** The budget headers every answer to a keyed request carries (IETF RateLimit fields). */
export const rateLimitHeaders = (state: RateLimitState): Record<string, string> => ({
  'RateLimit-Limit': String(state.limit),
  'RateLimit-Remaining': String(state.remaining),
  'RateLimit-Reset': String(state.resetSeconds),
});

/**
 * A fixed-window budget per API key (rate-limiter-flexible). With Redis the window is shared by
 * every instance; should Redis fail, each instance falls back to its own in-memory budget
 * rather than refusing or waving through all traffic.
 */
export function createRateLimiter(options: RateLimitOptions) {
  const base = { points: options.points, duration: options.windowSeconds, keyPrefix: 'contactgraph:rate' };
  const limiter: RateLimiterAbstract = options.redis
    ? new RateLimiterRedis({ ...base, storeClient: options.redis, insuranceLimiter: new RateLimiterMemory(base) })
    : new RateLimiterMemory(base);
  const stateOf = (res: RateLimiterRes): RateLimitState => ({
    limit: options.points,
    remaining: Math.max(0, res.remainingPoints),
    resetSeconds: Math.ceil(res.msBeforeNext / 1000),
  });

  /** Takes one request from the key's budget; throws RATE_LIMITED (HTTP 429) when it is spent. */
  return async function consume(apiKeyId: string): Promise<RateLimitState> {
    try {
      return stateOf(await limiter.consume(apiKeyId));
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const state = stateOf(rejection);
      const retryAfter = String(Math.max(1, state.resetSeconds));
      throw new GraphQLError(`Rate limit of ${options.points} requests per ${options.windowSeconds} s exceeded; retry in ${retryAfter} s.`, {
        extensions: {
          code: 'RATE_LIMITED',
          retryAfterSeconds: Number(retryAfter),
          http: { status: 429, headers: { 'Retry-After': retryAfter, ...rateLimitHeaders(state) } },
        },
      });
    }
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;

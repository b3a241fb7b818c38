import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Redis } from 'ioredis';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface RateLimitOptions {
  /** points per key per window; a request costs `pointsOf(its cost)` */
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

/** A request's cost (fields times page sizes) per point of the budget, as GitHub counts 100 nodes a point. */
export const COST_PER_POINT = 100;

/** The points a request of this cost takes from its key's budget: at least 1. */
export const pointsOf = (cost: number) => Math.max(1, Math.ceil(cost / COST_PER_POINT));

const tooMany = (message: string, retryAfterSeconds: number, state: RateLimitState | undefined) =>
  new GraphQLError(message, {
    extensions: {
      code: 'RATE_LIMITED',
      retryAfterSeconds,
      http: { status: 429, headers: { 'Retry-After': String(retryAfterSeconds), ...(state ? rateLimitHeaders(state) : {}) } },
    },
  });

/**
 * A fixed-window points budget per API key (rate-limiter-flexible), GitHub's points-per-hour
 * model. With Redis the window is shared by every instance; should Redis fail, each instance
 * falls back to its own in-memory budget rather than refusing or waving through all traffic.
 */
export function createRateLimiter(options: RateLimitOptions) {
  const base = { points: options.points, duration: options.windowSeconds, keyPrefix: 'contactgraph:points' };
  const limiter: RateLimiterAbstract = options.redis
    ? new RateLimiterRedis({ ...base, storeClient: options.redis, insuranceLimiter: new RateLimiterMemory(base) })
    : new RateLimiterMemory(base);
  const stateOf = (res: RateLimiterRes): RateLimitState => ({
    limit: options.points,
    remaining: Math.max(0, res.remainingPoints),
    resetSeconds: Math.ceil(res.msBeforeNext / 1000),
  });
  return {
    /** Takes `points` from the key's budget; throws RATE_LIMITED (HTTP 429) when they are not left. */
    async consume(apiKeyId: string, points = 1): Promise<RateLimitState> {
      try {
        return stateOf(await limiter.consume(apiKeyId, points));
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        // a refused request takes nothing: what is left stays usable by smaller ones
        const state = stateOf(await limiter.reward(apiKeyId, points));
        const retryAfter = Math.max(1, state.resetSeconds);
        throw tooMany(
          `Rate limit of ${options.points} points per ${options.windowSeconds} s exceeded (this request costs ${points}); retry in ${retryAfter} s.`,
          retryAfter,
          state,
        );
      }
    },
    /** Gives back points taken for a request that then did not run. */
    async refund(apiKeyId: string, points: number): Promise<RateLimitState> {
      return stateOf(await limiter.reward(apiKeyId, points));
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;

export interface ConcurrencyOptions {
  /** a request costing at least this much is expensive */
  cost: number;
  /** expensive requests of one key running at once in this process */
  perKey: number;
  /** expensive requests of one key waiting for a turn; more are refused */
  queue: number;
}

/**
 * Turns per key: at most `perKey` hold one at a time, `queue` more wait in order. `take`
 * answers null when the queue is full.
 */
function createTurns(perKey: number, queue: number) {
  const keys = new Map<string, { running: number; waiting: (() => void)[] }>();
  return function take(key: string): { started: Promise<void>; release: () => void } | null {
    let turns = keys.get(key);
    if (!turns) keys.set(key, (turns = { running: 0, waiting: [] }));
    const state = turns;
    if (state.running >= perKey && state.waiting.length >= queue) return null;
    const started =
      state.running < perKey ? ((state.running += 1), Promise.resolve()) : new Promise<void>((resolve) => state.waiting.push(() => ((state.running += 1), resolve())));
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      state.running -= 1;
      state.waiting.shift()?.();
      if (state.running === 0 && state.waiting.length === 0) keys.delete(key);
    };
    return { started, release };
  };
}

export interface KeyBudgetOptions {
  /** the API key a request authenticates with; null when it does not */
  apiKeyOf: (request: Request) => Promise<string | null>;
  /** what the request costs (its operations summed) */
  costOf: (request: Request) => number;
  rateLimit?: RateLimiter;
  concurrency?: ConcurrencyOptions;
}

/**
 * Per API key, before any operation of a request runs: takes the request's points from the
 * key's budget (429 RATE_LIMITED when spent), then, for an expensive request, waits for one of
 * the key's turns (429 when its queue is full; its points are given back). Every answer to a
 * keyed request reports the budget in RateLimit-* headers.
 */
export function useKeyBudgets({ apiKeyOf, costOf, rateLimit, concurrency }: KeyBudgetOptions): Plugin {
  const take = concurrency && createTurns(concurrency.perKey, concurrency.queue);
  const states = new WeakMap<Request, RateLimitState>();
  const turns = new WeakMap<Request, () => void>();
  return {
    onRequestParse({ request }) {
      return {
        async onRequestParseDone() {
          const apiKeyId = await apiKeyOf(request);
          if (!apiKeyId) return;
          const cost = costOf(request);
          const points = pointsOf(cost);
          if (rateLimit) states.set(request, await rateLimit.consume(apiKeyId, points));
          if (!take || cost < concurrency.cost) return;
          const turn = take(apiKeyId);
          if (!turn) {
            const state = rateLimit && (await rateLimit.refund(apiKeyId, points));
            if (state) states.set(request, state);
            throw tooMany(
              `This API key has ${concurrency.perKey} expensive requests (cost ${concurrency.cost} or more) running and ${concurrency.queue} waiting; retry in 1 s.`,
              1,
              state,
            );
          }
          turns.set(request, turn.release);
          await turn.started;
        },
      };
    },
    onResponse({ request, response }) {
      turns.get(request)?.();
      const state = states.get(request);
      if (state) for (const [name, value] of Object.entries(rateLimitHeaders(state))) response.headers.set(name, value);
    },
  };
}

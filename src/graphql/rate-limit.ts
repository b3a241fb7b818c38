import { type DocumentNode, GraphQLError } from 'graphql';
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
    points: options.points,
    windowSeconds: options.windowSeconds,
    /** Takes `points` from the key's budget when they are left; a refused request takes none. */
    async consume(apiKeyId: string, points = 1): Promise<{ allowed: boolean; state: RateLimitState }> {
      try {
        return { allowed: true, state: stateOf(await limiter.consume(apiKeyId, points)) };
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        // what is left stays usable by smaller requests
        return { allowed: false, state: stateOf(await limiter.reward(apiKeyId, points)) };
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
  /** an operation costing at least this much is expensive */
  cost: number;
  /** expensive operations of one key running at once in this process */
  perKey: number;
  /** expensive operations of one key waiting for a turn; a request that would pass it is refused */
  queue: number;
}

/**
 * Turns per key: at most `perKey` operations run at once, the others wait in order. A request
 * first reserves a place for each of its expensive operations, all or none, so the key's
 * running, reserved and waiting operations never pass `perKey + queue`.
 */
function createTurns({ perKey, queue }: ConcurrencyOptions) {
  const keys = new Map<string, { running: number; reserved: number; waiting: (() => void)[] }>();
  const stateOf = (key: string) => {
    let state = keys.get(key);
    if (!state) keys.set(key, (state = { running: 0, reserved: 0, waiting: [] }));
    return state;
  };
  const forgetIdle = (key: string) => {
    const state = keys.get(key);
    if (state && state.running === 0 && state.reserved === 0 && state.waiting.length === 0) keys.delete(key);
  };
  const fits = (key: string, count: number) => {
    const state = keys.get(key);
    return (state ? state.running + state.reserved + state.waiting.length : 0) + count <= perKey + queue;
  };
  return {
    fits,
    reserve(key: string, count: number): boolean {
      if (!fits(key, count)) return false;
      stateOf(key).reserved += count;
      return true;
    },
    unreserve(key: string, count: number) {
      stateOf(key).reserved -= count;
      forgetIdle(key);
    },
    /** Runs `work` on one of the key's turns, using a place the request reserved. */
    async run<T>(key: string, work: () => Promise<T>): Promise<T> {
      const state = stateOf(key);
      state.reserved -= 1;
      if (state.running < perKey) state.running += 1;
      else await new Promise<void>((resolve) => state.waiting.push(() => ((state.running += 1), resolve())));
      try {
        return await work();
      } finally {
        state.running -= 1;
        state.waiting.shift()?.();
        forgetIdle(key);
      }
    },
  };
}

/** API keys whose Authorization header and spent budget are remembered (see useKeyBudgets). */
const REMEMBERED_KEYS = 10_000;

export interface KeyBudgetOptions {
  /** the API key a request authenticates with; null when it does not */
  apiKeyOf: (request: Request) => Promise<string | null>;
  /** what each operation of a request costs */
  operationCostsOf: (request: Request) => number[];
  /** what an operation about to run costs */
  costOf: (execution: { document: DocumentNode; operationName?: string | null; variableValues?: Record<string, unknown> | null }) => number | undefined;
  rateLimit?: RateLimiter;
  concurrency?: ConcurrencyOptions;
}

type Execution = { contextValue?: unknown; document: DocumentNode; operationName?: string | null; variableValues?: Record<string, unknown> | null };

/**
 * Per API key, before any operation of a request runs: takes the request's points from the
 * key's budget (429 RATE_LIMITED when spent), and reserves a turn for each expensive operation
 * (429 when the key's queue is full; its points are given back). Expensive operations then run
 * `perKey` at a time per key, a batch's too. Every answer to a keyed request reports the budget
 * in RateLimit-* headers.
 */
export function useKeyBudgets({ apiKeyOf, operationCostsOf, costOf, rateLimit, concurrency }: KeyBudgetOptions): Plugin {
  const turns = concurrency && createTurns(concurrency);
  const states = new WeakMap<Request, RateLimitState>();
  const reservations = new WeakMap<Request, { apiKeyId: string; left: number }>();
  const overBudget = (points: number, state: RateLimitState) =>
    tooMany(
      `Rate limit of ${rateLimit!.points} points per ${rateLimit!.windowSeconds} s exceeded (this request costs ${points}); retry in ${Math.max(1, state.resetSeconds)} s.`,
      Math.max(1, state.resetSeconds),
      state,
    );
  const busy = (state?: RateLimitState) =>
    tooMany(`This API key has ${concurrency!.perKey + concurrency!.queue} expensive operations (cost ${concurrency!.cost} or more) running or waiting; retry in 1 s.`, 1, state);

  // A key refused a moment ago is refused again from memory, before authenticating: a client
  // that ignores Retry-After then costs no database work. Memory only ever refuses; whatever it
  // would let through is authenticated and counted as usual.
  const keyOfHeader = new Map<string, string>();
  const spent = new Map<string, { until: number; remaining: number }>();
  const refuseFromMemory = (header: string, points: number, expensive: number) => {
    const apiKeyId = keyOfHeader.get(header);
    if (!apiKeyId) return;
    const budget = spent.get(apiKeyId);
    if (budget && budget.until <= Date.now()) spent.delete(apiKeyId);
    else if (budget && points > budget.remaining) {
      throw overBudget(points, { limit: rateLimit!.points, remaining: budget.remaining, resetSeconds: Math.ceil((budget.until - Date.now()) / 1000) });
    }
    if (expensive > 0 && !turns!.fits(apiKeyId, expensive)) throw busy();
  };
  const remember = (header: string, apiKeyId: string) => {
    if (keyOfHeader.get(header) === apiKeyId) return;
    if (keyOfHeader.size >= REMEMBERED_KEYS) keyOfHeader.delete(keyOfHeader.keys().next().value!);
    keyOfHeader.set(header, apiKeyId);
  };

  return {
    onRequestParse({ request }) {
      return {
        async onRequestParseDone() {
          const costs = operationCostsOf(request);
          const points = pointsOf(costs.reduce((sum, cost) => sum + cost, 0));
          const expensive = turns ? costs.filter((cost) => cost >= concurrency.cost).length : 0;
          const header = request.headers.get('authorization') ?? '';
          refuseFromMemory(header, points, expensive);
          const apiKeyId = await apiKeyOf(request);
          if (!apiKeyId) return;
          remember(header, apiKeyId);
          if (rateLimit) {
            const { allowed, state } = await rateLimit.consume(apiKeyId, points);
            states.set(request, state);
            if (!allowed) {
              if (spent.size >= REMEMBERED_KEYS) spent.clear();
              spent.set(apiKeyId, { until: Date.now() + state.resetSeconds * 1000, remaining: state.remaining });
              throw overBudget(points, state);
            }
            const budget = spent.get(apiKeyId);
            if (budget) budget.remaining = state.remaining;
          }
          if (expensive === 0) return;
          if (!turns!.reserve(apiKeyId, expensive)) {
            const state = rateLimit && (await rateLimit.refund(apiKeyId, points));
            if (state) states.set(request, state);
            throw busy(state);
          }
          reservations.set(request, { apiKeyId, left: expensive });
        },
      };
    },
    onExecute({ args, executeFn, setExecuteFn }) {
      const execution = args as Execution;
      const request = (execution.contextValue as { request?: Request } | undefined)?.request;
      const reservation = request && reservations.get(request);
      if (!turns || !reservation || reservation.left === 0 || (costOf(execution) ?? 0) < concurrency!.cost) return;
      reservation.left -= 1;
      setExecuteFn((executionArgs) => turns.run(reservation.apiKeyId, async () => executeFn(executionArgs)));
    },
    onResponse({ request, response }) {
      // places reserved for operations that never ran (refused by validation, say)
      const reservation = reservations.get(request);
      if (reservation && reservation.left > 0) turns!.unreserve(reservation.apiKeyId, reservation.left);
      reservations.delete(request);
      const state = states.get(request);
      if (state) for (const [name, value] of Object.entries(rateLimitHeaders(state))) response.headers.set(name, value);
    },
  };
}

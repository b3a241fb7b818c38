import type { TadaDocumentNode } from 'gql.tada';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Logger } from '../src/logger.js';
import { createChangeEvents } from '../src/tenant/change-events.js';
import { createApp } from '../src/yoga.js';
import { createHarness } from './support/harness.js';
import { listenOnLoopback } from './support/http-server.js';
import { startRedisServer } from './support/redis-server.js';
import { subscribe } from './support/sse.js';
import { graphql, documentText } from './support/graphql.js';

const SUBSCRIPTION = graphql('subscription { contactChanged { cursor changeType contactId contact { fullName } } }');
const OUTAGE_MS = 12_000;
const CREATE = graphql('mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } } }');

/** The app's logger (pino, JSON lines) writing into an array the test reads. */
function capturedLogger() {
  const lines: { level: number; msg: string; error?: string }[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: pino({ level: 'info' }, destination) as unknown as Logger, lines };
}

async function until(what: string, condition: () => boolean | Promise<boolean>, ms = 10_000) {
  for (const deadline = Date.now() + ms; !(await condition()); await sleep(25)) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms`);
  }
}

/** Waits until a subscriber of the organisation's changes is registered in Redis. */
async function subscribedInRedis(url: string, organizationId: string) {
  const redis = new Redis(url);
  try {
    await until('the subscription reaching Redis', async () => {
      const [, subscribers] = (await redis.pubsub('NUMSUB', `contactChanged:${organizationId}`)) as [string, number];
      return Number(subscribers) > 0;
    });
  } finally {
    redis.disconnect();
  }
}

// Like the other Redis tests: run where Redis is set up, and always in CI (.ci/run installs
// redis-server); this one starts its own redis-server, so that it can stop it.
const WITH_REDIS = Boolean(process.env.REDIS_URL ?? process.env.CI);

const h = await createHarness();

describe.runIf(WITH_REDIS)('subscriptions across a Redis outage', () => {
  let redisServer: Awaited<ReturnType<typeof startRedisServer>>;
  beforeAll(async () => {
    redisServer = await startRedisServer();
  });
  afterAll(() => redisServer?.stop());

  it('a subscriber receives what another instance wrote meanwhile, in order and once, and each instance logs the outage once', async () => {
    const consoleError = vi.spyOn(console, 'error');
    const stderrWrite = vi.spyOn(process.stderr, 'write');
    const owner = await h.organization();
    const [a, b] = [capturedLogger(), capturedLogger()];
    const [eventsA, eventsB] = [createChangeEvents(redisServer.url, a.log), createChangeEvents(redisServer.url, b.log)];
    const [serverA, serverB] = await Promise.all([
      listenOnLoopback(createApp({ db: h.db, log: a.log, events: eventsA })),
      listenOnLoopback(createApp({ db: h.db, log: b.log, events: eventsB })),
    ]);
    const gql = async <Data, Variables>(origin: string, query: TadaDocumentNode<Data, Variables>, variables?: Variables) => {
      const res = await fetch(`${origin}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.key}` },
        body: JSON.stringify({ query: documentText(query), variables: variables ?? {} }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { data: Data; errors?: unknown };
      expect(body.errors).toBeUndefined();
      return body.data;
    };
    const create = async (firstName: string) => (await gql(serverB.origin, CREATE, { input: { firstName } })).createContact.contact!.id;
    const sub = await subscribe(fetch, `${serverA.origin}/graphql`, owner.key, SUBSCRIPTION);
    try {
      await subscribedInRedis(redisServer.url, owner.organizationId);
      const before = await create('Before');
      await sub.waitFor(1);

      await redisServer.stop();
      const outageStarted = Date.now();
      const during = [await create('During One'), await create('During Two')];
      await until('instance A logging the outage', () => a.lines.some((line) => line.level === 40));
      await until('instance B logging the outage', () => b.lines.some((line) => line.level === 40));
      // Longer than ioredis would hold a publish for a lost connection (20 reconnection attempts,
      // about 11 s; its offline queue hides shorter outages): what was published is gone for good.
      await sleep(OUTAGE_MS - (Date.now() - outageStarted));
      await redisServer.start();

      await sub.waitFor(3);
      const after = await create('After');
      await sub.waitFor(4);
      await sleep(300);
      expect(sub.events.map((event) => event.data!.contactChanged)).toEqual(
        [
          [before, 'Before'],
          [during[0], 'During One'],
          [during[1], 'During Two'],
          [after, 'After'],
        ].map(([contactId, fullName]) => ({ cursor: expect.any(String), changeType: 'CREATED', contactId, contact: { fullName } })),
      );
      // the events' cursors are the feed's: a client that reconnects resumes from the last one it saw
      const feed = await gql(serverA.origin, graphql('query($after: String) { contactChanges(after: $after) { changes { cursor contactId } } }'), { after: sub.events[0]!.data!.contactChanged.cursor });
      expect(feed.contactChanges.changes).toEqual(sub.events.slice(1).map((event) => ({ cursor: event.data!.contactChanged.cursor, contactId: event.data!.contactChanged.contactId })));

      for (const { lines } of [a, b]) await until('the recovery logged', () => lines.some((line) => /reachable again/.test(line.msg)));
      for (const { lines } of [a, b]) {
        const outageLines = lines.filter((line) => /redis/i.test(line.msg));
        expect(outageLines.map(({ level, msg }) => ({ level, msg }))).toEqual([
          { level: 40, msg: 'redis unreachable: subscribers on other instances hear of changes once it is back' },
          { level: 30, msg: 'redis reachable again: subscribers catch up from the change feed' },
        ]);
        expect(outageLines[0]!.error).toMatch(/ECONNREFUSED|ECONNRESET|closed/);
      }
      expect(consoleError.mock.calls.map((args) => args.join(' ')).filter((line) => /ioredis/i.test(line))).toEqual([]);
      expect(stderrWrite.mock.calls.map(([chunk]) => String(chunk)).filter((chunk) => /ioredis/i.test(chunk))).toEqual([]);
    } finally {
      sub.close();
      consoleError.mockRestore();
      stderrWrite.mockRestore();
      await Promise.all([serverA.close(), serverB.close()]);
      await Promise.all([eventsA.close(), eventsB.close()]);
    }
  });
});

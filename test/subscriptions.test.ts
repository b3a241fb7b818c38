import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { createChangeEvents } from '../src/tenant/change-events.js';
import { createApp } from '../src/yoga.js';
import { createPostgresDatabase, databaseKind } from './support/database.js';
import { createHarness } from './support/harness.js';
import { startServer } from './support/process.js';
import { createKeyWithCli } from './support/server-client.js';
import { subscribe } from './support/sse.js';
import { graphql } from './support/graphql.js';

// Redis tests run where Redis is configured, and always in CI (.ci/run starts Redis and sets
// REDIS_URL); on a laptop without Redis they are reported as skipped.
const REDIS_URL = process.env.REDIS_URL ?? (process.env.CI ? 'redis://127.0.0.1:6379' : undefined);
const SUBSCRIPTION = graphql(`subscription($filter: ContactChangedFilter) {
  contactChanged(filter: $filter) { changeType contactId version changedFields changeOrigin { apiKeyPrefix } contact { fullName } }
}`);
const CREATE_TEXT = 'mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } } }';
const CREATE = graphql(CREATE_TEXT);

/** Waits until a subscriber of the organisation's changes is registered in Redis. */
async function subscribedInRedis(organizationId: string) {
  const redis = new Redis(REDIS_URL!);
  try {
    for (let waited = 0; waited < 10_000; waited += 25) {
      const [, subscribers] = (await redis.pubsub('NUMSUB', `contactChanged:${organizationId}`)) as [string, number];
      if (Number(subscribers) > 0) return;
      await sleep(25);
    }
    throw new Error(`no subscriber of contactChanged:${organizationId} reached Redis within 10 s`);
  } finally {
    redis.disconnect();
  }
}

const h = await createHarness();
const owner = await h.organization();
const stranger = await h.organization();
const appFetch = (input: string, init: RequestInit) => Promise.resolve(h.app.fetch(input, init));

describe('contactChanged (Server-Sent Events)', () => {
  it('pushes the organisation’s own changes after commit, filtered, and nobody else’s', async () => {
    const all = await subscribe(appFetch, 'http://test/graphql', owner.key, SUBSCRIPTION);
    const updatesOnly = await subscribe(appFetch, 'http://test/graphql', owner.key, SUBSCRIPTION, { filter: { changeTypes: ['UPDATED'] } });
    const theirs = await subscribe(appFetch, 'http://test/graphql', stranger.key, SUBSCRIPTION);
    try {
      const created = await owner.gql(CREATE, { input: { firstName: 'Live' } });
      const id = created.data!.createContact.contact!.id;
      await owner.gql(graphql('mutation($input: UpdateContactInput!) { updateContact(input: $input) { userErrors { code } } }'), { input: { id, patch: { lastName: 'Wire' } } });
      const events = await all.waitFor(2);
      expect(events.map((e) => e.data!.contactChanged)).toEqual([
        { changeType: 'CREATED', contactId: id, version: 1, changedFields: [], changeOrigin: { apiKeyPrefix: owner.key.slice(0, 12) }, contact: { fullName: 'Live Wire' } },
        { changeType: 'UPDATED', contactId: id, version: 2, changedFields: ['lastName', 'fullName'], changeOrigin: { apiKeyPrefix: owner.key.slice(0, 12) }, contact: { fullName: 'Live Wire' } },
      ].map((e) => ({ ...e, contact: expect.anything() })));
      expect((await updatesOnly.waitFor(1)).map((e) => e.data!.contactChanged.changeType)).toEqual(['UPDATED']);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(theirs.events).toEqual([]);
    } finally {
      all.close();
      updatesOnly.close();
      theirs.close();
    }
  });

  it('refuses a subscription without a key, or without contacts:read', async () => {
    await expect(subscribe(appFetch, 'http://test/graphql', 'cgk_wrong', SUBSCRIPTION)).rejects.toThrow(/401/);
    const writer = await h.organization({ scopes: ['contacts:write'] });
    const sub = await subscribe(appFetch, 'http://test/graphql', writer.key, SUBSCRIPTION);
    const [event] = await sub.waitFor(1);
    expect(event!.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    sub.close();
  });

  it.runIf(REDIS_URL)('fans out through Redis between two app instances on one database', async () => {
    const log = createLogger('silent');
    const [eventsA, eventsB] = [createChangeEvents(REDIS_URL), createChangeEvents(REDIS_URL)];
    const appA = createApp({ db: h.db, log, events: eventsA });
    const appB = createApp({ db: h.db, log, events: eventsB });
    try {
      const sub = await subscribe((i, init) => Promise.resolve(appA.fetch(i, init)), 'http://a/graphql', owner.key, SUBSCRIPTION);
      await subscribedInRedis(owner.organizationId);
      const res = await appB.fetch('http://b/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.key}` },
        body: JSON.stringify({ query: CREATE_TEXT, variables: { input: { firstName: 'Across' } } }),
      });
      const id = ((await res.json()) as { data: { createContact: { contact: { id: string } } } }).data.createContact.contact.id;
      const [event] = await sub.waitFor(1);
      expect(event!.data!.contactChanged).toMatchObject({ changeType: 'CREATED', contactId: id, contact: { fullName: 'Across' } });
      sub.close();
    } finally {
      await Promise.all([eventsA.close(), eventsB.close()]);
    }
  });
});

// Separate processes need a database server they can share: PostgreSQL only.
const shared = databaseKind === 'postgres' ? await createPostgresDatabase() : null;
afterAll(() => shared?.drop());

if (shared && REDIS_URL) {
  describe('contactChanged across two server processes (PostgreSQL + Redis)', () => {
    const env = { DATABASE_URL: shared.url, REDIS_URL, DATA_DIR: '' };

    it('a change written through one server reaches a subscriber on the other', async () => {
      const key = await createKeyWithCli(env, 'Fanout', 'contacts:read,contacts:write');
      const [a, b] = await Promise.all([startServer(env), startServer(env)]);
      try {
        const sub = await subscribe(fetch, a.url, key, SUBSCRIPTION);
        const client = new pg.Client({ connectionString: shared.url });
        await client.connect();
        const { rows } = await client.query<{ id: string }>("SELECT id::text AS id FROM organizations WHERE name = 'Fanout'");
        await client.end();
        await subscribedInRedis(rows[0]!.id);
        const res = await fetch(b.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify({ query: CREATE_TEXT, variables: { input: { firstName: 'Process' } } }),
        });
        const id = ((await res.json()) as { data: { createContact: { contact: { id: string } } } }).data.createContact.contact.id;
        const [event] = await sub.waitFor(1);
        expect(event!.data!.contactChanged).toMatchObject({ changeType: 'CREATED', contactId: id, contact: { fullName: 'Process' } });
        sub.close();
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
    });
  });
}

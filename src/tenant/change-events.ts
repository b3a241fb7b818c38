import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import type { ChangeType } from '../db/generated/prisma/enums.js';
import type { Logger } from '../logger.js';
import { reportRedisOutages } from '../modules/common/redis-outages.js';

/** What a writer announces after a change committed (the feed entry, without its cursor). */
export interface ContactChangedEvent {
  contactId: string;
  changeType: ChangeType;
  changedFields: string[];
  version: number;
  changeOrigin: { apiKeyPrefix?: string; userId?: string; namespaces?: string[] };
}

export type ChangeEvents = ReturnType<typeof createChangeEvents>;

const channelOf = (organizationId: string) => `contactChanged:${organizationId}`;
const ignore = () => {};

/**
 * Tells this instance's listeners when an organisation's change feed may have moved on: a
 * change was written on this instance, or on another one (through Redis when `redisUrl` is
 * given), or the connection to Redis came back after announcements may have been lost. What
 * changed is read from the feed, so an announcement lost in an outage delays a change but never
 * loses it. Redis outages are logged to `log`, once each.
 */
export function createChangeEvents(redisUrl?: string, log?: Logger) {
  const local = new EventEmitter().setMaxListeners(0);
  const redis = redisUrl ? connectRedis(redisUrl, log, (organizationId) => local.emit(organizationId)) : undefined;
  return {
    publish(organizationId: string, events: ContactChangedEvent[]) {
      if (events.length === 0) return;
      local.emit(organizationId);
      redis?.publish(organizationId, events);
    },
    /** Calls `onChange` whenever the organisation's feed may hold something new; returns the way to stop. */
    listen(organizationId: string, onChange: () => void) {
      local.on(organizationId, onChange);
      redis?.subscribe(organizationId);
      return () => {
        local.off(organizationId, onChange);
        redis?.unsubscribe(organizationId);
      };
    },
    async close() {
      await redis?.close();
    },
  };
}

function connectRedis(url: string, log: Logger | undefined, changed: (organizationId: string) => void) {
  // A publish fails at once while Redis is unreachable instead of queueing without bound; each
  // organisation's last failed announcement is sent again once it is back.
  const publisher = new Redis(url, { enableOfflineQueue: false });
  // The subscriber skips ioredis' ready check: its INFO can follow a SUBSCRIBE sent while the
  // connection opened, which Redis refuses in subscriber mode, and ioredis then reconnects in a
  // loop that delivers nothing (redis/ioredis#2037). Its commands wait for the connection, for
  // as long as an outage lasts, and it connects on the first subscription (a CLI never does).
  const subscriber = new Redis(url, { enableReadyCheck: false, lazyConnect: true, maxRetriesPerRequest: null });
  const clients = [publisher, subscriber];
  if (log) {
    reportRedisOutages(log, clients, {
      down: 'redis unreachable: subscribers on other instances hear of changes once it is back',
      up: 'redis reachable again: subscribers catch up from the change feed',
    });
  } else {
    for (const client of clients) client.on('error', ignore);
  }

  // Listeners read the feed, so one message per write says all a batch's events would: it
  // carries the last of them (what an older instance, which delivered messages as they were,
  // would still read as an event).
  const unsent = new Map<string, ContactChangedEvent>();
  const publish = (organizationId: string, events: ContactChangedEvent[]) => {
    const last = events.at(-1);
    if (!last) return;
    publisher.publish(channelOf(organizationId), JSON.stringify(last)).catch(() => unsent.set(organizationId, last));
  };
  publisher.on('ready', () => {
    const resend = [...unsent];
    unsent.clear();
    for (const [organizationId, event] of resend) publish(organizationId, [event]);
  });

  const listeners = new Map<string, number>();
  const wakeAll = () => {
    for (const organizationId of listeners.keys()) changed(organizationId);
  };
  subscriber.on('message', (channel: string) => {
    const organizationId = channel.slice(channelOf('').length);
    if (listeners.has(organizationId)) changed(organizationId);
  });
  // Back after the connection dropped: ioredis has re-sent the SUBSCRIBEs before 'ready', so
  // once a PING after them is answered, whatever is published from then on arrives, and a
  // catch-up then misses nothing published while the connection was down.
  subscriber.on('ready', () => void subscriber.ping().then(wakeAll, ignore));

  return {
    publish,
    subscribe(organizationId: string) {
      const count = listeners.get(organizationId) ?? 0;
      listeners.set(organizationId, count + 1);
      // Listening from the SUBSCRIBE's answer on: catch up once more then.
      if (count === 0) subscriber.subscribe(channelOf(organizationId)).then(() => changed(organizationId), ignore);
    },
    unsubscribe(organizationId: string) {
      const count = listeners.get(organizationId) ?? 0;
      if (count > 1) return void listeners.set(organizationId, count - 1);
      listeners.delete(organizationId);
      subscriber.unsubscribe(channelOf(organizationId)).catch(ignore);
    },
    async close() {
      await Promise.all(clients.map((client) => (client.status === 'ready' ? client.quit().then(ignore, ignore) : client.disconnect())));
    },
  };
}

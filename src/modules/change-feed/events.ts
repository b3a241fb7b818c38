import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub } from 'graphql-yoga';
import { Redis } from 'ioredis';
import type { ChangeType } from '../../db/generated/prisma/enums.js';

/** What a subscriber is told after a change committed (the feed entry, without its cursor). */
export interface ContactChangedEvent {
  contactId: string;
  changeType: ChangeType;
  changedFields: string[];
  version: number;
  changeOrigin: { apiKeyPrefix?: string; userId?: string; namespaces?: string[] };
}

type Channels = { contactChanged: [organizationId: string, event: ContactChangedEvent] };

export type ChangeEvents = ReturnType<typeof createChangeEvents>;

/**
 * Change events per organisation: in-process, or through Redis when `redisUrl` is given, so a
 * change written on one server instance reaches subscribers on every instance.
 */
export function createChangeEvents(redisUrl?: string) {
  // The subscriber skips ioredis' ready check: its INFO can follow a SUBSCRIBE sent while the
  // connection opened, which Redis refuses in subscriber mode, and ioredis then reconnects in a
  // loop that delivers nothing (redis/ioredis#2037).
  const clients = redisUrl ? [new Redis(redisUrl), new Redis(redisUrl, { enableReadyCheck: false })] : [];
  const pubSub = createPubSub<Channels>(
    redisUrl ? { eventTarget: createRedisEventTarget({ publishClient: clients[0]!, subscribeClient: clients[1]! }) } : {},
  );
  return {
    publish(organizationId: string, events: ContactChangedEvent[]) {
      for (const event of events) pubSub.publish('contactChanged', organizationId, event);
    },
    subscribe: (organizationId: string) => pubSub.subscribe('contactChanged', organizationId),
    async close() {
      await Promise.all(clients.map((client) => client.quit().catch(() => {})));
    },
  };
}

import { Repeater } from '@repeaterjs/repeater';
import type { Tenant } from '../../tenant/tenant.js';
import { MAX_PAGE_SIZE } from '../common/paging.js';
import { type ChangeEntry, feedCursor, hasHeldBackChanges, listChanges } from './change-feed.js';

const FIRST_RETRY_MS = 25;
const LAST_RETRY_MS = 1_000;

/**
 * The organisation's feed entries after `after` as they become readable, in feed order, each
 * once. The change events only say when to read on, so an announcement lost (a Redis outage)
 * delays entries until the next one or until the connection is back, and never loses one.
 * Entries the feed still holds back (an older transaction is running) and failed reads are
 * retried, sooner first.
 */
export function followChanges(tenant: Tenant, after: string | null) {
  return new Repeater<ChangeEntry>(async (push, stop) => {
    let cursor = after;
    let stopped = false;
    let reading = false;
    let readAgain = false;
    let retryMs = FIRST_RETRY_MS;
    let retry: NodeJS.Timeout | undefined;

    const readOn = async () => {
      if (reading) return void (readAgain = true);
      reading = true;
      clearTimeout(retry);
      let heldBack = false;
      const from = cursor;
      try {
        do {
          readAgain = false;
          for (let more = true; more && !stopped; ) {
            const page = await listChanges(tenant, { after: cursor, first: MAX_PAGE_SIZE });
            for (const entry of page.entries) {
              cursor = feedCursor(entry);
              await push(entry);
            }
            more = page.hasMore;
          }
        } while (readAgain && !stopped);
        heldBack = await hasHeldBackChanges(tenant);
      } catch {
        heldBack = true;
      }
      reading = false;
      if (stopped) return;
      if (readAgain) return void readOn();
      if (!heldBack || cursor !== from) retryMs = FIRST_RETRY_MS;
      if (heldBack) {
        retry = setTimeout(readOn, retryMs);
        retryMs = Math.min(retryMs * 2, LAST_RETRY_MS);
      }
    };

    const stopListening = tenant.events.listen(tenant.organizationId, () => void readOn());
    void readOn();
    await stop;
    stopped = true;
    stopListening();
    clearTimeout(retry);
  });
}

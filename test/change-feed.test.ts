import { describe, expect, it } from 'vitest';
import { createHarness } from './support/harness.js';

const h = await createHarness();
const owner = await h.organization();
const other = await h.organization();

const FEED = `query($after: String, $first: Int) {
  contactChanges(after: $after, first: $first) {
    changes { cursor changeType contactId changedFields version changeOrigin { apiKeyPrefix user namespaces } contact { id fullName } }
    endCursor hasMore
  }
}`;
const CREATE = 'mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } userErrors { message } } }';

async function drain(caller: typeof owner, after: string | null) {
  const seen: any[] = [];
  let cursor = after;
  for (;;) {
    const res = await caller.gql(FEED, { after: cursor, first: 7 });
    expect(res.errors).toBeUndefined();
    const page = res.data.contactChanges;
    seen.push(...page.changes);
    cursor = page.endCursor;
    if (!page.hasMore) return { seen, cursor };
  }
}

describe('contactChanges', () => {
  it('lists creates in commit order with their origin, and pages with a durable cursor', async () => {
    const start = await drain(owner, null);
    expect(start.seen).toEqual([]);
    const ids: string[] = [];
    for (let i = 0; i < 12; i += 1) {
      const res = await owner.gql(CREATE, { input: { firstName: `Feed${i}`, externalRefs: [{ namespace: 'hubspot', externalId: `H${i}` }] } });
      ids.push(res.data.createContact.contact.id);
    }
    const { seen, cursor } = await drain(owner, start.cursor);
    expect(seen.map((c) => c.contactId)).toEqual(ids);
    expect(seen[0]).toMatchObject({
      changeType: 'CREATED',
      version: 1,
      changedFields: [],
      changeOrigin: { apiKeyPrefix: owner.key.slice(0, 12), user: `usr_${owner.userId}`, namespaces: ['hubspot'] },
      contact: { id: ids[0], fullName: 'Feed0' },
    });
    // Nothing new: the same cursor comes back, and nothing repeats.
    const again = await owner.gql(FEED, { after: cursor });
    expect(again.data.contactChanges).toEqual({ changes: [], endCursor: cursor, hasMore: false });
  });

  it('shows each organisation only its own changes', async () => {
    await other.gql(CREATE, { input: { firstName: 'Elsewhere' } });
    const mine = await drain(owner, null);
    expect(mine.seen.some((c) => c.contact?.fullName === 'Elsewhere')).toBe(false);
    const theirs = await drain(other, null);
    expect(theirs.seen.map((c) => c.contact.fullName)).toEqual(['Elsewhere']);
  });

  it('never misses or repeats an entry for a poller racing 10 writers', async () => {
    const { cursor: start } = await drain(owner, null);
    const polled: string[] = [];
    let cursor = start;
    let writing = true;
    const poller = (async () => {
      while (writing) {
        const page = (await owner.gql(FEED, { after: cursor, first: 100 })).data.contactChanges;
        polled.push(...page.changes.map((c: { contactId: string }) => c.contactId));
        cursor = page.endCursor;
      }
    })();
    const written = (
      await Promise.all(
        Array.from({ length: 10 }, async (_, writer) => {
          const ids: string[] = [];
          for (let i = 0; i < 8; i += 1) {
            const res = await owner.gql(CREATE, { input: { firstName: `W${writer}-${i}` } });
            ids.push(res.data.createContact.contact.id);
          }
          return ids;
        }),
      )
    ).flat();
    writing = false;
    await poller;
    const rest = await drain(owner, cursor);
    polled.push(...rest.seen.map((c) => c.contactId));
    expect(polled).toHaveLength(written.length);
    expect(new Set(polled)).toEqual(new Set(written));
  });

  it('rejects a forged cursor and a page size out of range', async () => {
    expect((await owner.gql(FEED, { after: 'Zm9yZ2Vk' })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await owner.gql(FEED, { first: 101 })).errors?.[0]).toMatchObject({ message: expect.stringMatching(/between 1 and 100/), extensions: { code: 'BAD_USER_INPUT' } });
  });
});

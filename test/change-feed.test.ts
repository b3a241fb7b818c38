import { setImmediate } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createHarness } from './support/harness.js';
import { subscribe } from './support/sse.js';
import { graphql, type ResultOf, type TextPayload } from './support/graphql.js';

const h = await createHarness();
const owner = await h.organization();
const other = await h.organization();

const FEED = graphql(`query($after: String, $first: Int) {
  contactChanges(after: $after, first: $first) {
    changes { cursor changeType contactId changedFields version changeOrigin { apiKeyPrefix user namespaces } contact { id fullName } }
    endCursor hasMore
  }
}`);
const CREATE = graphql('mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } userErrors { message } } }');

async function drain(caller: typeof owner, after: string | null) {
  const seen: ResultOf<typeof FEED>['contactChanges']['changes'] = [];
  let cursor = after;
  for (;;) {
    const res = await caller.gql(FEED, { after: cursor, first: 7 });
    expect(res.errors).toBeUndefined();
    const page = res.data!.contactChanges;
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
      ids.push(res.data!.createContact.contact!.id);
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
    expect(again.data!.contactChanges).toEqual({ changes: [], endCursor: cursor, hasMore: false });
  });

  it('shows each organisation only its own changes', async () => {
    await other.gql(CREATE, { input: { firstName: 'Elsewhere' } });
    const mine = await drain(owner, null);
    expect(mine.seen.some((c) => c.contact?.fullName === 'Elsewhere')).toBe(false);
    const theirs = await drain(other, null);
    expect(theirs.seen.map((c) => c.contact!.fullName)).toEqual(['Elsewhere']);
  });

  it('never misses or repeats an entry for a poller racing 10 writers', async () => {
    const { cursor: start } = await drain(owner, null);
    const polled: string[] = [];
    let cursor = start;
    let writing = true;
    const poller = (async () => {
      while (writing) {
        const page = (await owner.gql(FEED, { after: cursor, first: 100 })).data!.contactChanges;
        polled.push(...page.changes.map((c: { contactId: string }) => c.contactId));
        cursor = page.endCursor;
        // as a client over the network would: on PGlite, yoga.fetch and the database answer in
        // microtasks alone, and a loop of them would never let the writers' timers run
        await setImmediate();
      }
    })();
    const written = (
      await Promise.all(
        Array.from({ length: 10 }, async (_, writer) => {
          const ids: string[] = [];
          for (let i = 0; i < 8; i += 1) {
            const res = await owner.gql(CREATE, { input: { firstName: `W${writer}-${i}` } });
            ids.push(res.data!.createContact.contact!.id);
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

describe('changeOrigin.namespaces: exactly the namespaces the write itself named', () => {
  const ref = (namespace: string, externalId: string) => ({ namespace, externalId });
  type ContactVersion = { id: string; version: number };
  const run = async <Payload = TextPayload>(caller: typeof owner, mutation: string, input: Record<string, unknown>, select: string) => {
    const type = `${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input`;
    const res = await caller.gql<Record<string, Payload>>(`mutation($input: ${type}!) { ${mutation}(input: $input) { ${select} } }`, { input });
    expect(res.errors).toBeUndefined();
    return res.data![mutation]!;
  };
  const contactOf = async (caller: typeof owner, mutation: string, input: Record<string, unknown>) => {
    const payload = await run(caller, mutation, input, 'contact { id version } userErrors { code field }');
    expect(payload.userErrors).toEqual([]);
    return payload.contact as { id: string; version: number };
  };

  it('in the feed and in subscription events, for every write path', async () => {
    const syncer = await h.organization();
    const events = await subscribe((url, init) => Promise.resolve(h.app.fetch(url, init)), 'http://test/graphql', syncer.key,
      graphql('subscription { contactChanged { contactId version changeType changeOrigin { namespaces } } }'));
    try {
      const expected: { contactId: string; version: number; changeType: string; namespaces: string[] }[] = [];
      const entry = (contact: { id: string; version: number }, changeType: string, namespaces: string[]) =>
        expected.push({ contactId: contact.id, version: contact.version, changeType, namespaces });

      // create: the refs it lists
      const held = await contactOf(syncer, 'createContact', { firstName: 'Held', email: 'held@ns.example', externalRefs: [ref('crm', 'C-1'), ref('erp', 'E-1')] });
      entry(held, 'CREATED', ['crm', 'erp']);
      const bulk = await run<{ results: { contact: ContactVersion }[] }>(syncer, 'createContacts', { contacts: [{ firstName: 'B1', externalRefs: [ref('Crm ', 'C-2')] }, { firstName: 'B2' }] }, 'results { contact { id version } userErrors { code } }');
      entry(bulk.results[0]!.contact, 'CREATED', ['crm']);
      entry(bulk.results[1]!.contact, 'CREATED', []);

      // update: nothing unless the patch lists refs, then those
      entry(await contactOf(syncer, 'updateContact', { id: held.id, patch: { lastName: 'One' } }), 'UPDATED', []);
      entry(await contactOf(syncer, 'updateContact', { id: held.id, patch: { externalRefs: [ref('crm', 'C-1'), ref('erp', 'E-1'), ref('hubspot', 'H-1')] } }), 'UPDATED', ['crm', 'erp', 'hubspot']);

      // upsert: the lookup's namespace and the refs it lists; by email or id none
      entry(await contactOf(syncer, 'upsertContact', { by: { externalRef: ref('crm', 'C-1') }, lastName: 'Two' }), 'UPDATED', ['crm']);
      entry(await contactOf(syncer, 'upsertContact', { by: { externalRef: ref('crm', 'C-1') }, lastName: 'Three', externalRefs: [ref('erp', 'E-1'), ref('hubspot', 'H-1')] }), 'UPDATED', ['crm', 'erp', 'hubspot']);
      entry(await contactOf(syncer, 'upsertContact', { by: { email: 'HELD@ns.example' }, lastName: 'Four' }), 'UPDATED', []);
      entry(await contactOf(syncer, 'upsertContact', { by: { id: held.id }, lastName: 'Five' }), 'UPDATED', []);
      entry(await contactOf(syncer, 'upsertContact', { by: { externalRef: ref('salesforce', 'S-1') }, firstName: 'New', externalRefs: [ref('erp', 'E-2')] }), 'CREATED', ['erp', 'salesforce']);
      const upserts = await run<{ results: { contact: ContactVersion }[] }>(syncer, 'upsertContacts', { contacts: [{ by: { externalRef: ref('crm', 'C-1') }, lastName: 'Six' }, { by: { email: 'held@ns.example' }, lastName: 'Seven' }] }, 'results { contact { id version } userErrors { code } }');
      // (each result shows the contact as the whole call left it: version 9)
      entry({ id: held.id, version: 8 }, 'UPDATED', ['crm']);
      entry({ id: held.id, version: 9 }, 'UPDATED', []);
      expect(upserts.results.map((r) => r.contact)).toEqual([{ id: held.id, version: 9 }, { id: held.id, version: 9 }]);

      // merge: names none, though target and source hold refs
      const source = await contactOf(syncer, 'createContact', { firstName: 'Twin', externalRefs: [ref('pipedrive', 'P-1')] });
      entry(source, 'CREATED', ['pipedrive']);
      const merged = await run<{ contact: ContactVersion; userErrors: unknown[] }>(syncer, 'mergeContacts', { targetId: held.id, sourceIds: [source.id] }, 'contact { id version } userErrors { code }');
      expect(merged.userErrors).toEqual([]);
      entry(merged.contact, 'MERGED', []);
      entry({ id: source.id, version: source.version + 1 }, 'MERGED', []);

      const { seen } = await drain(syncer, null);
      expect(seen.map((c) => ({ contactId: c.contactId, version: c.version, changeType: c.changeType, namespaces: c.changeOrigin.namespaces }))).toEqual(expected);
      const pushed = (await events.waitFor(expected.length)).map((e) => e.data!.contactChanged);
      expect(pushed.map((c) => ({ contactId: c.contactId, version: c.version, changeType: c.changeType, namespaces: c.changeOrigin.namespaces }))).toEqual(expected);
    } finally {
      events.close();
    }
  });
});

import { ChangeType } from '../../db/generated/prisma/enums.js';
import { builder } from '../../graphql/builder.js';
import { filter, pipe } from 'graphql-yoga';
import { decodeIdOf, encodeId } from '../common/ids.js';
import { ContactNode } from '../contact/contact.graphql.js';
import { contactsSelectedBy } from '../contact/contact-selection.graphql.js';
import { type ChangeEntry, type ChangeRow, changePageStatement, feedCursor, lastFeedCursor, listChanges } from './change-feed.js';
import { NotCompiled, type RootRead } from '../../graphql/compiled-reads.js';
import type { FieldNode } from 'graphql';
import type { ContactChangedEvent } from '../../tenant/change-events.js';
import { followChanges } from './follow-changes.js';

export const ChangeTypeEnum = builder.enumType(ChangeType, {
  name: 'ChangeType',
  description: 'What kind of change a change-feed entry records.',
  values: {
    CREATED: { description: 'The contact was created (createContact, createContacts, an upsert, an import).' },
    UPDATED: { description: 'Fields of the contact changed (an update, an upsert, a group-membership change, or a change to a company, group or custom field it holds); changedFields names them.' },
    DELETED: { description: 'The contact was moved to the recycle bin.' },
    RESTORED: { description: 'The contact was taken out of the recycle bin (restoreContact, or an upsert that revived it).' },
    MERGED: { description: 'A merge: for the target, changedFields names what it took over; for each source, changedFields is ["mergedInto"].' },
    PURGED: { description: 'The contact was erased for good; the entry keeps only its id (a tombstone).' },
  },
});

const ChangeOrigin = builder.objectRef<ChangeEntry['changeOrigin']>('ChangeOrigin').implement({
  description: 'Who caused a change: a sync client skips entries its own key (or namespace) caused.',
  fields: (t) => ({
    apiKeyPrefix: t.string({ nullable: true, description: 'The first 12 characters of the API key that wrote.', resolve: (o) => o.apiKeyPrefix ?? null }),
    user: t.id({ nullable: true, description: 'The id (usr_…) of the user whose API key (or import) wrote; null when the entry records none.', resolve: (o) => (o.userId ? encodeId('User', o.userId) : null) }),
    namespaces: t.stringList({ description: 'External-ref namespaces the write named.', resolve: (o) => o.namespaces ?? [] }),
  }),
});

/** What every change says, in the feed and in subscription events alike. */
const ContactChangeDetails = builder.interfaceRef<ContactChangedEvent>('ContactChangeDetails').implement({
  description: 'A committed change to a contact.',
  fields: (t) => ({
    changeType: t.field({ type: ChangeTypeEnum, description: 'What kind of change this is.', resolve: (e) => e.changeType }),
    contactId: t.id({ description: 'The id of the contact that changed; it stays known after a purge.', resolve: (e) => encodeId('Contact', e.contactId) }),
    contact: t.field({
      type: ContactNode,
      nullable: true,
      description: 'The contact as it is now (null once purged).',
      // Loaded with what the client selected below, in one query for the whole page, so a
      // contact purged meanwhile is simply null rather than a failed follow-up query.
      resolve: (e, _args, context, info) => contactsSelectedBy(context, info).load(e.contactId),
    }),
    changedFields: t.stringList({ description: 'The fields the change set (e.g. `emails`, `ssn`; names only, never values); empty for CREATED and PURGED.', resolve: (e) => e.changedFields }),
    changeOrigin: t.field({ type: ChangeOrigin, description: 'Who caused the change, so a sync client can skip its own writes.', resolve: (e) => e.changeOrigin }),
    version: t.int({ description: "The contact's version after this change.", resolve: (e) => e.version }),
  }),
});

const ContactChange = builder.objectRef<ChangeEntry>('ContactChange').implement({
  description: 'One entry of the change feed. Purges keep only the id (a tombstone).',
  interfaces: [ContactChangeDetails],
  authScopes: { 'contacts:read': true },
  fields: (t) => ({
    cursor: t.string({ description: 'Durable: poll with the last one to get what came after.', resolve: feedCursor }),
    occurredAt: t.field({ type: 'DateTime', description: 'When the change was written.', resolve: (e) => e.occurredAt }),
  }),
});

const ContactChangesPage = builder
  .objectRef<{ entries: ChangeEntry[]; hasMore: boolean; after: string | null }>('ContactChangesPage')
  .implement({
    description: 'A page of the change feed.',
    fields: (t) => ({
      changes: t.field({ type: [ContactChange], description: 'The entries after the `after` cursor, in commit order; empty when nothing new has committed.', resolve: (page) => page.entries }),
      endCursor: t.string({
        nullable: true,
        description: 'Pass as `after` next time; stays the same while nothing new has committed.',
        resolve: (page) => (page.entries.length ? feedCursor(page.entries.at(-1)!) : page.after),
      }),
      hasMore: t.boolean({ description: 'More entries are ready now.', resolve: (page) => page.hasMore }),
    }),
  });

/**
 * contactChanges compiled: the page statement of change-feed.ts with, for each `contact`
 * selected below, the contact's JSON beside its entry (a merged-away contact as the one it was
 * merged into, as the loader does; null once purged), in one statement.
 */
const readChangePage: RootRead = async ({ args, nodes, tenant, statement, params, rows: run, json, subFields, serialize }) => {
  const pageFields = subFields('ContactChangesPage', nodes);
  const page = changePageStatement(tenant, args as { after?: string | null; first?: number | null });
  params.push(...page.sql.values);
  const columns = new Map<string, string>();
  let contactColumns = '';
  for (const [changesKey, below] of pageFields) {
    if (below[0]!.name.value !== 'changes') continue;
    for (const [contactKey, contact] of subFields('ContactChange', below)) {
      if (contact[0]!.name.value !== 'contact') continue;
      const column = `contact_${columns.size}`;
      columns.set(`${changesKey}.${contactKey}`, column);
      contactColumns += `, ${json('Contact', contact, 'c')} AS ${column}`;
    }
  }
  const organization = columns.size === 0 ? '' : statement.param(tenant.organizationId, 'uuid');
  const rows = await run<ChangeRow & Record<string, unknown>>(
    columns.size === 0
      ? page.sql.text
      : `SELECT p.*${contactColumns} FROM (${page.sql.text}) p
           LEFT JOIN contacts s ON s.organization_id = ${organization} AND s.id = p.contact_id::uuid
           LEFT JOIN contacts c ON c.organization_id = ${organization} AND c.id = coalesce(s.merged_into_id, s.id)
          ORDER BY p.txid, p.seq`,
  );
  const { entries, hasMore } = page.read(rows);
  const origin = (entry: ChangeEntry, below: FieldNode[]) =>
    Object.fromEntries(
      [...subFields('ChangeOrigin', below)].map(([key, field]) => {
        const name = field[0]!.name.value;
        const o = entry.changeOrigin;
        return [key, name === 'apiKeyPrefix' ? (o.apiKeyPrefix ?? null) : name === 'user' ? (o.userId ? encodeId('User', o.userId) : null) : name === 'namespaces' ? (o.namespaces ?? []) : 'ChangeOrigin'];
      }),
    );
  const change = (entry: ChangeEntry, row: Record<string, unknown>, changesKey: string, below: FieldNode[]) =>
    Object.fromEntries(
      [...subFields('ContactChange', below)].map(([key, field]) => {
        const name = field[0]!.name.value;
        switch (name) {
          case '__typename': return [key, 'ContactChange'];
          case 'cursor': return [key, feedCursor(entry)];
          case 'occurredAt': return [key, serialize('DateTime', entry.occurredAt)];
          case 'changeType': return [key, entry.changeType];
          case 'contactId': return [key, encodeId('Contact', entry.contactId)];
          case 'contact': return [key, row[columns.get(`${changesKey}.${key}`)!] ?? null];
          case 'changedFields': return [key, entry.changedFields];
          case 'changeOrigin': return [key, origin(entry, field)];
          case 'version': return [key, entry.version];
          default: throw new NotCompiled(`ContactChange.${name}`);
        }
      }),
    );
  return Object.fromEntries(
    [...pageFields].map(([key, field]) => {
      const name = field[0]!.name.value;
      switch (name) {
        case '__typename': return [key, 'ContactChangesPage'];
        case 'changes': return [key, entries.map((entry, index) => change(entry, rows[index]!, key, field))];
        case 'endCursor': return [key, entries.length ? feedCursor(entries.at(-1)!) : ((args.after as string | null | undefined) ?? null)];
        case 'hasMore': return [key, hasMore];
        default: throw new NotCompiled(`ContactChangesPage.${name}`);
      }
    }),
  );
};

builder.queryField('contactChanges', (t) =>
  t.field({
    type: ContactChangesPage,
    description: 'The change feed: every create, update, delete, restore, merge and purge, in commit order. Needs contacts:read.',
    authScopes: { 'contacts:read': true },
    args: {
      after: t.arg.string({ description: 'A cursor from an entry or a page\'s endCursor: the page starts after it. Without it the feed starts at its beginning; a cursor this API did not give out is an error.' }),
      first: t.arg.int({ defaultValue: 100, description: 'How many entries at most, 1–100 (out of range is an error).' }),
    },
    extensions: { compiledRead: readChangePage },
    resolve: async (_root, args, { tenant }) => ({ ...(await listChanges(tenant, args)), after: args.after ?? null }),
  }),
);

const ContactChangedEventType = builder.objectRef<ChangeEntry>('ContactChangedEvent').implement({
  description: 'A change to a contact, pushed after it committed (the same entry as in contactChanges).',
  interfaces: [ContactChangeDetails],
  authScopes: { 'contacts:read': true },
  fields: (t) => ({
    cursor: t.string({
      description: "The entry's cursor in contactChanges: each event's is later than the one before; after a reconnect, contactChanges(after:) with the last one received gives what was missed.",
      resolve: feedCursor,
    }),
  }),
});

const ContactChangedFilter = builder.inputType('ContactChangedFilter', {
  description: 'Which changes a contactChanged subscription receives; every field given must match.',
  fields: (t) => ({
    ids: t.idList({ description: 'Only these contacts.' }),
    changeTypes: t.field({ type: [ChangeTypeEnum], description: 'Only these kinds of change.' }),
  }),
});

builder.subscriptionType({ description: 'Live changes, over Server-Sent Events (`Accept: text/event-stream`).' });
builder.subscriptionField('contactChanged', (t) =>
  t.field({
    type: ContactChangedEventType,
    description: "Changes to the organisation's contacts as they commit, over Server-Sent Events (across every server instance when Redis is configured). Needs contacts:read.",
    authScopes: { 'contacts:read': true },
    args: { filter: t.arg({ type: ContactChangedFilter, description: 'Which changes; all of the organisation\'s by default.' }) },
    subscribe: async (_root, { filter: wanted }, { tenant }) => {
      const ids = wanted?.ids ? new Set(wanted.ids.map((id) => decodeIdOf('Contact', id))) : null;
      const types = wanted?.changeTypes ? new Set<string>(wanted.changeTypes) : null;
      // Taken before the answer starts, so every change committed after the client subscribed follows.
      const after = await lastFeedCursor(tenant);
      return pipe(
        followChanges(tenant, after),
        filter((entry: ChangeEntry) => (!ids || ids.has(entry.contactId)) && (!types || types.has(entry.changeType))),
      );
    },
    resolve: (event) => event,
  }),
);

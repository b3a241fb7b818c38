import { builder } from '../../graphql/builder.js';
import { loadPayloadRecord, payloadOf, userErrorsField } from '../../graphql/payload.js';
import { ContactNode } from '../contact/contact.graphql.js';
import { UserNode } from '../user/user.graphql.js';
import type { InteractionStats } from '../../tenant/loaders.js';
import { recordInteraction } from './interaction.js';
import { type FieldSql, isoTimestamp } from '../../graphql/compiled-reads.js';
import { LAST_INTERACTED_BY } from '../../tenant/loaders.js';

// The compiled read reads a contact's interaction counts and dates as one row (`interactionMetadata`
// below); its fields read that row's columns.
const column = (name: string): FieldSql => ({ value: (stats) => `${stats}.${name}` });
const timestamp = (name: string): FieldSql => ({ value: (stats) => isoTimestamp(`${stats}.${name}`) });
const sameRow: FieldSql = { sameRow: (stats) => stats };

interface Metadata {
  contactId: string;
}

const stats = (contactId: string, loaders: { interactionStats: { load(id: string): Promise<InteractionStats | null> } }) =>
  loaders.interactionStats.load(contactId);

const UserInteractionMetadata = builder.objectRef<Metadata>('UserInteractionMetadata').implement({
  description: "The viewer's own interactions with the contact.",
  fields: (t) => ({
    approximateCount: t.int({
      description: 'How many interactions you (the API key\'s user) recorded with the contact; 0 when none.',
      extensions: { sql: column('user_count') },
      resolve: async (m, _a, { tenant }) => (await stats(m.contactId, tenant.loaders))?.userCount ?? 0,
    }),
    lastInteractedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When your latest interaction with the contact occurred; null when none.',
      extensions: { sql: timestamp('user_last') },
      resolve: async (m, _a, { tenant }) => (await stats(m.contactId, tenant.loaders))?.userLast ?? null,
    }),
  }),
});

const WorkspaceInteractionMetadata = builder.objectRef<Metadata>('WorkspaceInteractionMetadata').implement({
  description: "Everyone's interactions with the contact in the organisation.",
  fields: (t) => ({
    approximateCount: t.int({
      description: 'How many interactions anyone in the organisation recorded with the contact; 0 when none.',
      extensions: { sql: column('workspace_count') },
      resolve: async (m, _a, { tenant }) => (await stats(m.contactId, tenant.loaders))?.workspaceCount ?? 0,
    }),
    lastInteractedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: "When the organisation's latest interaction with the contact occurred; null when none.",
      extensions: { sql: timestamp('workspace_last') },
      resolve: async (m, _a, { tenant }) => (await stats(m.contactId, tenant.loaders))?.workspaceLast ?? null,
    }),
    lastInteractedBy: t.field({
      type: [UserNode],
      description: 'The latest distinct users to interact, most recent first (at most 5).',
      extensions: {
        sql: {
          from: (stats, user) =>
            `FROM (SELECT i.user_id, max(i.occurred_at) AS last_at FROM interactions i
                    WHERE i.organization_id = ${stats}.organization_id AND i.contact_id = ${stats}.contact_id
                    GROUP BY i.user_id ORDER BY last_at DESC, i.user_id LIMIT ${LAST_INTERACTED_BY}) lu
             JOIN users ${user} ON ${user}.organization_id = ${stats}.organization_id AND ${user}.id = lu.user_id`,
          orderBy: () => 'lu.last_at DESC, lu.user_id',
        } satisfies FieldSql,
      },
      resolve: async (m, _a, { tenant }) => {
        const ids = (await stats(m.contactId, tenant.loaders))?.lastUserIds ?? [];
        const users = await Promise.all(ids.map((id) => tenant.loaders.userById.load(id)));
        return users.filter((user) => user !== null);
      },
    }),
  }),
});

const InteractionMetadata = builder.objectRef<Metadata>('InteractionMetadata').implement({
  description: 'Counts and dates of the interactions recorded with a contact (recordInteraction).',
  fields: (t) => ({
    user: t.field({ type: UserInteractionMetadata, description: "The viewer's own interactions.", extensions: { sql: sameRow }, resolve: (m) => m }),
    workspace: t.field({ type: WorkspaceInteractionMetadata, description: "Everyone's interactions in the organisation.", extensions: { sql: sameRow }, resolve: (m) => m }),
  }),
});

builder.prismaObjectField('Contact', 'interactionMetadata', (t) =>
  t.field({
    type: InteractionMetadata,
    description: 'How often and when the contact was interacted with.',
    select: { id: true },
    extensions: {
      sql: {
        from: (c, stats, caller) => {
          const viewer = caller.userId;
          return `FROM (SELECT ${c}.organization_id, ${c}.id AS contact_id,
                               (count(*) FILTER (WHERE i.user_id = ${viewer}))::int AS user_count,
                               max(i.occurred_at) FILTER (WHERE i.user_id = ${viewer}) AS user_last,
                               count(*)::int AS workspace_count, max(i.occurred_at) AS workspace_last
                          FROM interactions i WHERE i.organization_id = ${c}.organization_id AND i.contact_id = ${c}.id) ${stats}`;
        },
      } satisfies FieldSql,
    },
    resolve: (contact) => ({ contactId: contact.id }),
  }),
);

builder.relayMutationField(
  'recordInteraction',
  {
    description: 'The input of recordInteraction.',
    inputFields: (t) => ({
      contactId: t.id({ required: true, description: 'The contact; NOT_FOUND when missing, in the recycle bin or merged away.' }),
      occurredAt: t.field({ type: 'DateTime', description: 'Defaults to now; more than 5 minutes in the future is VALIDATION.' }),
    }),
  },
  {
    description: "Records that the API key's user interacted with a contact; it counts in interactionMetadata. Needs contacts:write.",
    authScopes: { 'contacts:write': true },
    resolve: (_root, { input }, { tenant }) => payloadOf(recordInteraction(tenant, input)),
  },
  {
    description: 'The result of recordInteraction: the contact, or userErrors.',
    outputFields: (t) => ({
      contact: t.prismaField({ type: ContactNode, nullable: true, description: 'The contact the interaction was recorded for; null on userErrors.', resolve: loadPayloadRecord('contact') }),
      userErrors: userErrorsField(t),
    }),
  },
);

import { builder } from '../../graphql/builder.js';
import { loadPayloadRecord, payloadOf, userErrorsField } from '../../graphql/payload.js';
import { ContactNode } from '../contact/contact.graphql.js';
import { UserNode } from '../user/user.graphql.js';
import { type InteractionStats, recordInteraction } from './interaction.js';

interface Metadata {
  contactId: string;
}

const stats = (contactId: string, loaders: { interactionStats: { load(id: string): Promise<InteractionStats | null> } }) =>
  loaders.interactionStats.load(contactId);

const UserInteractionMetadata = builder.objectRef<Metadata>('UserInteractionMetadata').implement({
  description: "The viewer's own interactions with the contact.",
  fields: (t) => ({
    approximateCount: t.int({ resolve: async (m, _a, { tenant }) => (await stats(m.contactId, tenant.loaders))?.userCount ?? 0 }),
    lastInteractedAt: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: async (m, _a, { tenant }) => (await stats(m.contactId, tenant.loaders))?.userLast ?? null,
    }),
  }),
});

const WorkspaceInteractionMetadata = builder.objectRef<Metadata>('WorkspaceInteractionMetadata').implement({
  description: "Everyone's interactions with the contact in the organisation.",
  fields: (t) => ({
    approximateCount: t.int({ resolve: async (m, _a, { tenant }) => (await stats(m.contactId, tenant.loaders))?.workspaceCount ?? 0 }),
    lastInteractedAt: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: async (m, _a, { tenant }) => (await stats(m.contactId, tenant.loaders))?.workspaceLast ?? null,
    }),
    lastInteractedBy: t.field({
      type: [UserNode],
      description: 'The latest distinct users to interact, most recent first (at most 5).',
      resolve: async (m, _a, { tenant }) => {
        const ids = (await stats(m.contactId, tenant.loaders))?.lastUserIds ?? [];
        const users = await Promise.all(ids.map((id) => tenant.loaders.userById.load(id)));
        return users.filter((user) => user !== null);
      },
    }),
  }),
});

const InteractionMetadata = builder.objectRef<Metadata>('InteractionMetadata').implement({
  fields: (t) => ({
    user: t.field({ type: UserInteractionMetadata, resolve: (m) => m }),
    workspace: t.field({ type: WorkspaceInteractionMetadata, resolve: (m) => m }),
  }),
});

builder.prismaObjectField('Contact', 'interactionMetadata', (t) =>
  t.field({ type: InteractionMetadata, select: { id: true }, resolve: (contact) => ({ contactId: contact.id }) }),
);

builder.relayMutationField(
  'recordInteraction',
  {
    inputFields: (t) => ({
      contactId: t.id({ required: true }),
      occurredAt: t.field({ type: 'DateTime', description: 'Defaults to now.' }),
    }),
  },
  {
    authScopes: { 'contacts:write': true },
    resolve: (_root, { input }, { tenant }) => payloadOf(tenant, recordInteraction(tenant, input)),
  },
  {
    outputFields: (t) => ({
      contact: t.prismaField({ type: ContactNode, nullable: true, resolve: loadPayloadRecord('contact') }),
      userErrors: userErrorsField(t),
    }),
  },
);

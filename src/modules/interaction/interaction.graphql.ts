import { builder } from '../../graphql/builder.js';
import { UserError } from '../../graphql/user-errors.js';
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
    resolve: async (_root, { input }, { tenant }) => {
      const result = await recordInteraction(tenant, input);
      tenant.loaders.clearAll();
      return result.ok ? { contactId: result.value.contactId, failures: [] } : { contactId: null, failures: result.failures };
    },
  },
  {
    outputFields: (t) => ({
      contact: t.prismaField({
        type: ContactNode,
        nullable: true,
        resolve: (query, payload, _args, { tenant }) =>
          payload.contactId ? tenant.prisma.contact.findUnique({ ...query, where: { id: payload.contactId, organizationId: tenant.organizationId } }) : null,
      }),
      userErrors: t.field({ type: [UserError], resolve: (payload) => payload.failures }),
    }),
  },
);

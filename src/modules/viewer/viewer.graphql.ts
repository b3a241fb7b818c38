import { builder } from '../../graphql/builder.js';
import { OrganizationNode } from '../organization/organization.graphql.js';
import { UserNode } from '../user/user.graphql.js';

interface Viewer {
  organizationId: string;
  userId: string;
  scopes: string[];
}

const ViewerType = builder.objectRef<Viewer>('Viewer').implement({
  description: 'The caller: the organisation and user its API key belongs to, and what it may do.',
  fields: (t) => ({
    organization: t.prismaField({
      type: OrganizationNode,
      description: 'The organisation the API key belongs to: every read and write is scoped to it.',
      resolve: (query, viewer, _args, context) =>
        context.tenant.prisma.organization.findUniqueOrThrow({ ...query, where: { id: viewer.organizationId } }),
    }),
    user: t.prismaField({
      type: UserNode,
      description: 'The user the API key belongs to; writes are recorded as theirs.',
      resolve: (query, viewer, _args, context) =>
        context.tenant.prisma.user.findUniqueOrThrow({ ...query, where: { id: viewer.userId } }),
    }),
    scopes: t.exposeStringList('scopes', {
      description: "The key's scopes, sorted: contacts:read, contacts:write, contacts:sensitive (ssn), admin (groups, custom fields).",
    }),
  }),
});

builder.queryField('viewer', (t) =>
  t.field({
    type: ViewerType,
    description: 'Who is calling: the API key\'s organisation, user and scopes. Needs only a valid key.',
    resolve: (_root, _args, { tenant }) => ({
      organizationId: tenant.organizationId,
      userId: tenant.userId,
      scopes: [...tenant.scopes].sort(),
    }),
  }),
);

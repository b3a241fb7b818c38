import { builder } from '../../graphql/builder.js';

export const UserNode = builder.prismaNode('User', {
  description: 'A member of the organisation. API keys belong to users.',
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, context) => ({ id, organizationId: context.tenant.organizationId }),
  fields: (t) => ({
    fullName: t.exposeString('fullName', { description: "The user's name." }),
    email: t.exposeString('email', { description: "The user's email address; unique in the organisation." }),
  }),
});

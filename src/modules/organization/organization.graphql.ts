import { builder } from '../../graphql/builder.js';

export const OrganizationNode = builder.prismaNode('Organization', {
  description: 'The tenant: everything belongs to exactly one organisation.',
  id: { field: 'id' },
  nullable: true,
  // Only the caller's own organisation resolves.
  findUnique: (id, context) => ({ id, AND: [{ id: context.tenant.organizationId }] }),
  fields: (t) => ({
    name: t.exposeString('name', { description: "The organisation's name." }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the organisation was created.' }),
  }),
});

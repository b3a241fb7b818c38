import { builder } from '../../graphql/builder.js';
import { idKey, resolveById } from '../../graphql/federation.js';
import { deleteMutationField, loadPayloadRecord, payloadOf, userErrorsField } from '../../graphql/payload.js';
import { deleteCompany, updateCompany } from './company-lifecycle.js';
import { companyIdBy } from './company-lookup.js';
import { likeEscaped, normalizeName } from '../common/names.js';
import { ContactNode } from '../contact/contact.graphql.js';
import { ContactConnection, ContactFilter, ContactOrder, resolveContactConnection } from '../contact/contact-list.graphql.js';
import { ExternalRefInput, ExternalRefType } from '../external-ref/external-ref.graphql.js';
import { checkPageSize } from '../../graphql/paging.js';
import { createCompany } from './create-company.js';

export const CompanyNode = builder.prismaNode('Company', {
  description: 'An organisation contacts work for. Names are unique per organisation after normalisation.',
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, context) => ({ id, organizationId: context.tenant.organizationId }),
  fields: (t) => ({
    name: t.exposeString('name'),
    domain: t.exposeString('domain', { nullable: true }),
    externalRefs: t.relation('externalRefs', { type: ExternalRefType, query: { orderBy: [{ namespace: 'asc' }, { externalId: 'asc' }] } }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    contacts: t.connection(
      {
        type: ContactNode,
        description: 'Contacts linked to this company.',
        args: {
          filter: t.arg({ type: ContactFilter }),
          orderBy: t.arg({ type: ContactOrder, defaultValue: { field: 'UPDATED_AT', direction: 'DESC' } }),
        },
        select: { id: true },
        resolve: (company, args, context, info) => resolveContactConnection(context, info, args, { companyId: company.id }) as never,
      },
      ContactConnection,
    ),
  }),
});

const CompanyLookup = builder.inputType('CompanyLookup', {
  description: 'One way to find a company. Exactly one field must be set (@oneOf).',
  extensions: { oneOf: true },
  fields: (t) => ({
    id: t.id(),
    name: t.string({ description: 'Matched after trimming, collapsing whitespace and ignoring case.' }),
    externalRef: t.field({ type: ExternalRefInput }),
  }),
});

builder.queryFields((t) => ({
  company: t.prismaField({
    type: CompanyNode,
    nullable: true,
    authScopes: { 'contacts:read': true },
    args: { by: t.arg({ type: CompanyLookup, required: true }) },
    resolve: async (query, _root, { by }, { tenant }) => {
      // The key is resolved on its unique index first, then the company read by id.
      const id = await companyIdBy(tenant, by);
      // Spread even when nothing was found, so Pothos sees the query used.
      const read = { ...query, where: { id: id ?? '', organizationId: tenant.organizationId } };
      return id ? tenant.prisma.company.findUnique(read) : null;
    },
  }),
  companies: t.prismaConnection({
    type: CompanyNode,
    cursor: 'id',
    description: 'Companies by name.',
    authScopes: { 'contacts:read': true },
    args: { search: t.arg.string({ description: 'Part of the name (case-insensitive).' }) },
    resolve: (query, _root, args, { tenant }) => {
      checkPageSize(args);
      const search = args.search?.trim();
      return tenant.prisma.company.findMany({
        ...query,
        where: { organizationId: tenant.organizationId, ...(search ? { normalizedName: { contains: likeEscaped(normalizeName(search)) } } : {}) },
        orderBy: [{ normalizedName: 'asc' }, { id: 'asc' }],
      });
    },
  }),
}));

builder.relayMutationField(
  'createCompany',
  {
    inputFields: (t) => ({
      name: t.string({ required: true }),
      domain: t.string({ description: 'e.g. acme.com' }),
      externalRefs: t.field({ type: [ExternalRefInput] }),
    }),
  },
  {
    authScopes: { 'contacts:write': true },
    resolve: (_root, { input }, { tenant }) => payloadOf(tenant, createCompany(tenant, input)),
  },
  {
    outputFields: (t) => ({
      company: t.prismaField({ type: CompanyNode, nullable: true, resolve: loadPayloadRecord('company') }),
      userErrors: userErrorsField(t),
    }),
  },
);

builder.relayMutationField(
  'updateCompany',
  {
    inputFields: (t) => ({
      id: t.id({ required: true }),
      name: t.string({ description: 'Unique in the organisation (after normalisation).' }),
      domain: t.string({ description: 'null clears it.' }),
      externalRefs: t.field({ type: [ExternalRefInput], description: "Replaces the company's refs." }),
    }),
  },
  {
    description: 'Changes a company: an absent field stays as it is.',
    authScopes: { 'contacts:write': true },
    resolve: (_root, { input }, { tenant }) => payloadOf(tenant, updateCompany(tenant, input)),
  },
  {
    outputFields: (t) => ({
      company: t.prismaField({ type: CompanyNode, nullable: true, resolve: loadPayloadRecord('company') }),
      userErrors: userErrorsField(t),
    }),
  },
);

deleteMutationField('deleteCompany', 'Company', deleteCompany, {
  description: 'Deletes a company and unlinks it from its contacts (where it was primary, the next link becomes primary).',
  scope: 'contacts:write',
});

builder.asEntity(CompanyNode, { key: idKey, resolveReference: resolveById('Company', (loaders) => loaders.companyById) });

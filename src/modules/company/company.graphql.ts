import { builder } from '../../graphql/builder.js';
import { idKey, resolveById } from '../../graphql/federation.js';
import { readRecord } from '../../graphql/records.js';
import { deleteMutationField, loadPayloadRecord, payloadOf, userErrorsField } from '../../graphql/payload.js';
import { deleteCompany, updateCompany } from './company-lifecycle.js';
import { companyIdBy } from './company-lookup.js';
import { alphabetical } from '../common/names.js';
import { ContactNode } from '../contact/contact.graphql.js';
import { ContactConnection, ContactFilter, ContactOrder, resolveContactConnection } from '../contact/contact-list.graphql.js';
import { ExternalRefInput, ExternalRefType } from '../external-ref/external-ref.graphql.js';
import { checkPageSize } from '../../graphql/paging.js';
import { createCompany } from './create-company.js';
import { childRows } from '../../graphql/compiled-reads.js';

export const CompanyNode = builder.prismaNode('Company', {
  description: 'An organisation contacts work for. Names are unique per organisation after normalisation.',
  // contact data: every field but the id needs contacts:read, whichever path reaches it
  authScopes: { 'contacts:read': true },
  id: { field: 'id', skipTypeScopes: true },
  nullable: true,
  findUnique: (id, context) => ({ id, organizationId: context.tenant.organizationId }),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The name as given (trimmed); unique in the organisation after trimming, collapsing whitespace and ignoring case.' }),
    domain: t.exposeString('domain', { nullable: true, description: 'The web domain, e.g. acme.com; null when not given.' }),
    externalRefs: t.relation('externalRefs', {
      type: ExternalRefType,
      description: "The company's ids in other systems, by namespace then id.",
      query: { orderBy: [{ namespace: 'asc' }, { externalId: 'asc' }] },
      extensions: { sql: childRows('external_refs', (r) => `${r}.namespace, ${r}.external_id`, 'company_id') },
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the company was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the company last changed.' }),
    contacts: t.connection(
      {
        type: ContactNode,
        description: 'Contacts linked to this company; pages as `Query.contacts` does.',
        args: {
          filter: t.arg({ type: ContactFilter, description: 'Which of them; a companyId in it is ignored.' }),
          orderBy: t.arg({ type: ContactOrder, defaultValue: { field: 'UPDATED_AT', direction: 'DESC' }, description: 'The order; most recently updated first by default.' }),
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
    id: t.id({ description: "The company's id (com_…)." }),
    name: t.string({ description: 'Matched after trimming, collapsing whitespace and ignoring case.' }),
    externalRef: t.field({ type: ExternalRefInput, description: "The company's id in another system." }),
  }),
});

builder.queryFields((t) => ({
  company: t.prismaField({
    type: CompanyNode,
    nullable: true,
    description: 'The company a lookup names, or null when none matches in your organisation. Needs contacts:read.',
    authScopes: { 'contacts:read': true },
    args: { by: t.arg({ type: CompanyLookup, required: true, description: 'How to find the company: exactly one of id, name or externalRef.' }) },
    // The key is resolved on its unique index first, then the company read by id.
    resolve: async (query, _root, { by }, { tenant }) => readRecord('company', query, tenant, await companyIdBy(tenant, by)),
  }),
  companies: t.prismaConnection({
    type: CompanyNode,
    cursor: 'id',
    description: 'Companies of the organisation, A to Z by name (case-insensitive); first/last 1–100 (out of range is an error). Needs contacts:read.',
    authScopes: { 'contacts:read': true },
    args: { search: t.arg.string({ description: 'Part of the name (case-insensitive).' }) },
    resolve: (query, _root, args, { tenant }) => {
      checkPageSize(args);
      return tenant.prisma.company.findMany({ ...query, ...alphabetical(tenant.organizationId, args.search) });
    },
  }, { description: 'A page of companies (Relay cursor connection).' }, { description: 'A company in a page of companies, with its cursor.' }),
}));

builder.relayMutationField(
  'createCompany',
  {
    description: 'The input of createCompany.',
    inputFields: (t) => ({
      name: t.string({ required: true, description: 'Unique in the organisation after trimming, collapsing whitespace and ignoring case (DUPLICATE names the holder).' }),
      domain: t.string({ description: 'e.g. acme.com' }),
      externalRefs: t.field({ type: [ExternalRefInput], description: "The company's ids in other systems; one another record holds is DUPLICATE." }),
    }),
  },
  {
    description: 'Creates a company. Needs contacts:write.',
    authScopes: { 'contacts:write': true },
    resolve: (_root, { input }, { tenant }) => payloadOf(createCompany(tenant, input)),
  },
  {
    description: 'The result of createCompany: the company, or userErrors.',
    outputFields: (t) => ({
      company: t.prismaField({ type: CompanyNode, nullable: true, description: 'The created company; null on userErrors.', resolve: loadPayloadRecord('company') }),
      userErrors: userErrorsField(t),
    }),
  },
);

builder.relayMutationField(
  'updateCompany',
  {
    description: 'The input of updateCompany.',
    inputFields: (t) => ({
      id: t.id({ required: true, description: 'The company to change; NOT_FOUND when there is none in your organisation.' }),
      name: t.string({ description: 'Unique in the organisation (after normalisation).' }),
      domain: t.string({ description: 'null clears it.' }),
      externalRefs: t.field({ type: [ExternalRefInput], description: "Replaces the company's refs." }),
    }),
  },
  {
    description: 'Changes a company: an absent field stays as it is. Needs contacts:write.',
    authScopes: { 'contacts:write': true },
    resolve: (_root, { input }, { tenant }) => payloadOf(updateCompany(tenant, input)),
  },
  {
    description: 'The result of updateCompany: the company as it is now, or userErrors.',
    outputFields: (t) => ({
      company: t.prismaField({ type: CompanyNode, nullable: true, description: 'The company after the update; null on userErrors.', resolve: loadPayloadRecord('company') }),
      userErrors: userErrorsField(t),
    }),
  },
);

deleteMutationField('deleteCompany', 'Company', deleteCompany, {
  description: 'Deletes a company and unlinks it from its contacts (where it was primary, the next link becomes primary).',
  scope: 'contacts:write',
});

builder.asEntity(CompanyNode, { key: idKey, resolveReference: resolveById('Company', (loaders) => loaders.companyById) });

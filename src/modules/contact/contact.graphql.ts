import { ContactType, Gender, PhoneLabel } from '../../db/generated/prisma/enums.js';
import { builder } from '../../graphql/builder.js';
import { decodeIdOf } from '../../graphql/ids.js';
import { UserError } from '../../graphql/user-errors.js';
import { UserNode } from '../user/user.graphql.js';
import { normalizeEmail } from '../user/user.js';
import { createContact } from './create-contact.js';

export const ContactTypeEnum = builder.enumType(ContactType, { name: 'ContactType' });
export const GenderEnum = builder.enumType(Gender, { name: 'Gender' });
export const PhoneLabelEnum = builder.enumType(PhoneLabel, { name: 'PhoneLabel' });

const ContactEmailType = builder.prismaObject('ContactEmail', {
  name: 'ContactEmail',
  fields: (t) => ({
    address: t.exposeString('address'),
    label: t.exposeString('label', { nullable: true }),
    isPrimary: t.exposeBoolean('isPrimary'),
  }),
});

const ContactPhoneType = builder.prismaObject('ContactPhone', {
  name: 'ContactPhone',
  fields: (t) => ({
    number: t.exposeString('number', { description: 'E.164' }),
    original: t.exposeString('original', { description: 'The number as it was given.' }),
    label: t.expose('label', { type: PhoneLabelEnum, nullable: true }),
    countryCode: t.exposeString('countryCode', { nullable: true }),
    isPrimary: t.exposeBoolean('isPrimary'),
  }),
});

const byPosition = { orderBy: { position: 'asc' } } as const;

export const ContactNode = builder.prismaNode('Contact', {
  description: 'A person the organisation deals with.',
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, context) => ({ id, organizationId: context.tenant.organizationId }),
  fields: (t) => ({
    type: t.expose('type', { type: ContactTypeEnum, description: 'Fixed at creation.' }),
    firstName: t.exposeString('firstName', { nullable: true }),
    middleName: t.exposeString('middleName', { nullable: true }),
    lastName: t.exposeString('lastName', { nullable: true }),
    fullName: t.exposeString('fullName', {
      nullable: true,
      description: 'Derived from the name parts unless given explicitly.',
    }),
    title: t.exposeString('title', { nullable: true, description: 'Honorific, e.g. Dr.' }),
    emails: t.relation('emails', { query: byPosition }),
    phones: t.relation('phones', { query: byPosition }),
    email: t.string({
      nullable: true,
      description: 'The primary email address.',
      select: { emails: { where: { isPrimary: true }, take: 1, select: { address: true } } },
      resolve: (contact) => contact.emails[0]?.address ?? null,
    }),
    phone: t.string({
      nullable: true,
      description: 'The primary phone number (E.164).',
      select: { phones: { where: { isPrimary: true }, take: 1, select: { number: true } } },
      resolve: (contact) => contact.phones[0]?.number ?? null,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    createdBy: t.relation('createdBy', { type: UserNode, nullable: true }),
    version: t.exposeInt('version'),
    etag: t.string({
      description: 'Changes with every write; send it back as `ifMatch` to update safely.',
      select: { version: true },
      resolve: (contact) => `W/"${contact.version}"`,
    }),
  }),
});

void ContactEmailType;
void ContactPhoneType;

const ContactLookup = builder.inputType('ContactLookup', {
  description: 'One way to find a contact. Exactly one field must be set (@oneOf).',
  extensions: { oneOf: true },
  fields: (t) => ({
    id: t.id(),
    email: t.string({ description: 'Matched case-insensitively against every email of a contact.' }),
  }),
});

builder.queryField('contact', (t) =>
  t.prismaField({
    type: ContactNode,
    nullable: true,
    authScopes: { 'contacts:read': true },
    args: { by: t.arg({ type: ContactLookup, required: true }) },
    resolve: (query, _root, { by }, { tenant }) => {
      const { organizationId } = tenant;
      if (by.id != null) {
        const id = decodeIdOf('Contact', by.id);
        return id ? tenant.prisma.contact.findUnique({ ...query, where: { organizationId_id: { organizationId, id } } }) : null;
      }
      return tenant.prisma.contact.findFirst({
        ...query,
        where: { organizationId, emails: { some: { addressNormalized: normalizeEmail(by.email ?? '') } } },
      });
    },
  }),
);

const EmailInput = builder.inputType('EmailInput', {
  fields: (t) => ({
    address: t.string({ required: true }),
    label: t.string(),
    isPrimary: t.boolean(),
  }),
});

const PhoneInput = builder.inputType('PhoneInput', {
  fields: (t) => ({
    number: t.string({ required: true, description: 'Any common format; stored as E.164.' }),
    label: t.field({ type: PhoneLabelEnum }),
    countryCode: t.string({ description: 'ISO 3166-1 alpha-2 region for numbers without a +country prefix.' }),
    isPrimary: t.boolean(),
  }),
});

builder.relayMutationField(
  'createContact',
  {
    inputFields: (t) => ({
      type: t.field({ type: ContactTypeEnum, description: 'Defaults to GENERAL; cannot change later.' }),
      firstName: t.string(),
      middleName: t.string(),
      lastName: t.string(),
      fullName: t.string({ description: 'Derived from the name parts when absent.' }),
      title: t.string({ description: 'Honorific, e.g. Dr.' }),
      email: t.string({ description: 'Folds into `emails` as the primary address.' }),
      phone: t.string({ description: 'Folds into `phones`.' }),
      mobile: t.string({ description: 'Folds into `phones` with the label MOBILE.' }),
      emails: t.field({ type: [EmailInput] }),
      phones: t.field({ type: [PhoneInput] }),
    }),
  },
  {
    authScopes: { 'contacts:write': true },
    resolve: async (_root, { input }, { tenant }) => {
      const result = await createContact(tenant, input);
      return result.ok
        ? { contactId: result.value.contactId, userErrors: [] }
        : { contactId: null, userErrors: result.failures };
    },
  },
  {
    outputFields: (t) => ({
      contact: t.prismaField({
        type: ContactNode,
        nullable: true,
        resolve: (query, payload, _args, { tenant }) =>
          payload.contactId
            ? tenant.prisma.contact.findUnique({
                ...query,
                where: { organizationId_id: { organizationId: tenant.organizationId, id: payload.contactId } },
              })
            : null,
      }),
      userErrors: t.field({ type: [UserError], resolve: (payload) => payload.userErrors }),
    }),
  },
);

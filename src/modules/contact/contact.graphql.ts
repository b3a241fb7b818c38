import type { InputFieldBuilder, SchemaTypes } from '@pothos/core';
import { ContactType, Gender, PhoneLabel } from '../../db/generated/prisma/enums.js';
import { builder, LocalDateScalar } from '../../graphql/builder.js';
import { idKey, resolveById } from '../../graphql/federation.js';
import { loadPayloadRecord } from '../../graphql/payload.js';
import { UserError } from '../../graphql/user-errors.js';
import { ExternalRefInput, ExternalRefType } from '../external-ref/external-ref.graphql.js';
import { UserNode } from '../user/user.graphql.js';
import type { ContactFieldsInput } from './contact-input.js';
import { contactIdBy } from './contact-lookup.js';
import { type ContactOutcome, createContact, createContacts, MAX_BATCH } from './create-contact.js';

export const ContactTypeEnum = builder.enumType(ContactType, { name: 'ContactType' });
export const GenderEnum = builder.enumType(Gender, { name: 'Gender' });
export const PhoneLabelEnum = builder.enumType(PhoneLabel, { name: 'PhoneLabel' });

export const byPosition = { orderBy: { position: 'asc' } } as const;

builder.prismaObject('ContactEmail', {
  select: {},
  fields: (t) => ({
    address: t.exposeString('address'),
    label: t.exposeString('label', { nullable: true }),
    isPrimary: t.exposeBoolean('isPrimary'),
  }),
});

builder.prismaObject('ContactPhone', {
  description: 'A phone number: in E.164 when libphonenumber-js finds it valid, else kept as given (`valid: false`).',
  select: {},
  fields: (t) => ({
    number: t.exposeString('number', {
      description: 'E.164 when valid (the extension apart), else the text as given with its whitespace collapsed.',
    }),
    e164: t.exposeString('e164', { nullable: true, description: 'E.164 when the number is valid, else null.' }),
    extension: t.exposeString('extension', { nullable: true, description: 'The extension of a valid number (digits), e.g. 123 for "ext. 123".' }),
    valid: t.boolean({
      description: 'Whether libphonenumber-js found the number valid (and `number` is E.164).',
      select: { e164: true },
      resolve: (p) => p.e164 !== null,
    }),
    original: t.exposeString('original', { description: 'The number as it was given.' }),
    label: t.expose('label', { type: PhoneLabelEnum, nullable: true }),
    countryCode: t.exposeString('countryCode', {
      nullable: true,
      description: 'ISO 3166-1 alpha-2 region of a valid number; of a number kept as given, the countryCode it was given with.',
    }),
    isPrimary: t.exposeBoolean('isPrimary'),
  }),
});

builder.prismaObject('ContactAddress', {
  name: 'Address',
  description: 'A postal address: structured parts, a one-line text, or both.',
  select: {},
  fields: (t) => ({
    street: t.exposeString('street', { nullable: true }),
    secondaryAddress: t.exposeString('secondaryAddress', { nullable: true }),
    postalCode: t.exposeString('postalCode', { nullable: true }),
    city: t.exposeString('city', { nullable: true }),
    state: t.exposeString('state', { nullable: true }),
    country: t.exposeString('country', { nullable: true, description: 'ISO 3166-1 alpha-2' }),
    line: t.exposeString('line', { nullable: true, description: 'The address on one line, as it was given (not parsed into the parts).' }),
    formatted: t.string({
      description: 'The parts on one line, in the usual order; the `line` when there are no parts.',
      select: { street: true, secondaryAddress: true, postalCode: true, city: true, state: true, country: true, line: true },
      resolve: (a) =>
        [a.street, a.secondaryAddress, [a.postalCode, a.city].filter(Boolean).join(' '), a.state, a.country]
          .filter(Boolean)
          .join(', ') || (a.line ?? ''),
    }),
    isPrimary: t.exposeBoolean('isPrimary'),
  }),
});

builder.prismaObject('ContactUrl', {
  select: {},
  fields: (t) => ({
    url: t.exposeString('url'),
    isPrimary: t.exposeBoolean('isPrimary'),
  }),
});

builder.prismaObject('ContactCompany', {
  description: "A contact's link to a company.",
  select: {},
  fields: (t) => ({
    company: t.relation('company'),
    jobTitle: t.exposeString('jobTitle', { nullable: true }),
    department: t.exposeString('department', { nullable: true }),
    isPrimary: t.exposeBoolean('isPrimary'),
  }),
});

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
    fullName: t.exposeString('fullName', { nullable: true, description: 'Derived from the name parts unless given explicitly.' }),
    abbreviation: t.exposeString('abbreviation', { nullable: true }),
    title: t.exposeString('title', { nullable: true, description: 'Honorific, e.g. Dr.' }),
    gender: t.expose('gender', { type: GenderEnum, nullable: true }),
    birthday: t.field({
      type: 'LocalDate',
      nullable: true,
      select: { birthday: true },
      resolve: (c) => c.birthday?.toISOString().slice(0, 10) ?? null,
    }),
    primaryLanguage: t.exposeString('primaryLanguage', {
      nullable: true,
      description: 'ISO 639-1, optionally with a script and a region subtag (BCP 47), e.g. en, en-GB, zh-Hant-TW.',
    }),
    description: t.exposeString('description', { nullable: true }),
    strategy: t.exposeString('strategy', { nullable: true }),
    jobTitle: t.exposeString('jobTitle', { nullable: true, description: 'Given, or that of the primary company link.' }),
    department: t.exposeString('department', { nullable: true }),
    emails: t.relation('emails', { query: byPosition, description: 'Ordered; the primary first unless another says isPrimary.' }),
    phones: t.relation('phones', { query: byPosition }),
    addresses: t.relation('addresses', { query: byPosition }),
    urls: t.relation('urls', { query: byPosition }),
    // The convenience fields select their list exactly as the list fields do, so Pothos
    // merges them into one relation query instead of a second one.
    email: t.string({
      nullable: true,
      description: 'The primary email address.',
      select: { emails: { ...byPosition, select: { address: true, isPrimary: true } } },
      resolve: (c) => c.emails.find((e) => e.isPrimary)?.address ?? null,
    }),
    phone: t.string({
      nullable: true,
      description: 'The `number` of the primary phone (E.164 when valid).',
      select: { phones: { ...byPosition, select: { number: true, isPrimary: true } } },
      resolve: (c) => c.phones.find((p) => p.isPrimary)?.number ?? null,
    }),
    mobile: t.string({
      nullable: true,
      description: 'The `number` of the first phone labelled MOBILE (E.164 when valid).',
      select: { phones: { ...byPosition, select: { number: true, label: true } } },
      resolve: (c) => c.phones.find((p) => p.label === 'MOBILE')?.number ?? null,
    }),
    linkedInUrl: t.exposeString('linkedInUrl', { nullable: true }),
    profilePictureUrl: t.exposeString('profilePictureUrl', { nullable: true }),
    tags: t.exposeStringList('tags'),
    loginEmail: t.exposeString('loginEmail', { nullable: true }),
    mailingListOptIn: t.exposeBoolean('mailingListOptIn', { nullable: true }),
    purchaseOrderNumber: t.exposeString('purchaseOrderNumber', { nullable: true, description: 'INVOICE contacts only.' }),
    ssn: t.exposeString('ssn', {
      nullable: true,
      description: 'Sensitive: needs the contacts:sensitive scope; without it, null and a FORBIDDEN error on this field.',
      authScopes: { 'contacts:sensitive': true },
    }),
    externalRefs: t.relation('externalRefs', { type: ExternalRefType, query: { orderBy: [{ namespace: 'asc' }, { externalId: 'asc' }] } }),
    companies: t.relation('companies', { query: byPosition, description: 'Company links, the primary one flagged.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    createdBy: t.relation('createdBy', { type: UserNode, nullable: true }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    updatedBy: t.relation('updatedBy', { type: UserNode, nullable: true }),
    deletedAt: t.expose('deletedAt', { type: 'DateTime', nullable: true }),
    version: t.exposeInt('version'),
    etag: t.string({
      description: 'Changes with every write; send it back as `ifMatch` to update safely.',
      select: { version: true },
      resolve: (c) => `W/"${c.version}"`,
    }),
  }),
});

export const ContactLookup = builder.inputType('ContactLookup', {
  description: 'One way to find a contact. Exactly one field must be set (@oneOf).',
  extensions: { oneOf: true },
  fields: (t) => ({
    id: t.id(),
    externalRef: t.field({ type: ExternalRefInput }),
    email: t.string({ description: 'Matched case-insensitively against every email of a contact.' }),
  }),
});

builder.queryField('contact', (t) =>
  t.prismaField({
    type: ContactNode,
    nullable: true,
    description: 'The contact a lookup names; a merged-away id answers the contact it was merged into.',
    authScopes: { 'contacts:read': true },
    args: {
      by: t.arg({ type: ContactLookup, required: true }),
      includeDeleted: t.arg.boolean({ defaultValue: false, description: 'Also answer a contact in the recycle bin.' }),
    },
    resolve: async (query, _root, { by, includeDeleted }, { tenant }) => {
      // The key is resolved on its unique index first: a read with the relations joined and
      // the key as a filter would walk the organisation's contacts until it met the match.
      const id = await contactIdBy(tenant, by, { includeDeleted: includeDeleted ?? false });
      // Spread even when nothing was found, so Pothos sees the query used.
      const read = { ...query, where: { id: id ?? '', organizationId: tenant.organizationId, ...(includeDeleted ? {} : { deletedAt: null }) } };
      return id ? tenant.prisma.contact.findUnique(read) : null;
    },
  }),
);

const EmailInput = builder.inputType('EmailInput', {
  description: 'An email address of a contact.',
  fields: (t) => ({
    address: t.string({ required: true, description: 'At most 255 characters.' }),
    label: t.string({ description: 'Free text, e.g. home; at most 50 characters.' }),
    isPrimary: t.boolean({ description: 'The first entry is primary unless one says so.' }),
  }),
});

const PhoneInput = builder.inputType('PhoneInput', {
  description: 'A phone number of a contact.',
  fields: (t) => ({
    number: t.string({
      required: true,
      description:
        'Digits with + ( ) - . / and spaces, optionally an extension (x123, ext. 123); at most 50 characters, at least 5 ' +
        'digits. Stored as E.164 when valid, else kept as given (`valid: false`).',
    }),
    label: t.field({ type: PhoneLabelEnum, description: 'WORK, MOBILE, HOME, FAX or OTHER.' }),
    countryCode: t.string({ description: 'ISO 3166-1 alpha-2 region for numbers without a +country prefix.' }),
    isPrimary: t.boolean({ description: 'The first entry is primary unless one says so.' }),
  }),
});

const AddressInput = builder.inputType('AddressInput', {
  description: 'A postal address: a one-line text, structured parts, or both (at least one of them).',
  fields: (t) => ({
    street: t.string({ description: 'At most 500 characters.' }),
    secondaryAddress: t.string({ description: 'At most 500 characters.' }),
    postalCode: t.string({ description: 'At most 50 characters.' }),
    city: t.string({ description: 'At most 255 characters.' }),
    state: t.string({ description: 'At most 255 characters.' }),
    country: t.string({ description: 'ISO 3166-1 alpha-2, e.g. GB' }),
    line: t.string({
      description:
        'The whole address on one line, e.g. "123 Main St, Springfield, USA"; at most 1000 characters. Kept as given: ' +
        'it is not parsed into the parts (a country named in it does not fill `country`).',
    }),
    isPrimary: t.boolean({ description: 'The first entry is primary unless one says so.' }),
  }),
});

const UrlInput = builder.inputType('UrlInput', {
  fields: (t) => ({ url: t.string({ required: true }), isPrimary: t.boolean() }),
});

const CompanyRef = builder.inputType('CompanyRef', {
  description:
    'One way to name a company. Exactly one field must be set (@oneOf). By id or externalRef the ' +
    'company must exist; by name it is matched after normalisation and created when missing.',
  extensions: { oneOf: true },
  fields: (t) => ({
    id: t.id(),
    name: t.string(),
    externalRef: t.field({ type: ExternalRefInput }),
  }),
});

const ContactCompanyInput = builder.inputType('ContactCompanyInput', {
  fields: (t) => ({
    company: t.field({ type: CompanyRef, required: true }),
    jobTitle: t.string({ description: 'At most 500 characters.' }),
    department: t.string({ description: 'At most 255 characters.' }),
    isPrimary: t.boolean({ description: 'The first link is primary unless another says so.' }),
  }),
});

const CustomFieldValueInput = builder.inputType('CustomFieldValueInput', {
  description:
    'A value of a custom field, which is named by `field`, or by `group` and `name` (as folk writes values: per group, ' +
    'by field name). Give exactly one of the two forms. The field’s group must be among the contact’s groups.',
  fields: (t) => ({
    field: t.id({ description: 'The custom field’s id. Not with `group` and `name`.' }),
    group: t.id({ description: 'The id of the group the field belongs to; with `name`, instead of `field`.' }),
    name: t.string({
      description: 'The field’s name within `group`, matched as field names are kept unique (trimmed, inner whitespace collapsed, case ignored).',
    }),
    value: t.field({
      type: 'JSON',
      description:
        'TEXT/MAGIC a string; NUMBER a number or a decimal number as text ("42", "-3.5"); DATE "YYYY-MM-DD"; ' +
        'SINGLE_SELECT an option label; MULTIPLE_SELECT labels; CONTACT contacts or companies, OBJECT any objects, ' +
        'USER users, each as an id or { id } (users also as an email or { email }), one or a list. ' +
        'null or [] leaves it unset.',
    }),
  }),
});

/** The fields of a contact's input, shared by createContact and createContacts items. */
export function contactInputFields<Types extends SchemaTypes>(t: InputFieldBuilder<Types, 'InputObject'>) {
  return {
    type: t.field({ type: ContactTypeEnum, description: 'Defaults to GENERAL; cannot change later.' }),
    firstName: t.string({ description: 'At most 500 characters.' }),
    middleName: t.string({ description: 'At most 500 characters.' }),
    lastName: t.string({ description: 'At most 500 characters.' }),
    fullName: t.string({ description: 'Derived from the name parts when absent; at most 1000 characters.' }),
    abbreviation: t.string(),
    title: t.string({ description: 'Honorific, e.g. Dr.' }),
    gender: t.field({ type: GenderEnum }),
    birthday: t.field({ type: LocalDateScalar, description: 'A calendar date, YYYY-MM-DD; an impossible date such as 2026-02-30 is refused before anything runs.' }),
    primaryLanguage: t.string({
      description: 'ISO 639-1, optionally with an ISO 15924 script and an ISO 3166-1 region: en, en-GB, zh-Hant-TW (at most 10 characters).',
    }),
    description: t.string({ description: 'At most 5000 characters.' }),
    strategy: t.string(),
    jobTitle: t.string({ description: 'Defaults to the job title of the primary company link; at most 500 characters.' }),
    department: t.string({ description: 'Defaults to the department of the primary company link.' }),
    email: t.string({ description: 'Folds into `emails` as the primary address.' }),
    phone: t.string({ description: 'Folds into `phones`; international format (+…) to be stored as E.164.' }),
    mobile: t.string({ description: 'Folds into `phones` with the label MOBILE.' }),
    emails: t.field({ type: [EmailInput], description: 'At most 20; the first is primary unless one says isPrimary.' }),
    phones: t.field({ type: [PhoneInput], description: 'At most 20.' }),
    addresses: t.field({ type: [AddressInput], description: 'At most 20.' }),
    urls: t.field({ type: [UrlInput], description: 'At most 20.' }),
    linkedInUrl: t.string({ description: 'https://www.linkedin.com/in/{slug}' }),
    profilePictureUrl: t.string(),
    tags: t.stringList(),
    loginEmail: t.string(),
    mailingListOptIn: t.boolean(),
    purchaseOrderNumber: t.string({ description: 'At most 50 characters; INVOICE contacts only.' }),
    ssn: t.string(),
    externalRefs: t.field({ type: [ExternalRefInput], description: 'Ids of this contact in other systems.' }),
    companies: t.field({ type: [ContactCompanyInput], description: 'At most 20.' }),
    groups: t.idList({ description: 'Group ids, at most 100.' }),
    customFieldValues: t.field({ type: [CustomFieldValueInput] }),
  };
}

const CompanyResolutionAction = builder.enumType('CompanyResolutionAction', {
  values: { MATCHED: { description: 'An existing company.' }, CREATED: { description: 'Created by this call (or, in a dry run, would be).' } },
});

interface CompanyResolutionShape {
  index: number;
  action: 'MATCHED' | 'CREATED';
  companyId: string | null;
  name: string | null;
}

const CompanyResolution = builder.objectRef<CompanyResolutionShape>('CompanyResolution').implement({
  description: 'How one entry of the input `companies` was resolved.',
  fields: (t) => ({
    index: t.exposeInt('index', { description: 'The position of the entry in `companies`.' }),
    action: t.field({ type: CompanyResolutionAction, resolve: (r) => r.action }),
    company: t.prismaField({
      type: 'Company',
      nullable: true,
      description: 'Null only in a dry run, for a company that would be created.',
      resolve: (query, r, args, context) => loadPayloadRecord('company')(query, { id: r.companyId }, args, context),
    }),
    name: t.exposeString('name', { nullable: true, description: 'In a dry run, the name of a company that would be created.' }),
  }),
});


builder.relayMutationField(
  'createContact',
  {
    inputFields: (t) => ({
      ...contactInputFields(t),
      idempotencyKey: t.string({ description: 'Same key and same input within 24 h answers the first result and writes nothing.' }),
      dryRun: t.boolean({ description: 'Validate and resolve companies; write nothing.' }),
    }),
  },
  {
    authScopes: { 'contacts:write': true },
    resolve: async (_root, { input }, { tenant }) => {
      const { clientMutationId: _c, idempotencyKey, dryRun, ...fields } = input;
      return createContact(tenant, fields as ContactFieldsInput, { idempotencyKey, dryRun: dryRun ?? false });
    },
  },
  {
    outputFields: (t) => ({
      contact: t.prismaField({
        type: ContactNode,
        nullable: true,
        resolve: (query, outcome: ContactOutcome, args, context) => loadPayloadRecord('contact')(query, { id: outcome.contactId }, args, context),
      }),
      companyResolutions: t.field({ type: [CompanyResolution], resolve: (outcome) => outcome.companyResolutions }),
      userErrors: t.field({ type: [UserError], resolve: (outcome) => outcome.failures }),
    }),
  },
);

const CreateContactsItem = builder.inputType('CreateContactsItem', {
  fields: (t) => ({
    clientRef: t.string({ description: 'Echoed on this item’s result.' }),
    ...contactInputFields(t),
  }),
});

interface ItemResult extends ContactOutcome {
  clientRef: string | null;
}

const CreateContactsResult = builder.objectRef<ItemResult>('CreateContactsResult').implement({
  description: 'The outcome of one item, in input order. Error paths start at the item.',
  fields: (t) => ({
    clientRef: t.exposeString('clientRef', { nullable: true }),
    contact: t.prismaField({
      type: ContactNode,
      nullable: true,
      resolve: (query, result, args, context) => loadPayloadRecord('contact')(query, { id: result.contactId }, args, context),
    }),
    companyResolutions: t.field({ type: [CompanyResolution], resolve: (r) => r.companyResolutions }),
    userErrors: t.field({ type: [UserError], resolve: (r) => r.failures }),
  }),
});

builder.relayMutationField(
  'createContacts',
  {
    inputFields: (t) => ({
      contacts: t.field({ type: [CreateContactsItem], required: true, description: `At most ${MAX_BATCH}.` }),
      allOrNone: t.boolean({ defaultValue: false, description: 'Any error in any item writes nothing.' }),
    }),
  },
  {
    authScopes: { 'contacts:write': true },
    resolve: async (_root, { input }, { tenant, bulkWrites }) => {
      if (input.contacts.length > MAX_BATCH) {
        return {
          results: [],
          failures: [{ code: 'LIMIT_EXCEEDED' as const, message: `at most ${MAX_BATCH} contacts per call`, path: ['contacts'] }],
        };
      }
      const outcomes = await bulkWrites(() =>
        createContacts(
          tenant,
          input.contacts.map(({ clientRef: _ref, ...fields }) => fields as ContactFieldsInput),
          { allOrNone: input.allOrNone ?? false },
        ),
      );
      return {
        results: outcomes.map((outcome, index) => ({ ...outcome, clientRef: input.contacts[index]!.clientRef ?? null })),
        failures: [],
      };
    },
  },
  {
    outputFields: (t) => ({
      results: t.field({ type: [CreateContactsResult], resolve: (payload) => payload.results }),
      userErrors: t.field({
        type: [UserError],
        description: 'Problems of the batch as a whole (too many items).',
        resolve: (payload) => payload.failures,
      }),
    }),
  },
);

builder.asEntity(ContactNode, {
  key: idKey,
  resolveReference: resolveById('Contact', (loaders) => loaders.contactById, (contact) => contact.deletedAt === null),
});

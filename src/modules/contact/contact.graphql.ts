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

export const ContactTypeEnum = builder.enumType(ContactType, {
  name: 'ContactType',
  description: 'The role a contact plays for the organisation; set at creation and fixed after.',
  values: {
    GENERAL: { description: 'A general contact (the default).' },
    COMMERCIAL: { description: 'A commercial contact.' },
    TECHNICAL: { description: 'A technical contact.' },
    FINANCE: { description: 'A finance contact.' },
    INVOICE: { description: 'An invoicing contact; the only type that may hold a purchaseOrderNumber.' },
    SHIPPING: { description: 'A shipping contact.' },
  },
});
export const GenderEnum = builder.enumType(Gender, {
  name: 'Gender',
  description: "A contact's gender, when known.",
  values: {
    MALE: { description: 'Male.' },
    FEMALE: { description: 'Female.' },
    UNSPECIFIED: { description: 'Explicitly unspecified (null means not given).' },
  },
});
export const PhoneLabelEnum = builder.enumType(PhoneLabel, {
  name: 'PhoneLabel',
  description: 'What kind of phone number it is.',
  values: {
    WORK: { description: 'A work number.' },
    HOME: { description: 'A home number.' },
    MOBILE: { description: 'A mobile number; `Contact.mobile` answers the first one.' },
    FAX: { description: 'A fax number.' },
    OTHER: { description: 'Any other kind.' },
  },
});

export const byPosition = { orderBy: { position: 'asc' } } as const;

builder.prismaObject('ContactEmail', {
  description: "One of a contact's email addresses.",
  select: {},
  fields: (t) => ({
    address: t.exposeString('address', { description: 'The address as given (trimmed); unique per organisation, ignoring case.' }),
    label: t.exposeString('label', { nullable: true, description: 'A free label such as work or home; null when none was given.' }),
    isPrimary: t.exposeBoolean('isPrimary', { description: 'True for exactly one email of the contact: the one `Contact.email` answers.' }),
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
    label: t.expose('label', { type: PhoneLabelEnum, nullable: true, description: 'What kind of phone it is; null when not said.' }),
    countryCode: t.exposeString('countryCode', {
      nullable: true,
      description: 'ISO 3166-1 alpha-2 region of a valid number; of a number kept as given, the countryCode it was given with.',
    }),
    isPrimary: t.exposeBoolean('isPrimary', { description: 'True for exactly one phone of the contact (`phone` shows it).' }),
  }),
});

builder.prismaObject('ContactAddress', {
  name: 'Address',
  description: 'A postal address: structured parts, a one-line text, or both.',
  select: {},
  fields: (t) => ({
    street: t.exposeString('street', { nullable: true, description: 'Street and number.' }),
    secondaryAddress: t.exposeString('secondaryAddress', { nullable: true, description: 'Suite, floor, building: the second address line.' }),
    postalCode: t.exposeString('postalCode', { nullable: true, description: 'Postal or ZIP code, as given.' }),
    city: t.exposeString('city', { nullable: true, description: 'City or town.' }),
    state: t.exposeString('state', { nullable: true, description: 'State, province or region, as given.' }),
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
    isPrimary: t.exposeBoolean('isPrimary', { description: 'True for exactly one address of the contact.' }),
  }),
});

builder.prismaObject('ContactUrl', {
  description: 'A web address of a contact.',
  select: {},
  fields: (t) => ({
    url: t.exposeString('url', { description: 'An http(s) URL, as given (trimmed).' }),
    isPrimary: t.exposeBoolean('isPrimary', { description: 'True for exactly one url of the contact.' }),
  }),
});

builder.prismaObject('ContactCompany', {
  description: "A contact's link to a company.",
  select: {},
  fields: (t) => ({
    company: t.relation('company', { description: 'The linked company.' }),
    jobTitle: t.exposeString('jobTitle', { nullable: true, description: "The contact's job title at this company; null when none was given." }),
    department: t.exposeString('department', { nullable: true, description: "The contact's department at this company; null when none was given." }),
    isPrimary: t.exposeBoolean('isPrimary', { description: 'True for exactly one link of a contact with companies: the one `primaryCompany` answers.' }),
  }),
});

export const ContactNode = builder.prismaNode('Contact', {
  description: 'A person the organisation deals with.',
  // contact data: every field but the id needs contacts:read, whichever path reaches it
  authScopes: { 'contacts:read': true },
  id: { field: 'id', skipTypeScopes: true },
  nullable: true,
  findUnique: (id, context) => ({ id, organizationId: context.tenant.organizationId }),
  fields: (t) => ({
    type: t.expose('type', { type: ContactTypeEnum, description: 'Fixed at creation.' }),
    firstName: t.exposeString('firstName', { nullable: true, description: 'Given name; null when not given.' }),
    middleName: t.exposeString('middleName', { nullable: true, description: 'Middle name(s); null when not given.' }),
    lastName: t.exposeString('lastName', { nullable: true, description: 'Family name; null when not given.' }),
    fullName: t.exposeString('fullName', { nullable: true, description: 'Derived from the name parts unless given explicitly.' }),
    abbreviation: t.exposeString('abbreviation', { nullable: true, description: 'A short form of the name, e.g. initials; null when not given.' }),
    title: t.exposeString('title', { nullable: true, description: 'Honorific, e.g. Dr.' }),
    gender: t.expose('gender', { type: GenderEnum, nullable: true, description: 'Null when not given.' }),
    birthday: t.field({
      type: 'LocalDate',
      nullable: true,
      description: 'A calendar date, YYYY-MM-DD; null when not given.',
      select: { birthday: true },
      resolve: (c) => c.birthday?.toISOString().slice(0, 10) ?? null,
    }),
    primaryLanguage: t.exposeString('primaryLanguage', {
      nullable: true,
      description: 'ISO 639-1, optionally with a script and a region subtag (BCP 47), e.g. en, en-GB, zh-Hant-TW.',
    }),
    description: t.exposeString('description', { nullable: true, description: 'Free notes about the contact; null when none.' }),
    strategy: t.exposeString('strategy', { nullable: true, description: 'Free text on how to approach the contact; null when none.' }),
    jobTitle: t.exposeString('jobTitle', { nullable: true, description: 'Given, or that of the primary company link.' }),
    department: t.exposeString('department', { nullable: true, description: 'Given, or that of the primary company link.' }),
    emails: t.relation('emails', { query: byPosition, description: 'Ordered; the primary first unless another says isPrimary.' }),
    phones: t.relation('phones', { query: byPosition, description: 'Phone numbers in input order; exactly one is primary.' }),
    addresses: t.relation('addresses', { query: byPosition, description: 'Postal addresses in input order; exactly one is primary.' }),
    urls: t.relation('urls', { query: byPosition, description: 'Web addresses in input order; exactly one is primary.' }),
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
    linkedInUrl: t.exposeString('linkedInUrl', { nullable: true, description: 'The LinkedIn profile, https://www.linkedin.com/in/{slug}; null when not given.' }),
    profilePictureUrl: t.exposeString('profilePictureUrl', { nullable: true, description: 'An http(s) URL of a picture of the contact; null when not given.' }),
    tags: t.exposeStringList('tags', { description: 'Free labels, in input order, each once (ignoring case); empty when none.' }),
    loginEmail: t.exposeString('loginEmail', { nullable: true, description: 'A login email address, kept apart from `emails` (not checked for uniqueness); null when not given.' }),
    mailingListOptIn: t.exposeBoolean('mailingListOptIn', { nullable: true, description: 'Whether the contact agreed to mailings; null when unknown.' }),
    purchaseOrderNumber: t.exposeString('purchaseOrderNumber', { nullable: true, description: 'INVOICE contacts only.' }),
    ssn: t.exposeString('ssn', {
      nullable: true,
      description: 'Sensitive: needs the contacts:sensitive scope; without it, null and a FORBIDDEN error on this field.',
      authScopes: { 'contacts:sensitive': true },
    }),
    externalRefs: t.relation('externalRefs', { type: ExternalRefType, description: "The contact's ids in other systems, by namespace then id.", query: { orderBy: [{ namespace: 'asc' }, { externalId: 'asc' }] } }),
    companies: t.relation('companies', { query: byPosition, description: 'Company links, the primary one flagged.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the contact was created.' }),
    createdBy: t.relation('createdBy', { type: UserNode, nullable: true, description: 'The user whose API key (or import) created the contact; null once that user is deleted.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the contact last changed (a write that changes nothing leaves it).' }),
    updatedBy: t.relation('updatedBy', { type: UserNode, nullable: true, description: 'The user whose write changed the contact last; null once that user is deleted.' }),
    deletedAt: t.expose('deletedAt', { type: 'DateTime', nullable: true, description: 'When the contact was moved to the recycle bin; null when it is not in it.' }),
    version: t.exposeInt('version', { description: 'Starts at 1 and grows by one with every write that changes the contact; the change feed entries carry it.' }),
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
    id: t.id({ description: "The contact's id (con_…); a merged-away id finds the contact it was merged into." }),
    externalRef: t.field({ type: ExternalRefInput, description: "The contact's id in another system (namespace lower-cased, both parts trimmed)." }),
    email: t.string({ description: 'Matched case-insensitively against every email of a contact.' }),
  }),
});

builder.queryField('contact', (t) =>
  t.prismaField({
    type: ContactNode,
    nullable: true,
    description: 'The contact a lookup names, or null when none matches in your organisation (or it is in the recycle bin); a merged-away id answers the contact it was merged into. Needs contacts:read.',
    authScopes: { 'contacts:read': true },
    args: {
      by: t.arg({ type: ContactLookup, required: true, description: 'How to find the contact: exactly one of id, email or externalRef.' }),
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
  description: 'A web address of a contact.',
  fields: (t) => ({
    url: t.string({ required: true, description: 'An http(s) URL.' }),
    isPrimary: t.boolean({ description: 'Makes this url the primary one; without any, the first is.' }),
  }),
});

const CompanyRef = builder.inputType('CompanyRef', {
  description:
    'One way to name a company. Exactly one field must be set (@oneOf). By id or externalRef the ' +
    'company must exist; by name it is matched after normalisation and created when missing.',
  extensions: { oneOf: true },
  fields: (t) => ({
    id: t.id({ description: 'An existing company (com_…); NOT_FOUND when there is none.' }),
    name: t.string({ description: 'Matched after trimming, collapsing whitespace and ignoring case; created when no company has it.' }),
    externalRef: t.field({ type: ExternalRefInput, description: "An existing company's id in another system; NOT_FOUND when there is none." }),
  }),
});

const ContactCompanyInput = builder.inputType('ContactCompanyInput', {
  description: 'A link of the contact to a company. The same company named twice links once.',
  fields: (t) => ({
    company: t.field({ type: CompanyRef, required: true, description: 'The company, by id, name or externalRef.' }),
    jobTitle: t.string({ description: "The contact's job title at this company; at most 500 characters." }),
    department: t.string({ description: "The contact's department at this company; at most 255 characters." }),
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
    firstName: t.string({ description: 'Given name, at most 500 characters. A contact needs a name part, an email or a phone.' }),
    middleName: t.string({ description: 'Middle name(s), at most 500 characters.' }),
    lastName: t.string({ description: 'Family name, at most 500 characters.' }),
    fullName: t.string({ description: 'Derived from the name parts when absent; at most 1000 characters.' }),
    abbreviation: t.string({ description: 'A short form of the name, e.g. initials; at most 50 characters.' }),
    title: t.string({ description: 'Honorific, e.g. Dr.' }),
    gender: t.field({ type: GenderEnum, description: "The contact's gender, when known." }),
    birthday: t.field({ type: LocalDateScalar, description: 'A calendar date, YYYY-MM-DD; an impossible date such as 2026-02-30 is refused before anything runs.' }),
    primaryLanguage: t.string({
      description: 'ISO 639-1, optionally with an ISO 15924 script and an ISO 3166-1 region: en, en-GB, zh-Hant-TW (at most 10 characters).',
    }),
    description: t.string({ description: 'At most 5000 characters.' }),
    strategy: t.string({ description: 'Free text on how to approach the contact; at most 5000 characters.' }),
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
    profilePictureUrl: t.string({ description: 'An http(s) URL of a picture of the contact.' }),
    tags: t.stringList({ description: 'Free labels; repeats (ignoring case) are kept once.' }),
    loginEmail: t.string({ description: 'A login email address; a valid address, kept apart from `emails`.' }),
    mailingListOptIn: t.boolean({ description: 'Whether the contact agreed to mailings.' }),
    purchaseOrderNumber: t.string({ description: 'At most 50 characters; INVOICE contacts only.' }),
    ssn: t.string({ description: 'Sensitive: writing it (null included) needs the contacts:sensitive scope; without it the whole call is refused with a FORBIDDEN GraphQL error and nothing is written.' }),
    externalRefs: t.field({ type: [ExternalRefInput], description: 'Ids of this contact in other systems.' }),
    companies: t.field({ type: [ContactCompanyInput], description: 'At most 20.' }),
    groups: t.idList({ description: 'Group ids, at most 100.' }),
    customFieldValues: t.field({ type: [CustomFieldValueInput], description: "Values of the custom fields of the contact's groups." }),
  };
}

const CompanyResolutionAction = builder.enumType('CompanyResolutionAction', {
  description: 'How an entry of the input `companies` found its company.',
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
    action: t.field({ type: CompanyResolutionAction, description: 'Whether the company existed or was created.', resolve: (r) => r.action }),
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
    description: 'The input of createContact: the contact\'s fields, with idempotencyKey and dryRun.',
    inputFields: (t) => ({
      ...contactInputFields(t),
      idempotencyKey: t.string({ description: 'Same key and same input within 24 h answers the first result and writes nothing.' }),
      dryRun: t.boolean({ description: 'Validate and resolve companies; write nothing.' }),
    }),
  },
  {
    description:
      'Creates one contact with its emails, phones, addresses, urls, external refs, company links (companies named by name are created when missing), groups and custom values, in one transaction; or writes nothing and answers userErrors. Needs contacts:write.',
    authScopes: { 'contacts:write': true },
    resolve: async (_root, { input }, { tenant }) => {
      const { clientMutationId: _c, idempotencyKey, dryRun, ...fields } = input;
      return createContact(tenant, fields as ContactFieldsInput, { idempotencyKey, dryRun: dryRun ?? false });
    },
  },
  {
    description: 'The result of createContact: the contact, how its companies were resolved, or userErrors.',
    outputFields: (t) => ({
      contact: t.prismaField({
        type: ContactNode,
        nullable: true,
        description: 'The created contact (for a repeated idempotencyKey, the one the first call created); null on userErrors and in a dry run.',
        resolve: (query, outcome: ContactOutcome, args, context) => loadPayloadRecord('contact')(query, { id: outcome.contactId }, args, context),
      }),
      companyResolutions: t.field({ type: [CompanyResolution], description: 'One per entry of the input `companies`, in input order.', resolve: (outcome) => outcome.companyResolutions }),
      userErrors: t.field({ type: [UserError], description: 'Expected failures; when there is any, nothing was written. Empty on success.', resolve: (outcome) => outcome.failures }),
    }),
  },
);

const CreateContactsItem = builder.inputType('CreateContactsItem', {
  description: 'One contact of createContacts: the fields of createContact, with a clientRef.',
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
    clientRef: t.exposeString('clientRef', { nullable: true, description: "The item's clientRef, as sent; null when it had none." }),
    contact: t.prismaField({
      type: ContactNode,
      nullable: true,
      description: 'The created contact; null when this item (or, with allOrNone, any item) failed.',
      resolve: (query, result, args, context) => loadPayloadRecord('contact')(query, { id: result.contactId }, args, context),
    }),
    companyResolutions: t.field({ type: [CompanyResolution], description: "One per entry of the item's `companies`, in input order.", resolve: (r) => r.companyResolutions }),
    userErrors: t.field({ type: [UserError], description: "This item's failures (paths start at the item); when there is any, the item was not written.", resolve: (r) => r.failures }),
  }),
});

builder.relayMutationField(
  'createContacts',
  {
    description: 'The input of createContacts.',
    inputFields: (t) => ({
      contacts: t.field({ type: [CreateContactsItem], required: true, description: `At most ${MAX_BATCH}.` }),
      allOrNone: t.boolean({ defaultValue: false, description: 'Any error in any item writes nothing.' }),
    }),
  },
  {
    description: `Creates up to ${MAX_BATCH} contacts, validated as createContact validates one, with lookups shared by the batch; the valid items are written in one transaction (with allOrNone, none when any item fails). Needs contacts:write.`,
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
    description: 'The result of createContacts: one result per item, in input order, or userErrors for the whole batch.',
    outputFields: (t) => ({
      results: t.field({ type: [CreateContactsResult], description: 'One per input item, in input order; empty when the batch was refused as a whole.', resolve: (payload) => payload.results }),
      userErrors: t.field({
        type: [UserError],
        description: 'Problems of the batch as a whole: LIMIT_EXCEEDED for more than ' + MAX_BATCH + ' items (then nothing was written).',
        resolve: (payload) => payload.failures,
      }),
    }),
  },
);

builder.asEntity(ContactNode, {
  key: idKey,
  resolveReference: resolveById('Contact', (loaders) => loaders.contactById, (contact) => contact.deletedAt === null),
});

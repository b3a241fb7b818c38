import type { InputFieldBuilder, SchemaTypes } from '@pothos/core';
import { builder, LocalDateScalar } from '../../graphql/builder.js';
import { ExternalRefInput } from '../external-ref/external-ref.graphql.js';
import { ContactTypeEnum, GenderEnum, PhoneLabelEnum } from './contact.graphql.js';

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

import { ContactType, Gender, PhoneLabel } from '../../db/generated/prisma/enums.js';
import { builder, LocalDateScalar } from '../../graphql/builder.js';
import { idKey, resolveById } from '../../graphql/federation.js';
import { readRecord } from '../../graphql/records.js';
import { ExternalRefInput, ExternalRefType } from '../external-ref/external-ref.graphql.js';
import { UserNode } from '../user/user.graphql.js';
import { contactIdBy } from './contact-lookup.js';
import { childRows, type FieldSql, NotCompiled, type RootRead, type RootReadInput } from '../../graphql/compiled-reads.js';
import { decodeId, decodeIdOf, NIL_UUID } from '../common/ids.js';
import { MAX_PAGE_SIZE } from '../common/paging.js';

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
const byPositionSql = (child: string) => `${child}.position`;

/** The `column` of the contact's first row of `table` (by position) where `condition` holds. */
const firstOf = (table: string, column: string, condition: string): FieldSql => ({
  value: (c) => `(SELECT x.${column} FROM ${table} x WHERE x.organization_id = ${c}.organization_id AND x.contact_id = ${c}.id AND x.${condition} ORDER BY x.position LIMIT 1)`,
});

/** The user a contact's `column` names. */
const userOf = (column: string): FieldSql => ({ from: (c, user) => `FROM users ${user} WHERE ${user}.id = ${c}.${column}` });

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
      extensions: { sql: { value: (row) => `${row}.e164 IS NOT NULL` } satisfies FieldSql },
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
      extensions: {
        sql: {
          value: (a) =>
            `coalesce(nullif(concat_ws(', ', nullif(${a}.street, ''), nullif(${a}.secondary_address, ''), ` +
            `nullif(concat_ws(' ', nullif(${a}.postal_code, ''), nullif(${a}.city, '')), ''), nullif(${a}.state, ''), nullif(${a}.country, '')), ''), ${a}.line, '')`,
        } satisfies FieldSql,
      },
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
    company: t.relation('company', {
      description: 'The linked company.',
      extensions: { sql: { from: (link, company) => `FROM companies ${company} WHERE ${company}.organization_id = ${link}.organization_id AND ${company}.id = ${link}.company_id` } satisfies FieldSql },
    }),
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
      extensions: { sql: { value: (c) => `to_char(${c}.birthday, 'YYYY-MM-DD')` } satisfies FieldSql },
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
    emails: t.relation('emails', { query: byPosition, extensions: { sql: childRows('contact_emails', byPositionSql) }, description: 'Ordered; the primary first unless another says isPrimary.' }),
    phones: t.relation('phones', { query: byPosition, extensions: { sql: childRows('contact_phones', byPositionSql) }, description: 'Phone numbers in input order; exactly one is primary.' }),
    addresses: t.relation('addresses', { query: byPosition, extensions: { sql: childRows('contact_addresses', byPositionSql) }, description: 'Postal addresses in input order; exactly one is primary.' }),
    urls: t.relation('urls', { query: byPosition, extensions: { sql: childRows('contact_urls', byPositionSql) }, description: 'Web addresses in input order; exactly one is primary.' }),
    // The convenience fields select their list exactly as the list fields do, so Pothos
    // merges them into one relation query instead of a second one.
    email: t.string({
      nullable: true,
      description: 'The primary email address.',
      select: { emails: { ...byPosition, select: { address: true, isPrimary: true } } },
      extensions: { sql: firstOf('contact_emails', 'address', 'is_primary') },
      resolve: (c) => c.emails.find((e) => e.isPrimary)?.address ?? null,
    }),
    phone: t.string({
      nullable: true,
      description: 'The `number` of the primary phone (E.164 when valid).',
      select: { phones: { ...byPosition, select: { number: true, isPrimary: true } } },
      extensions: { sql: firstOf('contact_phones', 'number', 'is_primary') },
      resolve: (c) => c.phones.find((p) => p.isPrimary)?.number ?? null,
    }),
    mobile: t.string({
      nullable: true,
      description: 'The `number` of the first phone labelled MOBILE (E.164 when valid).',
      select: { phones: { ...byPosition, select: { number: true, label: true } } },
      extensions: { sql: firstOf('contact_phones', 'number', "label = 'MOBILE'") },
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
    externalRefs: t.relation('externalRefs', {
      type: ExternalRefType,
      description: "The contact's ids in other systems, by namespace then id.",
      query: { orderBy: [{ namespace: 'asc' }, { externalId: 'asc' }] },
      extensions: { sql: childRows('external_refs', (r) => `${r}.namespace, ${r}.external_id`) },
    }),
    companies: t.relation('companies', { query: byPosition, extensions: { sql: childRows('contact_companies', byPositionSql) }, description: 'Company links, the primary one flagged.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the contact was created.' }),
    createdBy: t.relation('createdBy', { type: UserNode, nullable: true, extensions: { sql: userOf('created_by_id') }, description: 'The user whose API key (or import) created the contact; null once that user is deleted.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the contact last changed (a write that changes nothing leaves it).' }),
    updatedBy: t.relation('updatedBy', { type: UserNode, nullable: true, extensions: { sql: userOf('updated_by_id') }, description: 'The user whose write changed the contact last; null once that user is deleted.' }),
    deletedAt: t.expose('deletedAt', { type: 'DateTime', nullable: true, description: 'When the contact was moved to the recycle bin; null when it is not in it.' }),
    version: t.exposeInt('version', { description: 'Starts at 1 and grows by one with every write that changes the contact; the change feed entries carry it.' }),
    etag: t.string({
      description: 'Changes with every write; send it back as `ifMatch` to update safely.',
      select: { version: true },
      extensions: { sql: { value: (c) => `'W/"' || ${c}.version || '"'` } satisfies FieldSql },
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

/**
 * contact(by:) compiled: by id, one statement (a merged-away id reads its target); by email or
 * external ref, the key's lookup and then that statement.
 */
const readContact: RootRead = async ({ args, nodes, tenant, statement, rows, json, remember }) => {
  const by = args.by as { id?: string; email?: string; externalRef?: { namespace: string; externalId: string } };
  if (Object.values(by).filter((key) => key != null).length !== 1) throw new NotCompiled('not exactly one key');
  const includeDeleted = args.includeDeleted === true;
  const contact = json('Contact', nodes, 'c');
  let id: string | null;
  if (by.id != null) {
    id = decodeIdOf('Contact', by.id);
  } else {
    id = await contactIdBy(tenant, by, { includeDeleted });
  }
  if (!id) return null;
  const organization = statement.param(tenant.organizationId, 'uuid');
  const contactId = statement.param(id, 'uuid');
  const sql = remember(`contact ${includeDeleted}`, () => `SELECT ${contact} AS json
                 FROM contacts k JOIN contacts c ON c.organization_id = k.organization_id AND c.id = coalesce(k.merged_into_id, k.id)
                WHERE k.organization_id = ${organization} AND k.id = ${contactId}${includeDeleted ? '' : ' AND c.deleted_at IS NULL'}`);
  const [row] = await rows<{ json: unknown }>(sql);
  return row?.json ?? null;
};

/**
 * Contacts by id in one statement, in the ids' order: null for a missing, foreign or malformed
 * id (null), a merged-away id as its target, one in the recycle bin only with `includeDeleted`.
 */
async function contactsById({ nodes, tenant, statement, rows, json }: RootReadInput, ids: (string | null)[], includeDeleted: boolean) {
  const contact = json('Contact', nodes, 'c');
  const found = await rows<{ n: string | number; json: unknown }>(
    `SELECT e.n, ${contact} AS json
       FROM unnest(${statement.param(ids.map((id) => id ?? NIL_UUID), 'uuid[]')}) WITH ORDINALITY e(id, n)
       JOIN contacts k ON k.organization_id = ${statement.param(tenant.organizationId, 'uuid')} AND k.id = e.id
       JOIN contacts c ON c.organization_id = k.organization_id AND c.id = coalesce(k.merged_into_id, k.id)${includeDeleted ? '' : ' WHERE c.deleted_at IS NULL'}`,
  );
  const byPosition = new Map(found.map((row) => [Number(row.n), row.json]));
  return ids.map((_id, index) => byPosition.get(index + 1) ?? null);
}

/** nodes(ids:) compiled when every id is a contact's (or malformed): the ids are parsed as Pothos' decodeGlobalID does. */
export const readContactNodes: RootRead = async (input) => {
  const ids = input.args.ids as string[];
  if (ids.length > MAX_PAGE_SIZE) throw new NotCompiled('more ids than nodes takes');
  const decoded = ids.map((id) => decodeId(id) ?? { typename: 'Contact', id: NIL_UUID });
  if (decoded.some((id) => id.typename !== 'Contact')) throw new NotCompiled('an id of another type');
  return contactsById(input, decoded.map((id) => id.id), input.args.includeDeleted === true);
};

/** _entities compiled when every representation is a Contact's: as resolveById, outside the bin. */
export const readContactEntities: RootRead = async (input) => {
  const representations = input.args.representations as unknown[];
  if (!input.tenant.scopes.has('contacts:read')) throw new NotCompiled('needs contacts:read');
  const ids = representations.map((representation) => {
    if (!representation || typeof representation !== 'object' || (representation as { __typename?: unknown }).__typename !== 'Contact') {
      throw new NotCompiled('a representation of another type');
    }
    const { id } = representation as { id?: unknown };
    return typeof id === 'string' ? decodeIdOf('Contact', id) : null;
  });
  return contactsById(input, ids, false);
};

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
    extensions: { compiledRead: readContact },
    // The key is resolved on its unique index first: a read with the relations joined and the
    // key as a filter would walk the organisation's contacts until it met the match.
    resolve: async (query, _root, { by, includeDeleted }, { tenant }) =>
      readRecord('contact', query, tenant, await contactIdBy(tenant, by, { includeDeleted: includeDeleted ?? false }), includeDeleted ? {} : { deletedAt: null }),
  }),
);

builder.asEntity(ContactNode, {
  key: idKey,
  resolveReference: resolveById('Contact', (loaders) => loaders.contactById, (contact) => contact.deletedAt === null),
});

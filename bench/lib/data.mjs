// The benchmark's data set: reproducible createContact inputs (a fixed PRNG seed), and the
// rows the API writes for them. The rows are derived with the app's own rules, imported from
// the built sources (dist/): input validation and normalisation (contactInput), the search and
// sort columns (searchColumns), name normalisation and custom-value validation. What
// prepareContact and writeContacts add on top (company links, primary flags, jobTitle from the
// primary link, change-feed origin) is mirrored here; bench/run.mjs checks the mirror against
// a contact written by createContact itself before it measures anything.
import { createHash } from 'node:crypto';
import { v7 } from 'uuid';
import { contactInput } from '../../dist/modules/contact/contact-input.js';
import { searchColumns } from '../../dist/modules/contact/contact-search.js';
import { normalizeName } from '../../dist/modules/common/names.js';
import { customFieldValueOf } from '../../dist/modules/custom-field/custom-field-value.js';
import { createRandom } from './prng.mjs';

export const SEED = 20261122;
/** seeded contacts are dated from here on, ~20 minutes apart: reproducible ids and times */
export const BASE_TIME = Date.parse('2026-01-01T00:00:00.000Z');
const CONTACT_SPACING_MS = 20 * 60 * 1000;

const FIRST = ['Anna', 'Ben', 'Carla', 'David', 'Eva', 'Felix', 'Greta', 'Hugo', 'Ida', 'Jonas', 'Karin', 'Lars', 'Maja', 'Nils', 'Olivia', 'Per', 'Rosa', 'Sven', 'Tove', 'Ulf', 'Vera', 'William', 'Xenia', 'Yusuf', 'Zoe', 'Amir', 'Beatriz', 'Chen', 'Dmitri', 'Elif', 'Fatima', 'Giorgio', 'Hana', 'Ivan', 'Jamal', 'Keiko', 'Luca', 'Mei', 'Noah', 'Oskar', 'Priya', 'Quentin', 'Ravi', 'Sofia', 'Tariq', 'Uma', 'Viktor', 'Wen', 'Yara', 'Zain'];
const MIDDLE = ['Marie', 'James', 'Louise', 'Alexander', 'Grace', 'Johan'];
const LAST = ['Andersson', 'Berg', 'Carlsson', 'Dahl', 'Eriksson', 'Fischer', 'García', 'Hansen', 'Ibrahim', 'Jensen', 'Kowalski', 'Larsen', 'Martin', 'Nguyen', "O'Brien", 'Petrov', 'Quinn', 'Rossi', 'Schmidt', 'Tanaka', 'Uddin', 'van Dijk', 'Wagner', 'Xu', 'Yilmaz', 'Zimmermann', 'Smith', 'Jones', 'Müller', 'Dubois', 'Silva', 'Kim', 'Lee', 'Patel', 'Novak', 'Horvat', 'Costa', 'Moreau', 'Bianchi', 'Lindqvist'];
const JOB_TITLES = ['Engineer', 'CTO', 'CEO', 'CFO', 'Head of Sales', 'Account Manager', 'Buyer', 'Product Manager', 'Designer', 'Analyst', 'Consultant', 'Procurement Lead', 'Partner', 'Investor Relations', 'Office Manager'];
const DEPARTMENTS = ['Engineering', 'Sales', 'Finance', 'Operations', 'Procurement', 'Marketing', 'Legal', 'Support'];
const ADJECTIVES = ['Acme', 'Blue', 'Bright', 'Nordic', 'Global', 'Rapid', 'Silver', 'Golden', 'Green', 'Red', 'North', 'South', 'East', 'West', 'Prime', 'Smart', 'Open', 'Clear', 'Solid', 'Quantum', 'Atlas', 'Polar', 'Summit', 'Pioneer', 'Vertex', 'Iron', 'Cedar', 'Maple', 'Harbor', 'River', 'Stone', 'Falcon', 'Orbit', 'Lumen', 'Nova', 'Delta', 'Alpine', 'Coastal', 'Urban', 'United'];
const NOUNS = ['Widgets', 'Systems', 'Logistics', 'Capital', 'Foods', 'Energy', 'Robotics', 'Labs', 'Software', 'Holdings', 'Partners', 'Analytics', 'Media', 'Health', 'Motors', 'Textiles', 'Metals', 'Networks', 'Pharma', 'Ventures', 'Dynamics', 'Consulting', 'Retail', 'Shipping', 'Studios'];
const SUFFIXES = ['AB', 'Ltd', 'Inc', 'GmbH', 'SA', 'BV', 'Oy', 'AS'];
const GROUP_NAMES = ['Customers', 'Prospects', 'Partners', 'Investors', 'Suppliers', 'Press', 'Board', 'Alumni', 'Advisors', 'Resellers', 'Key Accounts', 'Newsletter', 'Events 2026', 'Webinar Leads', 'Churned', 'Trials', 'Enterprise', 'SMB', 'Public Sector', 'Nordics'];
const TAGS = ['vip', 'lead', 'customer', 'partner', 'newsletter', 'decision-maker'];
const LANGUAGES = ['en', 'sv', 'de', 'fr', 'es', 'nl', 'fi', 'da'];
const CITIES = [
  { city: 'London', country: 'GB', postalCode: 'EC1A 1BB' },
  { city: 'Stockholm', country: 'SE', postalCode: '111 22' },
  { city: 'Berlin', country: 'DE', postalCode: '10115' },
  { city: 'Paris', country: 'FR', postalCode: '75001' },
  { city: 'Amsterdam', country: 'NL', postalCode: '1012 AB' },
  { city: 'Helsinki', country: 'FI', postalCode: '00100' },
];
const STREETS = ['High Street', 'Main Road', 'Kungsgatan', 'Friedrichstraße', 'Rue de Rivoli', 'Damrak', 'Mannerheimintie'];
const WORDS = ['met at', 'conference', 'renewal', 'follow up', 'budget', 'Q3', 'pilot', 'integration', 'referral', 'intro call', 'pricing', 'contract'];
export const TIER_OPTIONS = ['Gold', 'Silver', 'Bronze'];

const slug = (text) => text.toLowerCase().normalize('NFD').replace(/[^a-z0-9]+/g, '');

/**
 * A UUIDv7 at `msecs` whose random bits come from the PRNG: reproducible, time-ordered. `salt`
 * (16 bytes, from the organisation's name) keeps two seeded organisations in one database from
 * sharing ids; the data itself does not depend on it.
 */
const idAt = (random, msecs, salt) => {
  const bytes = random.bytes(16);
  if (salt) for (let i = 0; i < 16; i += 1) bytes[i] ^= salt[i];
  return v7({ msecs, random: bytes });
};

/** The id salt of an organisation name. */
export const saltOf = (name) => new Uint8Array(createHash('sha256').update(name).digest().subarray(0, 16));

/** The organisation-level records: companies, groups, each group's three custom fields. */
export function catalog({ companies = 2000, groups = 20, salt } = {}) {
  const random = createRandom(SEED);
  const companyRows = [];
  const seen = new Set();
  const t0 = BASE_TIME - 30 * 24 * 3600 * 1000;
  for (let i = 0; companyRows.length < companies; i += 1) {
    let name = `${random.pick(ADJECTIVES)} ${random.pick(NOUNS)} ${random.pick(SUFFIXES)}`;
    if (seen.has(normalizeName(name))) name = `${name} ${i}`;
    if (seen.has(normalizeName(name))) continue;
    seen.add(normalizeName(name));
    const at = t0 + companyRows.length * 1000;
    companyRows.push({
      id: idAt(random, at, salt),
      name,
      normalized_name: normalizeName(name),
      // createCompany stores a lower-cased domain; a company created by name has none
      domain: random.chance(0.5) ? `${slug(name)}.example` : null,
      created_at: new Date(at).toISOString(),
      updated_at: new Date(at).toISOString(),
    });
  }
  const groupRows = [];
  const fieldRows = [];
  for (let g = 0; g < groups; g += 1) {
    const at = t0 - 3600_000 + g * 10_000;
    const name = GROUP_NAMES[g % GROUP_NAMES.length] + (g >= GROUP_NAMES.length ? ` ${g}` : '');
    const group = { id: idAt(random, at, salt), name, normalized_name: normalizeName(name), created_at: new Date(at).toISOString(), updated_at: new Date(at).toISOString() };
    groupRows.push(group);
    // createCustomField: position = how many fields the group had before
    [
      { name: 'Note', type: 'TEXT', options: [] },
      { name: 'Score', type: 'NUMBER', options: [] },
      { name: 'Tier', type: 'SINGLE_SELECT', options: TIER_OPTIONS },
    ].forEach((field, position) => {
      const fieldAt = at + 1000 + position;
      fieldRows.push({
        id: idAt(random, fieldAt, salt),
        group_id: group.id,
        name: field.name,
        normalized_name: normalizeName(field.name),
        type: field.type,
        options: field.options,
        position,
        created_at: new Date(fieldAt).toISOString(),
      });
    });
  }
  return { companies: companyRows, groups: groupRows, fields: fieldRows };
}

/**
 * The createContact input of contact number `index` (same index, same input), plus its
 * creation time. `cat` is the catalog; companies are named (matched by name), groups and
 * custom fields given by their public ids, exactly as a client would send them.
 */
export function contactInputAt(index, cat) {
  const random = createRandom(SEED + 7919 * (index + 1));
  const first = random.pick(FIRST);
  const last = random.pick(LAST);
  const middle = random.chance(0.1) ? random.pick(MIDDLE) : null;
  const domain = random.chance(0.5) ? 'example.com' : 'mail.example';
  const companies = random.sample(cat.companies, random.int(1, 3)).map((company, position) => ({
    company: { name: company.name },
    ...(position === 0 && random.chance(0.9) ? { jobTitle: random.pick(JOB_TITLES) } : {}),
    ...(position === 0 && random.chance(0.5) ? { department: random.pick(DEPARTMENTS) } : {}),
    ...(position === 1 && random.chance(0.3) ? { jobTitle: random.pick(JOB_TITLES) } : {}),
  }));
  const groups = random.sample(cat.groups, 2);
  const fields = cat.fields.filter((field) => field.group_id === groups[0].id);
  const mobile = random.chance(0.3);
  const phone = mobile
    ? { number: `07400 ${random.int(100000, 999999)}`, countryCode: 'GB', label: 'MOBILE' }
    : { number: `020 7946 ${String(random.int(0, 9999)).padStart(4, '0')}`, countryCode: 'GB', label: 'WORK' };
  const place = random.pick(CITIES);
  const input = {
    ...(random.chance(0.1) ? { type: random.pick(['COMMERCIAL', 'TECHNICAL', 'FINANCE']) } : {}),
    firstName: first,
    ...(middle ? { middleName: middle } : {}),
    lastName: last,
    ...(random.chance(0.1) ? { title: 'Dr.' } : {}),
    ...(random.chance(0.6) ? { gender: random.pick(['FEMALE', 'MALE', 'UNSPECIFIED']) } : {}),
    ...(random.chance(0.5) ? { birthday: `${random.int(1950, 2000)}-${String(random.int(1, 12)).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')}` } : {}),
    ...(random.chance(0.7) ? { primaryLanguage: random.pick(LANGUAGES) } : {}),
    ...(random.chance(0.3) ? { description: `${random.pick(WORDS)} ${random.pick(WORDS)}, ${random.pick(WORDS)}` } : {}),
    ...(random.chance(0.4) ? { linkedInUrl: `https://www.linkedin.com/in/${slug(first)}-${slug(last)}-${index}` } : {}),
    tags: ['canon', ...random.sample(TAGS, random.int(0, 2))],
    ...(random.chance(0.7) ? { mailingListOptIn: random.chance(0.5) } : {}),
    emails: [
      { address: `${first}.${slug(last)}.${index}@${domain}`, label: 'work' },
      { address: `${slug(first)}${index}@home.example`, label: 'home' },
    ],
    phones: [phone],
    ...(random.chance(0.5)
      ? { addresses: [{ street: `${random.int(1, 200)} ${random.pick(STREETS)}`, postalCode: place.postalCode, city: place.city, country: place.country }] }
      : {}),
    ...(random.chance(0.3) ? { urls: [{ url: `https://${slug(first)}${slug(last)}${index}.example.com` }] } : {}),
    externalRefs: [{ namespace: 'crm', externalId: `CRM-${100000 + index}` }],
    companies,
    groups: groups.map((group) => `grp_${group.id}`),
    customFieldValues: [
      { field: `fld_${fields[0].id}`, value: `${random.pick(WORDS)} ${random.pick(WORDS)}` },
      { field: `fld_${fields[1].id}`, value: random.chance(0.2) ? random.int(0, 1000) + 0.5 : random.int(0, 1000) },
      // option labels match case-insensitively; the stored label is the field's own
      { field: `fld_${fields[2].id}`, value: random.chance(0.3) ? random.pick(TIER_OPTIONS).toLowerCase() : random.pick(TIER_OPTIONS) },
    ],
  };
  const createdAt = BASE_TIME + index * CONTACT_SPACING_MS + random.int(0, CONTACT_SPACING_MS - 1);
  return { input, createdAt, random };
}

const dateOnly = (date) => (date ? date.toISOString().slice(0, 10) : null);

/**
 * The rows createContact writes for `input` (what prepareContact and writeContacts do), keyed
 * by table, column names as in the database. Throws when the input does not validate.
 */
export async function rowsFor(input, { contactId, createdAt, random, organizationId, tenant, companyIdByName, fieldById, groupIds, salt }) {
  const parsed = contactInput.safeParse(input);
  if (!parsed.success) throw new Error(`seed input ${JSON.stringify(input)} does not validate: ${parsed.error.message}`);
  const draft = parsed.data;
  const at = new Date(createdAt).toISOString();
  const childId = () => idAt(random, createdAt, salt);

  // prepareContact: one link per distinct company, primary flags and jobTitle from the input
  const links = [];
  const byCompany = new Map();
  for (const link of draft.companies) {
    const companyId = companyIdByName.get(normalizeName(link.ref.name));
    if (!companyId) throw new Error(`seed company "${link.ref.name}" is not in the catalog`);
    const existing = byCompany.get(companyId);
    if (existing) {
      existing.is_primary ||= link.isPrimary;
      existing.job_title ??= link.jobTitle;
      existing.department ??= link.department;
      continue;
    }
    const row = { organization_id: organizationId, contact_id: contactId, company_id: companyId, job_title: link.jobTitle, department: link.department, is_primary: link.isPrimary };
    byCompany.set(companyId, row);
    links.push(row);
  }
  links.forEach((row, position) => (row.position = position));
  const primary = links.find((link) => link.is_primary);

  const memberships = [...new Set(draft.groups.map((id) => id.replace(/^grp_/, '')))].map((groupId) => {
    if (!groupIds.has(groupId)) throw new Error(`seed group ${groupId} is not in the catalog`);
    return { organization_id: organizationId, group_id: groupId, contact_id: contactId, created_at: at };
  });
  const values = [];
  for (const entry of draft.customFieldValues) {
    const field = fieldById.get(entry.field.replace(/^fld_/, ''));
    const outcome = await customFieldValueOf(field, entry.value, null);
    if ('message' in outcome) throw new Error(`seed value for ${field.name}: ${outcome.message}`);
    if (outcome.value) values.push({ organization_id: organizationId, contact_id: contactId, field_id: field.id, value: outcome.value });
  }

  const f = draft.fields;
  const search = searchColumns({ ...f, emails: draft.emails, phones: draft.phones });
  const contact = {
    id: contactId,
    organization_id: organizationId,
    type: f.type,
    first_name: f.firstName,
    middle_name: f.middleName,
    last_name: f.lastName,
    full_name: f.fullName,
    full_name_explicit: f.fullNameExplicit,
    abbreviation: f.abbreviation,
    title: f.title,
    gender: f.gender,
    birthday: dateOnly(f.birthday),
    primary_language: f.primaryLanguage,
    description: f.description,
    strategy: f.strategy,
    job_title: draft.jobTitle ?? primary?.job_title ?? null,
    department: draft.department ?? primary?.department ?? null,
    linkedin_url: f.linkedInUrl,
    profile_picture_url: f.profilePictureUrl,
    tags: f.tags,
    login_email: f.loginEmail,
    mailing_list_opt_in: f.mailingListOptIn,
    purchase_order_number: f.purchaseOrderNumber,
    ssn: f.ssn,
    version: 1,
    created_at: at,
    created_by_id: tenant.userId,
    updated_at: at,
    updated_by_id: tenant.userId,
    deleted_at: null,
    merged_into_id: null,
    sort_last_name: search.sortLastName,
    sort_full_name: search.sortFullName,
    search_text: search.searchText,
  };
  const scoped = (rows, map) => rows.map((row) => ({ id: childId(), organization_id: organizationId, contact_id: contactId, ...map(row) }));
  return {
    contacts: [contact],
    contact_emails: scoped(draft.emails, (e) => ({ address: e.address, address_normalized: e.addressNormalized, label: e.label, is_primary: e.isPrimary, position: e.position })),
    external_refs: draft.externalRefs.map((ref) => ({ id: childId(), organization_id: organizationId, owner_type: 'CONTACT', namespace: ref.namespace, external_id: ref.externalId, contact_id: contactId, company_id: null })),
    contact_phones: scoped(draft.phones, (p) => ({ number: p.number, e164: p.e164, extension: p.extension, original: p.original, label: p.label, country_code: p.countryCode, is_primary: p.isPrimary, position: p.position })),
    contact_addresses: scoped(draft.addresses, (a) => ({ street: a.street, secondary_address: a.secondaryAddress, postal_code: a.postalCode, city: a.city, state: a.state, country: a.country, is_primary: a.isPrimary, position: a.position })),
    contact_urls: scoped(draft.urls, (u) => ({ url: u.url, is_primary: u.isPrimary, position: u.position })),
    contact_companies: links,
    group_memberships: memberships,
    custom_field_values: values,
    contact_changes: [
      {
        organization_id: organizationId,
        contact_id: contactId,
        change_type: 'CREATED',
        changed_fields: [],
        // changeOrigin(tenant, namespaces)
        change_origin: { apiKeyId: tenant.apiKeyId, apiKeyPrefix: tenant.apiKeyPrefix, userId: tenant.userId, namespaces: [...new Set(draft.externalRefs.map((r) => r.namespace))].sort() },
        version: 1,
        occurred_at: at,
      },
    ],
  };
}

/** The tables a contact's rows go to, in the order writeContacts inserts them. */
export const CONTACT_TABLES = ['contacts', 'contact_emails', 'external_refs', 'contact_phones', 'contact_addresses', 'contact_urls', 'contact_companies', 'group_memberships', 'custom_field_values', 'contact_changes'];

/** What rowsFor needs to know about the organisation and its catalog. */
export function seedContext(cat, tenant, salt) {
  return {
    salt,
    organizationId: tenant.organizationId,
    tenant,
    cat,
    companyIdByName: new Map(cat.companies.map((c) => [c.normalized_name, c.id])),
    fieldById: new Map(cat.fields.map((f) => [f.id, f])),
    groupIds: new Set(cat.groups.map((g) => g.id)),
  };
}

/** Seeded contacts number `from` … `to` - 1: their ids, and their rows by table. */
export async function seededRows(from, to, context) {
  const tables = Object.fromEntries(CONTACT_TABLES.map((table) => [table, []]));
  const contactIds = [];
  for (let index = from; index < to; index += 1) {
    const { input, createdAt, random } = contactInputAt(index, context.cat);
    const contactId = idAt(random, createdAt, context.salt);
    const rows = await rowsFor(input, { ...context, contactId, createdAt, random });
    for (const table of CONTACT_TABLES) tables[table].push(...rows[table]);
    contactIds.push(contactId);
  }
  return { contactIds, tables };
}

export { idAt };

import countries from 'i18n-iso-countries';
import ISO6391 from 'iso-639-1';
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { z } from 'zod';
import { ContactType, Gender, PhoneLabel } from '../../db/generated/prisma/enums.js';
import { BIDI_CONTROLS_REFUSED, hasBidiControls, isInvisible, nameSchema, normalizeName } from '../common/names.js';
import { wellFormedInput } from '../common/validation.js';
import { externalRefKey, externalRefSchema } from '../common/external-ref.js';
import { normalizeEmail } from '../common/emails.js';

// The rules of a contact's input, independent of GraphQL. Lengths are the largest of the seed
// APIs' (the README's createContact section has the table), so valid input of any of them passes.

export const MAX_CONTACT_POINTS = 20;
export const MAX_COMPANIES = 20;
export const MAX_GROUPS = 100;
export const MAX_TAGS = 100;
export const MAX_CUSTOM_VALUES = 200;

/** Optional text: trimmed, blank means absent. */
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .transform((value) => (value === '' ? null : value));

/** A contact's name: optional text as above (nothing visible means absent), without bidi controls. */
const personName = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !hasBidiControls(value), BIDI_CONTROLS_REFUSED)
    .transform((value) => (isInvisible(value) ? null : value));

const list = <T extends z.ZodType>(item: T, max: number) =>
  z.array(item).max(max, `must have at most ${max} entries`);

export const MAX_NAME = 500;
export const MAX_FULL_NAME = 1000;
export const MAX_JOB_TITLE = 500;
export const MAX_EMAIL = 255;
/** RFC 5321's limit on the part before the @ */
export const MAX_EMAIL_LOCAL_PART = 64;
export const MAX_PHONE = 50;
export const MAX_ADDRESS_LINE = 1000;
export const MAX_LANGUAGE = 10;
/** fewer digits than this are no number anyone can be called on */
export const MIN_PHONE_DIGITS = 5;

const emailAddress = z
  .string()
  .trim()
  .max(MAX_EMAIL, `must be at most ${MAX_EMAIL} characters`)
  .pipe(z.email('is not a valid email address'))
  .refine((address) => address.lastIndexOf('@') <= MAX_EMAIL_LOCAL_PART, `must have at most ${MAX_EMAIL_LOCAL_PART} characters before the @`);

const httpUrl = z
  .string()
  .trim()
  .max(500, 'must be at most 500 characters')
  .pipe(z.url({ protocol: /^https?$/, hostname: z.regexes.domain, error: 'must be an http(s) URL' }));

// A slug is 3–100 characters, but a non-Latin one arrives percent-encoded (up to 9 bytes a
// character), so only the URL's 500 characters bound it.
const LINKEDIN = /^https:\/\/www\.linkedin\.com\/in\/[A-Za-z0-9\-_%]{3,}\/?$/;

const calendarDate = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
  }, 'is not a real calendar date');

const PHONE_EXTENSION = /\s*(?:x|ext\.?|extn\.?|extension|#)\s*:?\s*\d{1,10}$/i;
const PHONE_MAIN = /^\+?[\d\s().\-/]+$/;

/** Why a text is no plausible phone number, or null when it is one. */
function phoneProblem(text: string): string | null {
  const main = text.replace(PHONE_EXTENSION, '');
  if (!PHONE_MAIN.test(main)) {
    return 'is not a phone number: use digits with + ( ) - . / and spaces, and optionally an extension such as x123 or ext. 123';
  }
  if ((main.match(/\d/g) ?? []).length < MIN_PHONE_DIGITS) return `is not a phone number: it needs at least ${MIN_PHONE_DIGITS} digits`;
  return null;
}

/**
 * A plausible number as stored: E.164 (and its extension) when libphonenumber-js finds it
 * valid, `defaultCountry` reading numbers written without +prefix; else the text as given,
 * whitespace collapsed, with `e164: null`.
 */
function normalizePhone(raw: string, defaultCountry: string | null | undefined) {
  const parsed = parsePhoneNumberFromString(raw, (defaultCountry ?? undefined) as CountryCode | undefined);
  if (parsed?.isValid()) {
    const e164 = parsed.number as string;
    return { number: e164, e164, extension: parsed.ext ?? null, original: raw, countryCode: parsed.country ?? null };
  }
  return { number: raw.replace(/\s+/g, ' '), e164: null, extension: null, original: raw, countryCode: defaultCountry ?? null };
}

/** What makes two numbers of one contact the same: the stored number and extension. */
const phoneKey = (phone: { number: string; extension: string | null }) => `${phone.number};ext=${phone.extension ?? ''}`;

/** A stored number as input text that reads back to the same number and extension. */
export const storedPhoneText = (phone: { number: string; extension: string | null }) =>
  phone.extension ? `${phone.number} ext. ${phone.extension}` : phone.number;

const countryCode = z
  .string()
  .trim()
  .toUpperCase()
  .refine((code) => /^[A-Z]{2}$/.test(code) && countries.isValid(code), 'must be an ISO 3166-1 alpha-2 country code');

const phoneText = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(MAX_PHONE, `must be at most ${MAX_PHONE} characters`)
  .superRefine((text, ctx) => {
    const problem = text.length > 0 && text.length <= MAX_PHONE ? phoneProblem(text) : null;
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
const loosePhone = phoneText.transform((raw) => normalizePhone(raw, null));

const emailInput = z.object({
  address: emailAddress,
  label: text(50).nullish(),
  isPrimary: z.boolean().nullish(),
});

const phoneInput = z
  .object({
    number: phoneText,
    label: z.enum(PhoneLabel).nullish(),
    countryCode: countryCode.nullish(),
    isPrimary: z.boolean().nullish(),
  })
  .transform((phone) => ({
    ...normalizePhone(phone.number, phone.countryCode),
    label: phone.label ?? null,
    isPrimary: phone.isPrimary,
  }));

const addressInput = z
  .object({
    street: text(500).nullish(),
    secondaryAddress: text(500).nullish(),
    postalCode: text(50).nullish(),
    city: text(255).nullish(),
    state: text(255).nullish(),
    country: countryCode.nullish(),
    line: text(MAX_ADDRESS_LINE).nullish(),
    isPrimary: z.boolean().nullish(),
  })
  .refine(
    (a) => a.street || a.secondaryAddress || a.postalCode || a.city || a.state || a.country || a.line,
    'an address needs a line or at least one part',
  );

const urlInput = z.object({ url: httpUrl, isPrimary: z.boolean().nullish() });

const scriptNames = new Intl.DisplayNames(['en'], { type: 'script', fallback: 'none' });
const LANGUAGE_TAG = /^([a-z]{2})(?:[-_]([a-z]{4}))?(?:[-_]([a-z]{2}))?$/i;

/**
 * A BCP 47 tag of an ISO 639-1 language, an optional ISO 15924 script (the code list of the
 * runtime's ICU) and an optional ISO 3166-1 alpha-2 region, in its canonical case (zh-Hant-TW),
 * or null when it is not one.
 */
function languageTag(tag: string): string | null {
  const match = LANGUAGE_TAG.exec(tag);
  if (!match) return null;
  const language = match[1]!.toLowerCase();
  const script = match[2] ? match[2][0]!.toUpperCase() + match[2].slice(1).toLowerCase() : undefined;
  const region = match[3]?.toUpperCase();
  if (!ISO6391.validate(language)) return null;
  if (script && !scriptNames.of(script)) return null;
  if (region && !countries.isValid(region)) return null;
  return [language, script, region].filter(Boolean).join('-');
}

const publicId = z.string().trim().min(1, 'must not be empty').max(100, 'is not a valid id');

const companyRef = z
  .object({
    id: publicId.nullish(),
    name: nameSchema.nullish(),
    externalRef: externalRefSchema.nullish(),
  })
  .refine((ref) => [ref.id, ref.name, ref.externalRef].filter((v) => v != null).length === 1, 'give exactly one of id, name, externalRef');

const companyLink = z.object({
  company: companyRef,
  jobTitle: text(MAX_JOB_TITLE).nullish(),
  department: text(255).nullish(),
  isPrimary: z.boolean().nullish(),
});

/** A custom value names its field by id, or by its group's id and its name (as folk writes them). */
const customFieldValueInput = z
  .object({
    field: publicId.nullish(),
    group: publicId.nullish(),
    name: nameSchema.nullish(),
    value: z.unknown().optional(),
  })
  .refine(
    (entry) => (entry.field != null ? entry.group == null && entry.name == null : entry.group != null && entry.name != null),
    'give either field, or group and name',
  );

/** Every field a client may give when creating a contact. */
export const contactFieldsSchema = z.object({
  type: z.enum(ContactType).nullish(),
  firstName: personName(MAX_NAME).nullish(),
  middleName: personName(MAX_NAME).nullish(),
  lastName: personName(MAX_NAME).nullish(),
  fullName: personName(MAX_FULL_NAME).nullish(),
  abbreviation: text(50).nullish(),
  title: text(50).nullish(),
  gender: z.enum(Gender).nullish(),
  birthday: calendarDate
    .refine((value) => value <= new Date().toISOString().slice(0, 10), 'must not be in the future')
    .refine((value) => value >= '1900-01-01', 'must be on or after 1900-01-01')
    .nullish(),
  primaryLanguage: z
    .string()
    .trim()
    .max(MAX_LANGUAGE, `must be at most ${MAX_LANGUAGE} characters`)
    .transform((tag, ctx) => {
      const language = languageTag(tag);
      if (language === null) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be an ISO 639-1 language code, optionally with an ISO 15924 script and an ISO 3166-1 region: en, en-GB, zh-Hant-TW',
        });
        return z.NEVER;
      }
      return language;
    })
    .nullish(),
  description: text(5000).nullish(),
  strategy: text(5000).nullish(),
  jobTitle: text(MAX_JOB_TITLE).nullish(),
  department: text(255).nullish(),
  linkedInUrl: z
    .string()
    .trim()
    .max(500, 'must be at most 500 characters')
    .regex(LINKEDIN, 'must look like https://www.linkedin.com/in/{slug}')
    .nullish(),
  profilePictureUrl: httpUrl.nullish(),
  tags: list(z.string().trim().min(1, 'must not be empty').max(50, 'must be at most 50 characters'), MAX_TAGS).nullish(),
  loginEmail: emailAddress.nullish(),
  mailingListOptIn: z.boolean().nullish(),
  purchaseOrderNumber: text(50).nullish(),
  ssn: text(50).nullish(),
  email: emailAddress.nullish(),
  phone: loosePhone.nullish(),
  mobile: loosePhone.nullish(),
  emails: list(emailInput, MAX_CONTACT_POINTS).nullish(),
  phones: list(phoneInput, MAX_CONTACT_POINTS).nullish(),
  addresses: list(addressInput, MAX_CONTACT_POINTS).nullish(),
  urls: list(urlInput, MAX_CONTACT_POINTS).nullish(),
  externalRefs: list(externalRefSchema, MAX_CONTACT_POINTS).nullish(),
  companies: list(companyLink, MAX_COMPANIES).nullish(),
  groups: list(publicId, MAX_GROUPS).nullish(),
  customFieldValues: list(customFieldValueInput, MAX_CUSTOM_VALUES).nullish(),
});

export type ContactFieldsInput = z.input<typeof contactFieldsSchema>;
type Parsed = z.output<typeof contactFieldsSchema>;

/**
 * Marks exactly one entry primary: the one that says so, else the first. `listIndexOf` maps an
 * entry to its index in the input list (lists may be led by entries folded in from `email`,
 * `phone` or `mobile`, which never say isPrimary).
 */
function withPrimary<T extends { isPrimary?: boolean | null }>(
  entries: T[],
  ctx: z.RefinementCtx,
  path: string,
  listIndexOf: (entry: T, index: number) => number = (_entry, index) => index,
): (Omit<T, 'isPrimary'> & { isPrimary: boolean; position: number })[] {
  const flagged = entries.flatMap((entry, index) => (entry.isPrimary ? [index] : []));
  for (const index of flagged.slice(1)) {
    ctx.addIssue({ code: 'custom', message: 'only one entry may be primary', path: [path, listIndexOf(entries[index]!, index), 'isPrimary'] });
  }
  const primary = flagged[0] ?? 0;
  return entries.map((entry, index) => ({ ...entry, isPrimary: index === primary, position: index }));
}

/** Reports entries whose key repeats an earlier one. */
function noRepeats<T>(entries: T[], keyOf: (entry: T) => string, ctx: z.RefinementCtx, pathOf: (index: number) => (string | number)[]) {
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const key = keyOf(entry);
    if (seen.has(key)) ctx.addIssue({ code: 'custom', message: 'is listed twice', path: pathOf(index) });
    seen.add(key);
  });
}

/**
 * The fields a contact's row does not take as given: shaped by contactInput (type, fullName,
 * birthday, tags), kept apart (jobTitle and department, which follow the primary company when
 * absent), or made into rows of their own.
 */
const NOT_AS_GIVEN = new Set([
  'type', 'fullName', 'birthday', 'tags', 'jobTitle', 'department', 'email', 'phone', 'mobile',
  'emails', 'phones', 'addresses', 'urls', 'externalRefs', 'companies', 'groups', 'customFieldValues',
] as const);
type NotAsGiven = typeof NOT_AS_GIVEN extends Set<infer K> ? K : never;
type AsGiven = { [K in Exclude<keyof Parsed, NotAsGiven>]-?: Exclude<Parsed[K], undefined> | null };
interface Shaped {
  type: ContactType;
  fullName: { fullName: string | null; fullNameExplicit: boolean };
  birthday: Date | null;
  tags: string[];
}
type ShapedFields = Omit<Shaped, 'fullName'> & Shaped['fullName'];

/**
 * The contact's row fields in the schema's order: every field as given (absent is null) but
 * those of NOT_AS_GIVEN, of which the shaped ones come from `shaped`, so that a new scalar
 * field of the schema is stored with no more code.
 */
function rowFields(input: Parsed, shaped: Shaped): AsGiven & ShapedFields {
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(contactFieldsSchema.shape) as (keyof Parsed)[]) {
    if (!NOT_AS_GIVEN.has(key as NotAsGiven)) fields[key] = input[key] ?? null;
    else if (key === 'fullName') Object.assign(fields, shaped.fullName);
    else if (key in shaped) fields[key] = shaped[key as keyof Shaped];
  }
  return fields as AsGiven & ShapedFields;
}

/** The input validated and normalised into what is stored and what must be resolved. */
// Ill-formed strings are refused before anything else reads the input (a lone surrogate would
// reach PostgreSQL, which refuses it); the item's other fields are then not validated.
export const contactInput = wellFormedInput(contactFieldsSchema).transform((input: Parsed, ctx) => {
  // The convenience `email` leads the list (as primary) unless the list has it already.
  const listedEmails = input.emails ?? [];
  const foldEmail = input.email && !listedEmails.some((e) => normalizeEmail(e.address) === normalizeEmail(input.email!));
  const emails = foldEmail
    ? [{ address: input.email!, label: null, isPrimary: !listedEmails.some((e) => e.isPrimary) }, ...listedEmails]
    : listedEmails;
  const emailOffset = foldEmail ? 1 : 0;
  noRepeats(listedEmails, (e) => normalizeEmail(e.address), ctx, (i) => ['emails', i, 'address']);

  // The convenience `phone` and `mobile` lead the list unless it has them already (a listed
  // number `mobile` repeats is labelled MOBILE when it has no label); a list may not repeat itself.
  const listedPhones = (input.phones ?? []).map((phone, index) => ({ ...phone, path: ['phones', index, 'number'] as (string | number)[] }));
  noRepeats(listedPhones, phoneKey, ctx, (i) => ['phones', i, 'number']);
  const phones: typeof listedPhones = [];
  for (const source of [
    ...(input.phone ? [{ ...input.phone, label: null, isPrimary: null, path: ['phone'] }] : []),
    ...(input.mobile ? [{ ...input.mobile, label: PhoneLabel.MOBILE, isPrimary: null, path: ['mobile'] }] : []),
  ]) {
    const listed = listedPhones.find((phone) => phoneKey(phone) === phoneKey(source));
    if (listed) listed.label ??= source.label;
    else if (!phones.some((phone) => phoneKey(phone) === phoneKey(source))) phones.push(source);
  }
  phones.push(...listedPhones);

  noRepeats(input.urls ?? [], (u) => u.url.toLowerCase(), ctx, (i) => ['urls', i, 'url']);
  noRepeats(input.externalRefs ?? [], externalRefKey, ctx, (i) => ['externalRefs', i]);
  // Entries naming one field in the two forms are found once resolved (prepare-contact.ts).
  noRepeats(
    input.customFieldValues ?? [],
    (v) => (v.field != null ? `id:${v.field}` : `name:${v.group}/${normalizeName(v.name!)}`),
    ctx,
    (i) => ['customFieldValues', i, input.customFieldValues![i]!.field != null ? 'field' : 'name'],
  );

  const type = input.type ?? ContactType.GENERAL;
  if (input.purchaseOrderNumber && type !== ContactType.INVOICE) {
    ctx.addIssue({ code: 'custom', message: 'is only allowed on INVOICE contacts', path: ['purchaseOrderNumber'] });
  }

  const names = [input.firstName, input.middleName, input.lastName, input.fullName];
  if (!names.some(Boolean) && emails.length === 0 && phones.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'a contact needs at least one identifier: a name, an email or a phone', path: [] });
  }
  const derivedFullName = [input.firstName, input.middleName, input.lastName].filter(Boolean).join(' ');

  const companies = withPrimary(input.companies ?? [], ctx, 'companies');
  const tags = [...new Map((input.tags ?? []).map((tag) => [tag.toLowerCase(), tag])).values()];

  return {
    fields: rowFields(input, {
      type,
      fullName: { fullName: input.fullName ?? (derivedFullName || null), fullNameExplicit: Boolean(input.fullName) },
      birthday: input.birthday ? new Date(`${input.birthday}T00:00:00Z`) : null,
      tags,
    }),
    /** explicit values; when absent they follow the primary company link */
    jobTitle: input.jobTitle ?? null,
    department: input.department ?? null,
    emails: withPrimary(emails, ctx, 'emails', (_entry, index) => index - emailOffset).map((entry, index) => ({
      address: entry.address,
      addressNormalized: normalizeEmail(entry.address),
      label: entry.label ?? null,
      isPrimary: entry.isPrimary,
      position: entry.position,
      path: index < emailOffset ? ['email'] : ['emails', index - emailOffset, 'address'],
    })),
    phones: withPrimary(phones, ctx, 'phones', (entry) => entry.path[1] as number).map((entry) => ({
      number: entry.number,
      e164: entry.e164,
      extension: entry.extension,
      original: entry.original,
      label: entry.label ?? null,
      countryCode: entry.countryCode,
      isPrimary: entry.isPrimary,
      position: entry.position,
    })),
    addresses: withPrimary(input.addresses ?? [], ctx, 'addresses').map((entry) => ({
      street: entry.street ?? null,
      secondaryAddress: entry.secondaryAddress ?? null,
      postalCode: entry.postalCode ?? null,
      city: entry.city ?? null,
      state: entry.state ?? null,
      country: entry.country ?? null,
      line: entry.line ?? null,
      isPrimary: entry.isPrimary,
      position: entry.position,
    })),
    urls: withPrimary(input.urls ?? [], ctx, 'urls').map((entry) => ({
      url: entry.url,
      isPrimary: entry.isPrimary,
      position: entry.position,
    })),
    externalRefs: input.externalRefs ?? [],
    companies: companies.map((link) => ({
      ref: link.company,
      jobTitle: link.jobTitle ?? null,
      department: link.department ?? null,
      isPrimary: link.isPrimary,
    })),
    groups: input.groups ?? [],
    customFieldValues: input.customFieldValues ?? [],
  };
});

export type ContactDraft = z.output<typeof contactInput>;

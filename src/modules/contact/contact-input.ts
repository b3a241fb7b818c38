import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { z } from 'zod';
import { ContactType, PhoneLabel } from '../../db/generated/prisma/enums.js';
import { normalizeEmail } from '../user/user.js';

// The rules of a contact's input, independent of GraphQL: lengths follow the seed APIs
// (names 255, full name 500, phone 50, url 500, email 320).

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .transform((value) => (value === '' ? null : value));

const emailAddress = z.string().trim().max(320, 'must be at most 320 characters').pipe(z.email('is not a valid email address'));

const emailInput = z.object({
  address: emailAddress,
  label: text(50).nullish(),
  isPrimary: z.boolean().nullish(),
});

interface NormalizedPhone {
  number: string;
  original: string;
  countryCode: string | null;
}

/** E.164 through libphonenumber-js; `defaultCountry` reads numbers without a +prefix. */
function normalizePhone(raw: string, defaultCountry: string | null | undefined, ctx: z.RefinementCtx, path: string[] = []) {
  const parsed = parsePhoneNumberFromString(raw, (defaultCountry ?? undefined) as CountryCode | undefined);
  if (!parsed || !parsed.isValid()) {
    ctx.addIssue({
      code: 'custom',
      message: 'is not a valid phone number (use international format, e.g. +14155550123, or give countryCode)',
      path,
    });
    return z.NEVER;
  }
  return { number: parsed.number as string, original: raw, countryCode: parsed.country ?? null } satisfies NormalizedPhone;
}

const phoneText = z.string().trim().min(1, 'must not be empty').max(50, 'must be at most 50 characters');
const loosePhone = phoneText.transform((raw, ctx) => normalizePhone(raw, null, ctx));

const phoneInput = z
  .object({
    number: phoneText,
    label: z.enum(PhoneLabel).nullish(),
    countryCode: z
      .string()
      .trim()
      .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code')
      .transform((code) => code.toUpperCase())
      .nullish(),
    isPrimary: z.boolean().nullish(),
  })
  .transform((phone, ctx) => ({
    ...normalizePhone(phone.number, phone.countryCode, ctx, ['number']),
    label: phone.label ?? null,
    isPrimary: phone.isPrimary,
  }));

const MAX_LIST = 20;

export const createContactSchema = z.object({
  type: z.enum(ContactType).nullish(),
  firstName: text(255).nullish(),
  middleName: text(255).nullish(),
  lastName: text(255).nullish(),
  fullName: text(500).nullish(),
  title: text(50).nullish(),
  email: emailAddress.nullish(),
  phone: loosePhone.nullish(),
  mobile: loosePhone.nullish(),
  emails: z.array(emailInput).max(MAX_LIST, `must have at most ${MAX_LIST} entries`).nullish(),
  phones: z.array(phoneInput).max(MAX_LIST, `must have at most ${MAX_LIST} entries`).nullish(),
});

export type CreateContactInput = z.input<typeof createContactSchema>;
type Parsed = z.output<typeof createContactSchema>;

export interface EmailEntry {
  address: string;
  addressNormalized: string;
  label: string | null;
  isPrimary: boolean;
  position: number;
}

export interface PhoneEntry {
  number: string;
  original: string;
  label: PhoneLabel | null;
  countryCode: string | null;
  isPrimary: boolean;
  position: number;
}

/** Marks exactly one entry primary: the one that says so, else the first. */
function withPrimary<T extends { isPrimary?: boolean | null }>(
  entries: T[],
  ctx: z.RefinementCtx,
  path: string,
): (T & { isPrimary: boolean; position: number })[] {
  const flagged = entries.flatMap((entry, index) => (entry.isPrimary ? [index] : []));
  for (const index of flagged.slice(1)) {
    ctx.addIssue({ code: 'custom', message: 'only one entry may be primary', path: [path, index, 'isPrimary'] });
  }
  const primary = flagged[0] ?? 0;
  return entries.map((entry, index) => ({ ...entry, isPrimary: index === primary, position: index }));
}

/** The input validated and normalised into what is stored. */
export const contactInput = createContactSchema.transform((input: Parsed, ctx) => {
  const emails = [...(input.emails ?? [])];
  if (input.email && !emails.some((e) => normalizeEmail(e.address) === normalizeEmail(input.email!))) {
    emails.unshift({ address: input.email, label: null, isPrimary: !emails.some((e) => e.isPrimary) });
  }
  const emailOffset = emails.length - (input.emails?.length ?? 0);
  const seenEmails = new Map<string, number>();
  emails.forEach((entry, index) => {
    const key = normalizeEmail(entry.address);
    if (seenEmails.has(key)) {
      const path = index < emailOffset ? ['email'] : ['emails', index - emailOffset, 'address'];
      ctx.addIssue({ code: 'custom', message: 'is listed twice', path });
    }
    seenEmails.set(key, index);
  });

  const phoneSources = [
    ...(input.phone ? [{ ...input.phone, label: null, isPrimary: null, path: ['phone'] }] : []),
    ...(input.mobile ? [{ ...input.mobile, label: PhoneLabel.MOBILE, isPrimary: null, path: ['mobile'] }] : []),
    ...(input.phones ?? []).map((phone, index) => ({ ...phone, path: ['phones', index, 'number'] })),
  ];
  const phones: typeof phoneSources = [];
  for (const source of phoneSources) {
    if (phones.some((phone) => phone.number === source.number)) {
      // The convenience fields may repeat a listed number; a list may not repeat itself.
      if (source.path[0] === 'phones') ctx.addIssue({ code: 'custom', message: 'is listed twice', path: source.path });
      continue;
    }
    phones.push(source);
  }

  const names = [input.firstName, input.middleName, input.lastName, input.fullName];
  if (!names.some(Boolean) && emails.length === 0 && phoneSources.length === 0) {
    ctx.addIssue({
      code: 'custom',
      message: 'a contact needs at least one identifier: a name, an email or a phone',
      path: [],
    });
  }
  const derivedFullName = [input.firstName, input.middleName, input.lastName].filter(Boolean).join(' ');

  return {
    type: input.type ?? ContactType.GENERAL,
    firstName: input.firstName ?? null,
    middleName: input.middleName ?? null,
    lastName: input.lastName ?? null,
    fullName: input.fullName ?? (derivedFullName || null),
    fullNameExplicit: Boolean(input.fullName),
    title: input.title ?? null,
    emails: withPrimary(emails, ctx, 'emails').map(
      (entry): EmailEntry => ({
        address: entry.address,
        addressNormalized: normalizeEmail(entry.address),
        label: entry.label ?? null,
        isPrimary: entry.isPrimary,
        position: entry.position,
      }),
    ),
    phones: withPrimary(phones, ctx, 'phones').map(
      (entry): PhoneEntry => ({
        number: entry.number,
        original: entry.original,
        label: entry.label ?? null,
        countryCode: entry.countryCode,
        isPrimary: entry.isPrimary,
        position: entry.position,
      }),
    ),
  };
});

export type ContactData = z.output<typeof contactInput>;

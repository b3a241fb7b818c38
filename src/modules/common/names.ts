import { wellFormedString } from './validation.js';

/**
 * The uniqueness key of a name: trimmed, inner whitespace collapsed, lower-cased. Two names
 * with the same key are the same company (or group, or field within a group).
 */
export const normalizeName = (name: string): string => name.trim().replace(/\s+/g, ' ').toLowerCase();

/** Text matched literally by a LIKE (Prisma's `contains` does not escape `%` and `_`). */
export const likeEscaped = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * How a list of named records (companies, groups) is read: the organisation's, those whose
 * name holds `search` (case-insensitive) when given, A to Z by name, ties by id.
 */
export function alphabetical(organizationId: string, search?: string | null) {
  const term = search?.trim();
  return {
    where: { organizationId, ...(term ? { normalizedName: { contains: likeEscaped(normalizeName(term)) } } : {}) },
    orderBy: [{ normalizedName: 'asc' as const }, { id: 'asc' as const }],
  };
}

/** The name as shown: trimmed with inner whitespace collapsed, case kept. */
export const tidyName = (name: string): string => name.trim().replace(/\s+/g, ' ');

/**
 * Whether a text shows nothing: only whitespace and default-ignorable code points (zero-width
 * space and joiners U+200B–U+200D, word joiner U+2060, BOM U+FEFF, soft hyphen, Hangul fillers,
 * variation selectors, ...). Such a name is no name. Inside a name they stay: joiners are part
 * of Persian and Indic spelling and of emoji.
 */
export const isInvisible = (text: string): boolean => /^[\s\p{Default_Ignorable_Code_Point}]*$/u.test(text);

/**
 * Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) reorder how
 * the text around them shows, so a name can display as another one: names refuse them (the
 * implicit marks U+200E, U+200F and U+061C stay allowed).
 */
export const hasBidiControls = (text: string): boolean => /[\u202A-\u202E\u2066-\u2069]/.test(text);
export const BIDI_CONTROLS_REFUSED = 'must not contain bidirectional override or isolate characters (U+202A–U+202E, U+2066–U+2069)';

/**
 * A name as input: trimmed, 1–255 characters with something visible, no bidi controls, tidied.
 * Its uniqueness key must fit too: a few letters grow when lower-cased (İ becomes i + a
 * combining dot).
 */
export const nameSchema = wellFormedString()
  .trim()
  .refine((name) => !isInvisible(name), 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .refine((name) => !hasBidiControls(name), BIDI_CONTROLS_REFUSED)
  .transform(tidyName)
  .refine((name) => normalizeName(name).length <= 255, 'must be at most 255 characters once lower-cased');

import { wellFormedString } from './validation.js';

/**
 * The uniqueness key of a name: trimmed, inner whitespace collapsed, lower-cased. Two names
 * with the same key are the same company (or group, or field within a group).
 */
export const normalizeName = (name: string): string => name.trim().replace(/\s+/g, ' ').toLowerCase();

/** Text matched literally by a LIKE (Prisma's `contains` does not escape `%` and `_`). */
export const likeEscaped = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The name as shown: trimmed with inner whitespace collapsed, case kept. */
export const tidyName = (name: string): string => name.trim().replace(/\s+/g, ' ');

/**
 * A name as input: trimmed, 1–255 characters, tidied. Its uniqueness key must fit too: a few
 * letters grow when lower-cased (İ becomes i + a combining dot).
 */
export const nameSchema = wellFormedString()
  .trim()
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .transform(tidyName)
  .refine((name) => normalizeName(name).length <= 255, 'must be at most 255 characters once lower-cased');

/**
 * The uniqueness key of a name: trimmed, inner whitespace collapsed, lower-cased. Two names
 * with the same key are the same company (or group, or field within a group).
 */
export const normalizeName = (name: string): string => name.trim().replace(/\s+/g, ' ').toLowerCase();

/** The name as shown: trimmed with inner whitespace collapsed, case kept. */
export const tidyName = (name: string): string => name.trim().replace(/\s+/g, ' ');

/** An email address as addresses are compared and kept unique: trimmed, lower-cased. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

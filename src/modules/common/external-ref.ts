import { z } from 'zod';
import { wellFormedString } from './validation.js';

/** An id of a record in another system: `namespace` names the system (salesforce, hubspot…). */
export const externalRefSchema = z.object({
  namespace: z
    .string()
    .trim()
    .toLowerCase()
    .min(1, 'must not be empty')
    .max(100, 'must be at most 100 characters')
    .regex(/^[a-z0-9][a-z0-9_.:-]*$/, 'may hold only letters, digits and _ . : -'),
  externalId: wellFormedString().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters'),
});

export type ExternalRefValue = z.output<typeof externalRefSchema>;

export const externalRefKey = (ref: ExternalRefValue) => `${ref.namespace}\u0000${ref.externalId}`;

import type { Tenant } from '../../tenant/tenant.js';
import { ScopeError } from '../common/result.js';

// `ssn` is read and written only with the contacts:sensitive scope. Reading is guarded on the
// Contact.ssn field; writing here, by every domain entry point that takes contact fields
// (createContact(s), updateContact, upsertContact(s), the CLI import).

export const SENSITIVE_SCOPE = 'contacts:sensitive';

export const maySeeSensitive = (tenant: Tenant) => tenant.scopes.has(SENSITIVE_SCOPE);

/**
 * Refuses the whole call (ScopeError, before anything is read or written) when the tenant
 * lacks contacts:sensitive and any item names `ssn`, `null` included: clearing is a write.
 * Refusing before the lookup also means the answer never depends on the stored value (an
 * upsert or a patch could otherwise tell a right ssn guess, NOOP, from a wrong one).
 * `items` are the inputs with their paths inside the mutation's `input`.
 */
export function requireSensitiveScope(tenant: Tenant, items: { path: (string | number)[]; fields: { ssn?: unknown } }[]) {
  if (maySeeSensitive(tenant)) return;
  const named = items.find(({ fields }) => fields.ssn !== undefined);
  if (!named) return;
  const path = [...named.path, 'ssn'];
  throw new ScopeError(`writing ssn needs the ${SENSITIVE_SCOPE} scope, which this API key lacks (at input.${path.join('.')}); nothing was written`, path);
}

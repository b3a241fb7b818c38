import type { Tenant } from '../../tenant/tenant.js';
import { decodeIdOf } from '../common/ids.js';
import { externalRefSchema } from '../common/external-ref.js';
import { normalizeEmail } from '../common/emails.js';

/** One way to name a contact: exactly one of the fields is set. */
export interface ContactLookupInput {
  id?: string | null;
  email?: string | null;
  externalRef?: { namespace: string; externalId: string } | null;
}

/** The contact a lookup names: its id, and whether it is in the recycle bin. */
export interface FoundContact {
  id: string;
  deletedAt: Date | null;
}

// A merged-away source answers the contact it was merged into (merges re-point older sources
// at the newest target, so one hop is enough).
const contactKey = { id: true, deletedAt: true, mergedInto: { select: { id: true, deletedAt: true } } } as const;

/**
 * The contact a lookup names in the tenant's organisation, bin included, merged sources
 * followed to their target (or, with `followMerges: false`, not found); null when there is
 * none (a malformed key names none). One small
 * statement on the key's unique index (contacts' primary key, contact_emails (organization_id,
 * address_normalized) or external_refs (organization_id, owner_type, namespace, external_id)),
 * so a lookup costs the same however many contacts the organisation has.
 */
export async function findContactBy(tenant: Tenant, by: ContactLookupInput, options: { followMerges?: boolean } = {}): Promise<FoundContact | null> {
  const { organizationId, prisma } = tenant;
  let row: { id: string; deletedAt: Date | null; mergedInto: FoundContact | null } | null | undefined;
  if (by.id != null) {
    const id = decodeIdOf('Contact', by.id);
    if (!id) return null;
    row = await prisma.contact.findUnique({ where: { organizationId_id: { organizationId, id } }, select: contactKey });
  } else if (by.externalRef != null) {
    const ref = externalRefSchema.safeParse(by.externalRef);
    if (!ref.success) return null;
    const found = await prisma.externalRef.findUnique({
      where: { organizationId_ownerType_namespace_externalId: { organizationId, ownerType: 'CONTACT', ...ref.data } },
      select: { contact: { select: contactKey } },
    });
    row = found?.contact;
  } else if (by.email != null) {
    const found = await prisma.contactEmail.findUnique({
      where: { organizationId_addressNormalized: { organizationId, addressNormalized: normalizeEmail(by.email) } },
      select: { contact: { select: contactKey } },
    });
    row = found?.contact;
  }
  if (!row) return null;
  if (row.mergedInto) return options.followMerges === false ? null : row.mergedInto;
  return { id: row.id, deletedAt: row.deletedAt };
}

/** The id of the contact a lookup names; one in the recycle bin only with `includeDeleted`. */
export async function contactIdBy(tenant: Tenant, by: ContactLookupInput, options: { includeDeleted?: boolean } = {}): Promise<string | null> {
  const found = await findContactBy(tenant, by);
  return found && (options.includeDeleted || !found.deletedAt) ? found.id : null;
}

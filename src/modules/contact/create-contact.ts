import { Prisma } from '../../db/generated/prisma/client.js';
import { newId } from '../../db/uuid.js';
import type { Tenant } from '../../graphql/context.js';
import { fail, type Failure, ok, type Result } from '../common/result.js';
import { validationFailures } from '../common/validation.js';
import { recordChange } from './change-feed.js';
import { type ContactData, contactInput, type CreateContactInput } from './contact-input.js';

/** DUPLICATE failures for emails another contact of the organisation already holds. */
async function emailConflicts(tenant: Tenant, data: ContactData, input: CreateContactInput): Promise<Failure[]> {
  if (data.emails.length === 0) return [];
  const taken = await tenant.prisma.contactEmail.findMany({
    where: {
      organizationId: tenant.organizationId,
      addressNormalized: { in: data.emails.map((e) => e.addressNormalized) },
    },
    select: { addressNormalized: true, contactId: true },
  });
  const holder = new Map(taken.map((row) => [row.addressNormalized, row.contactId]));
  const listed = input.emails?.length ?? 0;
  const offset = data.emails.length - listed;
  return data.emails.flatMap((entry, index): Failure[] => {
    const contactId = holder.get(entry.addressNormalized);
    if (!contactId) return [];
    return [
      {
        code: 'DUPLICATE',
        message: `${entry.address} already belongs to another contact`,
        path: index < offset ? ['email'] : ['emails', String(index - offset), 'address'],
        existing: { typename: 'Contact', id: contactId },
      },
    ];
  });
}

const isUniqueViolation = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

/**
 * Creates a contact with everything it links, atomically, and appends its CREATED entry to the
 * change feed in the same transaction. Expected problems come back as failures, and then
 * nothing was written.
 */
export async function createContact(tenant: Tenant, input: CreateContactInput): Promise<Result<{ contactId: string }>> {
  const parsed = contactInput.safeParse(input);
  if (!parsed.success) return fail(...validationFailures(parsed.error));
  const data = parsed.data;

  const conflicts = await emailConflicts(tenant, data, input);
  if (conflicts.length > 0) return fail(...conflicts);

  const contactId = newId();
  const { organizationId } = tenant;
  const { emails, phones, ...fields } = data;
  try {
    await tenant.prisma.$transaction([
      tenant.prisma.contact.create({
        data: {
          ...fields,
          id: contactId,
          organizationId,
          createdById: tenant.userId,
          updatedById: tenant.userId,
          emails: { createMany: { data: emails.map((email) => ({ ...email, id: newId() })) } },
          phones: { createMany: { data: phones.map((phone) => ({ ...phone, id: newId() })) } },
        },
      }),
      recordChange(tenant, { contactId, changeType: 'CREATED', version: 1, changedFields: [] }),
    ]);
  } catch (error) {
    // Another writer took one of the emails between our check and our insert.
    if (isUniqueViolation(error)) {
      const raced = await emailConflicts(tenant, data, input);
      if (raced.length > 0) return fail(...raced);
    }
    throw error;
  }
  return ok({ contactId });
}

import { type InsertPart, insertRows, insertTogether } from '../../db/insert-rows.js';
import { newId } from '../../db/uuid.js';
import type { Tenant } from '../../tenant/tenant.js';
import { type Failure, FailureAbort } from '../common/result.js';
import { externalRefKey } from '../common/external-ref.js';
import { type Tx, writeTransaction } from '../change-feed/write-transaction.js';
import type { CompanyTarget, PreparedContact } from './prepare-contact.js';

/** Another writer took an email or external ref between our checks and our insert. */
export class WriteConflict extends Error {
  constructor(readonly failures: Map<number, Failure[]>) {
    super('a concurrent write took a unique value');
  }
}

export interface CompanyResolution {
  index: number;
  action: 'MATCHED' | 'CREATED';
  companyId: string | null;
  name: string | null;
}

/**
 * Creates the companies named but missing, race-free: INSERT … ON CONFLICT DO NOTHING, then
 * a read of those another writer created first. No statement fails on a conflict, so the
 * transaction stays healthy (see prisma/orm#30374).
 */
export async function ensureCompanies(tx: Tx, organizationId: string, contacts: PreparedContact[]) {
  const wanted = new Map<string, string>();
  for (const contact of contacts) {
    for (const { target } of contact.companyLinks) {
      if ('newName' in target && !wanted.has(target.normalizedName)) wanted.set(target.normalizedName, target.newName);
    }
  }
  const idByName = new Map<string, string>();
  const created = new Set<string>();
  if (wanted.size === 0) return { idByName, created };
  const inserted = await insertRows<{ id: string; normalizedName: string }>(
    tx,
    'companies',
    [...wanted].map(([normalizedName, name]) => ({ id: newId(), organizationId, name, normalizedName })),
    { onConflictDoNothing: true, returning: ['id', 'normalizedName'] },
  );
  for (const row of inserted) {
    idByName.set(row.normalizedName, row.id);
    created.add(row.id);
  }
  const missing = [...wanted.keys()].filter((name) => !idByName.has(name));
  if (missing.length > 0) {
    const existing = await tx.company.findMany({
      where: { organizationId, normalizedName: { in: missing } },
      select: { id: true, normalizedName: true },
    });
    for (const row of existing) idByName.set(row.normalizedName, row.id);
  }
  return { idByName, created };
}

const companyIdOf = (target: CompanyTarget, idByName: Map<string, string>) =>
  'companyId' in target ? target.companyId : idByName.get(target.normalizedName)!;

/**
 * Inserts the rows a contact owns (lists, links, memberships, values, external refs), with
 * `before` and `after` (the contacts themselves, their change-feed entries), in one statement.
 * Unique values go in with ON CONFLICT DO NOTHING; when one was taken meanwhile, this throws a
 * WriteConflict naming the contacts concerned (by their index in `contacts`), and the caller's
 * transaction rolls back.
 */
export async function insertChildren(
  tx: Tx,
  tenant: Tenant,
  contacts: PreparedContact[],
  idByName: Map<string, string>,
  extra: { before?: InsertPart[]; after?: InsertPart[] } = {},
) {
  const { organizationId } = tenant;
  const children = <T>(pick: (c: PreparedContact) => T[]) =>
    contacts.flatMap((c) => pick(c).map((row) => ({ ...row, id: newId(), contactId: c.id, organizationId })));
  const emails = children((c) => c.emails);
  const refs = contacts.flatMap((c) =>
    c.externalRefs.map((ref, position) => ({ ref, position, contactId: c.id, id: newId() })),
  );
  const links = contacts.flatMap((c) =>
    c.companyLinks.map((link, position) => ({
      organizationId,
      contactId: c.id,
      companyId: companyIdOf(link.target, idByName),
      jobTitle: link.jobTitle,
      department: link.department,
      isPrimary: link.isPrimary,
      position,
    })),
  );
  const before = extra.before ?? [];
  const [insertedEmails, insertedRefs] = (
    await insertTogether(tx, [
      ...before,
      { table: 'contact_emails', rows: emails, onConflictDoNothing: true, returning: ['id'] },
      {
        table: 'external_refs',
        rows: refs.map(({ ref, contactId, id }) => ({ id, organizationId, ownerType: 'CONTACT', namespace: ref.namespace, externalId: ref.externalId, contactId })),
        onConflictDoNothing: true,
        returning: ['id'],
      },
      { table: 'contact_phones', rows: children((c) => c.phones) },
      { table: 'contact_addresses', rows: children((c) => c.addresses) },
      { table: 'contact_urls', rows: children((c) => c.urls) },
      { table: 'contact_companies', rows: links },
      { table: 'group_memberships', rows: contacts.flatMap((c) => c.groupIds.map((groupId) => ({ organizationId, groupId, contactId: c.id }))) },
      {
        table: 'custom_field_values',
        rows: contacts.flatMap((c) => c.customValues.map(({ fieldId, value }) => ({ organizationId, contactId: c.id, fieldId, value }))),
      },
      ...(extra.after ?? []),
    ])
  ).slice(before.length);

  const conflicts = new Map<number, Failure[]>();
  const conflict = (index: number, failure: Failure) => conflicts.set(index, [...(conflicts.get(index) ?? []), failure]);
  /** the rows ON CONFLICT DO NOTHING left out: another writer took their unique value */
  const lostOf = <T extends { id: string }>(rows: T[], inserted: Record<string, unknown>[]) => {
    const done = new Set(inserted.map((row) => row.id));
    return rows.filter((row) => !done.has(row.id));
  };
  const lostEmails = lostOf(emails, insertedEmails!);
  if (lostEmails.length > 0) {
    const holders = await tx.contactEmail.findMany({
      where: { organizationId, addressNormalized: { in: lostEmails.map((e) => e.addressNormalized) }, contactId: { notIn: contacts.map((c) => c.id) } },
      select: { addressNormalized: true, contactId: true },
    });
    contacts.forEach((contact, index) => {
      contact.emails.forEach((email, position) => {
        if (!lostEmails.some((l) => l.contactId === contact.id && l.addressNormalized === email.addressNormalized)) return;
        const holder = holders.find((h) => h.addressNormalized === email.addressNormalized);
        conflict(index, {
          code: 'DUPLICATE',
          message: `${email.address} already belongs to another contact`,
          path: contact.emailPaths[position],
          ...(holder ? { existing: { typename: 'Contact' as const, id: holder.contactId } } : {}),
        });
      });
    });
  }
  const lostRefs = lostOf(refs, insertedRefs!);
  if (lostRefs.length > 0) {
    const holders = await tx.externalRef.findMany({
      where: { organizationId, ownerType: 'CONTACT', OR: lostRefs.map((l) => ({ namespace: l.ref.namespace, externalId: l.ref.externalId })) },
      select: { namespace: true, externalId: true, contactId: true },
    });
    for (const lostRef of lostRefs) {
      const holder = holders.find(
        (h) => externalRefKey({ namespace: h.namespace, externalId: h.externalId }) === externalRefKey(lostRef.ref) && h.contactId !== lostRef.contactId,
      );
      conflict(contacts.findIndex((c) => c.id === lostRef.contactId), {
        code: 'DUPLICATE',
        message: `the external ref ${lostRef.ref.namespace}/${lostRef.ref.externalId} already belongs to another contact`,
        path: ['externalRefs', lostRef.position],
        ...(holder?.contactId ? { existing: { typename: 'Contact' as const, id: holder.contactId } } : {}),
      });
    }
  }
  if (conflicts.size > 0) throw new WriteConflict(conflicts);
}

/**
 * Writes prepared contacts and everything they link in one short transaction, with one
 * change-feed entry each. Unique values (emails, external refs) are inserted with ON CONFLICT
 * DO NOTHING; when one was taken meanwhile, the transaction rolls back with a WriteConflict
 * naming the contacts concerned, so the caller can check again and retry.
 */
export async function writeContacts(
  tenant: Tenant,
  contacts: PreparedContact[],
  extra?: (tx: Tx, resolutions: CompanyResolution[][]) => Promise<void>,
  options: { bulk?: boolean } = {},
): Promise<CompanyResolution[][]> {
  const { organizationId } = tenant;
  const written = await writeTransaction(tenant, async (tx, feed) => {
    const { idByName, created } = await ensureCompanies(tx, organizationId, contacts);

    await insertChildren(tx, tenant, contacts, idByName, {
      before: [{ table: 'contacts', rows: contacts.map((c) => ({ ...c.row, id: c.id, organizationId })) }],
      // A new contact's refs are exactly those its input named (an upsert's lookup ref included).
      after: [feed.recordIn(contacts.map((c) => ({ contactId: c.id, changeType: 'CREATED', version: 1, changedFields: [], namespaces: c.externalRefs.map((r) => r.namespace) })))],
    });

    // The first reference in the batch to a company this write created is CREATED.
    const announced = new Set<string>();
    const resolutions = contacts.map((contact) =>
      contact.companyReferences.map(({ index, target }) => {
        const companyId = companyIdOf(target, idByName);
        const isNew = created.has(companyId) && !announced.has(companyId);
        announced.add(companyId);
        return { index, action: isNew ? ('CREATED' as const) : ('MATCHED' as const), companyId, name: null };
      }),
    );
    await extra?.(tx, resolutions);
    return resolutions;
  }, options);
  // A failure the caller's `extra` aborted with stays its to catch.
  if (!written.ok) throw new FailureAbort(written.failures);
  return written.value;
}

/** The tables a contact write fills. */
const CONTACT_TABLES = [
  'contacts', 'contact_emails', 'contact_phones', 'contact_addresses', 'contact_urls', 'contact_companies',
  'companies', 'group_memberships', 'custom_field_values', 'external_refs', 'contact_changes',
];

/**
 * Refreshes the planner's statistics of the contact tables that have grown or changed by more
 * than their size at the last ANALYZE (and 1,000 rows), as autovacuum would with a scale factor
 * of 1. A long write (an import) grows them many times over while its connections keep the
 * plans made when they were small, such as the foreign-key checks' (seen here: 660 rows/s
 * falling to 144 over 100,000 rows with autovacuum off); ANALYZE makes PostgreSQL plan those
 * again. Every 500 rows it would cost more than the write: 0.75 s for the eleven tables at
 * 125,000 contacts.
 */
export async function refreshContactStatistics(prisma: Pick<Tx, '$executeRawUnsafe' | '$queryRawUnsafe'>) {
  const stale = await prisma.$queryRawUnsafe<{ relname: string }[]>(
    `SELECT c.relname FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid
      WHERE c.relname = ANY($1::text[]) AND s.n_mod_since_analyze > 1000 + greatest(c.reltuples, 0)
      ORDER BY c.relname`,
    CONTACT_TABLES,
  );
  if (stale.length > 0) await prisma.$executeRawUnsafe(`ANALYZE ${stale.map((t) => `"${t.relname}"`).join(', ')}`);
}

import { isDeepStrictEqual } from 'node:util';
import type { Prisma } from '../../db/generated/prisma/client.js';
import type { Tenant } from '../../tenant/tenant.js';
import { decodeIdOf, encodeId } from '../common/ids.js';
import { fail, type Failure, FailureAbort, ok, type Result } from '../common/result.js';
import { serialized } from '../common/serialized.js';
import { writeTransaction } from '../change-feed/write-transaction.js';
import { type StoredValue, storedAsInput } from '../custom-field/custom-field-value.js';
import { type ExternalRefValue, externalRefKey, externalRefSchema } from '../common/external-ref.js';
import { normalizeEmail } from '../common/emails.js';
import { comparableScalars, storedScalars } from './contact-fields.js';
import { type ContactFieldsInput, MAX_CUSTOM_VALUES, storedPhoneText } from './contact-input.js';
import { type PreparedContact, prepareContact } from './prepare-contact.js';
import { requireSensitiveScope } from './contact-sensitive.js';
import type { Feed, Tx } from '../change-feed/write-transaction.js';
import { ensureCompanies, insertChildren, WriteConflict } from './write-contacts.js';
import { updateRows } from '../../db/insert-rows.js';

/** how often an update without ifMatch is re-applied when another writer got in first */
const MAX_ATTEMPTS = 10;

export const etagOf = (contact: { version: number }) => `W/"${contact.version}"`;

export const currentContactQuery = {
  include: {
    emails: { orderBy: { position: 'asc' } },
    phones: { orderBy: { position: 'asc' } },
    addresses: { orderBy: { position: 'asc' } },
    urls: { orderBy: { position: 'asc' } },
    externalRefs: { orderBy: [{ namespace: 'asc' }, { externalId: 'asc' }] },
    companies: { orderBy: { position: 'asc' } },
    groups: { orderBy: { createdAt: 'asc' } },
    customFieldValues: true,
  },
} as const satisfies Prisma.ContactDefaultArgs;

export type CurrentContact = Prisma.ContactGetPayload<typeof currentContactQuery>;

/** The contact as it is, written as the input that would create it. */
export function currentAsInput(contact: CurrentContact): ContactFieldsInput {
  return {
    ...storedScalars(contact),
    emails: contact.emails.map((e) => ({ address: e.address, label: e.label, isPrimary: e.isPrimary })),
    // A number kept as given keeps the countryCode it came with; a valid one reads back from E.164.
    phones: contact.phones.map((p) => ({
      number: storedPhoneText(p),
      ...(p.e164 === null && p.countryCode ? { countryCode: p.countryCode } : {}),
      label: p.label,
      isPrimary: p.isPrimary,
    })),
    addresses: contact.addresses.map(({ street, secondaryAddress, postalCode, city, state, country, line, isPrimary }) => ({
      street, secondaryAddress, postalCode, city, state, country, line, isPrimary,
    })),
    urls: contact.urls.map((u) => ({ url: u.url, isPrimary: u.isPrimary })),
    externalRefs: contact.externalRefs.map((r) => ({ namespace: r.namespace, externalId: r.externalId })),
    companies: contact.companies.map((link) => ({
      company: { id: encodeId('Company', link.companyId) },
      jobTitle: link.jobTitle,
      department: link.department,
      isPrimary: link.isPrimary,
    })),
    groups: contact.groups.map((m) => encodeId('Group', m.groupId)),
    customFieldValues: contact.customFieldValues.map((v) => ({
      field: encodeId('CustomField', v.fieldId),
      value: storedAsInput(v.value as StoredValue),
    })),
  };
}

/** What a comparison of two versions of a contact looks at, per input field. */
function comparable(contact: PreparedContact) {
  const { row } = contact;
  return {
    ...comparableScalars(row),
    emails: contact.emails.map((e) => [e.address, e.label, e.isPrimary]),
    phones: contact.phones.map((p) => [p.number, p.extension, p.countryCode, p.label, p.isPrimary]),
    addresses: contact.addresses,
    urls: contact.urls,
    externalRefs: contact.externalRefs.map((r) => `${r.namespace}/${r.externalId}`).sort(),
    companies: contact.companyLinks.map((l) => [l.target, l.jobTitle, l.department, l.isPrimary]),
    groups: contact.groupIds,
    customFieldValues: [...contact.customValues].sort((a, b) => (a.fieldId < b.fieldId ? -1 : 1)),
  };
}

const NAME_FIELDS = ['firstName', 'middleName', 'lastName', 'fullName', 'abbreviation', 'title'] as const;

export function changedFields(before: PreparedContact, after: PreparedContact): string[] {
  const a = comparable(before);
  const b = comparable(after);
  const changed: string[] = [];
  for (const key of Object.keys(a) as (keyof typeof a)[]) {
    if (!isDeepStrictEqual(a[key], b[key])) changed.push(key);
  }
  return changed;
}

const withPatchPath = (failures: Failure[]) => failures.map((f) => ({ ...f, path: ['patch', ...(f.path ?? [])] }));

/** One contact's rewrite: `next` over the contact as read (`current`). */
export interface ContactRewrite {
  current: { id: string; version: number };
  next: PreparedContact;
  /** contacts whose child rows are cleared first, so their emails and refs can move over (a merge's sources) */
  absorbed?: string[];
  /** take the contact out of the recycle bin in the same statement */
  revive?: boolean;
}

/**
 * Writes contacts over the versions read: one version-guarded UPDATE each (VersionRace when
 * another writer got in first), then their child rows rewritten, all of them at once.
 */
export async function rewriteContacts(tx: Tx, tenant: Tenant, rewrites: ContactRewrite[]) {
  const { organizationId } = tenant;
  const updatedAt = new Date();
  // one UPDATE for all (per shape of row), not one per contact: a bulk upsert updates hundreds
  for (const revive of [false, true]) {
    const group = rewrites.filter((rewrite) => Boolean(rewrite.revive) === revive);
    if (group.length === 0) continue;
    const rows = group.map(({ current, next }) => ({
      ...next.row,
      createdById: undefined,
      ...(revive ? { deletedAt: null } : {}),
      id: current.id,
      organizationId,
      version: current.version,
      updatedById: tenant.userId,
      updatedAt,
    }));
    const updated = await updateRows(tx, 'contacts', rows, {
      match: ['id', 'organizationId', 'version'],
      set: ['"version" = t."version" + 1'],
      where: `t."merged_into_id" IS NULL${revive ? '' : ' AND t."deleted_at" IS NULL'}`,
    });
    if (updated.length < group.length) throw new VersionRace();
  }
  const nexts = rewrites.map(({ next }) => next);
  const { idByName } = await ensureCompanies(tx, organizationId, nexts);
  // One statement, not a deleteMany per table: eight round trips through Prisma were about a
  // third of an update's statements.
  const contactIds = rewrites.flatMap(({ current, absorbed }) => [current.id, ...(absorbed ?? [])]);
  await tx.$executeRaw`
    WITH emails AS (DELETE FROM contact_emails WHERE organization_id = ${organizationId}::uuid AND contact_id = ANY(${contactIds}::uuid[])),
         phones AS (DELETE FROM contact_phones WHERE organization_id = ${organizationId}::uuid AND contact_id = ANY(${contactIds}::uuid[])),
         addresses AS (DELETE FROM contact_addresses WHERE organization_id = ${organizationId}::uuid AND contact_id = ANY(${contactIds}::uuid[])),
         urls AS (DELETE FROM contact_urls WHERE organization_id = ${organizationId}::uuid AND contact_id = ANY(${contactIds}::uuid[])),
         companies AS (DELETE FROM contact_companies WHERE organization_id = ${organizationId}::uuid AND contact_id = ANY(${contactIds}::uuid[])),
         memberships AS (DELETE FROM group_memberships WHERE organization_id = ${organizationId}::uuid AND contact_id = ANY(${contactIds}::uuid[])),
         custom_values AS (DELETE FROM custom_field_values WHERE organization_id = ${organizationId}::uuid AND contact_id = ANY(${contactIds}::uuid[]))
    DELETE FROM external_refs WHERE organization_id = ${organizationId}::uuid AND contact_id = ANY(${contactIds}::uuid[])`;
  await insertChildren(tx, tenant, nexts, idByName);
}

/** rewriteContacts for one contact (a merge's target, with its sources `absorbed`). */
export const rewriteContact = (tx: Tx, tenant: Tenant, current: { id: string; version: number }, next: PreparedContact, options: { absorbed?: string[]; revive?: boolean } = {}) =>
  rewriteContacts(tx, tenant, [{ current, next, ...options }]);

export interface UpdateOutcome {
  id: string;
  changedFields: string[];
}

export interface UpdateInput {
  id: string;
  ifMatch?: string | null;
  patch: ContactFieldsInput;
  /** the patch's `customFieldValues` become all the contact's values (else it sets and unsets only the fields it names) */
  replaceCustomFieldValues?: boolean | null;
  /** a contact in the recycle bin is restored by the same write (upsert's REVIVED) */
  revive?: boolean;
  /** upsert: the lookup that found the contact. It stays on the contact, and its namespace is named by the write. */
  lookup?: { externalRef?: ExternalRefValue | null; email?: string | null };
  /** group ids the contact joins besides those it is in (or the patch's `groups`) */
  addGroups?: string[];
}

/**
 * Applies a patch: an absent field stays, `null` clears, a list given replaces the list —
 * except `customFieldValues`, which sets and unsets the fields it names and leaves the others
 * (unless `replaceCustomFieldValues`). `type` cannot change. The result is validated and
 * resolved like a new contact. A stale `ifMatch` writes nothing (STALE_ETAG); without it, the
 * last writer wins, but each update is still applied to the version it read (a version guard in
 * the UPDATE itself, retried on a race). A patch that changes nothing writes nothing: version,
 * etag, updatedAt and the feed stay as they were.
 */
export async function updateContact(tenant: Tenant, input: UpdateInput): Promise<Result<UpdateOutcome>> {
  requireSensitiveScope(tenant, [{ path: ['patch'], fields: input.patch }]);
  const id = decodeIdOf('Contact', input.id);
  if (!id) return fail({ code: 'NOT_FOUND', message: 'no contact with this id', path: ['id'] });
  if (input.replaceCustomFieldValues && input.patch.customFieldValues === undefined) {
    return fail({ code: 'VALIDATION', message: 'give customFieldValues to replace the values with ([] removes them all)', path: ['replaceCustomFieldValues'] });
  }
  return serialized(`contact:${id}`, () => applyPatch(tenant, id, input));
}

const sameRef = (a: { namespace: string; externalId: string }, b: ExternalRefValue) => {
  const parsed = externalRefSchema.safeParse(a);
  return parsed.success && externalRefKey(parsed.data) === externalRefKey(b);
};

/** The patch over the contact as it is, as the input of the contact it makes. */
function patchedInput(current: CurrentContact, input: UpdateInput): ContactFieldsInput {
  const { patch, lookup } = input;
  const merged: ContactFieldsInput = { ...currentAsInput(current), ...patch };
  // A patched name part makes the full name derived again unless the patch gives one.
  if (!('fullName' in patch) && NAME_FIELDS.some((f) => f !== 'fullName' && f in patch) && !current.fullNameExplicit) {
    delete merged.fullName;
  }
  if (input.addGroups) merged.groups = [...new Set([...(merged.groups ?? []), ...input.addGroups])];
  // The values the patch names; the contact's others are added once these are resolved (keptValues).
  merged.customFieldValues = patch.customFieldValues ?? [];
  // An upsert never removes the key it found the contact by (the next upsert would create a duplicate).
  const ref = lookup?.externalRef;
  if (ref && patch.externalRefs !== undefined && !(merged.externalRefs ?? []).some((r) => sameRef(r, ref))) {
    merged.externalRefs = [...(merged.externalRefs ?? []), ref];
  }
  const email = lookup?.email ? normalizeEmail(lookup.email) : null;
  if (email && patch.emails !== undefined) {
    const listed = [...(merged.emails ?? []).map((e) => e.address), ...(merged.email ? [merged.email] : [])];
    if (!listed.some((address) => normalizeEmail(address) === email)) {
      const held = current.emails.find((e) => e.addressNormalized === email);
      merged.emails = [...(merged.emails ?? []), held ? { address: held.address, label: held.label } : { address: lookup!.email! }];
    }
  }
  return merged;
}

/**
 * The contact's custom values a patch leaves as they are: those of fields it does not name,
 * keyed by resolved field id (whichever way the input named its fields), and only while the
 * contact stays in the field's group (leaving a group drops its fields' values).
 */
async function keptValues(tenant: Tenant, current: CurrentContact, input: UpdateInput, next: PreparedContact) {
  if (input.replaceCustomFieldValues || input.patch.customFieldValues === null) return [];
  const named = new Set(next.customFieldIds);
  const fields = await Promise.all(current.customFieldValues.map((v) => tenant.loaders.customFieldById.load(v.fieldId)));
  return current.customFieldValues
    .filter((v, i) => !named.has(v.fieldId) && fields[i] && next.groupIds.includes(fields[i].groupId))
    .map((v) => ({ fieldId: v.fieldId, value: v.value as StoredValue }));
}

/** What a patch makes of a contact as read: the contact to write and what changed (nothing: no write). */
export interface PlannedUpdate {
  current: CurrentContact;
  next: PreparedContact;
  changed: string[];
  reviving: boolean;
  /** the external-ref namespaces the write names: the upsert's lookup ref and the refs the patch lists (then all the contact's) */
  namespaces: string[];
}

/** Reads contacts by id as a patch applies to them (none merged away). */
export const readCurrentContacts = (tenant: Tenant, ids: string[]) =>
  tenant.prisma.contact.findMany({ ...currentContactQuery, where: { id: { in: ids }, organizationId: tenant.organizationId, mergedIntoId: null } });

/** The patch over the contact as read (null: none with this id): validated and resolved, or the failures that refuse it. */
export async function planPatch(tenant: Tenant, current: CurrentContact | null, input: UpdateInput): Promise<Result<PlannedUpdate>> {
  if (!current) return fail({ code: 'NOT_FOUND', message: 'no contact with this id', path: ['id'] });
  const reviving = Boolean(input.revive && current.deletedAt);
  if (current.deletedAt && !reviving) {
    return fail({ code: 'CONTACT_DELETED', message: 'the contact is in the recycle bin; restore it first', path: ['id'] });
  }
  if (input.ifMatch != null && input.ifMatch !== etagOf(current)) {
    return fail({ code: 'STALE_ETAG', message: `the contact changed: its etag is now ${etagOf(current)}`, path: ['ifMatch'] });
  }
  // `null` is no way around it: it would reset the type to GENERAL.
  if (input.patch.type !== undefined && input.patch.type !== current.type) {
    return fail({ code: 'VALIDATION', message: `the type of a contact cannot change (it is ${current.type})`, path: ['patch', 'type'] });
  }
  const [was, will] = await Promise.all([
    // Its custom values are compared as stored (as the kept ones are), not validated again.
    prepareContact(tenant, { ...currentAsInput(current), customFieldValues: [] }, { selfId: current.id }),
    prepareContact(tenant, patchedInput(current, input), { selfId: current.id }),
  ]);
  if (!will.ok) return fail(...withPatchPath(will.failures));
  const next = will.value;
  next.customValues.push(...(await keptValues(tenant, current, input, next)));
  if (next.customValues.length > MAX_CUSTOM_VALUES) {
    return fail({ code: 'VALIDATION', message: `a contact holds at most ${MAX_CUSTOM_VALUES} custom values`, path: ['patch', 'customFieldValues'] });
  }
  if (was.ok) was.value.customValues = current.customFieldValues.map((v) => ({ fieldId: v.fieldId, value: v.value as StoredValue }));
  const changed = [...(reviving ? ['deletedAt'] : []), ...(was.ok ? changedFields(was.value, next) : Object.keys(input.patch))];
  const namespaces = [
    ...(input.lookup?.externalRef ? [input.lookup.externalRef.namespace] : []),
    ...(input.patch.externalRefs != null ? next.externalRefs.map((r) => r.namespace) : []),
  ];
  return ok({ current, next, changed, reviving, namespaces });
}

/** Writes planned updates that change something, with their feed entries (in the caller's writeTransaction). */
export async function writePlannedUpdates(tx: Tx, tenant: Tenant, feed: Feed, plans: PlannedUpdate[]) {
  await rewriteContacts(tx, tenant, plans.map(({ current, next, reviving }) => ({ current, next, revive: reviving })));
  feed.record(
    ...plans.map(({ current, changed, reviving, namespaces }) => ({
      contactId: current.id,
      changeType: reviving ? ('RESTORED' as const) : ('UPDATED' as const),
      changedFields: changed,
      version: current.version + 1,
      namespaces,
    })),
  );
}

async function applyPatch(tenant: Tenant, id: string, input: UpdateInput): Promise<Result<UpdateOutcome>> {
  for (let attempt = 1; ; attempt += 1) {
    const [current] = await readCurrentContacts(tenant, [id]);
    const planned = await planPatch(tenant, current ?? null, input);
    if (!planned.ok) return planned;
    const plan = planned.value;
    if (plan.changed.length === 0) return ok({ id, changedFields: [] });
    try {
      const written = await writeTransaction(tenant, (tx, feed) => writePlannedUpdates(tx, tenant, feed, [plan]));
      if (!written.ok) return written;
      return ok({ id, changedFields: plan.changed });
    } catch (error) {
      if (error instanceof WriteConflict) return fail(...withPatchPath(error.failures.get(0) ?? []));
      if (!(error instanceof VersionRace)) throw error;
      // Another writer (in another process: this one queues them) got in between our read and our write.
      if (input.ifMatch != null) {
        return fail({ code: 'STALE_ETAG', message: 'the contact changed while this update was applied', path: ['ifMatch'] });
      }
      if (attempt >= MAX_ATTEMPTS) {
        return fail({ code: 'CONFLICT', message: 'the contact kept changing under concurrent writes while this update was applied; send it again' });
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * 2 ** Math.min(attempt, 6)));
    }
  }
}

/** Another writer changed the contact between our read and our guarded write. */
export class VersionRace extends Error {}

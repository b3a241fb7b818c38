import type { PrismaClient } from '../../db/client.js';
import { createTenant, type Tenant } from '../../tenant/tenant.js';
import { encodeId } from '../common/ids.js';
import { fail, type Failure, FailureAbort, ok, type Result } from '../common/result.js';
import { writeTransaction } from '../change-feed/write-transaction.js';
import { ILL_FORMED_TEXT, illFormedPaths } from '../common/validation.js';
import { type ExternalRefValue, externalRefKey, externalRefSchema } from '../common/external-ref.js';
import { normalizeEmail } from '../common/emails.js';
import type { ContactFieldsInput } from './contact-input.js';
import { type ContactLookupInput, findContactBy } from './contact-lookup.js';
import { createContact, createContacts, MAX_BATCH } from './create-contact.js';
import { requireSensitiveScope } from './contact-sensitive.js';
import { updateContact } from './update-contact.js';

export type UpsertAction = 'CREATED' | 'UPDATED' | 'REVIVED' | 'NOOP';

export type { ContactLookupInput };

/** What an upsert did to the contact it names. */
export interface UpsertOutcome {
  id: string;
  action: UpsertAction;
  changedFields: string[];
}

const MAX_ATTEMPTS = 5;

/** The contact a lookup names, bin included (merged-away sources excluded: writes do not follow merges). */
const findByLookup = (tenant: Tenant, by: ContactLookupInput) => findContactBy(tenant, by, { followMerges: false });

export interface UpsertInput {
  by: ContactLookupInput;
  fields: ContactFieldsInput;
  /** on update, `fields.customFieldValues` become all the contact's values (as updateContact's) */
  replaceCustomFieldValues?: boolean | null;
}

/**
 * Creates the contact the lookup names, or updates it (patch semantics), reviving it from the
 * recycle bin when it was there. The update keeps the lookup's external ref or email on the
 * contact even when the fields' list leaves it out. Race-free: when a concurrent upsert creates
 * the same contact first, this one finds it on the next attempt and updates it.
 */
/** The input's lookup as checked: its external ref parsed, or the failures that refuse the input. */
function checkedLookup(input: UpsertInput): Result<{ ref: ExternalRefValue | null }> {
  const illFormed = illFormedPaths(input.by, ['by']);
  if (illFormed.length > 0) return fail(...illFormed.map((path) => ({ code: 'VALIDATION' as const, message: ILL_FORMED_TEXT, path })));
  const parsedRef = input.by.externalRef ? externalRefSchema.safeParse(input.by.externalRef) : null;
  if (parsedRef && !parsedRef.success) {
    return fail({ code: 'VALIDATION', message: 'is not a valid external ref', path: ['by', 'externalRef'] });
  }
  if (input.replaceCustomFieldValues && input.fields.customFieldValues === undefined) {
    return fail({ code: 'VALIDATION', message: 'give customFieldValues to replace the values with ([] removes them all)', path: ['replaceCustomFieldValues'] });
  }
  return ok({ ref: parsedRef?.data ?? null });
}

/** The fields a missing contact is created with: the input's, plus its lookup's ref or email, so that the same lookup finds it next time. */
function fieldsToCreate(input: UpsertInput, ref: ExternalRefValue | null): ContactFieldsInput {
  const fields = { ...input.fields };
  if (ref && !(fields.externalRefs ?? []).some((r) => {
    const given = externalRefSchema.safeParse(r);
    return given.success && externalRefKey(given.data) === externalRefKey(ref);
  })) {
    fields.externalRefs = [...(fields.externalRefs ?? []), ref];
  }
  if (input.by.email && !fields.email && !(fields.emails ?? []).some((e) => normalizeEmail(e.address) === normalizeEmail(input.by.email!))) {
    fields.email = input.by.email;
  }
  return fields;
}

export async function upsertContact(
  tenant: Tenant,
  input: UpsertInput,
): Promise<Result<UpsertOutcome>> {
  requireSensitiveScope(tenant, [{ path: [], fields: input.fields }]);
  const checked = checkedLookup(input);
  if (!checked.ok) return checked;
  const { ref } = checked.value;
  for (let attempt = 1; ; attempt += 1) {
    const found = await findByLookup(tenant, input.by);
    if (!found) {
      if (input.by.id != null) return fail({ code: 'NOT_FOUND', message: 'no contact with this id', path: ['by', 'id'] });
      const created = await createContact(tenant, fieldsToCreate(input, ref));
      if (created.ok) return ok({ id: created.value.id!, action: 'CREATED', changedFields: [] });
      const lostRace = created.failures.some((f) => f.code === 'DUPLICATE');
      if (!lostRace || attempt >= MAX_ATTEMPTS) return created;
      continue;
    }
    // Out of the recycle bin and updated in one transaction, with one RESTORED feed entry.
    const updated = await updateContact(tenant, {
      id: encodeId('Contact', found.id),
      patch: input.fields,
      replaceCustomFieldValues: input.replaceCustomFieldValues,
      revive: true,
      lookup: { externalRef: ref, email: input.by.email },
    });
    if (!updated.ok) {
      // A patch error is the client's: report it at its place in this input (fields at the top).
      return fail(...updated.failures.map((f) => ({ ...f, path: f.path?.[0] === 'patch' ? f.path.slice(1) : f.path })));
    }
    const revived = updated.value.changedFields.includes('deletedAt');
    const action: UpsertAction = revived ? 'REVIVED' : updated.value.changedFields.length > 0 ? 'UPDATED' : 'NOOP';
    return ok({ id: found.id, action, changedFields: updated.value.changedFields.filter((f) => f !== 'deletedAt') });
  }
}

/**
 * The items an upsert of the batch would create: a well-formed lookup by external ref or email
 * that no contact holds and no other item of the batch names, with the fields to create it with.
 * The holders are read with the request's loaders: one statement for all refs, one for all emails.
 */
async function itemsToCreate(tenant: Tenant, items: UpsertInput[]): Promise<{ index: number; fields: ContactFieldsInput }[]> {
  const keyed = items.map((item, index) => {
    if (item.by.id != null) return null;
    const checked = checkedLookup(item);
    if (!checked.ok) return null;
    const { ref } = checked.value;
    if (ref) return { index, ref, key: `ref ${externalRefKey(ref)}` };
    return item.by.email != null ? { index, ref, key: `email ${normalizeEmail(item.by.email)}` } : null;
  });
  const named = new Map<string, number>();
  for (const item of keyed) if (item) named.set(item.key, (named.get(item.key) ?? 0) + 1);
  const once = keyed.filter((item) => item !== null && named.get(item.key) === 1) as { index: number; ref: ExternalRefValue | null; key: string }[];
  const holders = await Promise.all(
    once.map(({ index, ref }) => (ref ? tenant.loaders.contactIdByExternalRef.load(ref) : tenant.loaders.emailHolder.load(normalizeEmail(items[index]!.by.email!)))),
  );
  return once.filter((_, k) => holders[k] === null).map(({ index, ref }) => ({ index, fields: fieldsToCreate(items[index]!, ref) }));
}

/**
 * upsertContact for up to MAX_BATCH items, each succeeding or failing on its own, items naming
 * the same contact applied in input order. The items that create a contact no other item names
 * are created first, together, as createContacts creates a batch (shared lookups, one write: a
 * create one at a time costs about ten statements); the others, and any of those a duplicate
 * refused (an email or ref another item or contact holds), then run one after another in input
 * order, as upsertContact runs them.
 */
export async function upsertContacts(
  tenant: Tenant,
  items: UpsertInput[],
): Promise<Result<Result<UpsertOutcome>[]>> {
  if (items.length > MAX_BATCH) return fail({ code: 'LIMIT_EXCEEDED', message: `at most ${MAX_BATCH} contacts per call`, path: ['contacts'] });
  requireSensitiveScope(tenant, items.map(({ fields }, index) => ({ path: ['contacts', index], fields })));
  return ok(
    await inOneTransaction(tenant, async (inside) => {
      const results = new Array<Result<UpsertOutcome> | undefined>(items.length);
      const creates = await itemsToCreate(inside, items);
      if (creates.length > 1) {
        const created = await createContacts(inside, creates.map(({ fields }) => fields), { allOrNone: false });
        created.forEach((result, k) => {
          if (result.ok) results[creates[k]!.index] = ok({ id: result.value.id!, action: 'CREATED', changedFields: [] });
          else if (!result.failures.some((f) => f.code === 'DUPLICATE')) results[creates[k]!.index] = result;
        });
      }
      for (const [index, item] of items.entries()) results[index] ??= await upsertContact(inside, item);
      return results as Result<UpsertOutcome>[];
    }),
  );
}

/**
 * Runs writes done one after another (the items of a bulk upsert) in one transaction: each
 * write's own transaction becomes a savepoint in it, so an item's expected failure rolls back
 * that item only, while an unexpected fault rolls back every item, never committing the items
 * before it. Subscribers hear of the changes once the whole transaction committed.
 */
export async function inOneTransaction<T>(tenant: Tenant, work: (inside: Tenant) => Promise<T>): Promise<T> {
  const announcements: Parameters<Tenant['events']['publish']>[] = [];
  const result = await writeTransaction(
    tenant,
    async (tx) => {
      // The items' writes run their own writeTransaction (a savepoint each) on the full client.
      const prisma = tx as unknown as PrismaClient;
      const events = { ...tenant.events, publish: (...args: Parameters<Tenant['events']['publish']>) => void announcements.push(args) };
      return work(createTenant(tenant, prisma, events));
    },
    { bulk: true },
  );
  if (!result.ok) throw new FailureAbort(result.failures);
  for (const args of announcements) tenant.events.publish(...args);
  return result.value;
}

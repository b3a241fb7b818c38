import type { PrismaClient } from '../../db/client.js';
import { createTenant, type Tenant } from '../../tenant/tenant.js';
import { decodeIdOf, encodeId } from '../common/ids.js';
import { fail, type Failure, FailureAbort, ok, type Result } from '../common/result.js';
import { writeTransaction } from '../change-feed/write-transaction.js';
import { ILL_FORMED_TEXT, illFormedPaths } from '../common/validation.js';
import { type ExternalRefValue, externalRefKey, externalRefSchema } from '../common/external-ref.js';
import { normalizeEmail } from '../common/emails.js';
import type { ContactFieldsInput } from './contact-input.js';
import { type ContactLookupInput, findContactBy } from './contact-lookup.js';
import { createContact, createContacts, MAX_BATCH } from './create-contact.js';
import { requireSensitiveScope } from './contact-sensitive.js';
import { planPatch, type PlannedUpdate, readCurrentContacts, type UpdateInput, type UpdateOutcome, updateContact, VersionRace, writePlannedUpdates } from './update-contact.js';
import { WriteConflict } from './write-contacts.js';

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
  /** group ids the contact joins besides those it is in (or `fields.groups`): an import row's custom values' groups */
  addGroups?: string[];
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
  if (input.addGroups) fields.groups = [...new Set([...(fields.groups ?? []), ...input.addGroups])];
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
    return upsertOutcomeOf(found.id, await updateContact(tenant, updateOf(input, found.id, ref)));
  }
}

/** The update an upsert makes of the contact its lookup found. */
const updateOf = (input: UpsertInput, id: string, ref: ExternalRefValue | null): UpdateInput => ({
  id: encodeId('Contact', id),
  patch: input.fields,
  replaceCustomFieldValues: input.replaceCustomFieldValues,
  revive: true,
  lookup: { externalRef: ref, email: input.by.email },
  addGroups: input.addGroups,
});

/** An update's outcome as the upsert's: its action, and a patch error at its place in the upsert's input (fields at the top). */
function upsertOutcomeOf(id: string, updated: Result<UpdateOutcome>): Result<UpsertOutcome> {
  if (!updated.ok) return fail(...updated.failures.map((f) => ({ ...f, path: f.path?.[0] === 'patch' ? f.path.slice(1) : f.path })));
  const revived = updated.value.changedFields.includes('deletedAt');
  const action: UpsertAction = revived ? 'REVIVED' : updated.value.changedFields.length > 0 ? 'UPDATED' : 'NOOP';
  return ok({ id, action, changedFields: updated.value.changedFields.filter((f) => f !== 'deletedAt') });
}

/** An email's and an external ref's key among the unique values a contact holds. */
const emailKey = (address: string) => `email ${normalizeEmail(address)}`;
const refKey = (ref: ExternalRefValue) => `ref ${externalRefKey(ref)}`;

/** The emails and external refs a contact holds, as keys (a ref that does not parse holds none). */
const keysOf = (emails: readonly string[], refs: readonly { namespace: string; externalId: string }[]) => [
  ...emails.map(emailKey),
  ...refs.flatMap((r) => {
    const parsed = externalRefSchema.safeParse(r);
    return parsed.success ? [refKey(parsed.data)] : [];
  }),
];

/** The keys fields would give a contact (a superset: an email the input fails to validate is counted too). */
const keysOfFields = (fields: ContactFieldsInput) =>
  keysOf([...(fields.emails ?? []).map((e) => e.address), ...(fields.email ? [fields.email] : [])], fields.externalRefs ?? []);

const keysOfContact = (contact: { emails: { address: string }[]; externalRefs: { namespace: string; externalId: string }[] }) =>
  keysOf(contact.emails.map((e) => e.address), contact.externalRefs);

/** An item's lookup as a key (an id, a ref or an email), or null when the item is refused before its lookup. */
function lookupKeyOf(item: UpsertInput): { ref: ExternalRefValue | null; key: string; id?: string } | null {
  const checked = checkedLookup(item);
  if (!checked.ok) return null;
  const { ref } = checked.value;
  if (item.by.id != null) {
    const id = decodeIdOf('Contact', item.by.id);
    return id ? { ref, key: `id ${id}`, id } : null;
  }
  if (ref) return { ref, key: refKey(ref) };
  return item.by.email != null ? { ref, key: emailKey(item.by.email) } : null;
}

/** An item with its lookup key (lookupKeyOf). */
type KeyedItem = { item: UpsertInput; lookup: ReturnType<typeof lookupKeyOf> };

/** The input cut into consecutive runs in which no two items look up the same key. */
function runsOfDistinctLookups(items: UpsertInput[]): KeyedItem[][] {
  const runs: KeyedItem[][] = [];
  let run: KeyedItem[] = [];
  let keys = new Set<string>();
  for (const item of items) {
    const lookup = lookupKeyOf(item);
    if (lookup && keys.has(lookup.key)) {
      runs.push(run);
      run = [];
      keys = new Set();
    }
    run.push({ item, lookup });
    if (lookup) keys.add(lookup.key);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/**
 * Applies a run of a bulk upsert's items (no two looking up one key) together when their order cannot matter: each names a
 * different contact (or a different missing one), and no email or external ref is held after the
 * write by two of them, or given up by one and taken by another. Then the missing contacts are
 * created as createContacts creates a batch, and the found ones updated with one read and one
 * write for all (one at a time, an item costs about a dozen statements). The answer is each
 * item's outcome, or undefined for an item that must run on its own after all (in input order):
 * all of them when the items are not independent, a create a duplicate refused (another writer
 * may have created the contact meanwhile), updates a concurrent writer got in between.
 */
async function upsertTogether(tenant: Tenant, run: KeyedItem[]): Promise<(Result<UpsertOutcome> | undefined)[]> {
  const items = run.map(({ item }) => item);
  const results = new Array<Result<UpsertOutcome> | undefined>(items.length);
  const alone = () => results.fill(undefined);
  if (items.length < 2) return alone();
  // 1. what each item's lookup names (its key, distinct in a run), and the contact holding it. An
  // item refused before its lookup, or whose id names no contact, writes nothing: upsertContact answers it.
  const lookups = run.map(({ lookup }) => lookup);
  const { loaders } = tenant;
  const holders = await Promise.all(
    lookups.map(async (lookup, index) => {
      if (!lookup) return undefined;
      if (lookup.id) return lookup.id;
      if (lookup.ref) return (await loaders.contactIdByExternalRef.load(lookup.ref))?.contactId ?? null;
      return (await loaders.emailHolder.load(normalizeEmail(items[index]!.by.email!)))?.contactId ?? null;
    }),
  );
  const targets = holders.filter((id): id is string => typeof id === 'string');
  if (new Set(targets).size < targets.length) return alone();
  // 2. the updates planned against the contacts as they are (a merged-away or missing id is left to upsertContact)
  const currents = new Map((await readCurrentContacts(tenant, targets)).map((c) => [c.id, c]));
  const updates = holders.flatMap((id, index) => {
    const current = typeof id === 'string' ? currents.get(id) : undefined;
    return current ? [{ index, id: current.id, current }] : [];
  });
  const plans = await Promise.all(updates.map((u) => planPatch(tenant, u.current, updateOf(items[u.index]!, u.id, lookups[u.index]!.ref))));
  // 3. independent: no unique value held by two items afterwards, none given up by one and taken by another
  const held = new Map<string, number>();
  const given = new Set<string>();
  const hold = (keys: string[], index: number) => {
    for (const key of keys) {
      if ((held.get(key) ?? index) !== index) return false;
      held.set(key, index);
    }
    return true;
  };
  const creates = holders.flatMap((id, index) => (id === null ? [{ index, fields: fieldsToCreate(items[index]!, lookups[index]!.ref) }] : []));
  if (creates.length + updates.length < 2) return alone();
  for (const { index, fields } of creates) if (!hold(keysOfFields(fields), index)) return alone();
  for (const [k, plan] of plans.entries()) {
    const { index, current } = updates[k]!;
    const before = keysOfContact(current);
    // a refused patch keeps what the contact holds
    const after = plan.ok ? keysOfContact(plan.value.next) : before;
    if (!hold(after, index)) return alone();
    for (const key of before) if (!after.includes(key)) given.add(key);
  }
  for (const key of given) if (held.has(key)) return alone();
  // 4. the creates, written together
  if (creates.length > 0) {
    const created = await createContacts(tenant, creates.map(({ fields }) => fields), { allOrNone: false });
    created.forEach((result, k) => {
      if (result.ok) results[creates[k]!.index] = ok({ id: result.value.id!, action: 'CREATED', changedFields: [] });
      else if (!result.failures.some((f) => f.code === 'DUPLICATE')) results[creates[k]!.index] = result;
    });
  }
  // 5. the updates, written together
  const writes: { index: number; plan: PlannedUpdate }[] = [];
  plans.forEach((plan, k) => {
    const { index, id } = updates[k]!;
    if (!plan.ok) results[index] = upsertOutcomeOf(id, plan);
    else if (plan.value.changed.length === 0) results[index] = upsertOutcomeOf(id, ok({ id, changedFields: [] }));
    else writes.push({ index, plan: plan.value });
  });
  if (writes.length > 0) {
    try {
      const written = await writeTransaction(tenant, (tx, feed) => writePlannedUpdates(tx, tenant, feed, writes.map((w) => w.plan)), { bulk: true });
      if (written.ok) for (const { index, plan } of writes) results[index] = upsertOutcomeOf(plan.current.id, ok({ id: plan.current.id, changedFields: plan.changed }));
    } catch (error) {
      // rolled back: each runs on its own, as updateContact retries or answers it
      if (!(error instanceof WriteConflict) && !(error instanceof VersionRace)) throw error;
    }
  }
  return results;
}

/**
 * upsertContact for up to MAX_BATCH items, each succeeding or failing on its own, as if applied
 * one after another in input order: together when their order cannot matter (upsertTogether),
 * else, and for what that leaves, one by one.
 */
export async function upsertContacts(
  tenant: Tenant,
  items: UpsertInput[],
): Promise<Result<Result<UpsertOutcome>[]>> {
  if (items.length > MAX_BATCH) return fail({ code: 'LIMIT_EXCEEDED', message: `at most ${MAX_BATCH} contacts per call`, path: ['contacts'] });
  requireSensitiveScope(tenant, items.map(({ fields }, index) => ({ path: ['contacts', index], fields })));
  return ok(await inOneTransaction(tenant, (inside) => upsertInOrder(inside, items)));
}

/**
 * Upserts with the outcome of applying them one after another in input order (in the caller's
 * inOneTransaction): each run of items that look up different contacts goes through
 * upsertTogether, and what that leaves one by one. A sync file that names a contact twice so
 * costs one more run, not the whole batch applied one by one.
 */
export async function upsertInOrder(inside: Tenant, items: UpsertInput[]): Promise<Result<UpsertOutcome>[]> {
  const results: Result<UpsertOutcome>[] = [];
  for (const run of runsOfDistinctLookups(items)) {
    const together = await upsertTogether(inside, run);
    for (const [index, { item }] of run.entries()) results.push(together[index] ?? (await upsertContact(inside, item)));
  }
  return results;
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
      // the transaction's statement timeout is set: the items' savepoints keep it
      return work(createTenant({ ...tenant, settings: { ...tenant.settings, statementTimeouts: null } }, prisma, events));
    },
    { bulk: true },
  );
  if (!result.ok) throw new FailureAbort(result.failures);
  for (const args of announcements) tenant.events.publish(...args);
  return result.value;
}

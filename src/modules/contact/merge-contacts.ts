import { isDeepStrictEqual } from 'node:util';
import type { Tenant } from '../../tenant/tenant.js';
import { decodeIdOf } from '../common/ids.js';
import { writeTransaction } from '../change-feed/write-transaction.js';
import { fail, type Failure, FailureAbort, ok, type Result } from '../common/result.js';
import { MERGE_FILLED_FIELDS, SENSITIVE_FIELDS } from './contact-fields.js';
import { prepareContact } from './prepare-contact.js';
import { maySeeSensitive } from './contact-sensitive.js';
import {
  changedFields,
  type CurrentContact,
  currentAsInput,
  currentContactQuery,
  rewriteContact,
  VersionRace,
} from './update-contact.js';
import { WriteConflict } from './write-contacts.js';

export const MAX_MERGE_SOURCES = 10;
const MAX_ATTEMPTS = 10;

/** A value of a source that lost to the target's (or could not be kept). */
export interface MergeConflict {
  sourceId: string;
  field: string;
  /** null for `ssn` when the caller lacks contacts:sensitive */
  kept: unknown;
  discarded: unknown;
}

export interface MergeOutcome {
  id: string;
  mergedIds: string[];
  changedFields: string[];
  conflicts: MergeConflict[];
  dryRun: boolean;
}

const NAME_FIELDS = ['firstName', 'middleName', 'lastName', 'fullName'] as const;

/** What a source keeps once merged: nothing personal, only its id pointing at the target. */
const TOMBSTONE = {
  ...Object.fromEntries([...NAME_FIELDS, ...MERGE_FILLED_FIELDS].map((field) => [field, null])),
  fullNameExplicit: false,
  tags: [],
  sortLastName: '',
  sortFullName: '',
  searchText: '',
};

const present = (value: unknown) => value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0);

/**
 * The target's fields with the sources' folded in: the target wins every conflict (each is
 * reported), empty target fields take the first source's value, lists are united.
 */
function mergedInput(target: CurrentContact, sources: CurrentContact[]) {
  const input = currentAsInput(target);
  const conflicts: MergeConflict[] = [];
  const conflict = (source: CurrentContact, field: string, kept: unknown, discarded: unknown) =>
    conflicts.push({ sourceId: source.id, field, kept, discarded });

  for (const source of sources) {
    const from = currentAsInput(source);
    // Names move as a whole: parts of two people's names are not mixed.
    if (!NAME_FIELDS.some((f) => present(input[f]))) {
      for (const f of NAME_FIELDS) input[f] = from[f];
      if (!source.fullNameExplicit) delete input.fullName;
    } else {
      for (const f of NAME_FIELDS) if (present(from[f]) && from[f] !== input[f]) conflict(source, f, input[f] ?? null, from[f]);
    }
    for (const f of MERGE_FILLED_FIELDS) {
      if (!present(from[f])) continue;
      if (f === 'purchaseOrderNumber' && target.type !== 'INVOICE') {
        conflict(source, f, null, from[f]);
      } else if (!present(input[f])) {
        (input as Record<string, unknown>)[f] = from[f];
      } else if (!isDeepStrictEqual(input[f], from[f])) {
        conflict(source, f, input[f], from[f]);
      }
    }
    const tags = new Set((input.tags ?? []).map((tag) => tag.toLowerCase()));
    input.tags = [...(input.tags ?? []), ...(from.tags ?? []).filter((tag) => !tags.has(tag.toLowerCase()))];
    input.emails = [...(input.emails ?? []), ...(from.emails ?? []).map((e) => ({ ...e, isPrimary: false }))];
    const numbers = new Set((input.phones ?? []).map((p) => p.number));
    input.phones = [...(input.phones ?? []), ...(from.phones ?? []).filter((p) => !numbers.has(p.number)).map((p) => ({ ...p, isPrimary: false }))];
    const sameAddress = (a: object, b: object) => isDeepStrictEqual({ ...a, isPrimary: false }, { ...b, isPrimary: false });
    input.addresses = [
      ...(input.addresses ?? []),
      ...(from.addresses ?? []).filter((a) => !(input.addresses ?? []).some((b) => sameAddress(a, b))).map((a) => ({ ...a, isPrimary: false })),
    ];
    const urls = new Set((input.urls ?? []).map((u) => u.url));
    input.urls = [...(input.urls ?? []), ...(from.urls ?? []).filter((u) => !urls.has(u.url)).map((u) => ({ ...u, isPrimary: false }))];
    input.externalRefs = [...(input.externalRefs ?? []), ...(from.externalRefs ?? [])];
    for (const link of from.companies ?? []) {
      const kept = (input.companies ?? []).find((l) => l.company.id === link.company.id);
      if (!kept) input.companies = [...(input.companies ?? []), { ...link, isPrimary: false }];
      else if (kept.jobTitle !== link.jobTitle || kept.department !== link.department) {
        conflict(source, 'companies', { company: kept.company.id, jobTitle: kept.jobTitle, department: kept.department }, {
          company: link.company.id, jobTitle: link.jobTitle, department: link.department,
        });
      }
    }
    input.groups = [...new Set([...(input.groups ?? []), ...(from.groups ?? [])])];
    for (const value of from.customFieldValues ?? []) {
      const kept = (input.customFieldValues ?? []).find((v) => v.field === value.field);
      if (!kept) input.customFieldValues = [...(input.customFieldValues ?? []), value];
      else if (!isDeepStrictEqual(kept.value, value.value)) conflict(source, `customFieldValues.${value.field}`, kept.value, value.value);
    }
  }
  return { input, conflicts };
}

/** A failure of the merged result, reported on the sources that caused it. */
const asSourceFailure = (failure: Failure): Failure => ({
  ...failure,
  message: `the merged contact would break a rule: ${failure.message} (at ${(failure.path ?? []).join('.')})`,
  path: ['sourceIds'],
});

/**
 * Moves the sources' emails, phones, addresses, urls, refs, company links, groups, custom
 * values and interactions onto the target (the target wins conflicts, each reported); the
 * sources become tombstones whose ids resolve to the target. One transaction, guarded by the
 * versions read; `dryRun` reports the outcome without writing.
 */
export async function mergeContacts(
  tenant: Tenant,
  input: { targetId: string; sourceIds: string[]; dryRun?: boolean | null },
): Promise<Result<MergeOutcome>> {
  const { organizationId } = tenant;
  if (input.sourceIds.length < 1 || input.sourceIds.length > MAX_MERGE_SOURCES) {
    return fail({ code: 'LIMIT_EXCEEDED', message: `name 1 to ${MAX_MERGE_SOURCES} source contacts`, path: ['sourceIds'] });
  }
  const targetId = decodeIdOf('Contact', input.targetId);
  const sourceIds = input.sourceIds.map((id) => decodeIdOf('Contact', id));
  const failures: Failure[] = [];
  sourceIds.forEach((id, index) => {
    if (id && id === targetId) failures.push({ code: 'VALIDATION', message: 'a contact cannot be merged into itself', path: ['sourceIds', index] });
    else if (id && sourceIds.indexOf(id) !== index) failures.push({ code: 'VALIDATION', message: 'this contact is named twice', path: ['sourceIds', index] });
  });
  if (failures.length > 0) return fail(...failures);

  for (let attempt = 1; ; attempt += 1) {
    const ids = [targetId, ...sourceIds].filter((id): id is string => id !== null);
    const rows = await tenant.prisma.contact.findMany({ ...currentContactQuery, where: { organizationId, id: { in: ids }, mergedIntoId: null } });
    const byId = new Map(rows.map((row) => [row.id, row]));
    const target = targetId ? byId.get(targetId) : undefined;
    if (!target) failures.push({ code: 'NOT_FOUND', message: 'no contact with this id', path: ['targetId'] });
    else if (target.deletedAt) failures.push({ code: 'CONTACT_DELETED', message: 'the target is in the recycle bin; restore it first', path: ['targetId'] });
    const sources: CurrentContact[] = [];
    sourceIds.forEach((id, index) => {
      const source = id ? byId.get(id) : undefined;
      if (!source) failures.push({ code: 'NOT_FOUND', message: 'no contact with this id', path: ['sourceIds', index] });
      else if (source.deletedAt) failures.push({ code: 'CONTACT_DELETED', message: 'this contact is in the recycle bin; restore it first', path: ['sourceIds', index] });
      else sources.push(source);
    });
    if (failures.length > 0 || !target) return fail(...failures);

    const { input: merged, conflicts: found } = mergedInput(target, sources);
    // The conflict stays reported (the field is named, as in changedFields), its values not.
    const conflicts = maySeeSensitive(tenant)
      ? found
      : found.map((c) => (SENSITIVE_FIELDS.has(c.field) ? { ...c, kept: null, discarded: null } : c));
    const absorbed = sources.map((s) => s.id);
    const [was, will] = await Promise.all([
      prepareContact(tenant, currentAsInput(target), { selfId: target.id }),
      prepareContact(tenant, merged, { selfId: target.id, absorbed }),
    ]);
    if (!will.ok) return fail(...will.failures.map(asSourceFailure));
    const changed = was.ok ? changedFields(was.value, will.value) : [];
    const outcome: MergeOutcome = { id: target.id, mergedIds: absorbed, changedFields: changed, conflicts, dryRun: Boolean(input.dryRun) };
    if (input.dryRun) return ok(outcome);

    // A merge names no namespace (the refs it moves are the contacts' own, not named by the
    // caller), so no sync client skips it as an echo: each must learn its copies were merged.
    const changes = [
      { contactId: target.id, changeType: 'MERGED' as const, version: target.version + 1, changedFields: changed },
      ...sources.map((s) => ({ contactId: s.id, changeType: 'MERGED' as const, version: s.version + 1, changedFields: ['mergedInto'] })),
    ];
    try {
      const written = await writeTransaction(tenant, async (tx, feed) => {
        for (const source of sources) {
          const { count } = await tx.contact.updateMany({
            where: { id: source.id, organizationId, version: source.version, deletedAt: null, mergedIntoId: null },
            data: { ...TOMBSTONE, mergedIntoId: target.id, version: { increment: 1 }, updatedById: tenant.userId, updatedAt: new Date() },
          });
          if (count === 0) throw new VersionRace();
        }
        await rewriteContact(tx, tenant, target, will.value, { absorbed });
        await tx.interaction.updateMany({ where: { organizationId, contactId: { in: absorbed } }, data: { contactId: target.id } });
        // Contacts merged into a source earlier now resolve to the target too.
        await tx.contact.updateMany({ where: { organizationId, mergedIntoId: { in: absorbed } }, data: { mergedIntoId: target.id } });
        feed.record(...changes);
      });
      if (!written.ok) return written;
      return ok(outcome);
    } catch (error) {
      if (error instanceof WriteConflict) return fail(...(error.failures.get(0) ?? []).map(asSourceFailure));
      if (!(error instanceof VersionRace)) throw error;
      if (attempt >= MAX_ATTEMPTS) return fail({ code: 'STALE_ETAG', message: 'the contacts kept changing while they were merged; try again', path: ['targetId'] });
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
}

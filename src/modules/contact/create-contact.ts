import { createHash } from 'node:crypto';
import type { Prisma } from '../../db/generated/prisma/client.js';
import type { Tenant } from '../../tenant/tenant.js';
import { fail, type Failure, ok, type Result } from '../common/result.js';
import { externalRefKey } from '../common/external-ref.js';
import { ILL_FORMED_TEXT } from '../common/validation.js';
import type { ContactFieldsInput } from './contact-input.js';
import { type PreparedContact, prepareContact } from './prepare-contact.js';
import { requireSensitiveScope } from './contact-sensitive.js';
import type { Tx } from '../change-feed/write-transaction.js';
import { type CompanyResolution, WriteConflict, writeContacts } from './write-contacts.js';

export const MAX_BATCH = 500;
const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** how often a write is retried after another writer took a unique value meanwhile */
const MAX_ATTEMPTS = 3;

/** A contact createContact wrote (or, in a dry run, would write: then `id` is null). */
export interface CreatedContact {
  id: string | null;
  companyResolutions: CompanyResolution[];
}

/** Resolutions as a dry run reports them: existing companies MATCHED, missing ones CREATED. */
function dryRunResolutions(contact: PreparedContact, seen: Set<string>): CompanyResolution[] {
  return contact.companyReferences.map(({ index, target }) => {
    if ('companyId' in target) return { index, action: 'MATCHED', companyId: target.companyId, name: null };
    const first = !seen.has(target.normalizedName);
    seen.add(target.normalizedName);
    return { index, action: first ? 'CREATED' : 'MATCHED', companyId: null, name: target.newName };
  });
}

/** DUPLICATE failures for emails and external refs an earlier item of the same batch claims. */
function claimWithinBatch(prepared: PreparedContact[], claimed: Map<string, number>, index: number): Failure[] {
  const contact = prepared[index]!;
  const failures: Failure[] = [];
  const claim = (key: string, path: (string | number)[], what: string) => {
    const owner = claimed.get(key);
    if (owner !== undefined && owner !== index) {
      failures.push({ code: 'DUPLICATE', message: `${what} is also given by item ${owner} of this batch`, path });
    } else {
      claimed.set(key, index);
    }
  };
  contact.emails.forEach((email, position) =>
    claim(`email:${email.addressNormalized}`, contact.emailPaths[position]!, email.address),
  );
  contact.externalRefs.forEach((ref, position) =>
    claim(`ref:${externalRefKey(ref)}`, ['externalRefs', position], `the external ref ${ref.namespace}/${ref.externalId}`),
  );
  return failures;
}

/**
 * Creates contacts: each is validated and resolved (lookups shared by the whole batch through
 * the request's loaders), then all valid ones are written in one transaction. Without
 * `allOrNone` an item's failures keep only that item out; with it, any failure writes nothing.
 * `extra` runs inside the write's transaction (idempotency records). `writeAfter`: the write
 * waits for it (an import validates its next batch while the one before is written; a value an
 * earlier batch took meanwhile is a conflict its retry sees).
 */
export async function createContacts(
  tenant: Tenant,
  inputs: ContactFieldsInput[],
  options: {
    allOrNone: boolean;
    dryRun?: boolean;
    extra?: (tx: Tx, created: CreatedContact[]) => Promise<void>;
    writeAfter?: Promise<unknown>;
    /** false: a write of one contact (createContact's), under the writes' statement timeout rather than the bulk writes' */
    bulk?: boolean;
  },
): Promise<Result<CreatedContact>[]> {
  requireSensitiveScope(tenant, inputs.map((fields, index) => ({ path: ['contacts', index], fields })));
  for (let attempt = 1; ; attempt += 1) {
    const results = await Promise.all(inputs.map((input) => prepareContact(tenant, input)));
    const claimed = new Map<string, number>();
    const prepared = results.map((result) => (result.ok ? result.value : null));
    const failures = results.map((result, index) => (result.ok ? claimWithinBatch(prepared as PreparedContact[], claimed, index) : result.failures));
    const writable = failures.flatMap((itemFailures, index) => (itemFailures.length === 0 ? [index] : []));
    const answer = (created: (CreatedContact | null)[]) =>
      failures.map((itemFailures, index) => (itemFailures.length > 0 ? fail(...itemFailures) : ok(created[index]!)));

    if (options.dryRun) {
      const seen = new Set<string>();
      return answer(prepared.map((contact) => (contact ? { id: null, companyResolutions: dryRunResolutions(contact, seen) } : null)));
    }
    await options.writeAfter;
    if ((options.allOrNone && writable.length < inputs.length) || writable.length === 0) {
      // nothing is written: the valid items of an all-or-none batch are not created either
      return failures.map((itemFailures) => fail(...itemFailures));
    }

    try {
      const created = new Array<CreatedContact | null>(inputs.length).fill(null);
      const attach = (resolutions: CompanyResolution[][]) =>
        writable.forEach((index, position) => {
          created[index] = { id: prepared[index]!.id, companyResolutions: resolutions[position]! };
        });
      attach(
        await writeContacts(tenant, writable.map((index) => prepared[index]!), async (tx, resolutions) => {
          attach(resolutions);
          await options.extra?.(tx, writable.map((index) => created[index]!));
        }, { bulk: options.bulk ?? true }),
      );
      return answer(created);
    } catch (error) {
      if (!(error instanceof WriteConflict)) throw error;
      // Someone took an email or ref meanwhile: check everything again against fresh reads
      // (the write cleared the loaders).
      if (attempt >= MAX_ATTEMPTS) {
        return failures.map((itemFailures, index) => {
          const position = writable.indexOf(index);
          return fail(...((position >= 0 ? error.failures.get(position) : undefined) ?? itemFailures));
        });
      }
    }
  }
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** A stable JSON text of a value: object keys sorted, so equal inputs hash alike. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The first answer to an idempotency key, as stored (`contactId` is the stored records' key). */
interface StoredOutcome {
  contactId: string;
  companyResolutions: CompanyResolution[];
}

async function replayIdempotent(
  tenant: Tenant,
  key: string,
  requestHash: string,
): Promise<Result<CreatedContact> | null> {
  const record = await tenant.prisma.idempotencyRecord.findUnique({
    where: { organizationId_operation_key: { organizationId: tenant.organizationId, operation: 'createContact', key } },
  });
  if (!record || record.createdAt.getTime() < Date.now() - IDEMPOTENCY_WINDOW_MS) return null;
  if (record.requestHash !== requestHash) {
    return fail({ code: 'VALIDATION', message: 'this idempotencyKey was used with a different input within the last 24 hours', path: ['idempotencyKey'] });
  }
  const stored = record.response as unknown as StoredOutcome;
  return ok({ id: stored.contactId, companyResolutions: stored.companyResolutions });
}

/** createContacts for a request: at most MAX_BATCH items, else LIMIT_EXCEEDED and nothing written. */
export async function createContactBatch(
  tenant: Tenant,
  inputs: ContactFieldsInput[],
  options: { allOrNone: boolean },
): Promise<Result<Result<CreatedContact>[]>> {
  if (inputs.length > MAX_BATCH) return fail({ code: 'LIMIT_EXCEEDED', message: `at most ${MAX_BATCH} contacts per call`, path: ['contacts'] });
  return ok(await createContacts(tenant, inputs, options));
}

class IdempotencyRace extends Error {}

/**
 * Creates one contact. With an `idempotencyKey`, the same key and input within 24 hours
 * answers the first result and writes nothing; the same key with another input is refused.
 */
export async function createContact(
  tenant: Tenant,
  input: ContactFieldsInput,
  options: { idempotencyKey?: string | null; dryRun?: boolean } = {},
): Promise<Result<CreatedContact>> {
  requireSensitiveScope(tenant, [{ path: [], fields: input }]);
  const key = options.idempotencyKey?.trim();
  if (!key || options.dryRun) {
    const [result] = await createContacts(tenant, [input], { allOrNone: true, dryRun: options.dryRun ?? false, bulk: false });
    return result!;
  }
  if (!key.isWellFormed()) return fail({ code: 'VALIDATION', message: ILL_FORMED_TEXT, path: ['idempotencyKey'] });
  if (key.length > 255) return fail({ code: 'VALIDATION', message: 'must be at most 255 characters', path: ['idempotencyKey'] });
  const requestHash = sha256(canonicalJson(input));
  for (;;) {
    const replay = await replayIdempotent(tenant, key, requestHash);
    if (replay) return replay;
    try {
      const [result] = await createContacts(tenant, [input], {
        allOrNone: true,
        bulk: false,
        extra: async (tx, [created]) => {
          const { organizationId } = tenant;
          const cutoff = new Date(Date.now() - IDEMPOTENCY_WINDOW_MS);
          await tx.idempotencyRecord.deleteMany({ where: { organizationId, operation: 'createContact', key, createdAt: { lt: cutoff } } });
          const response: StoredOutcome = { contactId: created!.id!, companyResolutions: created!.companyResolutions };
          const inserted = await tx.idempotencyRecord.createManyAndReturn({
            data: [{ organizationId, operation: 'createContact', key, requestHash, response: response as unknown as Prisma.InputJsonValue }],
            skipDuplicates: true,
            select: { key: true },
          });
          if (inserted.length === 0) throw new IdempotencyRace();
        },
      });
      return result!;
    } catch (error) {
      // A concurrent request with the same key committed first: answer as it did.
      if (!(error instanceof IdempotencyRace)) throw error;
    }
  }
}

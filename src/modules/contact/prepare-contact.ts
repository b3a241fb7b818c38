import type { CustomField, Prisma } from '../../db/generated/prisma/client.js';
import { newId } from '../../db/uuid.js';
import type { Tenant } from '../../tenant/tenant.js';
import { decodeIdOf } from '../common/ids.js';
import { normalizeName } from '../common/names.js';
import { fail, type Failure, ok, type Result } from '../common/result.js';
import { validationFailures } from '../common/validation.js';
import { customFieldValueOf, type StoredValue } from '../custom-field/custom-field-value.js';
import type { ExternalRefValue } from '../common/external-ref.js';
import { type ContactDraft, type ContactFieldsInput, contactInput } from './contact-input.js';
import { searchColumns } from './contact-search.js';

/** Where a company reference of the input leads: an existing company, or one to create. */
export type CompanyTarget = { companyId: string } | { newName: string; normalizedName: string };

export interface CompanyReference {
  /** the index of the reference in the input's `companies` */
  index: number;
  target: CompanyTarget;
}

/** A contact validated, with every reference resolved, ready to be written. */
export interface PreparedContact {
  id: string;
  row: Omit<Prisma.ContactCreateManyInput, 'organizationId' | 'id'>;
  emails: Omit<ContactDraft['emails'][number], 'path'>[];
  emailPaths: (string | number)[][];
  phones: ContactDraft['phones'];
  addresses: ContactDraft['addresses'];
  urls: ContactDraft['urls'];
  externalRefs: ExternalRefValue[];
  companyReferences: CompanyReference[];
  /** one link per distinct company, in input order */
  companyLinks: { target: CompanyTarget; jobTitle: string | null; department: string | null; isPrimary: boolean }[];
  groupIds: string[];
  customValues: { fieldId: string; value: StoredValue }[];
  /** every field `customFieldValues` named, set or unset, by resolved id (what a patch leaves to the rest) */
  customFieldIds: string[];
}

const targetKey = (target: CompanyTarget) => ('companyId' in target ? `id:${target.companyId}` : `new:${target.normalizedName}`);

async function resolveCompany(
  tenant: Tenant,
  ref: ContactDraft['companies'][number]['ref'],
  path: (string | number)[],
): Promise<CompanyTarget | Failure> {
  const { loaders } = tenant;
  if (ref.id != null) {
    const id = decodeIdOf('Company', ref.id);
    const company = id ? await loaders.companyById.load(id) : null;
    return company
      ? { companyId: company.id }
      : { code: 'NOT_FOUND', message: 'no company with this id', path: [...path, 'id'] };
  }
  if (ref.externalRef != null) {
    const found = await loaders.companyByExternalRef.load(ref.externalRef);
    return found
      ? { companyId: found.company.id }
      : { code: 'NOT_FOUND', message: 'no company with this external ref', path: [...path, 'externalRef'] };
  }
  const name = ref.name!;
  const company = await loaders.companyByName.load(name);
  return company ? { companyId: company.id } : { newName: name, normalizedName: normalizeName(name) };
}

const isFailure = (value: object): value is Failure => 'code' in value && 'message' in value;

/**
 * The field a custom value names, by id or by its group's id and its name (through the request's
 * loaders, so a batch's entries share their lookups), with the path an error about it belongs at.
 */
async function resolveField(
  tenant: Tenant,
  entry: ContactDraft['customFieldValues'][number],
  path: (string | number)[],
): Promise<{ field: CustomField; path: (string | number)[] } | Failure> {
  const { loaders } = tenant;
  if (entry.field != null) {
    const fieldId = decodeIdOf('CustomField', entry.field);
    const field = fieldId ? await loaders.customFieldById.load(fieldId) : null;
    return field ? { field, path: [...path, 'field'] } : { code: 'NOT_FOUND', message: 'no custom field with this id', path: [...path, 'field'] };
  }
  const groupId = decodeIdOf('Group', entry.group!);
  const [group, field] = groupId
    ? await Promise.all([loaders.groupById.load(groupId), loaders.customFieldByGroupAndName.load({ groupId, name: entry.name! })])
    : [null, null];
  if (!group) return { code: 'NOT_FOUND', message: 'no group with this id', path: [...path, 'group'] };
  if (!field) return { code: 'NOT_FOUND', message: `the group "${group.name}" has no field named "${entry.name}"`, path: [...path, 'name'] };
  return { field, path: [...path, 'name'] };
}

/**
 * Validates one contact's input and resolves every reference through the request's loaders
 * (so the lookups of a whole batch are shared). Returns the contact ready to write, or every
 * failure found, each at its path inside the input.
 */
export async function prepareContact(
  tenant: Tenant,
  input: ContactFieldsInput,
  /**
   * when updating: the contact itself, whose own emails and refs are no conflict; when merging,
   * also the contacts it absorbs
   */
  options: { selfId?: string; absorbed?: string[] } = {},
): Promise<Result<PreparedContact>> {
  const parsed = contactInput.safeParse(input);
  if (!parsed.success) return fail(...validationFailures(parsed.error));
  const draft = parsed.data;
  const { loaders } = tenant;
  const failures: Failure[] = [];
  const owners = new Set([options.selfId, ...(options.absorbed ?? [])]);

  const [companyTargets, groups, emailHolders, refHolders, fieldEntries] = await Promise.all([
    Promise.all(draft.companies.map((link, index) => resolveCompany(tenant, link.ref, ['companies', index, 'company']))),
    Promise.all(draft.groups.map((id) => {
      const groupId = decodeIdOf('Group', id);
      return groupId ? loaders.groupById.load(groupId) : null;
    })),
    Promise.all(draft.emails.map((email) => loaders.emailHolder.load(email.addressNormalized))),
    Promise.all(draft.externalRefs.map((ref) => loaders.contactIdByExternalRef.load(ref))),
    Promise.all(draft.customFieldValues.map((entry, index) => resolveField(tenant, entry, ['customFieldValues', index]))),
  ]);

  draft.emails.forEach((email, index) => {
    const holder = emailHolders[index];
    if (holder && !owners.has(holder.contactId)) {
      failures.push({
        code: 'DUPLICATE',
        message: `${email.address} already belongs to another contact`,
        path: email.path,
        existing: { typename: 'Contact', id: holder.contactId },
      });
    }
  });
  draft.externalRefs.forEach((ref, index) => {
    const holder = refHolders[index];
    if (holder && !owners.has(holder.contactId)) {
      failures.push({
        code: 'DUPLICATE',
        message: `the external ref ${ref.namespace}/${ref.externalId} already belongs to another contact`,
        path: ['externalRefs', index],
        existing: { typename: 'Contact', id: holder.contactId },
      });
    }
  });

  const groupIds: string[] = [];
  groups.forEach((group, index) => {
    if (!group) failures.push({ code: 'NOT_FOUND', message: 'no group with this id', path: ['groups', index] });
    else if (!groupIds.includes(group.id)) groupIds.push(group.id);
  });

  const customValues: PreparedContact['customValues'] = [];
  const customFieldIds: string[] = [];
  const listedAt = new Map<string, number>();
  await Promise.all(
    draft.customFieldValues.map(async (entry, index) => {
      const resolved = fieldEntries[index]!;
      if (isFailure(resolved)) {
        failures.push(resolved);
        return;
      }
      const { field, path } = resolved;
      customFieldIds.push(field.id);
      // the same field named once by id and once by group and name
      if (listedAt.has(field.id)) {
        failures.push({ code: 'VALIDATION', message: `names the field "${field.name}" again (entry ${listedAt.get(field.id)})`, path });
        return;
      }
      listedAt.set(field.id, index);
      if (!groupIds.includes(field.groupId)) {
        failures.push({
          code: 'VALIDATION',
          message: `the field "${field.name}" belongs to a group the contact is not in; add that group to groups`,
          path: entry.field != null ? path : ['customFieldValues', index, 'group'],
        });
        return;
      }
      const outcome = await customFieldValueOf(field, entry.value, loaders);
      if ('failures' in outcome) {
        for (const failure of outcome.failures) failures.push({ ...failure, path: ['customFieldValues', index, 'value', ...failure.path] });
      } else if (outcome.value) {
        customValues.push({ fieldId: field.id, value: outcome.value });
      }
    }),
  );

  const companyReferences: CompanyReference[] = [];
  const companyLinks: PreparedContact['companyLinks'] = [];
  const linkByTarget = new Map<string, PreparedContact['companyLinks'][number]>();
  companyTargets.forEach((target, index) => {
    if (isFailure(target)) {
      failures.push(target);
      return;
    }
    companyReferences.push({ index, target });
    const link = draft.companies[index]!;
    const existing = linkByTarget.get(targetKey(target));
    if (existing) {
      // The same company named twice links once; a primary flag on either copy counts.
      existing.isPrimary ||= link.isPrimary;
      existing.jobTitle ??= link.jobTitle;
      existing.department ??= link.department;
      return;
    }
    const entry = { target, jobTitle: link.jobTitle, department: link.department, isPrimary: link.isPrimary };
    linkByTarget.set(targetKey(target), entry);
    companyLinks.push(entry);
  });

  if (failures.length > 0) return fail(...failures);

  const primaryLink = companyLinks.find((link) => link.isPrimary);
  const { emails, phones, addresses, urls } = draft;
  return ok({
      id: options.selfId ?? newId(),
      row: {
        ...draft.fields,
        jobTitle: draft.jobTitle ?? primaryLink?.jobTitle ?? null,
        department: draft.department ?? primaryLink?.department ?? null,
        ...searchColumns({ ...draft.fields, emails, phones }),
        createdById: tenant.userId,
        updatedById: tenant.userId,
      },
      emails: emails.map(({ path: _path, ...email }) => email),
      emailPaths: emails.map((email) => email.path),
      phones,
      addresses,
      urls,
      externalRefs: draft.externalRefs,
      companyReferences,
      companyLinks,
      groupIds,
      customValues,
      customFieldIds,
  });
}

import { builder } from '../../graphql/builder.js';
import { encodeId } from '../common/ids.js';
import { batchPayloadOf, loadPayloadRecord, type Payload, payloadOf, userErrorsField } from '../../graphql/payload.js';
import type { ContactFieldsInput } from './contact-input.js';
import { contactInputFields } from './contact-input.graphql.js';
import { ContactLookup, ContactNode } from './contact.graphql.js';
import { deleteContact, purgeContact, restoreContact } from './contact-lifecycle.js';
import { MAX_MERGE_SOURCES, type MergeConflict, mergeContacts } from './merge-contacts.js';
import { updateContact } from './update-contact.js';
import { type UpsertOutcome, upsertContact, upsertContacts } from './upsert-contact.js';
import { MAX_BATCH } from './create-contact.js';

const ContactPatch = builder.inputType('ContactPatch', {
  description:
    'An absent field stays as it is, null clears it, a list given replaces the whole list — except customFieldValues, which sets and unsets (null or [] value) the fields it names and leaves the others. `type` cannot change: a different one, null included, is a VALIDATION error.',
  fields: (t) => contactInputFields(t),
});

const replaceCustomFieldValuesDescription = (when: string) =>
  `When true${when}, customFieldValues become all of the contact's custom values (the fields it does not name are unset; [] unsets them all). Otherwise customFieldValues sets and unsets only the fields it names. Needs customFieldValues.`;

builder.relayMutationField(
  'updateContact',
  {
    description: 'The input of updateContact.',
    inputFields: (t) => ({
      id: t.id({ required: true, description: 'The contact to change; NOT_FOUND when missing, CONTACT_DELETED when in the recycle bin.' }),
      ifMatch: t.string({ description: 'The etag you read; when the contact changed since, nothing is written (STALE_ETAG). Without it the last writer wins.' }),
      patch: t.field({ type: ContactPatch, required: true, description: 'The fields to change; errors point at ["patch", …].' }),
      replaceCustomFieldValues: t.boolean({ description: replaceCustomFieldValuesDescription('') }),
    }),
  },
  {
    description:
      'Changes a contact (patch semantics: absent fields stay), validated and resolved as createContact does. A patch that changes nothing writes nothing. Needs contacts:write.',
    authScopes: { 'contacts:write': true },
    resolve: (_root, { input }, { tenant }) =>
      payloadOf(
        updateContact(tenant, {
          id: input.id,
          ifMatch: input.ifMatch,
          patch: input.patch as ContactFieldsInput,
          replaceCustomFieldValues: input.replaceCustomFieldValues,
        }),
      ),
  },
  {
    description: 'The result of updateContact: the contact as it is now and what changed, or userErrors.',
    outputFields: (t) => ({
      contact: t.prismaField({ type: ContactNode, nullable: true, description: 'The contact after the update; null on userErrors.', resolve: loadPayloadRecord('contact') }),
      changedFields: t.stringList({ description: 'The input fields the update changed; empty when the patch changed nothing (and nothing was written).', resolve: (p) => p.changedFields ?? [] }),
      userErrors: userErrorsField(t),
    }),
  },
);

for (const [name, run, description] of [
  [
    'deleteContact',
    deleteContact,
    'Moves the contact to the recycle bin: hidden from lists and lookups unless includeDeleted, its email and refs still reserved; CONTACT_DELETED when it is there already.',
  ],
  ['restoreContact', restoreContact, 'Takes the contact out of the recycle bin; VALIDATION when it is not in it.'],
] as const) {
  builder.relayMutationField(
    name,
    {
      description: `The input of ${name}.`,
      inputFields: (t) => ({ id: t.id({ required: true, description: "The contact's id; NOT_FOUND when there is none in your organisation." }) }),
    },
    {
      description: `${description} Needs contacts:write.`,
      authScopes: { 'contacts:write': true },
      resolve: (_root, { input }, { tenant }) => payloadOf(run(tenant, input.id)),
    },
    {
      description: `The result of ${name}: the contact as it is now, or userErrors.`,
      outputFields: (t) => ({
        contact: t.prismaField({ type: ContactNode, nullable: true, description: 'The contact, with its new deletedAt; null on userErrors.', resolve: loadPayloadRecord('contact') }),
        userErrors: userErrorsField(t),
      }),
    },
  );
}

builder.relayMutationField(
  'purgeContact',
  {
    description: 'The input of purgeContact.',
    inputFields: (t) => ({ id: t.id({ required: true, description: "The contact's id (in the recycle bin or not); NOT_FOUND when there is none in your organisation." }) }),
  },
  {
    description:
      'Erases the contact for good with everything it owns (its email and refs become free, the contacts merged into it go too); the change feed keeps a PURGED tombstone with its id only. Needs contacts:write.',
    authScopes: { 'contacts:write': true },
    resolve: (_root, { input }, { tenant }) => payloadOf(purgeContact(tenant, input.id)),
  },
  {
    description: 'The result of purgeContact: the id that was erased, or userErrors.',
    outputFields: (t) => ({
      purgedId: t.id({ nullable: true, description: 'The id of the erased contact; null on userErrors.', resolve: (p) => (p.id ? encodeId('Contact', p.id) : null) }),
      userErrors: userErrorsField(t),
    }),
  },
);

const UPSERT_BY =
  'How to find the contact; by externalRef or email it is created when missing. An update keeps that ref or email on the contact even when externalRefs or emails leave it out.';

const UpsertAction = builder.enumType('UpsertAction', {
  description: 'What an upsert did with the contact its lookup named.',
  values: {
    CREATED: { description: 'No contact matched: one was created.' },
    UPDATED: { description: 'The matching contact was changed.' },
    REVIVED: { description: 'The matching contact was in the recycle bin: restored and updated.' },
    NOOP: { description: 'The matching contact already had these values: nothing was written.' },
  },
});

builder.relayMutationField(
  'upsertContact',
  {
    description: 'The input of upsertContact: a lookup and the contact\'s fields (patch semantics when it exists).',
    inputFields: (t) => ({
      by: t.field({ type: ContactLookup, required: true, description: UPSERT_BY }),
      ...contactInputFields(t),
      replaceCustomFieldValues: t.boolean({ description: replaceCustomFieldValuesDescription(' and the contact exists') }),
    }),
  },
  {
    description:
      'Creates or updates (patch semantics) the contact a lookup names; the sync primitive. By id the contact must exist (NOT_FOUND); a contact in the recycle bin is restored and updated (REVIVED). Needs contacts:write.',
    authScopes: { 'contacts:write': true },
    resolve: (_root, { input }, { tenant }) => {
      const { by, clientMutationId: _c, replaceCustomFieldValues, ...fields } = input;
      return payloadOf(upsertContact(tenant, { by, fields: fields as ContactFieldsInput, replaceCustomFieldValues }));
    },
  },
  {
    description: 'The result of upsertContact: what was done, the contact and what changed, or userErrors.',
    outputFields: (t) => ({
      action: t.field({ type: UpsertAction, nullable: true, description: 'What the upsert did; null on userErrors.', resolve: (p) => p.action ?? null }),
      contact: t.prismaField({ type: ContactNode, nullable: true, description: 'The contact as it is now; null on userErrors.', resolve: loadPayloadRecord('contact') }),
      changedFields: t.stringList({ description: 'The input fields the upsert changed; empty for NOOP and on userErrors.', resolve: (p) => p.changedFields ?? [] }),
      userErrors: userErrorsField(t),
    }),
  },
);

const UpsertContactsItem = builder.inputType('UpsertContactsItem', {
  description: 'One upsert of upsertContacts: the fields of upsertContact, with a clientRef.',
  fields: (t) => ({
    clientRef: t.string({ description: 'Echoed on this item’s result.' }),
    by: t.field({ type: ContactLookup, required: true, description: UPSERT_BY }),
    ...contactInputFields(t),
    replaceCustomFieldValues: t.boolean({ description: replaceCustomFieldValuesDescription(' and the contact exists') }),
  }),
});


const UpsertContactsResult = builder.objectRef<Payload<UpsertOutcome> & { clientRef: string | null }>('UpsertContactsResult').implement({
  description: 'The outcome of one item, in input order. Error paths start at the item.',
  fields: (t) => ({
    clientRef: t.exposeString('clientRef', { nullable: true, description: "The item's clientRef, as sent; null when it had none." }),
    action: t.field({ type: UpsertAction, nullable: true, description: "What this item's upsert did; null when it failed.", resolve: (r) => r.action ?? null }),
    contact: t.prismaField({ type: ContactNode, nullable: true, description: 'The contact as it is now; null when this item failed.', resolve: loadPayloadRecord('contact') }),
    userErrors: userErrorsField(t),
  }),
});

builder.relayMutationField(
  'upsertContacts',
  {
    description: 'The input of upsertContacts.',
    inputFields: (t) => ({
      contacts: t.field({ type: [UpsertContactsItem], required: true, description: `At most ${MAX_BATCH}.` }),
    }),
  },
  {
    description: `upsertContact for up to ${MAX_BATCH} contacts; each item is applied on its own, in order, and fails or succeeds alone. Needs contacts:write.`,
    authScopes: { 'contacts:write': true },
    resolve: (_root, { input }, { tenant, bulkWrites }) =>
      batchPayloadOf(
        bulkWrites(() =>
          upsertContacts(
            tenant,
            input.contacts.map(({ clientRef: _ref, by, replaceCustomFieldValues, ...fields }) => ({ by, replaceCustomFieldValues, fields: fields as ContactFieldsInput })),
          ),
        ),
        input.contacts.map((item) => item.clientRef),
      ),
  },
  {
    description: 'The result of upsertContacts: one result per item, in input order, or userErrors for the whole batch.',
    outputFields: (t) => ({
      results: t.field({ type: [UpsertContactsResult], description: 'One per input item, in input order; empty when the batch was refused as a whole (LIMIT_EXCEEDED).', resolve: (p) => p.results }),
      userErrors: userErrorsField(t),
    }),
  },
);

const MergeConflictType = builder.objectRef<MergeConflict>('MergeConflict').implement({
  description: "A source's value that lost to the target's (the target wins every conflict).",
  // the values are contact data; which source and field conflicted is not
  authScopes: { 'contacts:read': true },
  fields: (t) => ({
    sourceId: t.id({ description: 'The source contact whose value lost.', skipTypeScopes: true, resolve: (c) => encodeId('Contact', c.sourceId) }),
    field: t.string({ description: 'The input field, e.g. `birthday`, `companies` or `customFieldValues.<field id>`.', skipTypeScopes: true, resolve: (c) => c.field }),
    kept: t.field({ type: 'JSON', nullable: true, description: "The target's value; null for `ssn` without the contacts:sensitive scope.", resolve: (c) => c.kept }),
    discarded: t.field({ type: 'JSON', nullable: true, description: "The source's value; null for `ssn` without the contacts:sensitive scope.", resolve: (c) => c.discarded }),
  }),
});

builder.relayMutationField(
  'mergeContacts',
  {
    description: 'The input of mergeContacts.',
    inputFields: (t) => ({
      targetId: t.id({ required: true, description: 'The contact that stays.' }),
      sourceIds: t.idList({ required: true, description: `1 to ${MAX_MERGE_SOURCES} contacts folded into the target.` }),
      dryRun: t.boolean({ description: 'Report what the merge would do without writing.' }),
    }),
  },
  {
    description:
      "Moves the sources' emails, phones, addresses, urls, refs, companies, groups, custom values and interactions onto the target; empty target fields take the sources' values, the target wins conflicts. The sources become tombstones whose ids resolve to the target. Needs contacts:write.",
    authScopes: { 'contacts:write': true },
    resolve: (_root, { input }, { tenant }) => payloadOf(mergeContacts(tenant, input)),
  },
  {
    description: 'The result of mergeContacts: the target, the merged ids, what changed and the conflicts, or userErrors.',
    outputFields: (t) => ({
      contact: t.prismaField({ type: ContactNode, nullable: true, description: 'The target (as it is now: unchanged after a dry run).', resolve: loadPayloadRecord('contact') }),
      mergedIds: t.idList({ description: 'The sources, now resolving to the target.', resolve: (p) => (p.mergedIds ?? []).map((id) => encodeId('Contact', id)) }),
      changedFields: t.stringList({ description: "The target's fields the merge changes.", resolve: (p) => p.changedFields ?? [] }),
      conflicts: t.field({ type: [MergeConflictType], description: "Every source value that lost to the target's; empty when none did.", resolve: (p) => p.conflicts ?? [] }),
      dryRun: t.boolean({ description: 'True when this was a dry run: nothing was written.', resolve: (p) => p.dryRun ?? false }),
      userErrors: userErrorsField(t),
    }),
  },
);

import type { Failure, FailureCode } from '../modules/common/result.js';
import { builder } from './builder.js';
import { encodeId } from '../modules/common/ids.js';

export const UserErrorCode = builder.enumType('UserErrorCode', {
  description: 'Why a mutation did not write anything.',
  values: {
    VALIDATION: { description: 'A value breaks a rule of its field (format, range, length, a required part missing, a custom value of the wrong type), or the input is inconsistent (e.g. an idempotencyKey reused with another input, restoring a contact that is not in the recycle bin). `field` names the value.' },
    DUPLICATE: { description: 'A value that must be unique is already held: an email or external ref of another contact, a company, group or custom-field name; or the same value twice in one batch. `existingId` names the holder when it is a stored record.' },
    NOT_FOUND: { description: 'An id, external ref, email or name the input refers to names nothing in the caller\'s organisation (another organisation\'s ids and malformed ids included).' },
    STALE_ETAG: { description: 'The contact changed since the etag given as `ifMatch` was read (or, for mergeContacts, the contacts kept changing while they were merged); read it again and retry.' },
    CONTACT_DELETED: { description: 'The contact is in the recycle bin (deleteContact): updating, deleting, merging or changing the group membership of it is refused until restoreContact.' },
    LIMIT_EXCEEDED: { description: 'Too many items in one call: over 500 contacts in createContacts, upsertContacts or a group-membership change, or not 1 to 10 sourceIds in mergeContacts.' },
    CONFLICT: { description: 'Concurrent writers kept changing the contact while an update without `ifMatch` (updateContact, or the update of an upsert) was applied; nothing was written and the same request may be sent again.' },
  } satisfies Record<FailureCode, { description: string }>,
});

export const UserError = builder.objectRef<Failure>('UserError').implement({
  description:
    'An expected failure of a mutation: bad input, a conflict, a missing reference. ' +
    'When a payload has any, nothing was written.',
  fields: (t) => ({
    code: t.field({ type: UserErrorCode, description: 'What kind of failure; see UserErrorCode for when each occurs.', resolve: (failure) => failure.code }),
    field: t.stringList({
      nullable: true,
      description: 'The path inside `input` (list indices as strings), or null for the whole input.',
      resolve: (failure) => (failure.path?.length ? failure.path.map(String) : null),
    }),
    message: t.exposeString('message', { description: 'A readable English explanation, for people; match on `code`, not on the message.' }),
    existingId: t.id({
      nullable: true,
      description: 'The record a DUPLICATE collided with.',
      resolve: (failure) =>
        failure.existing ? encodeId(failure.existing.typename, failure.existing.id) : null,
    }),
  }),
});



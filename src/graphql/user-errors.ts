import { FAILURE_CODES, type Failure } from '../modules/common/result.js';
import { builder } from './builder.js';
import { encodeId } from './ids.js';

export const UserErrorCode = builder.enumType('UserErrorCode', {
  description: 'Why a mutation did not write anything.',
  values: FAILURE_CODES,
});

export const UserError = builder.objectRef<Failure>('UserError').implement({
  description:
    'An expected failure of a mutation: bad input, a conflict, a missing reference. ' +
    'When a payload has any, nothing was written.',
  fields: (t) => ({
    code: t.field({ type: UserErrorCode, resolve: (failure) => failure.code }),
    field: t.stringList({
      nullable: true,
      description: 'The path inside `input` (list indices as strings), or null for the whole input.',
      resolve: (failure) => (failure.path?.length ? failure.path.map(String) : null),
    }),
    message: t.exposeString('message'),
    existingId: t.id({
      nullable: true,
      description: 'The record a DUPLICATE collided with.',
      resolve: (failure) =>
        failure.existing ? encodeId(failure.existing.typename, failure.existing.id) : null,
    }),
  }),
});



import { builder } from '../../graphql/builder.js';

export const ExternalRefType = builder.prismaObject('ExternalRef', {
  select: {},
  description:
    'The id of this record in another system. namespace + externalId is unique per organisation. ' +
    'It has no `id` field on purpose: the same externalId can occur in two namespaces, so it is not a global identity (Apollo Client would merge the two).',
  fields: (t) => ({
    namespace: t.exposeString('namespace', { description: 'The other system, e.g. salesforce, hubspot (lower-cased).' }),
    externalId: t.exposeString('externalId', { description: 'The id of the record in that system, as given (trimmed).' }),
  }),
});

export const ExternalRefInput = builder.inputType('ExternalRefInput', {
  description: 'An id in another system.',
  fields: (t) => ({
    namespace: t.string({ required: true, description: 'The other system; lower-cased; letters, digits and _ . : - (at most 100).' }),
    externalId: t.string({ required: true, description: 'The id of the record in that system (at most 255 characters).' }),
  }),
});

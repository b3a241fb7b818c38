import { builder } from '../../graphql/builder.js';

export const ExternalRefType = builder.prismaObject('ExternalRef', {
  select: {},
  description: 'The id of this record in another system. namespace + id is unique per organisation.',
  fields: (t) => ({
    namespace: t.exposeString('namespace', { description: 'The other system, e.g. salesforce, hubspot.' }),
    id: t.exposeString('externalId', { description: 'The id there.' }),
  }),
});

export const ExternalRefInput = builder.inputType('ExternalRefInput', {
  fields: (t) => ({
    namespace: t.string({ required: true, description: 'Lower-cased; letters, digits and _ . : -' }),
    id: t.string({ required: true }),
  }),
});

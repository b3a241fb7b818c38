import { builder } from '../../graphql/builder.js';
import { batchPayloadOf, loadPayloadRecord, type Payload, payloadOf, userErrorsField } from '../../graphql/payload.js';
import { UserError } from '../../graphql/user-errors.js';
import { contactInputFields } from './contact-input.graphql.js';
import type { ContactFieldsInput } from './contact-input.js';
import { ContactNode } from './contact.graphql.js';
import { type CreatedContact, createContact, createContactBatch, MAX_BATCH } from './create-contact.js';

const CompanyResolutionAction = builder.enumType('CompanyResolutionAction', {
  description: 'How an entry of the input `companies` found its company.',
  values: { MATCHED: { description: 'An existing company.' }, CREATED: { description: 'Created by this call (or, in a dry run, would be).' } },
});

interface CompanyResolutionShape {
  index: number;
  action: 'MATCHED' | 'CREATED';
  companyId: string | null;
  name: string | null;
}

const CompanyResolution = builder.objectRef<CompanyResolutionShape>('CompanyResolution').implement({
  description: 'How one entry of the input `companies` was resolved.',
  fields: (t) => ({
    index: t.exposeInt('index', { description: 'The position of the entry in `companies`.' }),
    action: t.field({ type: CompanyResolutionAction, description: 'Whether the company existed or was created.', resolve: (r) => r.action }),
    company: t.prismaField({
      type: 'Company',
      nullable: true,
      description: 'Null only in a dry run, for a company that would be created.',
      resolve: (query, r, args, context, info) => loadPayloadRecord('company')(query, { id: r.companyId }, args, context, info),
    }),
    name: t.exposeString('name', { nullable: true, description: 'In a dry run, the name of a company that would be created.' }),
  }),
});


builder.relayMutationField(
  'createContact',
  {
    description: 'The input of createContact: the contact\'s fields, with idempotencyKey and dryRun.',
    inputFields: (t) => ({
      ...contactInputFields(t),
      idempotencyKey: t.string({ description: 'Same key and same input within 24 h answers the first result and writes nothing.' }),
      dryRun: t.boolean({ description: 'Validate and resolve companies; write nothing.' }),
    }),
  },
  {
    description:
      'Creates one contact with its emails, phones, addresses, urls, external refs, company links (companies named by name are created when missing), groups and custom values, in one transaction; or writes nothing and answers userErrors. Needs contacts:write.',
    authScopes: { 'contacts:write': true },
    resolve: async (_root, { input }, { tenant }) => {
      const { clientMutationId: _c, idempotencyKey, dryRun, ...fields } = input;
      return payloadOf(createContact(tenant, fields as ContactFieldsInput, { idempotencyKey, dryRun: dryRun ?? false }));
    },
  },
  {
    description: 'The result of createContact: the contact, how its companies were resolved, or userErrors.',
    outputFields: (t) => ({
      contact: t.prismaField({
        type: ContactNode,
        nullable: true,
        description: 'The created contact (for a repeated idempotencyKey, the one the first call created); null on userErrors and in a dry run.',
        resolve: loadPayloadRecord('contact'),
      }),
      companyResolutions: t.field({ type: [CompanyResolution], description: 'One per entry of the input `companies`, in input order.', resolve: (p) => p.companyResolutions ?? [] }),
      userErrors: userErrorsField(t),
    }),
  },
);

const CreateContactsItem = builder.inputType('CreateContactsItem', {
  description: 'One contact of createContacts: the fields of createContact, with a clientRef.',
  fields: (t) => ({
    clientRef: t.string({ description: 'Echoed on this item’s result.' }),
    ...contactInputFields(t),
  }),
});

const CreateContactsResult = builder.objectRef<Payload<CreatedContact> & { clientRef: string | null }>('CreateContactsResult').implement({
  description: 'The outcome of one item, in input order. Error paths start at the item.',
  fields: (t) => ({
    clientRef: t.exposeString('clientRef', { nullable: true, description: "The item's clientRef, as sent; null when it had none." }),
    contact: t.prismaField({
      type: ContactNode,
      nullable: true,
      description: 'The created contact; null when this item (or, with allOrNone, any item) failed.',
      resolve: loadPayloadRecord('contact'),
    }),
    companyResolutions: t.field({ type: [CompanyResolution], description: "One per entry of the item's `companies`, in input order.", resolve: (r) => r.companyResolutions ?? [] }),
    userErrors: t.field({ type: [UserError], description: "This item's failures (paths start at the item); when there is any, the item was not written.", resolve: (r) => r.failures }),
  }),
});

builder.relayMutationField(
  'createContacts',
  {
    description: 'The input of createContacts.',
    inputFields: (t) => ({
      contacts: t.field({ type: [CreateContactsItem], required: true, description: `At most ${MAX_BATCH}.` }),
      allOrNone: t.boolean({ defaultValue: false, description: 'Any error in any item writes nothing.' }),
    }),
  },
  {
    description: `Creates up to ${MAX_BATCH} contacts, validated as createContact validates one, with lookups shared by the batch; the valid items are written in one transaction (with allOrNone, none when any item fails). Needs contacts:write.`,
    authScopes: { 'contacts:write': true },
    resolve: (_root, { input }, { tenant, bulkWrites }) => {
      const batch = input.contacts.map(({ clientRef: _ref, ...fields }) => fields as ContactFieldsInput);
      return batchPayloadOf(
        bulkWrites(() => createContactBatch(tenant, batch, { allOrNone: input.allOrNone ?? false })),
        input.contacts.map((item) => item.clientRef),
      );
    },
  },
  {
    description: 'The result of createContacts: one result per item, in input order, or userErrors for the whole batch.',
    outputFields: (t) => ({
      results: t.field({ type: [CreateContactsResult], description: 'One per input item, in input order; empty when the batch was refused as a whole.', resolve: (payload) => payload.results }),
      userErrors: t.field({
        type: [UserError],
        description: 'Problems of the batch as a whole: LIMIT_EXCEEDED for more than ' + MAX_BATCH + ' items (then nothing was written).',
        resolve: (payload) => payload.failures,
      }),
    }),
  },
);

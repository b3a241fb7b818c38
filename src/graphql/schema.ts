import { printSubgraphSchema } from '@apollo/subgraph';
import { type GraphQLInputObjectType, isInputObjectType } from 'graphql';
import { builder } from './builder.js';
import { guardEntities } from './federation.js';
import './user-errors.js';
import './node.js';
import '../modules/organization/organization.graphql.js';
import '../modules/user/user.graphql.js';
import '../modules/viewer/viewer.graphql.js';
import '../modules/contact/contact.graphql.js';
import '../modules/contact/create-contact.graphql.js';
import '../modules/contact/contact-list.graphql.js';
import '../modules/contact/contact-lifecycle.graphql.js';
import '../modules/interaction/interaction.graphql.js';
import '../modules/change-feed/change-feed.graphql.js';
import '../modules/company/company.graphql.js';
import '../modules/group/group.graphql.js';
import '../modules/custom-field/custom-field.graphql.js';
import '../modules/custom-field/custom-field-value.graphql.js';
import '../modules/contact/contact-relations.graphql.js';
// after the concepts, so that the order of their fields stays the order they are imported in
import { readContactEntities, readContactNodes } from '../modules/contact/contact.graphql.js';

const subgraph = builder.toSubGraphSchema({
  linkUrl: 'https://specs.apollo.dev/federation/v2.6',
  federationDirectives: ['@key', '@shareable'],
});

// Apollo's subgraph printer and composition (`@apollo/subgraph` 2.14, `@apollo/composition`, Rover)
// reject `@oneOf` (apollographql/federation#3437), so inputs with `extensions: { oneOf: true }` are
// built as plain inputs, printed that way for `_service { sdl }`, and only then flagged one-of:
// graphql-js enforces it on every request and introspection shows it.
const serviceSdl = `${printSubgraphSchema(subgraph).trim()}\n`;
const oneOfInputs: string[] = [];
for (const type of Object.values(subgraph.getTypeMap())) {
  if (isInputObjectType(type) && type.extensions.oneOf) {
    (type as GraphQLInputObjectType & { isOneOf: boolean }).isOneOf = true;
    oneOfInputs.push(type.name);
  }
}

// Clients' code generators need the directive to type a lookup as "exactly one of".
let clientSdl = serviceSdl;
for (const name of oneOfInputs) {
  const definition = new RegExp(`^input ${name} \\{$`, 'm');
  if (!definition.test(clientSdl)) throw new Error(`input ${name} not found in the printed SDL`);
  clientSdl = clientSdl.replace(definition, `input ${name} @oneOf {`);
}

guardEntities(subgraph);

// nodes and _entities are assembled here, not in their concept: their compiled reads of contacts
const queryFields = subgraph.getQueryType()!.getFields();
for (const [name, compiledRead] of [['nodes', readContactNodes], ['_entities', readContactEntities]] as const) {
  queryFields[name]!.extensions = { ...queryFields[name]!.extensions, compiledRead };
}

export const schema = subgraph;

/** The client-facing SDL, with `@oneOf`: committed as schema.graphql, what `schema print` writes. */
export const printSchemaSDL = () => clientSdl;

/** The subgraph SDL a gateway reads from `_service { sdl }`: the same without `@oneOf`. */
export const printServiceSDL = () => serviceSdl;

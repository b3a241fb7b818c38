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
import '../modules/contact/contact-list.graphql.js';
import '../modules/contact/contact-lifecycle.graphql.js';
import '../modules/interaction/interaction.graphql.js';
import '../modules/change-feed/change-feed.graphql.js';
import '../modules/company/company.graphql.js';
import '../modules/group/group.graphql.js';
import '../modules/custom-field/custom-field.graphql.js';
import '../modules/custom-field/custom-field-value.graphql.js';
import '../modules/contact/contact-relations.graphql.js';

const subgraph = builder.toSubGraphSchema({
  linkUrl: 'https://specs.apollo.dev/federation/v2.6',
  federationDirectives: ['@key', '@shareable'],
});

// Apollo's subgraph printer and composition reject `@oneOf` (apollographql/federation#3437),
// so inputs with `extensions: { oneOf: true }` are built as plain inputs, printed that way, and only
// then flagged one-of: graphql-js enforces it on every request and introspection shows it.
const sdl = `${printSubgraphSchema(subgraph).trim()}\n`;
for (const type of Object.values(subgraph.getTypeMap())) {
  if (isInputObjectType(type) && type.extensions.oneOf) {
    (type as GraphQLInputObjectType & { isOneOf: boolean }).isOneOf = true;
  }
}

guardEntities(subgraph);

export const schema = subgraph;

/** The SDL committed as schema.graphql: what the gateway's `_service { sdl }` returns. */
export const printSchemaSDL = () => sdl;

import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import DirectivesPlugin from '@pothos/plugin-directives';
import FederationPlugin from '@pothos/plugin-federation';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { DateTimeResolver, JSONResolver, LocalDateResolver } from 'graphql-scalars';
import { PrismaClient } from '../db/generated/prisma/client.js';
import type PrismaTypes from '../db/generated/pothos-types.js';
import { getDatamodel } from '../db/generated/pothos-types.js';
import type { Context, Scope } from './context.js';
import { forbidden } from './errors.js';
import { decodeId, encodeId, NIL_UUID } from './ids.js';
import { fieldComplexity } from './limits.js';

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  AuthScopes: Record<Scope, boolean>;
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    LocalDate: { Input: string; Output: string };
    JSON: { Input: unknown; Output: unknown };
    ID: { Input: string; Output: string };
  };
}>({
  plugins: [ComplexityPlugin, ScopeAuthPlugin, PrismaPlugin, RelayPlugin, DataloaderPlugin, DirectivesPlugin, FederationPlugin],
  defaultFieldNullability: false,
  // costs only: the limit is checked during validation (see limits.ts), not per root field
  complexity: { fieldComplexity },
  scopeAuth: {
    authorizeOnSubscribe: true,
    authScopes: (context) => ({
      'contacts:read': context.tenant.scopes.has('contacts:read'),
      'contacts:write': context.tenant.scopes.has('contacts:write'),
      'contacts:sensitive': context.tenant.scopes.has('contacts:sensitive'),
      admin: context.tenant.scopes.has('admin'),
    }),
    unauthorizedError: (_parent, _context, info) =>
      forbidden(`The API key lacks the scope ${info.parentType.name}.${info.fieldName} requires.`),
  },
  prisma: {
    // Pothos reads the model's relations and indexes from here; the client itself is
    // chosen per request (the tenant carries it), so tests and servers can run side by side.
    client: (context) => context.tenant.prisma,
    dmmf: getDatamodel(),
    filterConnectionTotalCount: true,
    onUnusedQuery: process.env.NODE_ENV === 'production' ? null : 'warn',
  },
  relay: {
    clientMutationId: 'optional',
    cursorType: 'String',
    // another subgraph with Relay connections defines PageInfo too
    pageInfoTypeOptions: { shareable: true },
    encodeGlobalID: encodeId,
    // A malformed id decodes to an id no row has (UUIDv7 never produces the nil UUID), so
    // node(id) and nodes(ids) answer null for it, exactly as for a missing or foreign id.
    decodeGlobalID: (globalId) => decodeId(globalId) ?? { typename: 'Contact', id: NIL_UUID },
    // node and nodes take includeDeleted, which plugin-relay's own fields cannot: see node.ts.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
  },
});

builder.addScalarType('DateTime', DateTimeResolver);
builder.addScalarType('LocalDate', LocalDateResolver);
builder.addScalarType('JSON', JSONResolver);

builder.queryType({});
builder.mutationType({});

export type Builder = typeof builder;
export { PrismaClient };

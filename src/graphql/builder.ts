import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
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
import { decodeId, encodeId } from './ids.js';

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
  plugins: [ScopeAuthPlugin, PrismaPlugin, RelayPlugin, DataloaderPlugin, FederationPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
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
    encodeGlobalID: encodeId,
    // A malformed id decodes to a type no node has, so node(id) answers null, not an error.
    decodeGlobalID: (globalId) => decodeId(globalId) ?? { typename: '', id: '' },
    nodeQueryOptions: {
      authScopes: { 'contacts:read': true },
      resolve: (_root, { id }, _context, _info, resolveNode) => (id.typename ? resolveNode(id) : null),
    },
    nodesQueryOptions: {
      authScopes: { 'contacts:read': true },
      resolve: async (_root, { ids }, _context, _info, resolveNodes) => {
        const wellFormed = ids.filter((id) => id.typename);
        const resolved = await resolveNodes(wellFormed);
        const byId = new Map(wellFormed.map((id, index) => [id, resolved[index]]));
        return ids.map((id) => byId.get(id) ?? null);
      },
    },
  },
});

builder.addScalarType('DateTime', DateTimeResolver);
builder.addScalarType('LocalDate', LocalDateResolver);
builder.addScalarType('JSON', JSONResolver);

builder.queryType({});
builder.mutationType({});

export type Builder = typeof builder;
export { PrismaClient };

import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import DirectivesPlugin from '@pothos/plugin-directives';
import FederationPlugin from '@pothos/plugin-federation';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin, { type AuthFailure, AuthScopeFailureType } from '@pothos/plugin-scope-auth';
import { DateTimeResolver, JSONResolver, LocalDateResolver } from 'graphql-scalars';
import { PrismaClient } from '../db/generated/prisma/client.js';
import type PrismaTypes from '../db/generated/pothos-types.js';
import { getDatamodel } from '../db/generated/pothos-types.js';
import type { Scope } from '../tenant/tenant.js';
import type { Context } from './context.js';
import { forbidden } from './errors.js';
import { decodeId, encodeId, NIL_UUID } from '../modules/common/ids.js';
import { fieldComplexity } from './limits.js';

const missingScopes = (failure: AuthFailure): string[] =>
  failure.kind === AuthScopeFailureType.AuthScope ? [failure.scope] : 'failures' in failure ? failure.failures.flatMap(missingScopes) : [];

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
  plugins: [ComplexityPlugin, ScopeAuthPlugin, PrismaPlugin, RelayPlugin, DirectivesPlugin, FederationPlugin],
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
    // names the field and the scope only: a refused read says nothing of the data behind it
    unauthorizedError: (_parent, _context, info, result) => {
      const scopes = missingScopes(result.failure);
      const field = `${info.parentType.name}.${info.fieldName}`;
      return forbidden(scopes.length ? `${field} needs the ${scopes.join(' or ')} scope, which the API key lacks.` : `The API key may not read ${field}.`);
    },
  },
  prisma: {
    // Pothos reads the model's relations and indexes from here; the client itself is
    // chosen per request (the tenant carries it), so tests and servers can run side by side.
    client: (context) => context.tenant.prisma,
    dmmf: getDatamodel(),
    filterConnectionTotalCount: true,
    onUnusedQuery: process.env.NODE_ENV === 'production' ? null : 'error',
  },
  relay: {
    clientMutationId: 'optional',
    cursorType: 'String',
    // another subgraph with Relay connections defines PageInfo too
    pageInfoTypeOptions: { shareable: true, description: 'Where a page stands in its list (Relay cursor connections).' },
    nodeTypeOptions: { description: 'An object with a globally unique, opaque, prefixed id (con_, com_, grp_, fld_, usr_, org_).' },
    idFieldOptions: { description: 'The globally unique, opaque id; `node(id:)` resolves it.' },
    clientMutationIdInputOptions: { description: 'Any string; echoed back in the payload (Relay).' },
    clientMutationIdFieldOptions: { description: 'The clientMutationId sent in the input, unchanged.' },
    mutationInputArgOptions: { description: 'The mutation\'s input.' },
    cursorFieldOptions: { description: 'An opaque cursor: pass it as `after` (or `before`) to page from this edge.' },
    nodeFieldOptions: { description: 'The object at this edge.' },
    edgesFieldOptions: { description: 'The page\'s edges, in order.' },
    pageInfoFieldOptions: { description: 'Whether there are more pages, and the cursors to get them.' },
    hasNextPageFieldOptions: { description: 'True when a page follows this one (paging forward).' },
    hasPreviousPageFieldOptions: { description: 'True when a page precedes this one (paging backward).' },
    startCursorFieldOptions: { description: 'The cursor of the first edge of the page.' },
    endCursorFieldOptions: { description: 'The cursor of the last edge of the page.' },
    firstArgOptions: { description: 'Page size forward, 1–100 (out of range is an error).' },
    afterArgOptions: { description: 'A cursor: the page starts after it.' },
    lastArgOptions: { description: 'Page size backward, 1–100 (out of range is an error).' },
    beforeArgOptions: { description: 'A cursor: the page ends before it.' },
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
export const LocalDateScalar = builder.addScalarType('LocalDate', LocalDateResolver);
builder.addScalarType('JSON', JSONResolver);

builder.queryType({ description: 'Reads. Every field answers only data of the organisation the API key belongs to.' });
builder.mutationType({
  description: 'Writes. Each takes one `input` and answers a payload with `userErrors`; when there is any, nothing was written.',
});

export type Builder = typeof builder;
export { PrismaClient };

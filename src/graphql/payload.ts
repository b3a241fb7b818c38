import type { SchemaTypes } from '@pothos/core';
import { type GraphQLResolveInfo, Kind } from 'graphql';
import type { Failure, Result } from '../modules/common/result.js';
import { builder } from './builder.js';
import type { Scope, Tenant } from '../tenant/tenant.js';
import type { Context } from './context.js';
import { encodeId, type NodeTypename } from '../modules/common/ids.js';
import { readRecord, type RecordModel } from './records.js';
import { UserError } from './user-errors.js';

/**
 * What a mutation answers, from its domain `Result`: the value's fields (its `id` names what it
 * wrote), or null `id` and the failures (then nothing was written).
 */
export type Payload<T extends { id: string | null }> = Partial<T> & { id: string | null; failures: Failure[] };

export async function payloadOf<T extends { id: string | null }>(write: Result<T> | Promise<Result<T>>): Promise<Payload<T>> {
  return payloadFrom(await write);
}

const payloadFrom = <T extends { id: string | null }>(result: Result<T>): Payload<T> =>
  result.ok ? { ...result.value, failures: [] } : ({ id: null, failures: result.failures } as Payload<T>);

/**
 * What a batch mutation answers: one payload per item, with the item's clientRef, or the
 * batch's failures (then nothing was written).
 */
export async function batchPayloadOf<T extends { id: string | null }>(
  batch: Promise<Result<Result<T>[]>>,
  clientRefs: (string | null | undefined)[],
): Promise<{ results: (Payload<T> & { clientRef: string | null })[]; failures: Failure[] }> {
  const result = await batch;
  if (!result.ok) return { results: [], failures: result.failures };
  return { results: result.value.map((item, index) => ({ ...payloadFrom(item), clientRef: clientRefs[index] ?? null })), failures: [] };
}

/** Whether a field selects nothing of its object but `id` (and `__typename`). */
const selectsOnlyId = (info: GraphQLResolveInfo) =>
  info.fieldNodes.every(
    (node) => node.selectionSet?.selections.every((s) => s.kind === Kind.FIELD && (s.name.value === 'id' || s.name.value === '__typename')) ?? false,
  );

/**
 * Loads the record a payload names, with exactly the fields the client selected, in the tenant;
 * a selection of its `id` alone is answered from the payload, unread (a bulk write's `contact {
 * id }` read all 500 contacts back: in-process, 290–326 ms of CPU per 500-item createContacts before).
 */
export const loadPayloadRecord =
  (model: RecordModel) =>
  (query: object, payload: { id: string | null }, _args: unknown, { tenant }: Context, info: GraphQLResolveInfo) =>
    payload.id !== null && selectsOnlyId(info) ? ({ ...query, id: payload.id } as never) : readRecord(model, query, tenant, payload.id);

/** The `userErrors` field every payload has. */
export const userErrorsField = <Types extends SchemaTypes, Parent extends { failures: Failure[] }>(
  t: PothosSchemaTypes.ObjectFieldBuilder<Types, Parent>,
) => t.field({
    type: [UserError],
    description: 'Expected failures; when there is any, nothing was written. Empty on success.',
    resolve: (payload: Parent) => payload.failures,
  } as never);

/** A `<name>(input: { id })` mutation that erases a record and answers its `deletedId`. */
export function deleteMutationField(
  name: string,
  typename: NodeTypename,
  run: (tenant: Tenant, id: string) => Promise<Result<{ id: string }>>,
  options: { description: string; scope: Scope },
) {
  builder.relayMutationField(
    name,
    {
      description: `The input of ${name}.`,
      inputFields: (t) => ({ id: t.id({ required: true, description: `The ${typename}'s id; a missing, malformed or foreign one is NOT_FOUND.` }) }),
    },
    {
      description: `${options.description} Needs the ${options.scope} scope.`,
      authScopes: { [options.scope]: true },
      resolve: (_root, { input }, { tenant }) => payloadOf(run(tenant, input.id)),
    },
    {
      description: `The result of ${name}: the id of what was deleted, or userErrors.`,
      outputFields: (t) => ({
        deletedId: t.id({ nullable: true, description: 'The id of the deleted record; null when nothing was deleted.', resolve: (p) => (p.id ? encodeId(typename, p.id) : null) }),
        userErrors: userErrorsField(t),
      }),
    },
  );
}

import { initGraphQLTada, type TadaDocumentNode } from 'gql.tada';
import { print } from 'graphql';
import type { introspection } from './graphql-env.js';

/**
 * Typed test documents: `graphql(...)` checks a document against schema.graphql and gives its
 * result and variables types (test/support/graphql-env.d.ts is generated from schema.graphql by
 * `npx gql.tada generate output`; test/schema.test.ts fails when it is stale).
 */
export const graphql = initGraphQLTada<{
  introspection: introspection;
  scalars: { DateTime: string; LocalDate: string; JSON: unknown; ID: string };
}>();

export type { ResultOf, VariablesOf } from 'gql.tada';

/** A typed document, or a plain string whose result stays untyped. */
export type Document<Data = unknown, Variables = Record<string, unknown>> = string | TadaDocumentNode<Data, Variables>;

/** The text sent over the wire for a document. */
export function documentText(document: Document<unknown, never>): string {
  return typeof document === 'string' ? document : print(document);
}

/** The payload of an answer's only root field: `{ createContact: payload }` gives `payload`. */
export function rootField<Data extends object>(data: Data): Data[keyof Data] {
  return Object.values(data)[0] as Data[keyof Data];
}

/** A payload of a mutation sent as text (its document built at run time): its user errors and whatever else it selected, unread. */
export interface TextPayload {
  userErrors?: unknown[];
  [selected: string]: unknown;
}

/** The answer's data of a mutation sent as text, by root field. */
export type TextMutationData = Record<string, TextPayload>;

/** The `id` of a selected object (`{ id }`); throws when there is none. */
export function idOf(object: unknown): string {
  const id = typeof object === 'object' && object !== null ? (object as { id?: unknown }).id : undefined;
  if (typeof id !== 'string') throw new Error(`expected an object with an id, got ${JSON.stringify(object)}`);
  return id;
}

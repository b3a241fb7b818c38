import type { GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export interface CompiledReadsOptions {
  /** called after an operation was answered by the compiled path, with its root fields' names */
  onAnswer?: (rootFields: readonly string[]) => void;
  /** called when the compiled path failed and the operation ran through the resolvers instead */
  onError?: (error: unknown) => void;
}

export function useCompiledReads(_schema: GraphQLSchema, _options: CompiledReadsOptions): Plugin {
  return {};
}

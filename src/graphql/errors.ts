import { GraphQLError } from 'graphql';

/** GraphQL errors are only for auth, limits and faults; their codes are stable. */
export function unauthenticated(message: string) {
  return new GraphQLError(message, {
    extensions: {
      code: 'UNAUTHENTICATED',
      http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="contactgraph"' } },
    },
  });
}

export function forbidden(message: string) {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}

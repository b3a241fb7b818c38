import { buildSubgraphSchema } from '@apollo/subgraph';
import DataLoader from 'dataloader';
import { GraphQLError, parse } from 'graphql';
import { createYoga } from 'graphql-yoga';

export interface Deal {
  id: string;
  title: string;
  amount: number;
  /** a contactgraph contact id (`con_…`) */
  contactId: string;
}

/**
 * A second subgraph for federation tests: deals that point at contactgraph's contacts, and
 * `Contact.deals` contributed to contactgraph's Contact entity. A deal's contact is nullable,
 * because the contact it names may be unknown to (or hidden from) the caller.
 */
export const DEALS_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])

  type Deal @key(fields: "id") {
    id: ID!
    title: String!
    amount: Int!
    contact: Contact
  }

  type Contact @key(fields: "id") {
    id: ID!
    deals: [Deal!]!
  }

  type Query {
    "all deals, or those with the given ids"
    deals(ids: [ID!]): [Deal!]!
  }
`;

interface DealsContext {
  /** the contact id contactgraph answers for a stored one, for the caller; null when it is not visible */
  visibleContact: DataLoader<string, string | null>;
}

/**
 * Which of the contact ids the caller may see, as contactgraph says: one `nodes(ids:)` request
 * per request of ours, with the caller's own key. A gateway keeps the object a subgraph returns
 * for a reference and only fills in (or nulls) the fields it asks contactgraph for, so a deal
 * whose contact the caller cannot see must answer `contact: null` itself. A merged contact's id
 * answers the contact it was merged into.
 */
async function visibleContacts(contactgraphUrl: string, authorization: string | null, ids: readonly string[]) {
  const response = await fetch(contactgraphUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ query: 'query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }', variables: { ids } }),
  });
  const body = (await response.json()) as {
    data?: { nodes: ({ __typename: string; id: string } | null)[] } | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
  const error = body.errors?.[0];
  if (error || !body.data) throw new GraphQLError(error?.message ?? `contactgraph answered HTTP ${response.status}`, { extensions: error?.extensions });
  return body.data.nodes.map((node) => (node?.__typename === 'Contact' ? node.id : null));
}

export function createDealsSubgraph(deals: Deal[], contactgraphUrl: string) {
  const schema = buildSubgraphSchema({
    typeDefs: parse(DEALS_SDL),
    resolvers: {
      Query: {
        deals: (_: unknown, args: { ids?: string[] | null }) =>
          args.ids ? deals.filter((deal) => args.ids!.includes(deal.id)) : deals,
      },
      Deal: {
        __resolveReference: (ref: { id: string }) => deals.find((deal) => deal.id === ref.id) ?? null,
        // the subgraph's resolver map types its context as unknown: it is the DealsContext createYoga builds below
        contact: async (deal: Deal, _args: unknown, context: unknown) => {
          const id = await (context as DealsContext).visibleContact.load(deal.contactId);
          return id ? { __typename: 'Contact', id } : null;
        },
      },
      Contact: {
        __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
        deals: (contact: { id: string }) => deals.filter((deal) => deal.contactId === contact.id),
      },
    },
  });
  return createYoga({
    schema,
    graphqlEndpoint: '/graphql',
    logging: false,
    landingPage: false,
    graphiql: false,
    context: ({ request }): DealsContext => ({
      visibleContact: new DataLoader((ids) => visibleContacts(contactgraphUrl, request.headers.get('authorization'), ids)),
    }),
  });
}

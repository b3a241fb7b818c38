import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
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

export function createDealsSubgraph(deals: Deal[]) {
  const schema = buildSubgraphSchema({
    typeDefs: parse(DEALS_SDL),
    resolvers: {
      Query: {
        deals: (_: unknown, args: { ids?: string[] | null }) =>
          args.ids ? deals.filter((deal) => args.ids!.includes(deal.id)) : deals,
      },
      Deal: {
        __resolveReference: (ref: { id: string }) => deals.find((deal) => deal.id === ref.id) ?? null,
        contact: (deal: Deal) => ({ __typename: 'Contact', id: deal.contactId }),
      },
      Contact: {
        __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
        deals: (contact: { id: string }) => deals.filter((deal) => deal.contactId === contact.id),
      },
    } as any,
  });
  return createYoga({ schema, graphqlEndpoint: '/graphql', logging: false, landingPage: false, graphiql: false });
}

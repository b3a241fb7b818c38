import { request } from 'node:http';
import type { TadaDocumentNode } from 'gql.tada';
import { documentText } from './graphql.js';
import type { GraphQLResponse } from './harness.js';
import { runCli } from './process.js';

/** What a GraphQL request over HTTP answered: the status, the parsed body (null when it was not JSON) and the raw text. */
export interface HttpAnswer<Body = unknown> {
  status: number;
  body: Body;
  text: string;
}

/** A typed document's answer body. */
export type GraphQLBody<Data> = Omit<GraphQLResponse<Data>, 'status' | 'headers'> | null;

function parseBody(text: string): GraphQLBody<unknown> {
  try {
    return JSON.parse(text) as GraphQLBody<unknown>;
  } catch {
    return null;
  }
}

/** POSTs one GraphQL operation to a running server; a typed document types the answer's `data`. A network failure rejects. */
export async function postGraphQL<Data, Variables>(
  url: string,
  key: string,
  query: TadaDocumentNode<Data, Variables>,
  variables?: Variables,
): Promise<HttpAnswer<GraphQLBody<Data>>>;
export async function postGraphQL(url: string, key: string, query: string, variables?: Record<string, unknown>): Promise<HttpAnswer>;
export async function postGraphQL(
  url: string,
  key: string,
  query: string | TadaDocumentNode<unknown, unknown>,
  variables?: unknown,
): Promise<HttpAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: documentText(query), variables }),
  });
  const text = await response.text();
  return { status: response.status, body: parseBody(text), text };
}

/**
 * POSTs a GraphQL operation with node:http and calls `onSent` once the whole body is written to
 * the socket: the server has the request. The returned promise settles with the answer, or
 * rejects when the connection drops (the server was killed).
 */
export function postGraphQLTracked<Data, Variables>(
  url: string,
  key: string,
  query: TadaDocumentNode<Data, Variables>,
  variables: Variables,
  onSent: () => void,
): Promise<HttpAnswer<GraphQLBody<Data>>>;
export function postGraphQLTracked(url: string, key: string, query: string, variables: Record<string, unknown>, onSent: () => void): Promise<HttpAnswer>;
export function postGraphQLTracked(
  url: string,
  key: string,
  query: string | TadaDocumentNode<unknown, unknown>,
  variables: unknown,
  onSent: () => void,
): Promise<HttpAnswer> {
  const target = new URL(url);
  const payload = JSON.stringify({ query: documentText(query), variables });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), authorization: `Bearer ${key}` },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: parseBody(text), text }));
      },
    );
    req.on('error', reject);
    req.on('finish', onSent);
    req.end(payload);
  });
}

/** GET of /healthz or /readyz next to the GraphQL endpoint; the status, or 0 when nothing answers. */
export async function probe(graphqlUrl: string, path: '/healthz' | '/readyz'): Promise<number> {
  try {
    const response = await fetch(graphqlUrl.replace(/\/graphql$/, path));
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

/**
 * An organisation, a user and an API key made with the real CLI, as an operator would (the
 * embedded database serves one process at a time: run this while no server holds it).
 */
export async function createKeyWithCli(env: Record<string, string | undefined>, org: string, scopes = 'contacts:read,contacts:write,admin') {
  const email = `ops@${org.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.example`;
  for (const args of [
    ['orgs', 'create', '--name', org],
    ['users', 'create', '--org', org, '--email', email, '--name', 'Ops'],
  ]) {
    const result = await runCli(args, env);
    if (result.code !== 0) throw new Error(`contactgraph ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  }
  const created = await runCli(['keys', 'create', '--org', org, '--user', email, '--scopes', scopes], env);
  if (created.code !== 0) throw new Error(`contactgraph keys create exited ${created.code}: ${created.stderr}`);
  return created.stdout.trim();
}


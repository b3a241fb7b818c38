import { afterAll } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { SCOPES, type Scope, type TenantSettings } from '../../src/tenant/tenant.js';
import { createLogger } from '../../src/logger.js';
import { type ApiKeyCacheOptions, createApiKey } from '../../src/modules/api-key/api-key.js';
import { createOrganization } from '../../src/modules/organization/organization.js';
import { createUser } from '../../src/modules/user/user.js';
import { createApp } from '../../src/yoga.js';
import type { CompiledReadsOptions } from '../../src/graphql/compiled-reads.js';
import type { TadaDocumentNode } from 'gql.tada';
import { openTestDatabase, type TestDatabase } from './database.js';
import { documentText } from './graphql.js';

export interface GraphQLResponse<Data = unknown> {
  status: number;
  headers: Headers;
  data?: Data;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface Caller {
  key: string;
  organizationId: string;
  userId: string;
  /** sends one GraphQL operation with this caller's key; a typed document types `data` and the variables */
  gql<Data, Variables>(query: TadaDocumentNode<Data, Variables>, variables?: Variables): Promise<GraphQLResponse<Data>>;
  gql<Data = unknown>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<Data>>;
}

let counter = 0;

/**
 * One test file's world: its own database, the real app (through `yoga.fetch`), and helpers
 * to make organisations with real API keys and to count the SQL an operation sends.
 */
export async function createHarness(
  options: { apiKeyCache?: ApiKeyCacheOptions; compiledReads?: CompiledReadsOptions | false; tenantSettings?: TenantSettings; statementTimeoutMs?: number } = {},
) {
  const db: TestDatabase = await openTestDatabase({ statementTimeoutMs: options.statementTimeoutMs });
  const app = createApp({ db, log: createLogger('silent'), apiKeyCache: options.apiKeyCache, compiledReads: options.compiledReads, tenantSettings: options.tenantSettings });

  /** POSTs `body` as it is (a string is sent verbatim); a typed `query` types the answer's `data`. */
  async function request<Data, Variables>(
    body: { query: TadaDocumentNode<Data, Variables>; variables?: NoInfer<Variables>; [field: string]: unknown },
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<Data>>;
  async function request(body: unknown, headers?: Record<string, string>): Promise<GraphQLResponse>;
  async function request(body: unknown, headers: Record<string, string> = {}): Promise<GraphQLResponse> {
    if (isTypedBody(body)) body = { ...body, query: documentText(body.query) };
    const response = await app.fetch('http://test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const json = (await response.json()) as Omit<GraphQLResponse, 'status' | 'headers'>;
    return { status: response.status, headers: response.headers, ...json };
  }

  /** A new organisation with a user and a key holding `scopes` (all by default). */
  async function organization(options: { scopes?: Scope[]; name?: string } = {}): Promise<Caller> {
    counter += 1;
    const org = await createOrganization(db.prisma, options.name ?? `Org ${counter} ${Math.random().toString(36).slice(2, 8)}`);
    const user = await createUser(db.prisma, {
      organizationId: org.id,
      email: `user${counter}@example.com`,
      fullName: `User ${counter}`,
    });
    const { key } = await createApiKey(db.prisma, {
      organizationId: org.id,
      userId: user.id,
      scopes: options.scopes ?? [...SCOPES],
    });
    return {
      key,
      organizationId: org.id,
      userId: user.id,
      gql: async (document: string | TadaDocumentNode<unknown, unknown>, variables?: unknown) => {
        const query = documentText(document);
        if (query.includes('contactChanges')) await feedSettled();
        return request({ query, variables }, { authorization: `Bearer ${key}` });
      },
    };
  }

  /**
   * Waits until every change entry written so far is readable. The feed shows an entry once
   * every older transaction of the PostgreSQL cluster has ended (what keeps its cursor durable),
   * and other test files write to the same cluster at the same time.
   */
  async function feedSettled() {
    for (let waited = 0; waited < 10_000; waited += 20) {
      const [row] = await db.sql.query<{ pending: number }>(
        'SELECT count(*)::int AS pending FROM contact_changes WHERE txid >= (pg_snapshot_xmin(pg_current_snapshot())::text)::bigint',
      );
      if (row!.pending === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Runs `work` and returns the SQL statements Prisma sent meanwhile. */
  async function statementsOf<T>(work: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
    const statements: string[] = [];
    const stop = db.onStatement((sql) => statements.push(sql));
    try {
      const result = await work();
      return { result, statements };
    } finally {
      stop();
    }
  }

  afterAll(() => db.close());
  return { db: db as Database & TestDatabase, app, request, organization, statementsOf };
}

function isTypedBody(body: unknown): body is { query: TadaDocumentNode<unknown, unknown> } {
  const query = typeof body === 'object' && body !== null ? (body as { query?: unknown }).query : undefined;
  return typeof query === 'object' && query !== null && (query as { kind?: unknown }).kind === 'Document';
}

export type Harness = Awaited<ReturnType<typeof createHarness>>;

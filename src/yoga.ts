import { randomUUID } from 'node:crypto';
import { useAPQ } from '@graphql-yoga/plugin-apq';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { GraphQLError } from 'graphql';
import { createYoga, maskError, type Plugin } from 'graphql-yoga';
import { ArgumentError } from './modules/common/result.js';
import type { Database } from './db/client.js';
import { pendingMigrationNames } from './db/migrator.js';
import { type Context, createTenant, type Tenant } from './graphql/context.js';
import { unauthenticated } from './graphql/errors.js';
import { schema } from './graphql/schema.js';
import type { Logger } from './logger.js';
import { authenticate } from './modules/api-key/api-key.js';
import { type ChangeEvents, createChangeEvents } from './modules/change-feed/events.js';

export interface AppOptions {
  db: Database;
  log: Logger;
  /** change events for subscriptions; in-process unless given one backed by Redis */
  events?: ChangeEvents;
  maxBodyBytes?: number;
  graphiql?: boolean;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** /healthz: the process answers. /readyz: the database answers and is fully migrated. */
function useHealthChecks(db: Database): Plugin {
  let migrated = false;
  return {
    async onRequest({ url, endResponse }) {
      if (url.pathname === '/healthz') return endResponse(json(200, { status: 'ok' }));
      if (url.pathname !== '/readyz') return;
      try {
        if (!migrated) {
          const pending = await pendingMigrationNames(db.sql);
          if (pending.length > 0) return endResponse(json(503, { status: 'migrations pending', pending }));
          migrated = true;
        } else {
          await db.sql.query('SELECT 1');
        }
        endResponse(json(200, { status: 'ready' }));
      } catch {
        endResponse(json(503, { status: 'database unreachable' }));
      }
    },
  };
}

/** Refuses bodies over the limit before they are read. */
function useBodyLimit(maxBytes: number): Plugin {
  return {
    onRequest({ request, endResponse }) {
      const length = Number(request.headers.get('content-length') ?? 0);
      if (length > maxBytes) {
        endResponse(
          json(413, {
            errors: [
              {
                message: `Request body is ${length} bytes; the limit is ${maxBytes}.`,
                extensions: { code: 'PAYLOAD_TOO_LARGE' },
              },
            ],
          }),
        );
      }
    },
  };
}

async function tenantFromRequest(request: Request, db: Database, events: ChangeEvents): Promise<Tenant> {
  const header = request.headers.get('authorization');
  if (!header) throw unauthenticated('Missing API key: send the header `Authorization: Bearer <api key>`.');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw unauthenticated('Malformed Authorization header: expected `Bearer <api key>`.');
  const auth = await authenticate(db.prisma, match[1]!);
  if (!auth) throw unauthenticated('Unknown or revoked API key.');
  return createTenant(auth, db.prisma, events);
}

export function createApp({ db, log, maxBodyBytes = 1_048_576, graphiql = true, events = createChangeEvents() }: AppOptions) {
  return createYoga<Record<string, never>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // The key typed into the Headers pane is kept in the browser, so the schema loads on the next visit.
    graphiql: graphiql && { title: 'contactgraph', headers: '{"Authorization": "Bearer <api key>"}', shouldPersistHeaders: true },
    renderGraphiQL,
    logging: {
      debug: (...args) => log.debug({ args }, 'yoga'),
      info: (...args) => log.info({ args }, 'yoga'),
      warn: (...args) => log.warn({ args }, 'yoga'),
      error: (...args) => log.error({ args }, 'yoga'),
    },
    plugins: [
      useHealthChecks(db),
      useBodyLimit(maxBodyBytes),
      // A request a browser would send cross-site without a preflight (a form post, a bare GET)
      // must carry one of these headers; every API call carries Authorization, which a page on
      // another origin cannot add without a preflight.
      useCSRFPrevention({ requestHeaders: ['authorization', 'x-graphql-yoga-csrf', 'apollo-require-preflight'] }),
      useAPQ(),
      useDeferStream(),
    ],
    maskedErrors: {
      maskError(error, message, isDev) {
        const original = error instanceof GraphQLError ? error.originalError : error;
        if (original instanceof ArgumentError) {
          return new GraphQLError(original.message, { extensions: { code: 'BAD_USER_INPUT' } });
        }
        return maskError(error, message, isDev);
      },
    },
    context: async ({ request }) => {
      const tenant = await tenantFromRequest(request, db, events);
      const requestId = request.headers.get('x-request-id') ?? randomUUID();
      return { tenant, db, log: log.child({ requestId }), requestId };
    },
  });
}

export type App = ReturnType<typeof createApp>;

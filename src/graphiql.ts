// GraphiQL, bundled (no CDN): yoga's prebuilt GraphiQL (@graphql-yoga/render-graphiql) split into
// a small uncached page and content-addressed assets served compressed and cached for a year.
// The bundle is loaded only when a browser asks for the page (it is ~45 MB of memory).
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { GraphiQLOptions, Plugin } from 'graphql-yoga';

export const GRAPHIQL_ASSET_PATH = '/graphiql/';

const WELCOME = `# Welcome to contactgraph.
#
# Every request needs an API key. Open the Headers pane below this editor
# and put your key there (npm start prints a demo key on a new database):
#
#   {"Authorization": "Bearer cgk_…"}
#
# The docs and autocompletion load as soon as the key is set. Then run this
# query (Ctrl-Enter, or the play button): who you are, and your first 5 contacts.

{
  viewer {
    organization {
      name
    }
    user {
      email
    }
    scopes
  }
  contacts(first: 5) {
    totalCount
    edges {
      node {
        id
        fullName
      }
    }
  }
}
`;

/** The options yoga hands to the page; headers stay empty: the page sends no key it was not given. */
export const graphiqlOptions: GraphiQLOptions = {
  title: 'contactgraph',
  defaultQuery: WELCOME,
  // The key typed into the Headers pane is kept in the browser, so the schema loads on the next visit.
  shouldPersistHeaders: true,
};

type Encoding = 'br' | 'gzip';

interface Asset {
  type: string;
  body: Buffer;
  hash: string;
  encoded: Partial<Record<Encoding, Promise<Buffer>>>;
}

interface Assets {
  byPath: Map<string, Asset>;
  urls: { css: string; js: string; favicon: string; workers: Record<string, string> };
}

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

function encode(asset: Asset, encoding: Encoding): Promise<Buffer> {
  // Brotli's quality 5 takes 0.7 s for the 5 MB script (11 takes 35 s) and still beats gzip by 10 %.
  asset.encoded[encoding] ??=
    encoding === 'br'
      ? brotli(asset.body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: asset.body.length } })
      : gzip(asset.body);
  return asset.encoded[encoding]!;
}

let loaded: Promise<Assets> | undefined;

function assets(): Promise<Assets> {
  loaded ??= (async () => {
    const bundle = await import('@graphql-yoga/render-graphiql/graphiql');
    const byPath = new Map<string, Asset>();
    const add = (name: string, extension: string, type: string, body: Buffer) => {
      const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
      const path = `${GRAPHIQL_ASSET_PATH}${name}.${hash}.${extension}`;
      byPath.set(path, { type, body, hash, encoded: {} });
      return path;
    };
    const js = 'text/javascript; charset=utf-8';
    const urls = {
      css: add('graphiql', 'css', 'text/css; charset=utf-8', Buffer.from(bundle.css)),
      js: add('graphiql', 'js', js, Buffer.from(bundle.js)),
      favicon: add('favicon', 'ico', 'image/x-icon', Buffer.from(bundle.favicon.replace(/^data:[^,]*;base64,/, ''), 'base64')),
      // the labels Monaco asks for in MonacoEnvironment.getWorkerUrl
      workers: {
        editorWorkerService: add('editor.worker', 'js', js, Buffer.from(bundle.editorWorkerService)),
        json: add('json.worker', 'js', js, Buffer.from(bundle.jsonWorker)),
        graphql: add('graphql.worker', 'js', js, Buffer.from(bundle.graphqlWorker)),
      },
    };
    return { byPath, urls };
  })();
  return loaded;
}

/** The encoding to answer with: brotli, else gzip, else none, as the Accept-Encoding header allows. */
export function pickEncoding(acceptEncoding: string | null): Encoding | undefined {
  const weights = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').toLowerCase().split(',')) {
    const [name, ...params] = part.split(';').map((s) => s.trim());
    const q = params.find((p) => p.startsWith('q='));
    if (name) weights.set(name, q ? Number(q.slice(2)) : 1);
  }
  const accepts = (name: string) => (weights.get(name) ?? weights.get('*') ?? 0) > 0;
  return accepts('br') ? 'br' : accepts('gzip') ? 'gzip' : undefined;
}

/** Serves the page's assets: compressed per Accept-Encoding, immutable (their URLs name their content). */
export function useGraphiQLAssets(): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (!url.pathname.startsWith(GRAPHIQL_ASSET_PATH) || (request.method !== 'GET' && request.method !== 'HEAD')) return;
      const asset = (await assets()).byPath.get(url.pathname);
      if (!asset) return endResponse(new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } }));
      const encoding = pickEncoding(request.headers.get('accept-encoding'));
      const etag = `"${asset.hash}-${encoding ?? 'identity'}"`;
      const headers: Record<string, string> = {
        'cache-control': 'public, max-age=31536000, immutable',
        etag,
        vary: 'Accept-Encoding',
      };
      const ifNoneMatch = request.headers.get('if-none-match');
      if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag || tag.trim() === '*')) {
        return endResponse(new Response(null, { status: 304, headers }));
      }
      const body = encoding ? await encode(asset, encoding) : asset.body;
      if (encoding) headers['content-encoding'] = encoding;
      headers['content-type'] = asset.type;
      headers['content-length'] = String(body.length);
      endResponse(new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers }));
    },
  };
}

/** The page: small and uncached; it names the assets by their content hashes. */
export async function renderGraphiQLPage(options: GraphiQLOptions): Promise<string> {
  const { urls, byPath } = await assets();
  // Compress while the browser parses the page and comes back for the assets.
  for (const asset of byPath.values()) void encode(asset, 'br').catch(() => undefined);
  const config: BrowserConfig = { options: options as Record<string, unknown> };
  // JSON inside <script>: no "</script>" or "<!--" can end it early.
  const script = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');
  const title = String(options.title ?? 'GraphiQL').replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${title}</title>
    <link rel="icon" href="${urls.favicon}" />
    <link rel="stylesheet" href="${urls.css}" />
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>You need to enable JavaScript to run GraphiQL.</noscript>
    <div id="root"></div>
    <script>
      const workers = ${script(urls.workers)};
      self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (moduleId, label) => workers[label] };
    </script>
    <script src="${urls.js}"></script>
    <script>
      (${startGraphiQL.toString()})(${script(config)});
    </script>
  </body>
</html>
`;
}

interface BrowserConfig {
  /** GraphiQL's props */
  options: Record<string, unknown>;
}

/**
 * Runs in the browser (serialised into the page, so it uses nothing from this module). GraphiQL
 * introspects once, on mount; without a key that fails and the failure fills the result pane. So
 * the fetcher (GraphiQL's `fetcher` prop) holds the introspection until the Headers pane has an
 * Authorization header that the server accepts, retrying on each edit (`onEditHeaders`): the
 * docs load as soon as a working key is typed, and no request goes out without one.
 */
function startGraphiQL(config: BrowserConfig) {
  type HeaderMap = Record<string, string>;
  interface Params {
    query: string;
    operationName?: string | null;
    variables?: unknown;
  }
  const endpoint = location.pathname;

  async function* events(response: Response) {
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        buffer += read.value.replace(/\r\n/g, '\n');
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of message.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
          }
          if (event === 'complete') return;
          if (data.length > 0 && data.join('') !== '') yield JSON.parse(data.join('\n'));
        }
      }
    } finally {
      void reader.cancel().catch(() => undefined);
    }
  }

  async function post(params: Params, headers: HeaderMap | undefined) {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        accept: 'application/graphql-response+json, application/json, text/event-stream',
        'content-type': 'application/json',
        ...headers,
      },
      body: JSON.stringify(params),
    });
    // subscriptions and @defer arrive as server-sent events
    if ((response.headers.get('content-type') ?? '').startsWith('text/event-stream')) return events(response);
    return response.json();
  }

  const hasKey = (headers: HeaderMap | undefined) =>
    !!headers && Object.entries(headers).some(([name, value]) => name.toLowerCase() === 'authorization' && String(value).trim() !== '');
  const unauthenticated = (result: { errors?: { extensions?: { code?: string } }[] }) =>
    Array.isArray(result?.errors) && result.errors.some((error) => error?.extensions?.code === 'UNAUTHENTICATED');

  // The headers as last typed (when they parse), and the introspections waiting for new ones.
  let edited: HeaderMap | undefined;
  let waiting: ((headers: HeaderMap | undefined) => void)[] = [];
  let introspection = 0;
  let debounce: ReturnType<typeof setTimeout> | undefined;
  function onEditHeaders(text: string) {
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      try {
        const parsed: unknown = text.trim() === '' ? {} : JSON.parse(text);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return;
        edited = parsed as HeaderMap;
      } catch {
        return; // half typed
      }
      const wake = waiting;
      waiting = [];
      for (const resume of wake) resume(edited);
    }, 300);
  }

  function fetcher(params: Params, opts?: { headers?: HeaderMap }) {
    if (params.operationName !== 'IntrospectionQuery') return post(params, opts?.headers);
    const id = ++introspection;
    return (async () => {
      for (let headers = opts?.headers ?? edited; ; headers = await new Promise<HeaderMap | undefined>((resume) => waiting.push(resume))) {
        // GraphiQL ignores an introspection another one superseded (the re-fetch button)
        if (id !== introspection) throw new Error('superseded by a newer introspection');
        if (!hasKey(headers)) continue;
        const result = await post(params, headers);
        if (!unauthenticated(result)) return result;
      }
    })();
  }

  const YogaGraphiQL = (window as unknown as { YogaGraphiQL: { renderYogaGraphiQL(root: Element, props: object): void } }).YogaGraphiQL;
  YogaGraphiQL.renderYogaGraphiQL(document.querySelector('#root')!, { ...config.options, fetcher, onEditHeaders });
}

import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page, type Response } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH, hasChromium } from './support/browser.js';
import { listenOnLoopback } from './support/http-server.js';
import { createHarness } from './support/harness.js';
import { graphql } from './support/graphql.js';

// GraphiQL in a real browser (Debian's chromium driven by playwright-core), used the way a
// person uses it: open /graphql, put the key in the Headers pane, type a query, press run.
// The page must work with no internet: every request it makes goes to our own server.
//
// Skipped only on a machine without chromium outside CI; in CI (CI set) it always runs, and
// fails when chromium is missing (.ci/run installs it).

const SCREENSHOT = fileURLToPath(new URL('./artifacts/graphiql.png', import.meta.url));
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

const h = await createHarness();

/** The host a URL would reach over the network, or null for one that reaches none (data:, about:). */
function networkHost(url: string): string | null {
  const parsed = new URL(url);
  if (parsed.protocol === 'blob:') return networkHost(url.slice('blob:'.length));
  if (['data:', 'about:', 'javascript:'].includes(parsed.protocol)) return null;
  return parsed.hostname;
}

/** The text a Monaco editor shows (its rendered lines), with Monaco's non-breaking spaces undone. */
async function editorText(page: Page, editor: string): Promise<string> {
  const lines = await page.locator(`${editor} .view-lines .view-line`).allInnerTexts();
  return lines.join('\n').replace(/\u00a0/g, ' ');
}

/** Clicks into a Monaco editor, selects everything and types `text` over it, as a user would. */
async function typeInto(page: Page, editor: string, text: string) {
  await page.locator(`${editor} .view-lines`).click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  // insertText types the text as one input event, like a paste: Monaco's bracket/quote
  // auto-closing and GraphQL autocompletion do not rewrite it as they would key by key.
  await page.keyboard.insertText(text);
}

describe('GraphiQL in a browser', () => {
  let browser: Browser | undefined;
  let close: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await browser?.close();
    await close?.();
  });

  it.skipIf(!hasChromium && !process.env.CI)(
    'runs a query with the key from the Headers pane, loading nothing from another host',
    async () => {
      expect(hasChromium, `no ${CHROMIUM_PATH}: apt-get install -y chromium`).toBe(true);

      const caller = await h.organization();
      for (const [firstName, lastName] of [
        ['Ada', 'Lovelace'],
        ['Grace', 'Hopper'],
      ]) {
        const res = await caller.gql(
          graphql('mutation($f: String, $l: String) { createContact(input: { firstName: $f, lastName: $l }) { contact { id } userErrors { code } } }'),
          { f: firstName, l: lastName },
        );
        expect(res.data!.createContact.userErrors).toEqual([]);
      }
      // another organisation's contact, which the key must not see
      const stranger = await h.organization();
      await stranger.gql(graphql('mutation { createContact(input: { firstName: "Alan", lastName: "Turing" }) { contact { id } } }'));

      const server = await listenOnLoopback(h.app);
      close = server.close;
      browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      const requested: string[] = [];
      const posts: (string | undefined)[] = []; // each POST's Authorization header
      const assets: Response[] = [];
      page.on('request', (request) => {
        requested.push(request.url());
        if (request.method() === 'POST') posts.push(request.headers()['authorization']);
      });
      page.on('response', (response) => {
        if (new URL(response.url()).pathname.startsWith('/graphiql/')) assets.push(response);
      });
      page.on('websocket', (socket) => requested.push(socket.url()));

      // The page, as served: no script, stylesheet or other resource from another host.
      const response = await page.goto(`${server.origin}/graphql`);
      expect(response?.status()).toBe(200);
      const html = await response!.text();
      expect(html).toContain('<title>contactgraph</title>');
      const referenced = [...html.matchAll(/\b(?:src|href)\s*=\s*["']?((?:https?:)?\/\/[^"'\s>]+)/gi)].map((m) => m[1]!);
      expect(referenced.filter((url) => !LOCAL_HOSTS.has(new URL(url, server.origin).hostname))).toEqual([]);

      // The first screen: the welcome text says where the key goes; the Headers pane is empty; no
      // error anywhere, the docs included (they wait for a key), once the page has settled.
      const queryEditor = 'section.graphiql-query-editor .monaco-editor[data-uri$="-operation.graphql"]';
      await page.locator(`${queryEditor} .view-lines`).waitFor();
      await expect.poll(() => editorText(page, queryEditor)).toContain('#   {"Authorization": "Bearer cgk_…"}');
      expect(await editorText(page, queryEditor)).toContain('contacts(first: 5) {');
      await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
      const docs = page.locator('section.graphiql-doc-explorer');
      await docs.waitFor();
      await page.waitForLoadState('networkidle');
      const firstScreen = await page.locator('body').innerText();
      expect(firstScreen).not.toMatch(/Malformed|Error fetching schema|UNAUTHENTICATED|Missing API key/);
      expect(await docs.innerText()).not.toContain('Root Types');

      // Headers pane: click its tab (empty: no placeholder), type the key.
      await page.locator('.graphiql-editor-tools').getByRole('button', { name: 'Headers', exact: true }).click();
      // the Headers and Variables panes share a section; each Monaco editor names its model
      const headersEditor = 'section.graphiql-editor-tool .monaco-editor[data-uri$="-request-headers.json"]';
      await page.locator(headersEditor).waitFor();
      expect((await editorText(page, headersEditor)).trim()).toBe('');
      const headers = `{"Authorization": "Bearer ${caller.key}"}`;
      await typeInto(page, headersEditor, headers);
      expect(await editorText(page, headersEditor)).toBe(headers);
      await page.keyboard.press('Home'); // scroll back to the start of the line, for the screenshot

      // The docs load with that key, without the re-fetch button.
      await expect.poll(() => docs.innerText(), { timeout: 15_000 }).toContain('Root Types');
      expect(await docs.innerText()).toContain('query: Query');

      // Operation editor: replace the welcome text with the query, then press run.
      const query = '{ contacts(first: 5) { totalCount edges { node { fullName } } } }';
      await typeInto(page, queryEditor, query);
      expect(await editorText(page, queryEditor)).toBe(query);
      await page.getByRole('button', { name: /^Prettify query/ }).click();
      await expect.poll(() => editorText(page, queryEditor), { timeout: 15_000 }).toContain('contacts(first: 5) {\n');

      const answered = page.waitForResponse(
        (r) =>
          r.url() === `${server.origin}/graphql` &&
          r.request().method() === 'POST' &&
          // GraphiQL sends the operation with its whitespace squeezed out
          (r.request().postData() ?? '').replace(/\s/g, '').includes('contacts(first:5)'),
      );
      await page.getByRole('button', { name: /^Execute query/ }).click();
      const answer = await answered;
      expect(answer.status()).toBe(200);
      expect(answer.request().headers()['authorization']).toBe(`Bearer ${caller.key}`);

      // The result pane shows both contacts, and only them.
      const resultEditor = 'section.result-window[aria-label="Result Window"] .monaco-editor';
      await expect.poll(() => editorText(page, resultEditor), { timeout: 15_000 }).toContain('"totalCount": 2');
      const result = await editorText(page, resultEditor);
      expect(result).toContain('"fullName": "Ada Lovelace"');
      expect(result).toContain('"fullName": "Grace Hopper"');
      expect(result).not.toContain('Turing');
      expect(result).not.toContain('"errors"');

      mkdirSync(fileURLToPath(new URL('./artifacts/', import.meta.url)), { recursive: true });
      await page.screenshot({ path: SCREENSHOT });

      // Every request to the API carried the key typed, none a placeholder or nothing.
      expect(posts.length).toBeGreaterThanOrEqual(2); // the introspection and the query
      expect(posts.filter((authorization) => authorization !== `Bearer ${caller.key}`)).toEqual([]);

      // The page's script, stylesheet, workers and icon came compressed and cacheable for good.
      expect([...new Set(assets.map((r) => new URL(r.url()).pathname.replace(/\.[0-9a-f]{16}\./, '.')))].sort()).toEqual([
        '/graphiql/editor.worker.js',
        '/graphiql/favicon.ico',
        '/graphiql/graphiql.css',
        '/graphiql/graphiql.js',
        '/graphiql/graphql.worker.js',
        '/graphiql/json.worker.js',
      ]);
      for (const asset of assets) {
        const headers = await asset.allHeaders();
        expect([asset.url(), asset.status(), headers['content-encoding'], headers['cache-control']]).toEqual([
          asset.url(),
          200,
          'br',
          'public, max-age=31536000, immutable',
        ]);
        expect(headers['etag']).toMatch(/^"[0-9a-f]{16}-br"$/);
      }

      // Every request the page made went to this server (blob: workers included).
      expect(requested.length).toBeGreaterThan(0);
      expect(requested.filter((url) => { const host = networkHost(url); return host !== null && !LOCAL_HOSTS.has(host); })).toEqual([]);

      // and so did every resource the rendered page points at
      const resources = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('script[src], link[href], img[src], iframe[src], source[src]')].map(
          (el) => (el as HTMLScriptElement).src || (el as HTMLLinkElement).href,
        ),
      );
      expect(resources.filter((url) => { const host = networkHost(url); return host !== null && !LOCAL_HOSTS.has(host); })).toEqual([]);
    },
    120_000, // a browser start on a busy 2-core machine
  );
});

import { type Document, documentText } from './graphql.js';

/** One payload of a subscription: a typed document types its `data`. */
export interface SubscriptionEvent<Data> {
  data?: Data;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/** Subscribes over Server-Sent Events (graphql-yoga's transport) and collects the payloads. */
export async function subscribe<Data = unknown>(
  fetcher: (input: string, init: RequestInit) => Promise<Response>,
  url: string,
  key: string,
  query: Document<Data, never>,
  variables: Record<string, unknown> = {},
) {
  const controller = new AbortController();
  const response = await fetcher(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: documentText(query), variables }),
    signal: controller.signal,
  });
  if (response.status !== 200 || !response.body) throw new Error(`subscription refused: ${response.status} ${await response.text()}`);
  const events: SubscriptionEvent<Data>[] = [];
  const waiters: (() => void)[] = [];
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trim()).join('');
          if (data) events.push(JSON.parse(data) as SubscriptionEvent<Data>);
          waiters.splice(0).forEach((wake) => wake());
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    events,
    /** resolves once `count` payloads arrived (or rejects after `ms`) */
    async waitFor(count: number, ms = 10_000) {
      const deadline = Date.now() + ms;
      while (events.length < count) {
        if (Date.now() > deadline) throw new Error(`got ${events.length} of ${count} events`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
      return events;
    },
    close: () => controller.abort(),
  };
}

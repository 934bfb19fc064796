import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  /** JSON body, form body, or the query for GET, as a flat record. */
  fields: Record<string, unknown>;
}

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** Resolves once `count` requests have arrived (in total). */
  waitFor(count: number): Promise<ReceivedRequest[]>;
  /** Statuses to answer with, in order; then 200. `'hang'` never answers. */
  respondWith(statuses: (number | 'hang')[]): void;
  close(): Promise<void>;
}

/** A real node:http callback receiver on 127.0.0.1 with an ephemeral port. */
export async function startReceiver(): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const waiters: { count: number; resolve: (r: ReceivedRequest[]) => void }[] = [];
  let script: (number | 'hang')[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://receiver.invalid');
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const type = req.headers['content-type'] ?? '';
      let fields: Record<string, unknown> = Object.fromEntries(url.searchParams);
      if (type.includes('json')) fields = JSON.parse(rawBody) as Record<string, unknown>;
      else if (type.includes('form')) fields = Object.fromEntries(new URLSearchParams(rawBody));
      requests.push({
        method: req.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        rawBody,
        fields,
      });
      for (const waiter of [...waiters]) {
        if (requests.length >= waiter.count) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(requests.slice());
        }
      }
      const next = script.shift() ?? 200;
      if (next === 'hang') return;
      res.writeHead(next, { 'content-type': 'text/plain' });
      res.end(next < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    waitFor(count) {
      if (requests.length >= count) return Promise.resolve(requests.slice());
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    respondWith(statuses) {
      script = [...statuses];
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
}

/** One request with fetch; `json` is {} when the body is not JSON. */
export async function call(
  url: string,
  init: {
    method?: string;
    json?: unknown;
    form?: Record<string, string>;
    body?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<RawAnswer> {
  const headers: Record<string, string> = { ...init.headers };
  let body: string | undefined = init.body;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  } else if (init.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(init.form).toString();
  }
  const response = await fetch(url, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
  });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON
  }
  return { status: response.status, headers: response.headers, text, json };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value other than undefined (tests never assert on time). */
export async function eventually<T>(
  check: () => T | undefined,
  what: string,
  limitMs = 10_000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

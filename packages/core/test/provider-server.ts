import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: string;
  json?: Record<string, unknown>;
}

export type Handler = (
  request: RecordedRequest,
  res: ServerResponse,
  index: number,
) => void | Promise<void>;

export interface ProviderServer {
  baseUrl: string;
  port: number;
  requests: RecordedRequest[];
  /** Replace the handler; `handlers` are used in turn, the last one repeating. */
  answer(...handlers: Handler[]): void;
  close(): Promise<void>;
}

export const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

export const raw =
  (status: number, body: string, contentType = 'text/html'): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': contentType });
    res.end(body);
  };

/** Read the whole request, then drop the connection without a byte of answer. */
export const reset: Handler = (_req, res) => {
  res.socket?.destroy();
};

/** Never answer (until the server closes). */
export const hang: Handler = () => undefined;

export const SEND_OK = {
  success: true,
  code: 200,
  message_id: 307,
  nb_sms: 1,
  cost: 0.038,
  currency: 'EUR',
};

/** A real node:http server on 127.0.0.1 that answers like SMS Partner (under /v1). */
export async function startProvider(port = 0, ...initial: Handler[]): Promise<ProviderServer> {
  let handlers: Handler[] = initial.length > 0 ? initial : [json(200, SEND_OK)];
  const requests: RecordedRequest[] = [];
  let turn = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = Buffer.concat(chunks).toString('utf8');
      let parsed: Record<string, unknown> | undefined;
      try {
        parsed = body ? (JSON.parse(body) as Record<string, unknown>) : undefined;
      } catch {
        parsed = undefined;
      }
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body,
        json: parsed,
      };
      const index = requests.push(recorded) - 1;
      const handler = handlers[Math.min(turn++, handlers.length - 1)] as Handler;
      void handler(recorded, res, index);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${actualPort}/v1`,
    port: actualPort,
    requests,
    answer(...next: Handler[]) {
      handlers = next;
      turn = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port with nothing listening (taken, then released). */
export async function closedPort(): Promise<number> {
  const probe = await startProvider();
  const { port } = probe;
  await probe.close();
  return port;
}

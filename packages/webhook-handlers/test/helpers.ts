import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RawHttpResponse, sendRawRequest } from '../src/testing/index.js';

export type RawResponse = RawHttpResponse;

export async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ server: Server; port: number; close: () => Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The conformance kit's raw sender, addressed by loopback port as these tests do. */
export function rawRequest(
  port: number,
  init: {
    method: string;
    path: string;
    headers?: Record<string, string>;
    body?: string | Uint8Array;
    chunked?: boolean;
  },
): Promise<RawResponse> {
  const { path, chunked, ...request } = init;
  return sendRawRequest(`http://127.0.0.1:${port}`, { ...request, url: path }, { chunked });
}

export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

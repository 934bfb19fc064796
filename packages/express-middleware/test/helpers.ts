import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RawHttpResponse, sendRawRequest } from '@smspartner-kit/webhooks/testing';
import type { Express } from 'express';

export interface Listening {
  /** `http://127.0.0.1:<port>` — supertest is given this URL, never the app (it would bind 0.0.0.0). */
  url: string;
  close(): Promise<void>;
}

/** Starts the app on an ephemeral loopback port. */
export function listen(app: Express): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', (error?: Error) => {
      if (error) {
        reject(error);
        return;
      }
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.closeAllConnections();
            server.close((closeError) => (closeError ? fail(closeError) : done()));
          }),
      });
    });
    server.on('error', reject);
  });
}

export type RawResponse = RawHttpResponse;

/** The webhooks conformance kit's raw sender (exact bytes, optionally chunked), by base URL and path. */
export function rawRequest(
  baseUrl: string,
  init: {
    method: string;
    path: string;
    headers?: Readonly<Record<string, string>>;
    body?: string | Uint8Array;
    chunked?: boolean;
  },
): Promise<RawResponse> {
  const { path, chunked, ...request } = init;
  return sendRawRequest(baseUrl, { ...request, url: path }, { chunked });
}

/** A loopback server whose URL is known before the app exists (apps that need their public URL). */
export async function listenFirst(): Promise<Listening & { serve(app: Express): void }> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    serve: (app) => {
      server.on('request', app);
    },
    close: () =>
      new Promise<void>((done, fail) => {
        server.closeAllConnections();
        server.close((error) => (error ? fail(error) : done()));
      }),
  };
}

/** A promise with its resolve function, for waiting on a handler without timing anything. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

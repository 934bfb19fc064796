import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
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

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: Record<string, unknown> | undefined;
}

/**
 * Sends exactly these bytes with node:http (no client-side normalisation; optionally chunked,
 * without content-length) and resolves on the answer, even if the server closes while we write.
 */
export function rawRequest(
  baseUrl: string,
  init: {
    method: string;
    path: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    chunked?: boolean;
  },
): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { connection: 'close', ...init.headers };
    if (init.body !== undefined && !init.chunked) {
      headers['content-length'] = String(Buffer.byteLength(init.body));
    }
    let answered = false;
    const req = httpRequest(
      { host: hostname, port, method: init.method, path: init.path, headers },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Record<string, unknown> | undefined;
          try {
            json = JSON.parse(text) as Record<string, unknown>;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', (error) => {
      // The server may answer and close while an oversized body is still being written.
      if (!answered) setTimeout(() => (answered ? undefined : reject(error)), 200);
    });
    if (init.body === undefined) {
      req.end();
    } else if (init.chunked) {
      const body = Buffer.isBuffer(init.body) ? init.body : Buffer.from(init.body);
      for (let i = 0; i < body.length; i += 8192) req.write(body.subarray(i, i + 8192));
      req.end();
    } else {
      req.end(init.body);
    }
  });
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

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

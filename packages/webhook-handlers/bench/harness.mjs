// What the HTTP benchmarks share: one server per process (bench/server.mjs), its stats over IPC,
// and the autocannon client posting a distinct receipt per request so deduplication never
// short-cuts the work.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Starts `node bench/server.mjs <mode>`; resolves with `{ mode, child, port }`. */
export function startServer(mode) {
  return new Promise((resolve, reject) => {
    const child = fork(`${here}server.mjs`, [mode], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.once('message', (message) => resolve({ mode, child, port: message.port }));
    child.once('error', reject);
  });
}

/** `{ requests, cpuMicros, ... }` of a server started by `startServer`. */
export function serverStats(child) {
  return new Promise((resolve) => {
    child.once('message', resolve);
    child.send('stats');
  });
}

let counter = 0;

/** Loads a server's receipt route for `seconds` with 32 connections; autocannon's result. */
export function postReceipts(port, seconds) {
  return autocannon({
    url: `http://127.0.0.1:${port}/webhooks/smspartner/dlr?token=bench-secret`,
    connections: Number(process.env.BENCH_CONNECTIONS ?? 32),
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({
          ...req,
          body: `{"messageId":"${++counter}","phoneNumber":"33612345678","status":"Delivered","date":"2025-06-15 10:42:17"}`,
        }),
      },
    ],
  });
}

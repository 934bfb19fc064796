// One server per process, so the benchmark client never shares an event loop with it.
// Usage: node bench/server.mjs bare|middleware|burn:<µs>  → sends { port } over IPC; answers 'stats'
// with its request count and CPU time (user + system µs), a load-independent cost measure.
import { createServer } from 'node:http';
import { createNodeMiddleware, createWebhooks } from '../dist/index.js';

const mode = process.argv[2];
let requests = 0;
let received = 0;
let inner;
let stats = () => ({});
if (mode === 'bare') {
  inner = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  };
} else if (mode.startsWith('burn:')) {
  // A stand-in for the middleware: reads the body, spins for a fixed CPU time, answers like it.
  const micros = Number(mode.slice(5));
  inner = (req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      Buffer.concat(chunks);
      const until = performance.now() + micros / 1000;
      while (performance.now() < until);
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
      });
      res.end('{"ok":true}');
    });
  };
} else {
  const webhooks = createWebhooks({ secret: 'bench-secret' }); // default dedupe + reassembly
  webhooks.on('delivery-receipt', () => {
    received++;
  });
  inner = createNodeMiddleware(webhooks);
  stats = () => ({ received, ...webhooks.stats() });
}
const server = createServer((req, res) => {
  requests++;
  inner(req, res);
});
server.keepAliveTimeout = 60_000;
process.on('message', (message) => {
  if (message === 'stats') {
    const cpu = process.cpuUsage();
    process.send?.({ requests, cpuMicros: cpu.user + cpu.system, ...stats() });
  }
});
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: server.address().port });
});

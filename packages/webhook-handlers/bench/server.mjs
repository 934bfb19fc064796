// One server per process, so the benchmark client never shares an event loop with it.
// Usage: node bench/server.mjs bare|middleware  → prints the port on stdout.
import { createServer } from 'node:http';
import { createNodeMiddleware, createWebhooks } from '../dist/index.js';

const mode = process.argv[2];
let handler;
if (mode === 'bare') {
  handler = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  };
} else {
  const webhooks = createWebhooks({ secret: 'bench-secret' }); // default dedupe + reassembly
  let received = 0;
  webhooks.on('delivery-receipt', () => {
    received++;
  });
  handler = createNodeMiddleware(webhooks);
  process.on('message', (message) => {
    if (message === 'stats') process.send?.({ received, ...webhooks.stats() });
  });
}
const server = createServer(handler);
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: server.address().port });
});

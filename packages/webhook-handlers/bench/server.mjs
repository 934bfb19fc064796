// One server per process, so the benchmark client never shares an event loop with it.
// Usage: node bench/server.mjs bare|middleware|no-dedupe|map-store|burn:<µs>  → sends { port } over IPC; answers 'stats'
// with its request count and CPU time (user + system µs), a load-independent cost measure.
import { createServer } from 'node:http';
import { createNodeMiddleware, createWebhooks } from '../dist/index.js';

const mode = process.argv[2];

/**
 * Key strings in Maps, bounded by two generations (a hit in the old one moves to the new one; when
 * the new one is full it becomes the old one): O(1), no eviction walk, and every key a string
 * kept alive on the heap, as in any Map-based LRU (lru-cache, or this package's previous store).
 */
function mapStore(maxEntries = 100_000) {
  let young = new Map();
  let old = new Map();
  return {
    get(key) {
      let entry = young.get(key);
      if (!entry) {
        entry = old.get(key);
        if (entry) young.set(key, entry);
      }
      return entry && entry.expiresAt > Date.now() ? entry.value : undefined;
    },
    set(key, value, ttlMs) {
      young.set(key, { value, expiresAt: Date.now() + ttlMs });
      if (young.size >= maxEntries / 2) {
        old = young;
        young = new Map();
      }
    },
  };
}
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
  // 'middleware': defaults. 'no-dedupe': deduplication off. 'map-store': keys as strings in
  // Maps, the baseline of the store A/B (bench/store-ab.mjs).
  const dedupe = mode === 'no-dedupe' ? false : mode === 'map-store' ? { store: mapStore() } : true;
  const webhooks = createWebhooks({ secret: 'bench-secret', dedupe }); // default reassembly
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

// One server per process, so the benchmark client never shares an event loop with it.
// Usage: node bench/server.mjs ours|octokit → sends { port } over IPC; answers 'stats' with its
// request count, dispatched events and CPU time (user + system µs), a load-independent cost.
import { createServer } from 'node:http';
import {
  Webhooks as OctokitWebhooks,
  createNodeMiddleware as octokitMiddleware,
} from '@octokit/webhooks';
import { createNodeMiddleware, createWebhooks } from '../dist/index.js';
import { OCTOKIT_SECRET, SECRET } from './payloads.mjs';

const mode = process.argv[2];
let requests = 0;
let received = 0;
let handler;
if (mode === 'ours') {
  // Defaults: token check, strict parsing, dedupe claim in the in-memory store, dispatch.
  const webhooks = createWebhooks({ secret: SECRET });
  webhooks.on('delivery-receipt', () => {
    received++;
  });
  handler = createNodeMiddleware(webhooks);
} else if (mode === 'octokit') {
  // HMAC-SHA256 signature check, JSON parse, dispatch.
  const webhooks = new OctokitWebhooks({ secret: OCTOKIT_SECRET });
  webhooks.on('push', () => {
    received++;
  });
  handler = octokitMiddleware(webhooks, { path: '/api/github/webhooks' });
} else throw new Error(`unknown mode ${mode}`);

const server = createServer((req, res) => {
  requests++;
  handler(req, res);
});
server.keepAliveTimeout = 60_000;
process.on('message', (message) => {
  if (message !== 'stats') return;
  const cpu = process.cpuUsage();
  process.send?.({ requests, received, cpuMicros: cpu.user + cpu.system });
});
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));

// One app instance: an HTTP server that deduplicates receipts and reassembles replies with the
// Redis stores, as @smspartner-kit/webhooks does with them. Counts what it emitted, for the parent.
import http from 'node:http';
import { Redis } from 'ioredis';
import { RedisReassemblyStore, RedisWebhookStore } from '../dist/index.js';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const keyPrefix = process.env.KEY_PREFIX;
const dedupe = new RedisWebhookStore(redis, { keyPrefix });
const parts = new RedisReassemblyStore(redis, { keyPrefix });
const emitted = { receipts: [], replies: [] };

const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => {
    body += chunk;
  });
  req.on('end', async () => {
    try {
      const p = JSON.parse(body);
      if (req.url === '/dlr') {
        if (await dedupe.claim(`dlr:${p.messageId}:${p.status}`, 86_400_000)) {
          emitted.receipts.push(p.messageId);
        }
      } else {
        const whole = await parts.addPart(
          `${p.msisdn}:${p['concat-ref']}`,
          Number(p['concat-part']),
          Number(p['concat-total']),
          p.text,
          60_000,
        );
        if (whole) emitted.replies.push([p['concat-ref'], whole.join('')]);
      }
      res.end('ok');
    } catch (error) {
      res.statusCode = 500;
      res.end(String(error));
    }
  });
});
// Longer than the client's idle sockets live, so a reused connection is never closed under it.
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', async (message) => {
  if (message === 'report') process.send({ emitted });
  if (message === 'expired')
    process.send({ expired: await parts.takeExpired(Date.now() + 120_000) });
});
process.on('disconnect', () => process.exit(0));

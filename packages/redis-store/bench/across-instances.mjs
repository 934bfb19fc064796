// Webhooks across instances: two processes share the Redis stores. The same receipt posted N
// times spread over both → 1 event; N three-part replies, parts shuffled over both → N whole
// replies, none twice, none left incomplete. Usage: node bench/across-instances.mjs [--n=1000]
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const N = Number(process.argv.find((a) => a.startsWith('--n='))?.slice(4) ?? 1000);
const KEY_PREFIX = `bench-${randomBytes(3).toString('hex')}:`;
const INSTANCE = fileURLToPath(new URL('./instance.mjs', import.meta.url));

function start() {
  const child = fork(INSTANCE, [], { env: { ...process.env, REDIS_URL, KEY_PREFIX } });
  return new Promise((resolve) => child.once('message', ({ port }) => resolve({ child, port })));
}
const ask = (child, what) =>
  new Promise((resolve) => {
    child.once('message', resolve);
    child.send(what);
  });

const instances = [await start(), await start()];
const post = (i, path, payload) =>
  fetch(`http://127.0.0.1:${instances[i % 2].port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  }).then((r) => r.text());

async function inParallel(tasks, concurrency = 50) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < tasks.length) await tasks[next++]();
    }),
  );
}

let start0 = performance.now();
const receipt = { messageId: '1764688000000001', phoneNumber: '33612345678', status: 'Delivered' };
await inParallel(Array.from({ length: N }, (_, i) => () => post(i, '/dlr', receipt)));
const receiptSeconds = (performance.now() - start0) / 1000;

const parts = [];
for (let g = 0; g < N; g++) {
  for (let part = 1; part <= 3; part++) {
    parts.push({
      msisdn: '33612345678',
      'concat-ref': String(g),
      'concat-total': '3',
      'concat-part': String(part),
      text: `${g}.${part}|`,
    });
  }
}
for (let i = parts.length - 1; i > 0; i--) {
  const j = Math.floor(Math.random() * (i + 1));
  [parts[i], parts[j]] = [parts[j], parts[i]];
}
start0 = performance.now();
await inParallel(parts.map((p, i) => () => post(i, '/reply', p)));
const replySeconds = (performance.now() - start0) / 1000;

const reports = await Promise.all(instances.map(({ child }) => ask(child, 'report')));
const receipts = reports.flatMap((r) => r.emitted.receipts);
const replies = reports.flatMap((r) => r.emitted.replies);
const refs = new Set(replies.map(([ref]) => ref));
const wrong = replies.filter(([ref, text]) => text !== `${ref}.1|${ref}.2|${ref}.3|`).length;
const { expired } = await ask(instances[0].child, 'expired');
console.log(
  JSON.stringify({
    receiptPosts: N,
    receiptEvents: receipts.length,
    receiptEventsPerInstance: reports.map((r) => r.emitted.receipts.length),
    replyParts: parts.length,
    wholeReplies: replies.length,
    distinctReplies: refs.size,
    repliesPerInstance: reports.map((r) => r.emitted.replies.length),
    wronglyAssembled: wrong,
    leftIncomplete: expired.length,
    receiptPostsPerSecond: Number((N / receiptSeconds).toFixed(0)),
    replyPartsPerSecond: Number((parts.length / replySeconds).toFixed(0)),
  }),
);
const redis = new Redis(REDIS_URL);
const keys = await redis.keys(`${KEY_PREFIX}*`);
if (keys.length) await redis.del(...keys);
await redis.quit();
for (const { child } of instances) child.kill();
process.exit(
  receipts.length === 1 && replies.length === N && refs.size === N && !wrong && !expired.length
    ? 0
    : 1,
);

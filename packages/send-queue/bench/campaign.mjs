// A campaign of N recipients read from an async generator, W worker processes sending: Redis
// memory sampled throughout (INFO memory, used_memory, minus the value before), progress to 100 %.
// Usage: node bench/campaign.mjs [--recipients=100000] [--workers=4] [--max-waiting=20000]
import { Redis } from 'ioredis';
import { createSendQueue } from '../dist/index.js';
import {
  arg,
  deleteUnder,
  newPrefix,
  phone,
  REDIS_URL,
  sandbox,
  sleep,
  startWorker,
  stop,
} from './lib.mjs';

const RECIPIENTS = arg('recipients', 100_000);
const WORKERS = arg('workers', 4);
const MAX_WAITING = arg('max-waiting', 20_000);

const redis = new Redis(REDIS_URL);
const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
const sb = await sandbox({ maxMessages: 10 }); // history not needed: no reconciliation expected
const prefix = newPrefix('campaign');
const queue = createSendQueue({ connection: REDIS_URL, prefix });
const before = await usedMemory();
let peak = 0;
let sampling = true;
const sampler = (async () => {
  while (sampling) {
    peak = Math.max(peak, (await usedMemory()) - before);
    await sleep(250);
  }
})();
// BullMQ's default 30 s lock: no worker is killed here.
const env = {
  PREFIX: prefix,
  BASE_URL: sb.baseUrl,
  CONCURRENCY: '20',
  TIMEOUT_MS: '10000', // core's default; a short one turns an overloaded sandbox into unknown outcomes
  LOCK_MS: '30000',
  STALLED_MS: '30000',
};
const workers = await Promise.all(Array.from({ length: WORKERS }, () => startWorker(env)));

async function* recipients() {
  for (let i = 0; i < RECIPIENTS; i++) yield phone(i);
}
const start = performance.now();
const progressDuringEnqueue = setInterval(() => {
  const t = ((performance.now() - start) / 1000).toFixed(0);
  console.log(`${t} s: enqueuing, peak Redis +${(peak / 2 ** 20).toFixed(1)} MiB`);
}, 10_000);
const result = await queue.enqueueCampaign(
  recipients(),
  'Nouvelle collection : -20 % ce week-end',
  {
    category: 'transactional', // the window is tested elsewhere; here: volume
    maxWaiting: MAX_WAITING,
  },
);
clearInterval(progressDuringEnqueue);
const enqueueSeconds = (performance.now() - start) / 1000;
console.log(`enqueued ${result.enqueued} in ${enqueueSeconds.toFixed(1)} s`);
let progress;
for (let tick = 0; ; tick++) {
  progress = await queue.getCampaign(result.campaignId);
  if (progress.progress === 1) break;
  if (tick % 10 === 0) {
    const t = ((performance.now() - start) / 1000).toFixed(0);
    console.log(`${t} s: ${progress.sent} sent, peak Redis +${(peak / 2 ** 20).toFixed(1)} MiB`);
  }
  await sleep(1000);
}
const seconds = (performance.now() - start) / 1000;
sampling = false;
await sampler;
const after = (await usedMemory()) - before;
const accepted = sb.accepted();
console.log(
  JSON.stringify({
    recipients: RECIPIENTS,
    workers: WORKERS,
    maxWaiting: MAX_WAITING,
    enqueueSeconds: Number(enqueueSeconds.toFixed(1)),
    seconds: Number(seconds.toFixed(1)),
    sendsPerSecond: Number((RECIPIENTS / seconds).toFixed(1)),
    progress,
    sandboxAccepted: accepted.total,
    duplicateTags: accepted.duplicateTags.length,
    redisPeakMiB: Number((peak / 2 ** 20).toFixed(1)),
    redisAfterMiB: Number((after / 2 ** 20).toFixed(1)),
  }),
);
await Promise.all(workers.map((w) => stop(w)));
await queue.close();
await sb.close();
await deleteUnder(prefix);
await redis.quit();
process.exit(0);

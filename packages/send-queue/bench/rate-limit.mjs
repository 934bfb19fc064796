// Rate limit held across workers: first the sandbox's own maximum (a direct client.send loop),
// then W worker processes unlimited (ratio to that maximum), then W workers with rateLimit
// N per second against a sandbox that enforces N/s itself (as the provider would): the most
// sends in any 1-second window of the sandbox's records, the rate reached, and the 429s.
// Usage: node bench/rate-limit.mjs [--limit=200] [--workers=4] [--sends=4000]
import { createSendQueue } from '../dist/index.js';
import {
  arg,
  deleteUnder,
  directRate,
  newPrefix,
  phone,
  REDIS_URL,
  sandbox,
  sleep,
  startWorker,
  stop,
  windows,
} from './lib.mjs';

const LIMIT = arg('limit', 200);
const WORKERS = arg('workers', 4);
const SENDS = arg('sends', 4000);

async function run(limit) {
  const sb = await sandbox(limit ? { rateLimit: { perSecond: limit } } : {});
  const prefix = newPrefix('rate');
  const queue = createSendQueue({ connection: REDIS_URL, prefix });
  for (let i = 0; i < SENDS; i += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, SENDS - i) }, (_, k) =>
        queue.enqueue({ to: phone(i + k), message: 'rate' }),
      ),
    );
  }
  const env = {
    PREFIX: prefix,
    BASE_URL: sb.baseUrl,
    CONCURRENCY: '50',
    ...(limit ? { RATE_MAX: String(limit), RATE_MS: '1000' } : {}),
  };
  // Workers start paused behind the queue being filled; the clock starts with the first send.
  const workers = await Promise.all(Array.from({ length: WORKERS }, () => startWorker(env)));
  for (;;) {
    const c = await queue.counts();
    if ((c.completed ?? 0) + (c.failed ?? 0) >= SENDS) break;
    await sleep(200);
  }
  const times = sb.messages().map((m) => m.createdAt.getTime());
  const spanSeconds = (Math.max(...times) - Math.min(...times)) / 1000;
  const state = await (await fetch(`${sb.url}/__sandbox/state`)).json();
  const counts = await queue.counts();
  await Promise.all(workers.map((w) => stop(w)));
  await queue.close();
  await sb.close();
  await deleteUnder(prefix);
  return {
    sent: sb.accepted?.().total ?? times.length,
    failed: counts.failed ?? 0,
    rate: (times.length - 1) / spanSeconds,
    ...windows(times),
    rateLimited429: state.rateLimited,
  };
}

const direct = await (async () => {
  const sb = await sandbox();
  const rate = await directRate(sb, Math.min(SENDS, 4000), 50 * WORKERS);
  await sb.close();
  return rate;
})();
const unlimited = await run(0);
const limited = await run(LIMIT);
console.log(
  JSON.stringify({
    workers: WORKERS,
    sends: SENDS,
    directSendsPerSecond: Number(direct.toFixed(1)),
    unlimited: {
      ...unlimited,
      rate: Number(unlimited.rate.toFixed(1)),
      ratioToDirect: Number((unlimited.rate / direct).toFixed(2)),
    },
    limited: {
      limit: LIMIT,
      ...limited,
      rate: Number(limited.rate.toFixed(1)),
      ratioToLimit: Number((limited.rate / LIMIT).toFixed(3)),
      maxInAnySlidingSecond: limited.sliding,
      maxInAnyCalendarSecond: limited.calendar,
    },
  }),
);
process.exit(0);

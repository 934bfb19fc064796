import { createSendQueue, createSendWorker } from '@smspartner-kit/queue';
import { expect, it } from 'vitest';
import {
  clientFor,
  describeWithRedis,
  eventually,
  onCleanup,
  phone,
  redisUrl,
  sandbox,
  uniquePrefix,
  workerClient,
} from './helpers.js';

/** Most sends in any span of `spanMs` (a sliding window over the sandbox's own records). */
function slidingMax(times: number[], spanMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[i] as number) - (sorted[j] as number) >= spanMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describeWithRedis('global rate limit (small version of bench/rate-limit.mjs)', () => {
  it('20/s across 2 workers: no 1-second window of the sandbox exceeds it, nothing fails', async () => {
    // The sandbox enforces 20/s itself, as the provider would. Our limiter counts job starts; the
    // network may shift an arrival by a few ms, and the rare 429 that follows is a pause and a
    // retry, never a failure or a lost send.
    const sb = await sandbox({ rateLimit: { perSecond: 20 } });
    const prefix = uniquePrefix();
    const queue = createSendQueue({ connection: redisUrl, prefix });
    onCleanup(() => queue.close());
    const workers = [1, 2].map(() =>
      createSendWorker({
        connection: redisUrl,
        prefix,
        client: workerClient(sb, clientFor(sb)),
        concurrency: 20,
        rateLimit: { max: 20, durationMs: 1000 },
      }),
    );
    for (const worker of workers) onCleanup(() => worker.close());
    const ids = [];
    for (let i = 0; i < 60; i++)
      ids.push((await queue.enqueue({ to: phone(i), message: 'hi' })).id);
    await eventually(async () => {
      const c = await queue.counts();
      return c.completed === 60 ? true : undefined;
    }, '60 sends');
    const times = sb.messages().map((m) => m.createdAt.getTime());
    expect(times).toHaveLength(60);
    expect(slidingMax(times, 1000)).toBeLessThanOrEqual(20);
    const state = await (await fetch(`${sb.url}/__sandbox/state`)).json();
    expect(state.rateLimited).toBeLessThanOrEqual(3);
    expect((await queue.counts()).failed).toBe(0);
  });
});

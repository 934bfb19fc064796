import { createSendQueue, createSendWorker } from '@smspartner-kit/queue';
import { Queue } from 'bullmq';
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

const t = (iso: string) => Date.parse(iso);

describeWithRedis('marketing window in the queue (fake clock)', () => {
  it.each([
    ['Saturday 19:59:30 goes at once', '2026-12-05T19:59:30+01:00', '2026-12-05T19:59:30+01:00'],
    ['a Sunday waits for Monday 08:00', '2026-12-06T10:00:00+01:00', '2026-12-07T08:00:00+01:00'],
    ['14 July waits for the 15th', '2026-07-14T09:00:00+02:00', '2026-07-15T08:00:00+02:00'],
    ['spring DST weekend', '2026-03-28T21:00:00+01:00', '2026-03-30T08:00:00+02:00'],
    ['autumn DST weekend', '2026-10-24T20:00:00+02:00', '2026-10-26T08:00:00+01:00'],
  ])('%s', async (_label, nowIso, dueIso) => {
    const prefix = uniquePrefix();
    const queue = createSendQueue({ connection: redisUrl, prefix, now: () => t(nowIso) });
    onCleanup(() => queue.close());
    const marketing = await queue.enqueue(
      { to: phone(1), message: 'Soldes -20 %', isStopSms: true },
      { category: 'marketing' },
    );
    const transactional = await queue.enqueue({ to: phone(2), message: 'Code 1234' });
    expect(new Date(marketing.dueAt).toISOString()).toBe(new Date(t(dueIso)).toISOString());
    expect(transactional.dueAt).toBe(t(nowIso));
    const bull = new Queue('smspartner-sends', { connection: { url: redisUrl }, prefix });
    onCleanup(() => bull.close());
    const job = await bull.getJob(marketing.id);
    expect(job?.delay).toBe(t(dueIso) - t(nowIso));
    expect((await queue.getSend(marketing.id)).state).toBe(
      t(dueIso) > t(nowIso) ? 'delayed' : 'waiting',
    );
  });

  it('a marketing job that reaches a worker after 20:00 is held again, not sent', async () => {
    const sb = await sandbox();
    const prefix = uniquePrefix();
    // queued at 19:59:30 on a Saturday (due at once), processed by a worker whose clock says 20:00:05
    const queue = createSendQueue({
      connection: redisUrl,
      prefix,
      now: () => t('2026-12-05T19:59:30+01:00'),
    });
    onCleanup(() => queue.close());
    const job = await queue.enqueue(
      { to: phone(3), message: 'Soldes', isStopSms: true },
      { category: 'marketing' },
    );
    const transactional = await queue.enqueue({ to: phone(4), message: 'Code 1234' });
    const workerNow = t('2026-12-05T20:00:05+01:00');
    const worker = createSendWorker({
      connection: redisUrl,
      prefix,
      client: workerClient(sb, clientFor(sb)),
      now: () => workerNow,
    });
    onCleanup(() => worker.close());
    await eventually(
      async () => ((await queue.getSend(transactional.id)).state === 'sent' ? true : undefined),
      'the transactional send',
    );
    await eventually(
      async () => ((await queue.getSend(job.id)).state === 'delayed' ? true : undefined),
      'the marketing job held',
    );
    expect(sb.messages().map((m) => m.to)).toEqual([phone(4)]);
    const bull = new Queue('smspartner-sends', { connection: { url: redisUrl }, prefix });
    onCleanup(() => bull.close());
    const held = await bull.getJob(job.id);
    const until = (held?.timestamp ?? 0) + (held?.delay ?? 0);
    const expected = Date.now() + (t('2026-12-07T08:00:00+01:00') - workerNow);
    // Monday 08:00 in the worker's clock, translated to real time (tolerance: the test's own run time)
    expect(Math.abs(until - expected)).toBeLessThan(60_000);
  });
});

import { SmsPartnerConfigError } from '@smspartner-kit/core';
import { type CampaignProgress, createSendQueue, createSendWorker } from '@smspartner-kit/queue';
import { expect, it } from 'vitest';
import {
  clientFor,
  describeWithRedis,
  eventually,
  onCleanup,
  phone,
  redisUrl,
  sandbox,
  sleep,
  uniquePrefix,
  workerClient,
} from './helpers.js';

describeWithRedis('campaigns', () => {
  it('2,000 recipients streamed: each sent once, invalid ones reported, counters reach 100 %', async () => {
    const sb = await sandbox();
    const prefix = uniquePrefix();
    const queue = createSendQueue({ connection: redisUrl, prefix });
    onCleanup(() => queue.close());
    const progress: CampaignProgress[] = [];
    queue.on('campaign-progress', (p) => progress.push(p));
    await sleep(200); // the events reader starts at "now"
    const worker = createSendWorker({
      connection: redisUrl,
      prefix,
      client: workerClient(sb, clientFor(sb)),
      concurrency: 50,
    });
    onCleanup(() => worker.close());

    async function* recipients() {
      for (let i = 0; i < 2000; i++) {
        yield i === 10 ? { to: phone(i), message: 'Bonjour Alice' } : phone(i);
        if (i === 500) yield phone(3); // listed twice
        if (i === 700) yield 'not-a-number';
      }
    }
    const result = await queue.enqueueCampaign(recipients(), 'Nouvelle collection', {
      campaignId: 'winter-2026',
      category: 'transactional',
      chunkSize: 300,
    });
    expect(result).toMatchObject({ campaignId: 'winter-2026', enqueued: 2000, duplicates: 1 });
    expect(result.invalid).toEqual([
      expect.objectContaining({ index: 702, to: 'not-a-number', reason: expect.any(String) }),
    ]);
    const done = await eventually(
      async () => {
        const c = await queue.getCampaign('winter-2026');
        return c && c.progress === 1 ? c : undefined;
      },
      'the campaign to finish',
      90_000,
    );
    expect(done).toMatchObject({
      enqueued: 2000,
      sent: 2000,
      failed: 0,
      invalid: 1,
      duplicates: 1,
      pending: 0,
      enqueuing: false,
    });
    const accepted = sb.accepted();
    expect(accepted.total).toBe(2000);
    expect(accepted.duplicateTags).toEqual([]);
    expect(Object.values(accepted.byRecipient).every((n) => n === 1)).toBe(true);
    expect(sb.messages().find((m) => m.to === phone(10))?.text).toBe('Bonjour Alice');
    expect(sb.messages().find((m) => m.to === phone(11))?.text).toBe('Nouvelle collection');
    const last = await eventually(
      () => progress.find((p) => p.pending === 0),
      'a final campaign-progress event',
    );
    expect(last).toMatchObject({ id: 'winter-2026', sent: 2000, progress: 1 });

    // Running it again (e.g. after a crash while reading) queues nobody twice.
    const again = await queue.enqueueCampaign(recipients(), 'Nouvelle collection', {
      campaignId: 'winter-2026',
      category: 'transactional',
    });
    expect(again).toMatchObject({ enqueued: 0, duplicates: 2001 });
  }, 180_000);

  it('reading pauses while maxWaiting jobs wait (bounded Redis memory), and resumes', async () => {
    const sb = await sandbox();
    const prefix = uniquePrefix();
    const queue = createSendQueue({ connection: redisUrl, prefix });
    onCleanup(() => queue.close());
    let read = 0;
    function* recipients() {
      for (let i = 0; i < 300; i++) {
        read++;
        yield phone(i);
      }
    }
    const enqueuing = queue.enqueueCampaign(recipients(), 'hello', {
      category: 'transactional',
      chunkSize: 10,
      maxWaiting: 50,
    });
    await eventually(
      async () => (((await queue.counts()).waiting ?? 0) >= 50 ? true : undefined),
      '50 waiting',
    );
    for (let i = 0; i < 5; i++) {
      // the reader holds at most one chunk beyond the limit, whatever the timing
      expect(read).toBeLessThanOrEqual(50 + 10 + 1);
      expect((await queue.counts()).waiting ?? 0).toBeLessThanOrEqual(50 + 10);
      await sleep(50);
    }
    const worker = createSendWorker({
      connection: redisUrl,
      prefix,
      client: workerClient(sb, clientFor(sb)),
      concurrency: 20,
    });
    onCleanup(() => worker.close());
    const result = await enqueuing;
    expect(result.enqueued).toBe(300);
    const c = await eventually(async () => {
      const p = await queue.getCampaign(result.campaignId);
      return p?.progress === 1 ? p : undefined;
    }, 'campaign end');
    expect(c.sent).toBe(300);
    expect(sb.accepted().total).toBe(300);
  });

  it('a campaign needs an explicit category and a valid message', async () => {
    const queue = createSendQueue({ connection: redisUrl, prefix: uniquePrefix() });
    onCleanup(() => queue.close());
    await expect(queue.enqueueCampaign([phone(1)], 'x', {} as never)).rejects.toThrow(
      SmsPartnerConfigError,
    );
    await expect(queue.enqueueCampaign([phone(1)], '', { category: 'marketing' })).rejects.toThrow(
      /message/,
    );
    expect(await queue.getCampaign('never-started')).toBeUndefined();
  });
});

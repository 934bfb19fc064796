import {
  SmsPartnerClient,
  SmsPartnerConfigError,
  SmsPartnerValidationError,
} from '@smspartner-kit/core';
import { createSendQueue, createSendWorker, type SendQueueEvents } from '@smspartner-kit/queue';
import { expect, it } from 'vitest';
import {
  blackHole,
  clientFor,
  describeWithRedis,
  eventually,
  FROM,
  onCleanup,
  phone,
  redisUrl,
  sandbox,
  tagCounts,
  uniquePrefix,
  workerClient,
} from './helpers.js';

async function setup(
  workerOptions: Partial<Parameters<typeof createSendWorker>[0]> = {},
  queueOptions: Partial<Parameters<typeof createSendQueue>[0]> = {},
  // A short client timeout only where a test needs one: on a loaded machine it would turn
  // ordinary sends into (correctly reconciled) unknown outcomes.
  timeoutMs = 5_000,
) {
  const sb = await sandbox();
  const prefix = uniquePrefix();
  const queue = createSendQueue({ connection: redisUrl, prefix, backoffMs: 10, ...queueOptions });
  onCleanup(() => queue.close());
  const worker = createSendWorker({
    connection: redisUrl,
    prefix,
    client: workerClient(sb, clientFor(sb, { timeoutMs })),
    reconcileDelayMs: 50,
    settleMs: 2 * timeoutMs + 200,
    ...workerOptions,
  });
  onCleanup(() => worker.close());
  const events: { [K in keyof SendQueueEvents]?: SendQueueEvents[K][] } = {};
  for (const name of ['sent', 'failed', 'outcome-unknown', 'reconciled'] as const) {
    const list: SendQueueEvents[typeof name][] = [];
    events[name] = list as never;
    worker.on(name, (payload) => list.push(payload));
  }
  return { sb, prefix, queue, worker, events };
}

describeWithRedis('send queue over the sandbox', () => {
  it('sends a queued SMS once, tagged with its job id, and reports it', async () => {
    const { sb, queue } = await setup();
    const fromQueue: SendQueueEvents['sent'][] = [];
    queue.on('sent', (e) => fromQueue.push(e));
    await new Promise((resolve) => setTimeout(resolve, 200)); // the events reader starts at "now"
    const job = await queue.enqueue({ to: '0612345678', message: 'Votre code : 1234' });
    expect(job.id).toMatch(/^[a-z0-9]{20}$/);
    expect(job.duplicate).toBe(false);
    const status = await eventually(async () => {
      const s = await queue.getSend(job.id);
      return s.state === 'sent' ? s : undefined;
    }, 'the send');
    expect(sb.messages()).toHaveLength(1);
    expect(sb.messages()[0]).toMatchObject({ tag: job.id, to: '33612345678', from: FROM });
    expect(status).toMatchObject({
      id: job.id,
      state: 'sent',
      to: '33612345678',
      reconciled: false,
    });
    expect(status.messageId, JSON.stringify(status)).toBe(sb.messages()[0]?.messageId);
    const event = await eventually(() => fromQueue[0], 'the sent event through Redis');
    expect(event).toMatchObject({ id: job.id, to: '33612345678', reconciled: false });
  });

  it('a repeated idempotency key queues nothing and returns the first job, even after it was sent', async () => {
    const { sb, queue } = await setup();
    const first = await queue.enqueue(
      { to: phone(1), message: 'hi' },
      { idempotencyKey: 'order-1' },
    );
    const second = await queue.enqueue(
      { to: phone(1), message: 'hi' },
      { idempotencyKey: 'order-1' },
    );
    expect(second).toMatchObject({ id: first.id, duplicate: true });
    await eventually(
      async () => ((await queue.getSend(first.id)).state === 'sent' ? true : undefined),
      'sent',
    );
    const third = await queue.enqueue(
      { to: phone(1), message: 'hi' },
      { idempotencyKey: 'order-1' },
    );
    expect(third).toMatchObject({ id: first.id, duplicate: true });
    const other = await queue.enqueue(
      { to: phone(1), message: 'hi' },
      { idempotencyKey: 'order-2' },
    );
    expect(other.duplicate).toBe(false);
    await eventually(
      async () => ((await queue.getSend(other.id)).state === 'sent' ? true : undefined),
      'sent',
    );
    expect(
      sb
        .messages()
        .map((m) => m.tag)
        .sort(),
    ).toEqual([first.id, other.id].sort());
  });

  it('refuses bad input before queueing, naming the field', async () => {
    const { queue } = await setup();
    await expect(queue.enqueue({ to: 'not a number', message: 'x' })).rejects.toThrow(
      SmsPartnerValidationError,
    );
    await expect(queue.enqueue({ to: 'not a number', message: 'x' })).rejects.toMatchObject({
      issues: [{ field: 'to', message: expect.stringMatching(/digits/) }],
    });
    await expect(
      queue.enqueue({ to: phone(2), message: 'x', tag: 'mine' } as never),
    ).rejects.toThrow(/tag/);
    await expect(
      queue.enqueue({ to: phone(2), message: 'x' }, { category: 'promo' as never }),
    ).rejects.toThrow(/category/);
    expect(await queue.counts()).toMatchObject({ waiting: 0, delayed: 0 });
    expect(() => createSendQueue({ connection: redisUrl, atempts: 3 } as never)).toThrow(
      SmsPartnerConfigError,
    );
    expect(() => createSendWorker({ connection: redisUrl, client: {} as never })).toThrow(/client/);
  });

  it('timeout after the provider accepted: outcome unknown, reconciled by tag, never sent twice', async () => {
    const { sb, queue, events } = await setup({}, {}, 300);
    sb.injectFault({ type: 'timeout' });
    const job = await queue.enqueue({ to: phone(3), message: 'hello' });
    const status = await eventually(async () => {
      const s = await queue.getSend(job.id);
      return s.state === 'sent' ? s : undefined;
    }, 'reconciliation');
    expect(status.reconciled).toBe(true);
    expect(tagCounts(sb).get(job.id)).toBe(1);
    expect(events['outcome-unknown']?.[0]).toMatchObject({ id: job.id });
    expect(events.reconciled?.[0]).toMatchObject({ id: job.id, found: true });
    expect(events.sent?.[0]).toMatchObject({ id: job.id, reconciled: true });
  });

  it('connection reset after the request: reconciled, sent once', async () => {
    const { sb, queue } = await setup();
    sb.injectFault({ type: 'reset' });
    const job = await queue.enqueue({ to: phone(4), message: 'hello' });
    await eventually(
      async () => ((await queue.getSend(job.id)).state === 'sent' ? true : undefined),
      'sent',
    );
    expect(tagCounts(sb).get(job.id)).toBe(1);
  });

  it('unknown outcome and the tag is not found: dead-lettered with the reason, not resent', async () => {
    const sb = await sandbox();
    const hole = await blackHole();
    const prefix = uniquePrefix();
    const queue = createSendQueue({ connection: redisUrl, prefix });
    onCleanup(() => queue.close());
    const sender = new SmsPartnerClient({
      apiKey: 'k',
      baseUrl: hole.baseUrl,
      from: FROM,
      timeoutMs: 200,
    });
    const worker = createSendWorker({
      connection: redisUrl,
      prefix,
      client: workerClient(sb, sender),
      reconcileDelayMs: 50,
      settleMs: 500,
    });
    onCleanup(() => worker.close());
    const failed: SendQueueEvents['failed'][] = [];
    worker.on('failed', (e) => failed.push(e));
    const job = await queue.enqueue({ to: phone(5), message: 'hello' });
    const status = await eventually(async () => {
      const s = await queue.getSend(job.id);
      return s.state === 'failed' ? s : undefined;
    }, 'dead letter');
    expect(status.reason).toMatch(/unknown-not-found/);
    expect(status.reason).toContain(job.id);
    expect(hole.received()).toBe(1);
    expect(failed).toEqual([expect.objectContaining({ id: job.id, code: 'unknown-not-found' })]);
  });

  it('with resendAfterMs, an unknown outcome whose tag is not found is resent once after the grace period', async () => {
    const sb = await sandbox();
    const hole = await blackHole();
    const prefix = uniquePrefix();
    const queue = createSendQueue({ connection: redisUrl, prefix });
    onCleanup(() => queue.close());
    let calls = 0;
    const toHole = new SmsPartnerClient({
      apiKey: 'k',
      baseUrl: hole.baseUrl,
      from: FROM,
      timeoutMs: 200,
    });
    const toSandbox = clientFor(sb);
    // first request into the black hole (outcome unknown), the next to the sandbox
    const client = workerClient(sb, toSandbox);
    const worker = createSendWorker({
      connection: redisUrl,
      prefix,
      client: {
        ...client,
        send: (p: Parameters<typeof client.send>[0]) =>
          calls++ === 0 ? toHole.send(p) : toSandbox.send(p),
      },
      reconcileDelayMs: 50,
      settleMs: 500,
      resendAfterMs: 1000,
    });
    onCleanup(() => worker.close());
    const job = await queue.enqueue({ to: phone(6), message: 'hello' });
    await eventually(
      async () => ((await queue.getSend(job.id)).state === 'sent' ? true : undefined),
      'resent',
    );
    expect(calls).toBe(2);
    expect(tagCounts(sb).get(job.id)).toBe(1);
  });

  it('HTTP 500 (nothing accepted) is retried with backoff and sent once', async () => {
    const { sb, queue } = await setup();
    sb.injectFault({ type: 'http500', count: 2 });
    const job = await queue.enqueue({ to: phone(7), message: 'hello' });
    await eventually(
      async () => ((await queue.getSend(job.id)).state === 'sent' ? true : undefined),
      'sent',
    );
    expect(tagCounts(sb).get(job.id)).toBe(1);
  });

  it('HTTP 429 pauses the workers and retries without counting a failure', async () => {
    const { sb, queue, events } = await setup({ rateLimitedPauseMs: 100 });
    sb.injectFault({ type: 'http429', count: 3 });
    const job = await queue.enqueue({ to: phone(8), message: 'hello' });
    await eventually(
      async () => ((await queue.getSend(job.id)).state === 'sent' ? true : undefined),
      'sent',
    );
    expect(tagCounts(sb).get(job.id)).toBe(1);
    expect(events.failed ?? []).toEqual([]);
  });

  it('a provider refusal (number on the STOP list) is dead-lettered as rejected, not retried', async () => {
    const { sb, queue, events } = await setup();
    await clientFor(sb).stopList.add(phone(9));
    const job = await queue.enqueue({ to: phone(9), message: 'hello' });
    const status = await eventually(async () => {
      const s = await queue.getSend(job.id);
      return s.state === 'failed' ? s : undefined;
    }, 'rejection');
    expect(status.reason).toMatch(/^rejected: .*14/);
    expect(events.failed?.[0]).toMatchObject({ id: job.id, code: 'rejected' });
    expect(sb.messages().filter((m) => m.to === phone(9))).toEqual([]);
  });

  it('a worker too slow to start its request within settleMs / 2 undoes the attempt: never sent, gave up', async () => {
    let clock = Date.parse('2026-12-07T10:00:00Z');
    const { sb, queue, events } = await setup(
      { settleMs: 15_000, now: () => (clock += 10_000) }, // every look at the clock: 10 s later
      { attempts: 2 },
    );
    const job = await queue.enqueue({ to: phone(10), message: 'late' });
    const status = await eventually(async () => {
      const s = await queue.getSend(job.id);
      return s.state === 'failed' ? s : undefined;
    }, 'gave up');
    expect(status.reason).toMatch(/^gave-up: .*could not start within 7500 ms/);
    expect(events.failed?.[0]).toMatchObject({ id: job.id, code: 'gave-up' });
    expect(sb.accepted().total).toBe(0);
  });

  it("refuses a settleMs that does not exceed twice the client's timeout", async () => {
    const sb = await sandbox();
    expect(() =>
      createSendWorker({
        connection: redisUrl,
        client: clientFor(sb, { timeoutMs: 5000 }),
        settleMs: 9000,
      }),
    ).toThrow(/settleMs \(9000\) must exceed twice the client's timeoutMs \(5000\)/);
  });
});

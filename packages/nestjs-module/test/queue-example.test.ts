import type { INestApplication } from '@nestjs/common';
import type { Sandbox } from '@smspartner-kit/sandbox';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp, RemindersService } from '../examples/queue.js';
import { API_KEY, listen, startTestSandbox, VIRTUAL_NUMBER } from './helpers.js';
import {
  deleteUnder,
  describeWithRedis,
  eventually,
  redisUrl,
  uniqueQueue,
} from './queue-helpers.js';

// The README's send-queue example, built package and all (it imports @smspartner-kit/nestjs/queue).
describeWithRedis('README send queue (examples/queue.ts)', () => {
  let sandbox: Sandbox;
  let app: INestApplication;
  let base: string;
  const { prefix } = uniqueQueue();

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    process.env.SMSPARTNER_API_KEY = API_KEY;
    process.env.SMSPARTNER_FROM = VIRTUAL_NUMBER;
    process.env.SMSPARTNER_BASE_URL = sandbox.baseUrl;
    process.env.REDIS_URL = redisUrl;
    process.env.QUEUE_PREFIX = prefix;
    app = await createApp({ logger: false });
    base = await listen(app);
  });
  afterAll(async () => {
    await app?.close();
    await sandbox?.close();
    await deleteUnder(prefix);
  });

  const remind = (body: unknown) =>
    fetch(`${base}/reminders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('POST /reminders queues once per appointment; one SMS is sent and @OnSmsSent() records it', async () => {
    const first = await remind({ phone: '06 12 34 56 78', appointmentId: 'a-17' });
    const again = await remind({ phone: '06 12 34 56 78', appointmentId: 'a-17' });
    expect(first.status).toBe(201);
    const job = (await first.json()) as { id: string; duplicate: boolean };
    expect(job.duplicate).toBe(false);
    expect(await again.json()).toMatchObject({ id: job.id, duplicate: true });

    const messageId = await eventually(() => app.get(RemindersService).sent.get(job.id));
    expect(sandbox.messages()).toMatchObject([
      { messageId, tag: job.id, to: '33612345678', from: VIRTUAL_NUMBER },
    ]);
  });

  it('a bad number answers 400 naming the field; nothing is queued', async () => {
    const response = await remind({ phone: 'call me', appointmentId: 'a-18' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: 'validation_error',
      issues: [expect.objectContaining({ field: 'to' })],
    });
  });

  it('GET /health answers up through @nestjs/terminus', async () => {
    const response = await fetch(`${base}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'ok',
      info: { smsQueue: { status: 'up', redis: 'up', waiting: 0 } },
    });
  });
});

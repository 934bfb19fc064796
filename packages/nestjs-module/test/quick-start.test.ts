import type { INestApplication } from '@nestjs/common';
import type { Sandbox } from '@smspartner-kit/sandbox';
import type { DeliveryReceipt, OptOut, Webhooks } from '@smspartner-kit/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, NotificationsService } from '../examples/quick-start.js';
import { SMS_PARTNER_WEBHOOKS } from '../src/index.js';
import { API_KEY, listen, startTestSandbox, VIRTUAL_NUMBER, WEBHOOK_SECRET } from './helpers.js';

/** Resolves with the next payload of `event`, after the app's own (decorated) handlers ran. */
function next<T>(webhooks: Webhooks, event: 'delivery-receipt' | 'opt-out'): Promise<T> {
  return new Promise((resolve) => {
    const off = webhooks.on(event, (payload) => {
      off();
      resolve(payload as T);
    });
  });
}

describe('README quick start (examples/quick-start.ts)', () => {
  let sandbox: Sandbox;
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    // What a deployment puts in .env / the environment; ConfigModule reads it.
    process.env.SMSPARTNER_API_KEY = API_KEY;
    process.env.SMSPARTNER_FROM = VIRTUAL_NUMBER;
    process.env.SMSPARTNER_BASE_URL = sandbox.baseUrl;
    process.env.SMSPARTNER_WEBHOOK_SECRET = WEBHOOK_SECRET;
    app = await createApp({ logger: false });
    base = await listen(app);
    process.env.PUBLIC_URL = base;
  });
  afterAll(async () => {
    await app?.close();
    await sandbox?.close();
  });

  it('POST /codes sends through SMS Partner; the receipt reaches @OnDeliveryReceipt()', async () => {
    const webhooks = app.get<Webhooks>(SMS_PARTNER_WEBHOOKS);
    const receipt = next<DeliveryReceipt>(webhooks, 'delivery-receipt');
    const response = await fetch(`${base}/codes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone: '+33 6 12 34 56 78' }),
    });
    expect(response.status).toBe(201);
    const { messageId, segments } = (await response.json()) as {
      messageId: string;
      segments: number;
    };
    expect(segments).toBe(1);
    expect(sandbox.messages()).toMatchObject([
      { messageId, to: '33612345678', from: VIRTUAL_NUMBER },
    ]);
    expect((await receipt).messageId).toBe(messageId);
    expect(app.get(NotificationsService).statuses.get(messageId)).toBe('delivered');
  });

  it('STOP from the recipient reaches @OnOptOut()', async () => {
    const optOut = next<OptOut>(app.get<Webhooks>(SMS_PARTNER_WEBHOOKS), 'opt-out');
    await sandbox.reply({ from: '33612345678', text: 'STOP' });
    expect((await optOut).phoneNumber).toBe('33612345678');
    expect(app.get(NotificationsService).optedOut.has('33612345678')).toBe(true);
  });

  it('bad input answers 400 through SmsPartnerExceptionFilter, nothing sent', async () => {
    const before = sandbox.messages().length;
    const response = await fetch(`${base}/codes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone: 'call me' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: 'validation_error',
      issues: [expect.objectContaining({ field: 'to' })],
    });
    expect(sandbox.messages()).toHaveLength(before);
  });
});

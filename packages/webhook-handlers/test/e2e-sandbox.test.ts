import { createClient } from '@smspartner-kit/core';
import { type Sandbox, startSandbox } from '@smspartner-kit/sandbox';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  callbackUrls,
  createNodeMiddleware,
  createWebhooks,
  type DeliveryReceipt,
  type InboundMessage,
  type OptOut,
  type Webhooks,
} from '../src/index.js';
import { listen } from './helpers.js';

const SECRET = 'e2e-secret-0123456789';

/** Resolves with the first event that matches, whenever it arrives. */
function waitFor<T>(
  webhooks: Webhooks,
  name: 'delivery-receipt' | 'inbound-message' | 'opt-out',
  match: (payload: T) => boolean,
) {
  return new Promise<T>((resolve) => {
    const off = webhooks.on(name, (payload) => {
      if (match(payload as T)) {
        off();
        resolve(payload as T);
      }
    });
  });
}

describe.each(['json', 'form', 'query', 'vonage'] as const)(
  'end to end with the sandbox (receipts as %s)',
  (receiptShape) => {
    let sandbox: Sandbox;
    let app: Awaited<ReturnType<typeof listen>>;
    let webhooks: ReturnType<typeof createWebhooks>;
    let urls: { urlDlr: string; urlResponse: string };

    beforeAll(async () => {
      sandbox = await startSandbox({
        receiptShape,
        dlrDelayMs: 20,
        replyShape: receiptShape === 'vonage' ? 'json' : receiptShape,
      });
      webhooks = createWebhooks({ secret: SECRET, logger: { warn: () => {} } });
      app = await listen(createNodeMiddleware(webhooks));
      urls = callbackUrls({ publicUrl: `http://127.0.0.1:${app.port}`, secret: SECRET });
    });
    afterAll(async () => {
      webhooks.close();
      await app.close();
      await sandbox.close();
    });

    it('a message sent by the real client comes back as a typed receipt', async () => {
      const client = createClient({ apiKey: 'sandbox-key', baseUrl: sandbox.baseUrl });
      const to = `3361234${String(Math.floor(Math.random() * 9000) + 1000)}`;
      const receipt = waitFor<DeliveryReceipt>(
        webhooks,
        'delivery-receipt',
        (r) => r.phoneNumber === to,
      );
      const sent = await client.send({
        to,
        from: '33700000000',
        message: 'Votre code : 1234',
        ...urls,
      });
      const got = await receipt;
      expect(got.messageId).toBe(sent.messageId);
      expect(got.status).toBe('delivered');
      expect(got.occurredAt).toBeInstanceOf(Date);
      // The sandbox saw our 200 for that receipt (so it will not retry it).
      await vi.waitFor(() => {
        const attempts = sandbox
          .callbacks()
          .filter((c) => c.kind === 'dlr' && c.messageId === sent.messageId);
        expect(attempts.map((a) => a.statusCode)).toEqual([200]);
      });
    });

    it('a number ending 0001 comes back not delivered', async () => {
      const client = createClient({ apiKey: 'sandbox-key', baseUrl: sandbox.baseUrl });
      const receipt = waitFor<DeliveryReceipt>(
        webhooks,
        'delivery-receipt',
        (r) => r.phoneNumber === '33612340001',
      );
      await client.send({ to: '33612340001', from: '33700000000', message: 'Hello', ...urls });
      // Vonage wording for a failed delivery is 'failed', which core keeps as 'failed'.
      expect((await receipt).status).toBe(receiptShape === 'vonage' ? 'failed' : 'not_delivered');
    });

    it('a reply and a STOP reach their handlers; a long reply arrives joined', async () => {
      const client = createClient({ apiKey: 'sandbox-key', baseUrl: sandbox.baseUrl });
      await client.send({
        to: '33698765432',
        from: '33700000000',
        message: 'Confirmez-vous ?',
        ...urls,
      });
      const reply = waitFor<InboundMessage>(
        webhooks,
        'inbound-message',
        (m) => m.text === 'Oui merci',
      );
      const result = await sandbox.reply({ from: '33698765432', text: 'Oui merci' });
      expect(result.delivered).toBe(true);
      expect(await reply).toMatchObject({
        from: '33698765432',
        to: '33700000000',
        isOptOut: false,
      });

      const long = `${'Bonjour, je confirme le rendez-vous de demain. '.repeat(8)}Merci !`;
      const joined = waitFor<InboundMessage>(
        webhooks,
        'inbound-message',
        (m) => m.text.length > 200,
      );
      const longResult = await sandbox.reply({ from: '33698765432', text: long });
      expect(longResult.delivered).toBe(true);
      const message = await joined;
      expect(message.text).toBe(long);
      expect(message.incomplete).toBeUndefined();
      expect(message.parts?.length).toBe(longResult.payloads.length);

      const optOut = waitFor<OptOut>(webhooks, 'opt-out', (o) => o.phoneNumber === '33698765432');
      await sandbox.reply({ from: '33698765432', text: 'STOP' });
      expect(await optOut).toMatchObject({ keyword: 'STOP', to: '33700000000' });
    });
  },
);

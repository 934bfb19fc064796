import { createClient } from '@smspartner-kit/core';
import { type Sandbox, startSandbox } from '@smspartner-kit/sandbox';
import {
  callbackUrls,
  createWebhooks,
  type WebhookEvent,
  type Webhooks,
} from '@smspartner-kit/webhooks';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smsPartner, smsPartnerErrorHandler, smsPartnerWebhooks } from '../src/index.js';
import { type Listening, listenFirst } from './helpers.js';

const API_KEY = 'sk-e2e-express-fedcba9876543210';
const SECRET = 'e2e-express-secret';
const FROM = '33700000000';

/** Resolves when an event matching `match` has been handled (no clocks involved). */
function waitForEvent(webhooks: Webhooks, match: (event: WebhookEvent) => boolean) {
  return new Promise<WebhookEvent>((resolve) => {
    const off = webhooks.onAny((event) => {
      if (match(event)) {
        off();
        resolve(event);
      }
    });
  });
}

describe('e2e: Express app + core client + sandbox + webhook router', () => {
  let sandbox: Sandbox;
  let server: Listening;
  const webhooks = createWebhooks({ secret: SECRET, logger: { warn() {}, error() {} } });

  beforeAll(async () => {
    sandbox = await startSandbox({ apiKeys: [API_KEY], dlrDelayMs: 10, credits: 1_000 });
    const listening = await listenFirst();
    const urls = callbackUrls({ publicUrl: listening.url, secret: SECRET, path: '/sms' });
    const app = express();
    app.use(smsPartnerWebhooks(webhooks, { path: '/sms' })); // before the parsers, as the README advises
    app.use(express.json());
    app.use(
      smsPartner({ apiKey: API_KEY, baseUrl: sandbox.baseUrl, from: FROM, timeoutMs: 2_000 }),
    );
    // Rejections handed to next() explicitly: this file also runs on Express 4, which does not.
    app.post('/send', (req, res, next) => {
      req.smsPartner
        .send({ ...req.body, ...urls })
        .then((sent) => res.status(201).json(sent))
        .catch(next);
    });
    // A second client with a key the sandbox refuses, to see error 10 come back without the key.
    const wrongKey = 'sk-wrong-key-00000000000000';
    const refused = smsPartner(
      createClient({ apiKey: wrongKey, baseUrl: sandbox.baseUrl, from: FROM }),
    );
    app.post('/send-with-wrong-key', refused, (req, res, next) => {
      req.smsPartner
        .send(req.body)
        .then((sent) => res.json(sent))
        .catch(next);
    });
    app.use(smsPartnerErrorHandler());
    listening.serve(app);
    server = listening;
  });
  afterAll(async () => {
    await server?.close();
    await sandbox?.close();
    webhooks.close();
  });

  it.each(['json', 'form', 'query', 'vonage'] as const)(
    'a receipt sent in the %s shape reaches the typed handler through the router',
    async (shape) => {
      // Each shape gets its own sandbox (message ids restart at 1) and so its own Webhooks
      // instance: one shared instance would rightly dedupe the second "message 1 delivered".
      const shapeSandbox = await startSandbox({
        apiKeys: [API_KEY],
        dlrDelayMs: 10,
        receiptShape: shape,
      });
      const shapeWebhooks = createWebhooks({ secret: SECRET });
      const listening = await listenFirst();
      try {
        const app = express();
        app.use(express.json(), express.urlencoded({ extended: false })); // parsers first, this time
        app.use('/sms', smsPartnerWebhooks(shapeWebhooks));
        listening.serve(app);
        const urls = callbackUrls({ publicUrl: listening.url, secret: SECRET, path: '/sms' });
        const client = createClient({ apiKey: API_KEY, baseUrl: shapeSandbox.baseUrl, from: FROM });
        const received = waitForEvent(shapeWebhooks, (e) => e.name === 'delivery-receipt');
        const sent = await client.send({ to: '0612345678', message: `shape ${shape}`, ...urls });
        const event = await received;
        expect(event.payload).toMatchObject({
          messageId: sent.messageId,
          phoneNumber: '33612345678',
          status: 'delivered',
        });
      } finally {
        await listening.close();
        await shapeSandbox.close();
        shapeWebhooks.close();
      }
    },
  );

  it('sends from a route with req.smsPartner; a "Not delivered" receipt comes back typed', async () => {
    const received = waitForEvent(webhooks, (e) => e.name === 'delivery-receipt');
    const res = await request(server.url)
      .post('/send')
      .send({ to: '+33 6 00 00 00 01', message: 'Bonjour', tag: 'e2e-order-1' })
      .expect(201);
    const event = await received;
    expect(event.payload).toMatchObject({
      messageId: res.body.messageId,
      phoneNumber: '33600000001',
      status: 'not_delivered',
    });
  });

  it('a STOP reply reaches the opt-out handler', async () => {
    await request(server.url)
      .post('/send')
      .send({ to: '0622334455', message: 'Promo' })
      .expect(201);
    const optOut = waitForEvent(webhooks, (e) => e.name === 'opt-out');
    await sandbox.reply({ from: '33622334455', text: 'STOP' });
    const event = await optOut;
    expect(event.payload).toMatchObject({ phoneNumber: '33622334455', to: FROM, keyword: 'STOP' });
  });

  it('no credit left → 402 from the error handler', async () => {
    const poor = await startSandbox({ apiKeys: [API_KEY], credits: 0 });
    try {
      const app = express();
      app.use(express.json());
      app.use(smsPartner({ apiKey: API_KEY, baseUrl: poor.baseUrl, from: FROM }));
      app.post('/send', (req, res, next) => {
        req.smsPartner
          .send(req.body)
          .then((sent) => res.json(sent))
          .catch(next);
      });
      app.use(smsPartnerErrorHandler());
      const listening = await listenFirst();
      listening.serve(app);
      try {
        const res = await request(listening.url)
          .post('/send')
          .send({ to: '0612345678', message: 'x' });
        expect(res.status).toBe(402);
        expect(res.body).toMatchObject({ error: 'insufficient_credit', code: 11 });
        expect(res.text).not.toContain(API_KEY);
      } finally {
        await listening.close();
      }
    } finally {
      await poor.close();
    }
  });

  it('a refused API key → 502 with code 10, and the key is nowhere in the answer', async () => {
    const res = await request(server.url)
      .post('/send-with-wrong-key')
      .send({ to: '0612345678', message: 'x' })
      .expect(502);
    expect(res.body).toMatchObject({ error: 'provider_error', code: 10 });
    expect(res.text).not.toContain('sk-wrong-key');
    expect(res.text).not.toContain(API_KEY);
  });

  it('a send that times out → 504 outcome_unknown with the tag, sent once', async () => {
    const before = sandbox.messages().length;
    sandbox.injectFault({ type: 'timeout' });
    const res = await request(server.url)
      .post('/send')
      .send({ to: '0612345678', message: 'maybe sent', tag: 'order-504' })
      .expect(504);
    expect(res.body).toMatchObject({ error: 'outcome_unknown', tag: 'order-504' });
    expect(res.text).not.toContain(API_KEY);
    // The sandbox processed it once; the client did not retry a send that may have left.
    expect(sandbox.messages().length).toBe(before + 1);
  });
});

import { type Sandbox, startSandbox } from '@smspartner-kit/sandbox';
import type { DeliveryReceipt, InboundMessage } from '@smspartner-kit/webhooks';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../examples/app.js';
import { deferred, type Listening, listenFirst } from './helpers.js';

const API_KEY = 'sk-example-e2e-0123456789abcdef';
const SECRET = 'example-webhook-secret';
const FROM = '33700000000';

// The README quick start (examples/app.ts), end to end: the real core client on req.smsPartner
// sends through the sandbox; the sandbox's receipt and reply callbacks come back over HTTP to the
// Express router and reach the typed handlers; errors become HTTP answers.
describe('README quick start against the sandbox', () => {
  let sandbox: Sandbox;
  let app: Listening;
  let receipts: { promise: Promise<DeliveryReceipt>; resolve: (r: DeliveryReceipt) => void };
  let replies: { promise: Promise<InboundMessage>; resolve: (m: InboundMessage) => void };

  beforeAll(async () => {
    sandbox = await startSandbox({ apiKeys: [API_KEY], dlrDelayMs: 10, receiptShape: 'form' });
    const server = await listenFirst();
    server.serve(
      createApp({
        apiKey: API_KEY,
        from: FROM,
        publicUrl: server.url,
        webhookSecret: SECRET,
        baseUrl: sandbox.baseUrl,
        onReceipt: (receipt) => receipts.resolve(receipt),
        onReply: (message) => replies.resolve(message),
      }),
    );
    app = server;
  });
  beforeEach(() => {
    receipts = deferred();
    replies = deferred();
  });
  afterAll(async () => {
    await app?.close();
    await sandbox?.close();
  });

  it('sends through req.smsPartner and gets the typed delivery receipt back', async () => {
    const res = await request(app.url)
      .post('/notify')
      .send({ to: '06 12 34 56 78', message: 'Votre colis arrive demain' })
      .expect(201);
    expect(res.body).toEqual({ messageId: expect.any(String), nbSms: 1 });

    const receipt = await receipts.promise;
    expect(receipt).toMatchObject({
      messageId: res.body.messageId,
      phoneNumber: '33612345678',
      status: 'delivered',
    });
    expect(receipt.occurredAt).toBeInstanceOf(Date);

    const [message] = sandbox.messages();
    expect(message).toMatchObject({ to: '33612345678', from: FROM, nbSms: 1 });
  });

  it('delivers a reply to the typed inbound-message handler', async () => {
    await request(app.url)
      .post('/notify')
      .send({ to: '0611223344', message: 'Confirmez-vous ?' })
      .expect(201);
    const reply = await sandbox.reply({ from: '33611223344', text: 'Oui merci' });
    expect(reply.delivered).toBe(true);
    const message = await replies.promise;
    expect(message).toMatchObject({
      from: '33611223344',
      to: FROM,
      text: 'Oui merci',
      isOptOut: false,
    });
  });

  it('answers bad input with 400 and the field, before any network call', async () => {
    const before = sandbox.messages().length;
    const res = await request(app.url)
      .post('/notify')
      .send({ to: 'not a number', message: 'x' })
      .expect(400);
    expect(res.body.error).toBe('validation_error');
    expect(res.body.issues.map((i: { field: string }) => i.field)).toContain('to');
    expect(sandbox.messages().length).toBe(before);
    expect(res.text).not.toContain(API_KEY);
  });

  it('answers a provider refusal through the error handler, without the API key', async () => {
    // Sandbox numbers ending 0003 answer error 13 (no price for this number).
    const res = await request(app.url)
      .post('/notify')
      .send({ to: '0600000003', message: 'x' })
      .expect(422);
    expect(res.body).toMatchObject({ error: 'provider_refused', code: 13 });
    expect(res.text).not.toContain(API_KEY);
  });
});

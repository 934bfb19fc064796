import { type DynamicModule, type INestApplication, Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import type { Sandbox } from '@smspartner-kit/sandbox';
import {
  callbackUrls,
  type DeliveryReceipt,
  type InboundMessage,
  type OptOut,
} from '@smspartner-kit/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OnDeliveryReceipt,
  OnInboundMessage,
  OnOptOut,
  SmsPartnerModule,
  SmsPartnerService,
} from '../src/index.js';
import {
  API_KEY,
  Inbox,
  listen,
  startTestSandbox,
  VIRTUAL_NUMBER,
  WEBHOOK_SECRET,
} from './helpers.js';

const WEBHOOKS_PATH = '/webhooks/smspartner';

@Injectable()
class SmsEvents {
  readonly receipts = new Inbox<DeliveryReceipt>();
  readonly replies = new Inbox<InboundMessage>();
  readonly optOuts = new Inbox<OptOut>();

  @OnDeliveryReceipt()
  onReceipt(receipt: DeliveryReceipt) {
    this.receipts.push(receipt);
  }

  @OnInboundMessage()
  onReply(message: InboundMessage) {
    this.replies.push(message);
  }

  @OnOptOut()
  onOptOut(optOut: OptOut) {
    this.optOuts.push(optOut);
  }
}

const registrations: {
  name: string;
  path: string;
  register: (baseUrl: string) => DynamicModule;
}[] = [
  {
    name: 'forRoot',
    path: WEBHOOKS_PATH,
    register: (baseUrl) =>
      SmsPartnerModule.forRoot({
        apiKey: API_KEY,
        baseUrl,
        webhooks: { secret: WEBHOOK_SECRET, path: WEBHOOKS_PATH },
      }),
  },
  {
    // The route path comes from configuration: only known once the factory ran.
    name: 'forRootAsync + ConfigService',
    path: '/hooks/from-config',
    register: (baseUrl) =>
      SmsPartnerModule.forRootAsync({
        imports: [
          ConfigModule.forRoot({
            ignoreEnvFile: true,
            load: [
              () => ({
                SMSPARTNER_API_KEY: API_KEY,
                SMSPARTNER_BASE_URL: baseUrl,
                SMSPARTNER_WEBHOOK_SECRET: WEBHOOK_SECRET,
                SMSPARTNER_WEBHOOKS_PATH: '/hooks/from-config',
              }),
            ],
          }),
        ],
        inject: [ConfigService],
        useFactory: (config: ConfigService) => ({
          apiKey: config.getOrThrow<string>('SMSPARTNER_API_KEY'),
          baseUrl: config.getOrThrow<string>('SMSPARTNER_BASE_URL'),
          webhooks: {
            secret: config.getOrThrow<string>('SMSPARTNER_WEBHOOK_SECRET'),
            path: config.getOrThrow<string>('SMSPARTNER_WEBHOOKS_PATH'),
          },
        }),
      }),
  },
];
const bodyModes = [
  { name: "Nest's default body parser", rawBody: false },
  { name: 'rawBody: true', rawBody: true },
];
const matrix = registrations.flatMap((r) =>
  bodyModes.map((b) => ({
    label: `${r.name}, ${b.name}`,
    path: r.path,
    register: r.register,
    rawBody: b.rawBody,
  })),
);

describe.each(matrix)('e2e over HTTP: $label', ({ register, rawBody, path }) => {
  let sandbox: Sandbox;
  let app: INestApplication;
  let base: string;
  let events: SmsEvents;
  let sms: SmsPartnerService;
  let urls: { urlDlr: string; urlResponse: string };

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    @Module({ imports: [register(sandbox.baseUrl)], providers: [SmsEvents] })
    class AppModule {}
    app = await NestFactory.create(AppModule, { rawBody, logger: false });
    base = await listen(app);
    events = app.get(SmsEvents);
    sms = app.get(SmsPartnerService);
    urls = callbackUrls({ publicUrl: base, secret: WEBHOOK_SECRET, path });
  });
  afterAll(async () => {
    await app.close();
    await sandbox.close();
  });

  it('send → delivery receipt → the decorated handler gets the typed receipt', async () => {
    const sent = await sms.send({
      to: '33612345678',
      from: VIRTUAL_NUMBER,
      message: 'Bonjour',
      ...urls,
    });
    const [receipt] = await events.receipts.waitFor(1);
    expect(receipt).toMatchObject({
      messageId: sent.messageId,
      phoneNumber: '33612345678',
      status: 'delivered',
    });
    expect(sandbox.messages()).toHaveLength(1);
  });

  it('an undelivered number gives a not_delivered receipt', async () => {
    const sent = await sms.send({
      to: '33612340001',
      from: VIRTUAL_NUMBER,
      message: 'Bonjour',
      ...urls,
    });
    const receipts = await events.receipts.waitFor(2);
    expect(receipts.find((r) => r.messageId === sent.messageId)?.status).toBe('not_delivered');
  });

  it('reply → @OnInboundMessage handler', async () => {
    const result = await sandbox.reply({ from: '33612345678', text: 'Oui merci' });
    expect(result.delivered).toBe(true);
    const [reply] = await events.replies.waitFor(1);
    expect(reply).toMatchObject({
      from: '33612345678',
      to: VIRTUAL_NUMBER,
      text: 'Oui merci',
      isOptOut: false,
    });
  });

  it('STOP → @OnOptOut handler', async () => {
    const result = await sandbox.reply({ from: '33612345678', text: 'STOP' });
    expect(result.optOut).toBe(true);
    const [optOut] = await events.optOuts.waitFor(1);
    expect(optOut).toMatchObject({ phoneNumber: '33612345678', to: VIRTUAL_NUMBER });
    expect(optOut?.message.isOptOut).toBe(true);
    // An opt-out is also an inbound message: the reply handler saw the STOP too.
    const replies = await events.replies.waitFor(2);
    expect(replies.map((m) => [m.text, m.isOptOut])).toEqual([
      ['Oui merci', false],
      ['STOP', true],
    ]);
  });

  it('every callback the sandbox made was answered 2xx', () => {
    const attempts = sandbox.callbacks();
    expect(attempts.length).toBeGreaterThanOrEqual(4);
    expect(attempts.filter((a) => !a.ok)).toEqual([]);
  });

  it('a bad callback body → 4xx JSON, no handler called', async () => {
    const before = events.receipts.items.length;
    const response = await fetch(urls.urlDlr, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hello: 'world' }),
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.headers.get('content-type')).toMatch(/json/);
    expect(events.receipts.items.length).toBe(before);
  });

  it('malformed JSON → 400, never a 500', async () => {
    const response = await fetch(urls.urlDlr, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"messageId": ',
    });
    expect(response.status).toBe(400);
  });

  it.each([
    ['a wrong token', 'not-the-secret'],
    ['no token', undefined],
  ])('%s → 401, no handler called', async (_label, token) => {
    const before = events.receipts.items.length;
    const url = new URL(`${base}${path}/dlr`);
    if (token) url.searchParams.set('token', token);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messageId: '999', phoneNumber: '33612345678', status: 'Delivered' }),
    });
    expect(response.status).toBe(401);
    const text = await response.text();
    expect(text).not.toContain(WEBHOOK_SECRET);
    expect(events.receipts.items.length).toBe(before);
  });
});

import { connect } from 'node:net';
import { type INestApplication, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createClient } from '@smspartner-kit/core';
import type { ReceiptShape, ReplyShape, Sandbox } from '@smspartner-kit/sandbox';
import {
  callbackUrls,
  createNodeMiddleware,
  type DeliveryReceipt,
  type InboundMessage,
  type Webhooks,
} from '@smspartner-kit/webhooks';
import {
  callbackConformanceCases,
  isHttpCase,
  sendRawRequest,
} from '@smspartner-kit/webhooks/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OnDeliveryReceipt,
  OnInboundMessage,
  SMS_PARTNER_WEBHOOKS,
  SmsPartnerModule,
  type SmsPartnerModuleWebhooksOptions,
} from '../src/index.js';
import { API_KEY, Inbox, listen, startTestSandbox, WEBHOOK_SECRET } from './helpers.js';

@Injectable()
class Handlers {
  readonly receipts = new Inbox<DeliveryReceipt>();
  readonly replies = new Inbox<InboundMessage>();

  @OnDeliveryReceipt()
  onReceipt(receipt: DeliveryReceipt) {
    this.receipts.push(receipt);
  }

  @OnInboundMessage()
  onReply(message: InboundMessage) {
    this.replies.push(message);
  }
}

type AppOptions = { rawBody?: boolean; bodyParser?: boolean };

async function startApp(webhooks: SmsPartnerModuleWebhooksOptions, appOptions: AppOptions = {}) {
  @Module({
    imports: [
      SmsPartnerModule.forRoot({ apiKey: API_KEY, baseUrl: 'http://127.0.0.1:4/v1', webhooks }),
    ],
    providers: [Handlers],
  })
  class AppModule {}
  const app = await NestFactory.create(AppModule, { ...appOptions, logger: false });
  return app;
}

const bodyModes: { name: string; options: AppOptions }[] = [
  { name: "Nest's default body parser", options: {} },
  { name: 'rawBody: true', options: { rawBody: true } },
  { name: 'bodyParser: false', options: { bodyParser: false } },
];

describe.each(bodyModes)('webhook route with $name', ({ options }) => {
  let app: INestApplication;
  let base: string;
  let handlers: Handlers;
  let dlrUrl: string;

  beforeAll(async () => {
    app = await startApp({ secret: WEBHOOK_SECRET }, options);
    base = await listen(app);
    handlers = app.get(Handlers);
    dlrUrl = callbackUrls({ publicUrl: base, secret: WEBHOOK_SECRET }).urlDlr;
  });
  afterAll(() => app.close());

  const shapes: [ReceiptShape, ReplyShape][] = [
    ['json', 'json'],
    ['form', 'form'],
    ['query', 'query'],
    ['vonage', 'json'],
  ];

  it.each(shapes)(
    'sandbox receipts as %s and replies as %s reach the handlers',
    async (receiptShape, replyShape) => {
      // A fresh app per sandbox: sandbox message ids restart at 1, and the module deduplicates.
      const sandbox: Sandbox = await startTestSandbox({ receiptShape, replyShape });
      const shapeApp = await startApp({ secret: WEBHOOK_SECRET }, options);
      try {
        const shapeBase = await listen(shapeApp);
        const shapeHandlers = shapeApp.get(Handlers);
        const client = createClient({ apiKey: API_KEY, baseUrl: sandbox.baseUrl });
        const to = '33612345678';
        const sent = await client.send({
          to,
          from: '33700000000',
          message: `shape ${receiptShape}`,
          ...callbackUrls({ publicUrl: shapeBase, secret: WEBHOOK_SECRET }),
        });
        const [receipt] = await shapeHandlers.receipts.waitFor(1);
        expect(receipt).toMatchObject({
          messageId: sent.messageId,
          phoneNumber: to,
          status: 'delivered',
        });

        const replied = await sandbox.reply({ from: to, text: `reply ${replyShape}` });
        expect(replied.delivered).toBe(true);
        const [reply] = await shapeHandlers.replies.waitFor(1);
        expect(reply).toMatchObject({ from: to, text: `reply ${replyShape}` });
      } finally {
        await shapeApp.close();
        await sandbox.close();
      }
    },
  );

  it('a JSON body sent as text/plain is still read (no parser consumed it)', async () => {
    const response = await fetch(dlrUrl, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({
        messageId: 'plain-1',
        phoneNumber: '33612345678',
        status: 'Delivered',
      }),
    });
    expect(response.status).toBe(200);
    const receipts = await handlers.receipts.waitFor(1);
    expect(receipts.some((r) => r.messageId === 'plain-1')).toBe(true);
  });

  it('an empty POST → 400 naming the body, no hang', async () => {
    const response = await fetch(dlrUrl, { method: 'POST' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_payload' });
  });

  it('a body over the limit → 413', async () => {
    const response = await fetch(dlrUrl, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x'.repeat(200 * 1024),
    });
    expect(response.status).toBe(413);
  });

  it.each(['PUT', 'DELETE'])('%s → 405 with Allow', async (method) => {
    const response = await fetch(dlrUrl, { method });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toMatch(/GET/);
  });

  it('other paths under the prefix are not ours (Nest 404)', async () => {
    const response = await fetch(`${base}/webhooks/smspartner/other?token=${WEBHOOK_SECRET}`);
    expect(response.status).toBe(404);
  });

  // The webhooks conformance kit over real HTTP. Nest's default parser (JSON, urlencoded with qs)
  // runs before the route for those two content types: without rawBody the route gets its objects;
  // with rawBody it gets the exact bytes; with bodyParser: false, the unread stream.
  const nestParses = (type: string) =>
    options.bodyParser !== false &&
    (type.startsWith('application/json') || type.startsWith('application/x-www-form-urlencoded'));
  const conformance = callbackConformanceCases({ secret: WEBHOOK_SECRET }).filter(isHttpCase);

  it.each(conformance)('conformance: $name → $status, no handler called', async (c) => {
    const before = handlers.receipts.items.length + handlers.replies.items.length;
    const response = await sendRawRequest(base, c);
    const parsed =
      c.body !== undefined && c.body.length > 0 && nestParses(c.headers['content-type'] ?? '');
    if (parsed && !options.rawBody && c.rewrittenByLenientFormParsers) {
      // qs dropped or re-decoded the bad part (see the webhooks README): a clean callback may pass.
      expect([200, c.status]).toContain(response.status);
      for (const payload of [...handlers.receipts.items, ...handlers.replies.items])
        expect(Object.keys(payload.raw).some((key) => key.includes('__proto__'))).toBe(false);
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
      return;
    }
    // Nest's parser may refuse a body itself (its own error shape, with `statusCode`), and without
    // rawBody the route only sees the parser's objects: then "a 4xx" is the contract. Token and
    // method answers never depend on the body; everything else is exact.
    const refusedByParser = parsed && response.json?.statusCode !== undefined;
    if (
      c.status === 401 ||
      c.status === 405 ||
      !(refusedByParser || (parsed && !options.rawBody))
    ) {
      expect(response.status).toBe(c.status);
      if (c.method !== 'HEAD') expect(typeof response.json?.error).toBe('string');
    } else {
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    }
    expect(handlers.receipts.items.length + handlers.replies.items.length).toBe(before);
  });
});

describe('the route runs before body parsers and app middleware', () => {
  it('serves the callback before a middleware the app added could consume its body', async () => {
    const app = await startApp({ secret: WEBHOOK_SECRET }, { bodyParser: false });
    app.use((req: NodeJS.ReadableStream, _res: unknown, next: () => void) => {
      req.resume();
      req.on('end', next);
    });
    const base = await listen(app);
    try {
      const response = await fetch(
        callbackUrls({ publicUrl: base, secret: WEBHOOK_SECRET }).urlDlr,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            messageId: 'first-1',
            phoneNumber: '33612345678',
            status: 'Delivered',
          }),
        },
      );
      expect(response.status).toBe(200);
      expect(app.get(Handlers).receipts.items.map((r) => r.messageId)).toEqual(['first-1']);
    } finally {
      await app.close();
    }
  });

  it.each(bodyModes)(
    'with $name: a wrong token is answered 401 before the body arrives',
    async ({ options }) => {
      const app = await startApp({ secret: WEBHOOK_SECRET }, options);
      const base = new URL(await listen(app));
      try {
        // Announces 100,000 bytes of JSON and sends none: only a route that checks the token
        // before any parser reads the body can answer.
        const answer = await rawHead(base, 'POST /webhooks/smspartner/dlr?token=wrong', 100_000);
        expect(answer).toMatch(/^HTTP\/1\.1 401 /);
      } finally {
        await app.close();
      }
    },
  );

  it('a stalled body is answered 408 (webhooks.bodyTimeoutMs) and the connection closed', async () => {
    const app = await startApp({ secret: WEBHOOK_SECRET, bodyTimeoutMs: 100 });
    const base = new URL(await listen(app));
    try {
      const answer = await rawHead(
        base,
        `POST /webhooks/smspartner/dlr?token=${WEBHOOK_SECRET}`,
        1_000,
        '{"messageId":',
      );
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(app.get(Handlers).receipts.items).toEqual([]);
    } finally {
      await app.close();
    }
  });
});

/** Sends a request line and headers announcing `length` bytes, then `start` of the body and nothing more. */
function rawHead(base: URL, line: string, length: number, start = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(base.port), base.hostname);
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\r\n\r\n')) {
        socket.destroy();
        resolve(text);
      }
    });
    socket.on('error', reject);
    socket.write(
      `${line} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n\r\n${start}`,
    );
  });
}

describe('webhooks.path and webhooks.controller', () => {
  it('serves the configured path (trailing slash dropped), not the default one', async () => {
    const app = await startApp({ secret: WEBHOOK_SECRET, path: '/hooks/sms/' });
    const base = await listen(app);
    try {
      const urls = callbackUrls({ publicUrl: base, secret: WEBHOOK_SECRET, path: '/hooks/sms' });
      const ok = await fetch(
        `${urls.urlDlr}&messageId=path-1&phoneNumber=33612345678&status=Delivered`,
      );
      expect(ok.status).toBe(200);
      expect(app.get(Handlers).receipts.items.map((r) => r.messageId)).toEqual(['path-1']);
      const defaultPath = await fetch(
        `${base}/webhooks/smspartner/dlr?token=${WEBHOOK_SECRET}&messageId=path-2&phoneNumber=33612345678&status=Delivered`,
      );
      expect(defaultPath.status).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('is not affected by a global prefix (the callback URL stays what you configured)', async () => {
    const app = await startApp({ secret: WEBHOOK_SECRET });
    app.setGlobalPrefix('api');
    const base = await listen(app);
    try {
      const url = callbackUrls({ publicUrl: base, secret: WEBHOOK_SECRET }).urlDlr;
      const response = await fetch(
        `${url}&messageId=prefix-1&phoneNumber=33612345678&status=Delivered`,
      );
      expect(response.status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('controller: false serves nothing; the injected Webhooks can be mounted by hand', async () => {
    const app = await startApp({ secret: WEBHOOK_SECRET, controller: false });
    const webhooks = app.get<Webhooks>(SMS_PARTNER_WEBHOOKS);
    app.use(createNodeMiddleware(webhooks, { path: '/mounted' }));
    const base = await listen(app);
    try {
      const query = `&messageId=mounted-1&phoneNumber=33612345678&status=Delivered`;
      const own = await fetch(
        `${callbackUrls({ publicUrl: base, secret: WEBHOOK_SECRET }).urlDlr}${query}`,
      );
      expect(own.status).toBe(404);
      const mounted = callbackUrls({ publicUrl: base, secret: WEBHOOK_SECRET, path: '/mounted' });
      const response = await fetch(`${mounted.urlDlr}${query}`);
      expect(response.status).toBe(200);
      expect(app.get(Handlers).receipts.items.map((r) => r.messageId)).toEqual(['mounted-1']);
    } finally {
      await app.close();
    }
  });
});

describe('a decorated handler that throws', () => {
  @Injectable()
  class FailingHandlers {
    @OnDeliveryReceipt()
    onReceipt(receipt: DeliveryReceipt) {
      throw new Error(`database down while saving ${receipt.messageId}`);
    }
  }

  it('is answered per the webhooks contract (500 handler_failed, the provider retries) and reaches onError', async () => {
    @Module({
      imports: [
        SmsPartnerModule.forRoot({
          apiKey: API_KEY,
          baseUrl: 'http://127.0.0.1:4/v1',
          webhooks: { secret: WEBHOOK_SECRET, logger: {} },
        }),
      ],
      providers: [FailingHandlers],
    })
    class FailingModule {}
    const app = await NestFactory.create(FailingModule, { logger: false });
    const failures = new Inbox<unknown>();
    app.get<Webhooks>(SMS_PARTNER_WEBHOOKS).onError((error) => failures.push(error));
    const base = await listen(app);
    try {
      const url = callbackUrls({ publicUrl: base, secret: WEBHOOK_SECRET }).urlDlr;
      const response = await fetch(
        `${url}&messageId=fail-1&phoneNumber=33612345678&status=Delivered`,
      );
      expect(response.status).toBe(500);
      expect(await response.json()).toMatchObject({ error: 'handler_failed' });
      const [failure] = await failures.waitFor(1);
      expect(String((failure as { errors: unknown[] }).errors[0])).toMatch(
        /database down while saving fail-1/,
      );
    } finally {
      await app.close();
    }
  });
});

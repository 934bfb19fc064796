import { Controller, Injectable, Scope } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { DeliveryReceipt, InboundMessage, OptOut, Webhooks } from '@smspartner-kit/webhooks';
import { describe, expect, it } from 'vitest';
import { getWebhookHandlerEvents } from '../src/decorators.js';
import {
  OnDeliveryReceipt,
  OnInboundMessage,
  OnOptOut,
  SMS_PARTNER_WEBHOOKS,
  SmsPartnerModule,
  type SmsPartnerModuleOptions,
} from '../src/index.js';
import { API_KEY, Inbox, VIRTUAL_NUMBER, WEBHOOK_SECRET } from './helpers.js';

const clientOptions = { apiKey: API_KEY, baseUrl: 'http://127.0.0.1:4/v1' };
const withWebhooks: SmsPartnerModuleOptions = {
  ...clientOptions,
  webhooks: { secret: WEBHOOK_SECRET },
};

function receiptPayload(messageId: string) {
  return {
    messageId,
    phoneNumber: '33612345678',
    status: 'Delivered',
    date: '2026-03-10 09:51:46',
  };
}
function replyPayload(messageId: string, text: string) {
  return {
    msisdn: '33612345678',
    to: VIRTUAL_NUMBER,
    messageId,
    text,
    type: 'text',
    keyword: text.split(' ')[0]?.toUpperCase(),
    'message-timestamp': '2026-03-10 09:51:46',
  };
}

@Injectable()
class ReceiptHandlers {
  readonly receipts = new Inbox<{ receipt: DeliveryReceipt; self: unknown }>();

  @OnDeliveryReceipt()
  onReceipt(receipt: DeliveryReceipt) {
    this.receipts.push({ receipt, self: this });
  }
}

@Controller()
class RepliesController {
  readonly replies = new Inbox<InboundMessage>();
  readonly optOuts = new Inbox<OptOut>();

  @OnInboundMessage()
  onReply(message: InboundMessage) {
    this.replies.push(message);
  }

  @OnOptOut()
  onOptOut(optOut: OptOut) {
    this.optOuts.push(optOut);
  }
}

async function initApp(
  options: SmsPartnerModuleOptions,
  providers: unknown[] = [],
  controllers: unknown[] = [],
) {
  const moduleRef = await Test.createTestingModule({
    imports: [SmsPartnerModule.forRoot(options)],
    providers: providers as never[],
    controllers: controllers as never[],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

describe('decorators', () => {
  it('record the events on the method, stackable, without duplicates', () => {
    class Handlers {
      @OnInboundMessage()
      @OnOptOut()
      @OnOptOut()
      both() {}
      plain() {}
    }
    expect(getWebhookHandlerEvents(Handlers.prototype.both).sort()).toEqual([
      'inbound-message',
      'opt-out',
    ]);
    expect(getWebhookHandlerEvents(Handlers.prototype.plain)).toEqual([]);
  });
});

describe('handler discovery', () => {
  it('calls decorated provider and controller methods, bound to their instance', async () => {
    const app = await initApp(withWebhooks, [ReceiptHandlers], [RepliesController]);
    const webhooks = app.get<Webhooks>(SMS_PARTNER_WEBHOOKS);
    const handlers = app.get(ReceiptHandlers);
    const controller = app.get(RepliesController);

    await webhooks.receive('dlr', receiptPayload('disc-1'));
    const [first] = await handlers.receipts.waitFor(1);
    expect(first?.self).toBe(handlers);
    expect(first?.receipt).toMatchObject({ messageId: 'disc-1', status: 'delivered' });
    expect(first?.receipt.occurredAt).toBeInstanceOf(Date);

    await webhooks.receive('replies', replyPayload('disc-reply-1', 'Oui merci'));
    const [reply] = await controller.replies.waitFor(1);
    expect(reply).toMatchObject({ from: '33612345678', to: VIRTUAL_NUMBER, text: 'Oui merci' });

    await webhooks.receive('replies', replyPayload('disc-reply-2', 'STOP'));
    const [optOut] = await controller.optOuts.waitFor(1);
    expect(optOut).toMatchObject({ phoneNumber: '33612345678', to: VIRTUAL_NUMBER });
    await app.close();
  });

  it('registers a handler once even when its provider is aliased (useExisting)', async () => {
    const app = await initApp(withWebhooks, [
      ReceiptHandlers,
      { provide: 'RECEIPTS_ALIAS', useExisting: ReceiptHandlers },
    ]);
    const webhooks = app.get<Webhooks>(SMS_PARTNER_WEBHOOKS);
    await webhooks.receive('dlr', receiptPayload('alias-1'));
    await webhooks.receive('dlr', receiptPayload('alias-2'));
    const received = await app.get(ReceiptHandlers).receipts.waitFor(2);
    expect(received.map((r) => r.receipt.messageId)).toEqual(['alias-1', 'alias-2']);
    await app.close();
  });

  it('fails at boot when handlers exist but no webhooks are configured, naming them', async () => {
    const booting = initApp(clientOptions, [ReceiptHandlers]);
    await expect(booting).rejects.toThrow(
      /found webhook handlers \(@OnDeliveryReceipt\(\) ReceiptHandlers\.onReceipt\) but no webhooks secret is configured/,
    );
  });

  it('fails at boot when webhooks have no secret (the webhooks package refuses them)', async () => {
    const booting = initApp({ ...clientOptions, webhooks: {} }, [], [RepliesController]);
    await expect(booting).rejects.toMatchObject({
      name: 'SmsPartnerConfigError',
      message: expect.stringMatching(/webhooks\.secret: is required/),
    });
  });

  it('accepts handlers with an explicit `secret: false` (verification knowingly disabled)', async () => {
    const warnings: string[] = [];
    const app = await initApp(
      { ...clientOptions, webhooks: { secret: false, logger: { warn: (m) => warnings.push(m) } } },
      [ReceiptHandlers],
    );
    await app.get<Webhooks>(SMS_PARTNER_WEBHOOKS).receive('dlr', receiptPayload('no-secret-1'));
    await app.get(ReceiptHandlers).receipts.waitFor(1);
    expect(warnings.join(' ')).toMatch(/verification is disabled/);
    await app.close();
  });

  it('fails at boot when a handler lives on a request-scoped provider', async () => {
    @Injectable({ scope: Scope.REQUEST })
    class RequestScopedHandlers {
      @OnDeliveryReceipt()
      onReceipt() {}
    }
    const booting = initApp(withWebhooks, [RequestScopedHandlers]);
    await expect(booting).rejects.toThrow(/RequestScopedHandlers\.onReceipt .*request-scoped/);
  });

  it('boots without webhooks when no handler is decorated', async () => {
    const app = await initApp(clientOptions);
    expect(app.get(SMS_PARTNER_WEBHOOKS)).toBeNull();
    await app.close();
  });
});

describe('webhooks options checked when the module is compiled', () => {
  it.each([
    ['relative', 'webhooks/smspartner'],
    ['a route parameter', '/webhooks/:id'],
    ['a wildcard', '/webhooks/*'],
    ['a double slash', '/webhooks//sms'],
    ['a query string', '/webhooks?x=1'],
  ])('rejects a path that is %s', async (_label, path) => {
    const compiling = Test.createTestingModule({
      imports: [SmsPartnerModule.forRoot({ ...clientOptions, webhooks: { secret: 's', path } })],
    }).compile();
    await expect(compiling).rejects.toMatchObject({
      name: 'SmsPartnerConfigError',
      issues: [expect.objectContaining({ field: 'webhooks.path' })],
    });
  });

  it('rejects a non-boolean controller flag', async () => {
    const compiling = Test.createTestingModule({
      imports: [
        SmsPartnerModule.forRoot({
          ...clientOptions,
          webhooks: { secret: 's', controller: 'no' as unknown as boolean },
        }),
      ],
    }).compile();
    await expect(compiling).rejects.toMatchObject({
      issues: [expect.objectContaining({ field: 'webhooks.controller' })],
    });
  });
});

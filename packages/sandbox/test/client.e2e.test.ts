/**
 * core's real SmsPartnerClient against the sandbox over HTTP: every endpoint, JSON and XML, the
 * error codes, and each injected fault with the client's reaction. (Core cannot depend on the
 * sandbox, so these tests live here.)
 */
import {
  createClient,
  SmsPartnerApiError,
  type SmsPartnerClient,
  type SmsPartnerClientOptions,
  SmsPartnerOutcomeUnknownError,
  SmsPartnerProtocolError,
  SmsPartnerValidationError,
} from '@smspartner-kit/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../src/index.js';
import { eventually, type Receiver, startReceiver } from './helpers.js';

const FROM = '33700000000';
const TO = '33612345678';
let clockOffset = 0;
let sandbox: Sandbox;
let receiver: Receiver;

beforeAll(async () => {
  sandbox = await startSandbox({
    apiKeys: ['key-ok'],
    dlrDelayMs: 5,
    credits: 50,
    callbackBackoffMs: 5,
    now: () => Date.now() + clockOffset,
  });
  receiver = await startReceiver();
});
afterAll(async () => {
  await sandbox.close();
  await receiver.close();
});
beforeEach(() => {
  clockOffset = 0;
  sandbox.reset();
});

function client(options: SmsPartnerClientOptions = {}): SmsPartnerClient {
  return createClient({
    apiKey: 'key-ok',
    baseUrl: sandbox.baseUrl,
    from: FROM,
    retry: { retries: 2, minDelayMs: 1, maxDelayMs: 50 },
    ...options,
  });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** A real fetch that edits the JSON body / query on the way: to reach codes the client pre-validates. */
function editingFetch(
  edit: (body: Record<string, unknown>, url: URL) => string | undefined,
): typeof fetch {
  return (input, init) => {
    const url = new URL(String(input));
    const body = init?.body ? (JSON.parse(String(init.body)) as Record<string, unknown>) : {};
    const edited = edit(body, url);
    return fetch(url, {
      ...init,
      body: init?.body === undefined ? undefined : (edited ?? JSON.stringify(body)),
    });
  };
}

describe('every endpoint through the client', () => {
  it.each(['json', 'xml'] as const)(
    'send (%s), then the receipt and the status',
    async (format) => {
      const c = client({ format });
      const result = await c.send({
        to: '06 12 34 56 78',
        message: 'Bonjour œuvre',
        tag: 'fmt',
        urlDlr: `${receiver.url}/dlr-${format}`,
      });
      expect(result).toMatchObject({ nbSms: 1, cost: 0.038, currency: 'EUR' });
      expect(result.messageId).toBe(sandbox.messages()[0]?.messageId);
      await eventually(
        () => receiver.requests.find((r) => r.path === `/dlr-${format}`),
        'the delivery receipt',
      );
      const status = await c.getMessageStatus({ messageId: result.messageId, phoneNumber: TO });
      expect(status).toMatchObject({
        messageId: result.messageId,
        phoneNumber: TO,
        status: 'delivered',
        providerStatus: 'Delivered',
        stopSms: false,
        countryCode: 'FR',
      });
      expect(status.date).toBeInstanceOf(Date);
      expect(sandbox.messages()[0]?.text).toBe('Bonjour oeuvre');
    },
  );

  it('getMessageStatus follows the outcome table', async () => {
    const c = client();
    const nd = await c.send({ to: '33612340001', message: 'a' });
    const waiting = await c.send({ to: '33612340002', message: 'b' });
    clockOffset = 60_000;
    expect(
      (await c.getMessageStatus({ messageId: nd.messageId, phoneNumber: '33612340001' })).status,
    ).toBe('not_delivered');
    expect(
      (await c.getMessageStatus({ messageId: waiting.messageId, phoneNumber: '33612340002' }))
        .status,
    ).toBe('waiting');
    const missing = await rejection(c.getMessageStatus({ messageId: 99, phoneNumber: TO }));
    expect(missing).toMatchObject({ name: 'SmsPartnerApiError', code: 4 });
  });

  it('getCredits reflects debits, and sandbox=1 is free', async () => {
    const c = client();
    await c.send({ to: TO, message: 'x'.repeat(300) });
    await c.send({ to: TO, message: 'free', sandbox: true });
    const credits = await c.getCredits();
    expect(credits).toMatchObject({ creditSms: 48, balance: 1.824, currency: 'EUR', toSend: 0 });
    expect(credits.user.username).toBe('sandbox');
    expect(sandbox.messages().map((m) => m.sandbox)).toEqual([false, true]);
  });

  it('cancelScheduled and its codes 4–7 (with the sandbox clock)', async () => {
    const c = client();
    const step = 300_000;
    const at = new Date(Math.ceil((Date.now() + 30 * 60_000) / step) * step);
    const scheduled = await c.send({ to: TO, message: 'later', scheduledAt: at });
    expect(sandbox.messages()[0]?.scheduledAt?.getTime()).toBe(at.getTime());
    expect((await c.getCredits()).toSend).toBe(1);
    const now = await c.send({ to: TO, message: 'now' });
    expect(await rejection(c.cancelScheduled(now.messageId))).toMatchObject({ code: 7 });
    expect(await rejection(c.cancelScheduled(12345))).toMatchObject({ code: 4 });
    clockOffset = at.getTime() - Date.now() - 2 * 60_000;
    expect(await rejection(c.cancelScheduled(scheduled.messageId))).toMatchObject({ code: 6 });
    clockOffset = 0;
    expect(await c.cancelScheduled(scheduled.messageId)).toMatchObject({ cancelled: true });
    expect(await rejection(c.cancelScheduled(scheduled.messageId))).toMatchObject({ code: 5 });
    expect((await c.getCredits()).creditSms).toBe(49);
  });

  it('stopList add / list / remove, and code 14 on send', async () => {
    const c = client();
    expect(await c.stopList.add('+33 6 12 34 56 78')).toEqual({ stopId: '1' });
    const list = await c.stopList.list();
    expect(list).toMatchObject([{ id: '1', phoneNumber: TO }]);
    expect(list[0]?.createdAt).toBeInstanceOf(Date);
    const refused = await rejection(c.send({ to: TO, message: 'hi' }));
    expect(refused).toBeInstanceOf(SmsPartnerApiError);
    expect(refused).toMatchObject({ code: 14 });
    await c.stopList.remove('1');
    expect(await c.stopList.list()).toEqual([]);
    expect(await rejection(c.stopList.remove(1))).toMatchObject({ code: 4 });
  });
});

describe('provider error codes as the client reports them', () => {
  it('10 (key not accepted), 11 (credits), 13 (no price)', async () => {
    const wrong = await rejection(client({ apiKey: 'key-wrong' }).getCredits());
    expect(wrong).toMatchObject({ name: 'SmsPartnerApiError', code: 10, httpStatus: 401 });
    expect(String(wrong)).not.toContain('key-wrong');
    expect(await rejection(client().send({ to: '33612340003', message: 'x' }))).toMatchObject({
      code: 13,
      meaning: 'no price for this number',
    });
    const c = client();
    for (let i = 0; i < 5; i++) await c.send({ to: TO, message: 'y'.repeat(1500) });
    expect(await rejection(c.send({ to: TO, message: 'one more' }))).toMatchObject({ code: 11 });
  });

  it('the client refuses locally what the sandbox would refuse with 2, 43, 52', async () => {
    const c = client();
    expect(await rejection(c.send({ to: '', message: 'x' }))).toBeInstanceOf(
      SmsPartnerValidationError,
    );
    expect(await rejection(c.send({ to: TO, message: ' ' }))).toBeInstanceOf(
      SmsPartnerValidationError,
    );
    expect(await rejection(c.send({ to: TO, message: 'z'.repeat(1531) }))).toBeInstanceOf(
      SmsPartnerValidationError,
    );
    expect(sandbox.messages()).toHaveLength(0);
  });

  it.each([
    ['1', (b: Record<string, unknown>) => void delete b.apiKey, 1],
    ['2', (b: Record<string, unknown>) => void delete b.to, 2],
    ['43', (b: Record<string, unknown>) => void delete b.message, 43],
    [
      '9',
      (b: Record<string, unknown>) => {
        delete b.to;
        delete b.message;
      },
      9,
    ],
    [
      '52',
      (b: Record<string, unknown>) => {
        b.message = 'a'.repeat(1531);
      },
      52,
    ],
    [
      '45',
      (b: Record<string, unknown>) => {
        b.time = 10;
        b.minute = 0;
      },
      45,
    ],
    [
      '46',
      (b: Record<string, unknown>) => {
        b.scheduledDeliveryDate = '01/01/2099';
      },
      46,
    ],
    [
      '47',
      (b: Record<string, unknown>) => {
        b.scheduledDeliveryDate = '01/01/2099';
        b.time = 9;
      },
      47,
    ],
    [
      '48',
      (b: Record<string, unknown>) => {
        b.scheduledDeliveryDate = '01/01/2099';
        b.time = 9;
        b.minute = 3;
      },
      48,
    ],
    [
      '49',
      (b: Record<string, unknown>) => {
        b.scheduledDeliveryDate = '31/02/2099';
        b.time = 9;
        b.minute = 5;
      },
      49,
    ],
  ])('%s: the sandbox answer becomes SmsPartnerApiError', async (_name, edit, code) => {
    const c = client({
      fetch: editingFetch((body) => {
        edit(body);
        return undefined;
      }),
    });
    const error = await rejection(c.send({ to: TO, message: 'x' }));
    expect(error).toBeInstanceOf(SmsPartnerApiError);
    expect(error).toMatchObject({ code, httpStatus: 400 });
    if (code === 9) {
      expect((error as SmsPartnerApiError).fieldErrors.map((f) => f.field)).toEqual([
        'to',
        'message',
      ]);
    }
    expect(sandbox.messages()).toHaveLength(0);
  });

  it('90: malformed JSON (HTTP 400)', async () => {
    const c = client({ fetch: editingFetch(() => '{"apiKey": "key-ok", "to": ') });
    expect(await rejection(c.send({ to: TO, message: 'x' }))).toMatchObject({
      code: 90,
      httpStatus: 400,
    });
  });

  it('3: message id required', async () => {
    const c = client({
      fetch: (input, init) => {
        const url = new URL(String(input));
        url.searchParams.delete('messageId');
        return fetch(url, init);
      },
    });
    expect(await rejection(c.cancelScheduled(1))).toMatchObject({ code: 3 });
  });
});

describe('fault injection and the client’s reaction', () => {
  const sendOnce = (c: SmsPartnerClient) =>
    c.send({ to: TO, message: 'fault test', tag: 'order-42' });

  it.each([
    ['timeout', {}],
    ['reset', {}],
    ['slow', { delayMs: 4_000 }],
  ] as const)(
    '%s on send → SmsPartnerOutcomeUnknownError, exactly one message recorded, no resend',
    async (type, extra) => {
      sandbox.injectFault({ type, count: 1, ...extra });
      const error = await rejection(sendOnce(client({ timeoutMs: 1_500 })));
      expect(error).toBeInstanceOf(SmsPartnerOutcomeUnknownError);
      expect(error).toMatchObject({ tag: 'order-42', to: TO });
      const messages = sandbox.messages();
      expect(messages).toHaveLength(1);
      expect(messages[0]?.fault).toBe(type);
      expect(sandbox.pendingFaults()).toEqual([]);
    },
  );

  it('garbled answer to a send → SmsPartnerOutcomeUnknownError caused by a protocol error; one message', async () => {
    sandbox.injectFault({ type: 'garbled' });
    const error = await rejection(sendOnce(client()));
    expect(error).toBeInstanceOf(SmsPartnerOutcomeUnknownError);
    expect((error as Error).cause).toBeInstanceOf(SmsPartnerProtocolError);
    expect(sandbox.messages()).toHaveLength(1);
  });

  it('garbled answer to a read → SmsPartnerProtocolError', async () => {
    sandbox.injectFault({ type: 'garbled' });
    const error = await rejection(client().getCredits());
    expect(error).toBeInstanceOf(SmsPartnerProtocolError);
    expect((error as SmsPartnerProtocolError).httpStatus).toBe(200);
  });

  it('slow but within the timeout: the send succeeds once', async () => {
    sandbox.injectFault({ type: 'slow', delayMs: 50 });
    const { messageId } = await sendOnce(client({ timeoutMs: 5_000 }));
    expect(messageId).toBe(sandbox.messages()[0]?.messageId);
    expect(sandbox.messages()).toHaveLength(1);
  });

  it('429 on send → SmsPartnerApiError 429, nothing recorded, not retried', async () => {
    sandbox.injectFault({ type: 'http429', count: 2, delayMs: 0 });
    expect(await rejection(sendOnce(client()))).toMatchObject({
      name: 'SmsPartnerApiError',
      code: 429,
      httpStatus: 429,
    });
    expect(sandbox.messages()).toHaveLength(0);
    expect(sandbox.pendingFaults()).toEqual([{ type: 'http429', count: 1 }]);
  });

  it('500 on send → not retried (outcome unknown to the client); the sandbox recorded nothing', async () => {
    sandbox.injectFault({ type: 'http500', count: 2 });
    expect(await rejection(sendOnce(client()))).toBeInstanceOf(SmsPartnerOutcomeUnknownError);
    expect(sandbox.messages()).toHaveLength(0);
    expect(sandbox.pendingFaults()).toEqual([{ type: 'http500', count: 1 }]);
  });

  it.each([
    ['http429', { delayMs: 0 }],
    ['http500', {}],
    ['timeout', {}],
    ['reset', {}],
  ] as const)('%s twice on a read → retried, then succeeds', async (type, extra) => {
    sandbox.injectFault({ type, count: 2, ...extra });
    const credits = await client({ timeoutMs: 1_500 }).getCredits();
    expect(credits.creditSms).toBe(50);
    expect(sandbox.pendingFaults()).toEqual([]);
  });

  it('Retry-After is sent with 429 and honoured by the client', async () => {
    sandbox.injectFault({ type: 'http429', count: 1, delayMs: 1_000 });
    // Retry-After: 1 (s) is above this client's cap: it surfaces the 429 instead of waiting
    expect(await rejection(client().stopList.list())).toMatchObject({ code: 429 });
    sandbox.injectFault({ type: 'http429', count: 1, delayMs: 1_000 });
    const patient = client({ retry: { retries: 1, minDelayMs: 1, maxDelayMs: 2_000 } });
    expect(await patient.stopList.list()).toEqual([]);
    expect(sandbox.pendingFaults()).toEqual([]);
  });

  it('more failures than retries → the read fails with the last answer', async () => {
    sandbox.injectFault({ type: 'http500', count: 3 });
    const error = await rejection(client().getCredits());
    expect(error).toBeInstanceOf(SmsPartnerProtocolError);
    expect(error).toMatchObject({ httpStatus: 500 });
  });

  it('faults can be queued over HTTP too', async () => {
    const response = await fetch(`${sandbox.url}/__sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'reset', count: 1 }),
    });
    expect(response.status).toBe(201);
    expect(await rejection(sendOnce(client()))).toBeInstanceOf(SmsPartnerOutcomeUnknownError);
    expect(sandbox.messages()).toHaveLength(1);
  });
});

import { SmsPartnerConfigError } from '@smspartner-kit/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  callbackUrls,
  createWebhooks,
  forgeCallbackRequest,
  forgeDeliveryReceipt,
  forgeInboundMessage,
  forgeInboundMessageParts,
  type InboundMessage,
  MemoryWebhookStore,
  type OptOut,
  type WebhookEvent,
  WebhookHandlerError,
  WebhookPayloadError,
  type WebhookStore,
  type Webhooks,
} from '../src/index.js';
import { sameSecret } from '../src/webhooks.js';
import { deferred } from './helpers.js';

const SECRET = 'rotate-me-0001';
const quiet = { warn: () => {}, error: () => {} };
const instances: Webhooks[] = [];

function make(options: Parameters<typeof createWebhooks>[0] = { secret: SECRET }) {
  const webhooks = createWebhooks({ logger: quiet, ...options });
  instances.push(webhooks);
  return webhooks;
}

afterEach(() => {
  for (const webhooks of instances.splice(0)) webhooks.close();
  vi.useRealTimers();
});

describe('createWebhooks options', () => {
  it('requires a secret, secrets or an explicit secret: false', () => {
    expect(() => createWebhooks({})).toThrow(SmsPartnerConfigError);
    expect(() => createWebhooks({ secret: '' })).toThrow(/secret/);
    expect(() => createWebhooks({ secrets: [] })).toThrow(/secrets/);
    expect(() => createWebhooks({ secret: false, logger: quiet })).not.toThrow();
    expect(() => createWebhooks({ secret: false, secrets: ['a'] })).toThrow(SmsPartnerConfigError);
  });

  it('refuses unknown keys and bad values, naming them', () => {
    expect(() => createWebhooks({ secret: 'x', dedup: true } as never)).toThrow(
      /unknown option dedup/,
    );
    expect(() => createWebhooks({ secret: 'x', timeoutMs: -1 })).toThrow(/timeoutMs/);
    expect(() => createWebhooks({ secret: 'x', timeZone: 'Mars/Olympus' })).toThrow(/timeZone/);
    expect(() => createWebhooks({ secret: 'x', dedupe: { store: {} as WebhookStore } })).toThrow(
      /dedupe.store/,
    );
  });

  it('never puts the secret in an error message', () => {
    try {
      createWebhooks({ secret: 'super-secret-value', bogus: 1 } as never);
    } catch (error) {
      expect(String(error)).not.toContain('super-secret-value');
      return;
    }
    throw new Error('expected a config error');
  });

  it('accepts and ignores the adapter keys path and controller', () => {
    expect(() => make({ secret: SECRET, path: '/hooks', controller: false })).not.toThrow();
  });
});

describe('events and handlers', () => {
  it('routes receipts, replies and opt-outs; onAny sees all; unsubscribe works', async () => {
    const webhooks = make();
    const seen: string[] = [];
    const any: WebhookEvent[] = [];
    webhooks.on('delivery-receipt', (r) => void seen.push(`dlr:${r.messageId}:${r.status}`));
    webhooks.on('inbound-message', (m) => void seen.push(`in:${m.text}`));
    const off = webhooks.on('opt-out', (o) => void seen.push(`stop:${o.phoneNumber}:${o.keyword}`));
    webhooks.onAny((event) => void any.push(event));

    await webhooks.receive('dlr', forgeDeliveryReceipt({ messageId: 1, status: 'not_delivered' }));
    await webhooks.receive('replies', forgeInboundMessage({ text: 'Arrêt', from: '0611111111' }));
    off();
    await webhooks.receive('replies', forgeInboundMessage({ text: 'STOP' }));
    expect(seen).toEqual(['dlr:1:not_delivered', 'in:Arrêt', 'stop:33611111111:ARRET', 'in:STOP']);
    expect(any.map((e) => e.name)).toEqual([
      'delivery-receipt',
      'inbound-message',
      'opt-out',
      'inbound-message',
      'opt-out',
    ]);
    const optOut = any[2]?.payload as OptOut;
    expect(optOut.message.text).toBe('Arrêt');
  });

  it('a short-number reply typed stop is an opt-out with keyword STOP, whatever its text', async () => {
    const webhooks = make();
    const optOuts: OptOut[] = [];
    webhooks.on('opt-out', (o) => void optOuts.push(o));
    await webhooks.receive('replies', {
      type: 'stop',
      phone_number: '+33612345678',
      text: 'Bonjour',
      message_id: 1111,
    });
    expect(optOuts.map((o) => [o.phoneNumber, o.keyword, o.to])).toEqual([
      ['33612345678', 'STOP', ''],
    ]);
  });

  it('runs handlers in parallel (the first waits for the second)', async () => {
    const webhooks = make();
    const second = deferred();
    const order: string[] = [];
    webhooks.on('delivery-receipt', async () => {
      await second.promise;
      order.push('first');
    });
    webhooks.on('delivery-receipt', () => {
      order.push('second');
      second.resolve();
    });
    await webhooks.receive('dlr', forgeDeliveryReceipt());
    expect(order).toEqual(['second', 'first']);
  });

  it('aggregates failures into one WebhookHandlerError carrying the event; onError gets it', async () => {
    const webhooks = make();
    const reported: WebhookHandlerError[] = [];
    webhooks.onError((error) => void reported.push(error));
    webhooks.on('delivery-receipt', () => {
      throw new Error('sync boom');
    });
    webhooks.on('delivery-receipt', async () => Promise.reject(new Error('async boom')));
    webhooks.on('delivery-receipt', () => 'fine');
    const rejection = await webhooks
      .receive('dlr', forgeDeliveryReceipt({ messageId: 77 }))
      .catch((error: unknown) => error);
    expect(rejection).toBeInstanceOf(WebhookHandlerError);
    const error = rejection as WebhookHandlerError;
    expect(error.event.name).toBe('delivery-receipt');
    expect((error.event.payload as { messageId: string }).messageId).toBe('77');
    expect(error.errors.map((e) => (e as Error).message)).toEqual(['sync boom', 'async boom']);
    expect(reported).toEqual([error]);
  });

  it('a failing onError handler is logged, not thrown', async () => {
    const errors: string[] = [];
    const webhooks = make({ secret: SECRET, logger: { error: (m) => void errors.push(m) } });
    webhooks.onError(() => {
      throw new Error('onError broke');
    });
    webhooks.on('delivery-receipt', () => {
      throw new Error('x');
    });
    await expect(webhooks.receive('dlr', forgeDeliveryReceipt())).rejects.toBeInstanceOf(
      WebhookHandlerError,
    );
    expect(errors).toContain('onError handler failed');
  });

  it('receive rejects bad payloads with WebhookPayloadError and never calls handlers', async () => {
    const webhooks = make();
    const handler = vi.fn();
    webhooks.onAny(handler);
    await expect(webhooks.receive('dlr', { status: 'x' })).rejects.toBeInstanceOf(
      WebhookPayloadError,
    );
    await expect(webhooks.receive('bogus' as never, {})).rejects.toBeInstanceOf(
      WebhookPayloadError,
    );
    expect(handler).not.toHaveBeenCalled();
  });

  it('refuses unknown event names', () => {
    const webhooks = make();
    expect(() => webhooks.on('receipt' as never, () => {})).toThrow(/unknown event/);
    expect(() => webhooks.on('__proto__' as never, () => {})).toThrow(/unknown event/);
  });

  it('nothing is lost: a receipt for a message nobody knows still reaches handlers', async () => {
    const webhooks = make();
    const handler = vi.fn();
    webhooks.on('delivery-receipt', handler);
    await webhooks.receive(
      'dlr',
      forgeDeliveryReceipt({ messageId: 'never-sent-by-this-process' }),
    );
    expect(handler).toHaveBeenCalledOnce();
  });
});

describe('dedupe', () => {
  it('acknowledges a repeated callback without dispatching it again', async () => {
    const webhooks = make();
    const handler = vi.fn();
    webhooks.on('delivery-receipt', handler);
    const request = forgeCallbackRequest('dlr', forgeDeliveryReceipt({ messageId: 5 }), {
      secret: SECRET,
      encoding: 'form',
    });
    expect((await webhooks.handle(request)).body).toBe('{"ok":true}');
    expect((await webhooks.handle(request)).body).toBe('{"ok":true,"duplicate":true}');
    expect(handler).toHaveBeenCalledOnce();
    expect(webhooks.stats().dedupeEntries).toBe(1);
  });

  it('the same receipt in another encoding is the same callback', async () => {
    const webhooks = make();
    const handler = vi.fn();
    webhooks.on('delivery-receipt', handler);
    const payload = forgeDeliveryReceipt({ messageId: 6 });
    for (const encoding of ['json', 'form', 'query'] as const) {
      expect(
        (await webhooks.handle(forgeCallbackRequest('dlr', payload, { secret: SECRET, encoding })))
          .status,
      ).toBe(200);
    }
    expect(handler).toHaveBeenCalledOnce();
  });

  it('a new status for the same message is a new event', async () => {
    const webhooks = make();
    const statuses: string[] = [];
    webhooks.on('delivery-receipt', (r) => void statuses.push(r.status));
    const when = new Date('2025-01-01T10:00:00Z');
    await webhooks.receive(
      'dlr',
      forgeDeliveryReceipt({ messageId: 8, status: 'waiting', occurredAt: when }),
    );
    await webhooks.receive(
      'dlr',
      forgeDeliveryReceipt({ messageId: 8, status: 'delivered', occurredAt: when }),
    );
    expect(statuses).toEqual(['waiting', 'delivered']);
  });

  it('a failed dispatch is not remembered: the provider retry is dispatched again', async () => {
    const webhooks = make();
    let calls = 0;
    webhooks.on('delivery-receipt', () => {
      calls++;
      if (calls === 1) throw new Error('database down');
    });
    const request = forgeCallbackRequest('dlr', forgeDeliveryReceipt({ messageId: 9 }), {
      secret: SECRET,
    });
    expect((await webhooks.handle(request)).status).toBe(500);
    expect((await webhooks.handle(request)).status).toBe(200);
    expect((await webhooks.handle(request)).body).toContain('duplicate');
    expect(calls).toBe(2);
  });

  it('dedupe: false dispatches every callback', async () => {
    const webhooks = make({ secret: SECRET, dedupe: false });
    const handler = vi.fn();
    webhooks.on('delivery-receipt', handler);
    const payload = forgeDeliveryReceipt({ messageId: 10 });
    await webhooks.receive('dlr', payload);
    await webhooks.receive('dlr', payload);
    expect(handler).toHaveBeenCalledTimes(2);
    expect(webhooks.stats().dedupeEntries).toBeUndefined();
  });

  it('plugs an async store (Redis-like) with the TTL it asks for', async () => {
    const data = new Map<string, string>();
    const ttls: number[] = [];
    const store: WebhookStore = {
      get: async (key) => data.get(key) ?? null,
      set: async (key, value, ttlMs) => {
        data.set(key, value);
        ttls.push(ttlMs);
      },
    };
    const webhooks = make({ secret: SECRET, dedupe: { store, ttlMs: 60_000 } });
    const handler = vi.fn();
    webhooks.on('inbound-message', handler);
    const payload = forgeInboundMessage({ messageId: 'r-1' });
    await webhooks.receive('replies', payload);
    await webhooks.receive('replies', payload);
    expect(handler).toHaveBeenCalledOnce();
    expect([...data.values()]).toEqual(['done']);
    expect(ttls).toContain(60_000);
  });

  it('an unreachable store lets callbacks through (a duplicate beats a loss) and logs', async () => {
    const errors: string[] = [];
    const store: WebhookStore = {
      get: () => Promise.reject(new Error('ECONNREFUSED')),
      set: () => {
        throw new Error('ECONNREFUSED');
      },
    };
    const webhooks = make({
      secret: SECRET,
      dedupe: { store },
      logger: { error: (m) => void errors.push(m) },
    });
    const handler = vi.fn();
    webhooks.on('delivery-receipt', handler);
    await webhooks.receive('dlr', forgeDeliveryReceipt({ messageId: 11 }));
    expect(handler).toHaveBeenCalledOnce();
    expect(errors.some((m) => m.includes('dedupe store get failed'))).toBe(true);
  });
});

describe('MemoryWebhookStore', () => {
  it('evicts the least recently used entry past maxEntries', () => {
    const store = new MemoryWebhookStore({ maxEntries: 3 });
    store.set('a', '1', 1000);
    store.set('b', '2', 1000);
    store.set('c', '3', 1000);
    expect(store.get('a')).toBe('1'); // a is now the most recent
    store.set('d', '4', 1000);
    expect(store.size).toBe(3);
    expect(store.get('b')).toBeUndefined();
    expect(store.get('a')).toBe('1');
    expect(store.get('d')).toBe('4');
  });

  it('forgets entries after their TTL', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const store = new MemoryWebhookStore();
    store.set('k', 'v', 500);
    vi.setSystemTime(1_000_499);
    expect(store.get('k')).toBe('v');
    vi.setSystemTime(1_000_500);
    expect(store.get('k')).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('the default bound is 100,000 entries', () => {
    expect(new MemoryWebhookStore().maxEntries).toBe(100_000);
  });
});

describe('secret rotation', () => {
  it('accepts every secret of the list and nothing else', async () => {
    const webhooks = make({ secret: 'current-secret', secrets: ['previous-secret'] });
    const payload = forgeDeliveryReceipt();
    for (const [secret, status] of [
      ['current-secret', 200],
      ['previous-secret', 200],
      ['previous-secreT', 401],
      ['current', 401],
      ['current-secret-and-more', 401],
    ] as const) {
      const response = await webhooks.handle(
        forgeCallbackRequest('dlr', { ...payload, messageId: secret }, { secret }),
      );
      expect([secret, response.status]).toEqual([secret, status]);
    }
    const none = await webhooks.handle(forgeCallbackRequest('dlr', payload));
    expect(none.status).toBe(401);
  });

  it('secret: false accepts callbacks without a token', async () => {
    const webhooks = make({ secret: false });
    const response = await webhooks.handle(forgeCallbackRequest('dlr', forgeDeliveryReceipt()));
    expect(response.status).toBe(200);
  });

  it('callbackUrls builds URLs the webhooks accept', async () => {
    const secret = 'tok en/+&=';
    const urls = callbackUrls({ publicUrl: 'https://example.com/app/', secret });
    expect(urls.urlDlr).toBe(
      'https://example.com/app/webhooks/smspartner/dlr?token=tok%20en%2F%2B%26%3D',
    );
    expect(urls.urlResponse).toBe(
      'https://example.com/app/webhooks/smspartner/replies?token=tok%20en%2F%2B%26%3D',
    );
    const webhooks = make({ secret });
    const url = new URL(urls.urlDlr);
    const response = await webhooks.handle({
      method: 'POST',
      url: `${url.pathname}${url.search}`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(forgeDeliveryReceipt()),
    });
    expect(response.status).toBe(200);
    expect(
      callbackUrls({ publicUrl: 'http://127.0.0.1:3000', secret: 's', path: 'hooks/sms/' }).urlDlr,
    ).toBe('http://127.0.0.1:3000/hooks/sms/dlr?token=s');
  });

  it('callbackUrls refuses bad input without echoing the secret', () => {
    expect(() => callbackUrls({ publicUrl: 'example.com', secret: 'hidden-1' })).toThrow(
      SmsPartnerConfigError,
    );
    expect(() => callbackUrls({ publicUrl: 'https://x.com/?a=1', secret: 'hidden-1' })).toThrow(
      /publicUrl/,
    );
    expect(() => callbackUrls({ publicUrl: 'https://x.com', secret: '' })).toThrow(/secret/);
    try {
      callbackUrls({ publicUrl: 'ftp://x', secret: 'hidden-1' });
    } catch (error) {
      expect(String(error)).not.toContain('hidden-1');
    }
  });
});

describe('HTTP outcomes of handle', () => {
  it('handlers still running after timeoutMs → 202, they go on, a late failure reaches onError', async () => {
    const webhooks = make({ secret: SECRET, timeoutMs: 20 });
    const release = deferred();
    const finished = deferred<WebhookHandlerError>();
    webhooks.onError((error) => finished.resolve(error));
    webhooks.on('delivery-receipt', async () => {
      await release.promise;
      throw new Error('late failure');
    });
    const response = await webhooks.handle(
      forgeCallbackRequest('dlr', forgeDeliveryReceipt(), { secret: SECRET }),
    );
    expect(response.status).toBe(202);
    release.resolve();
    const error = await finished.promise;
    expect(error.errors.map((e) => (e as Error).message)).toEqual(['late failure']);
  });

  it('handler failure → 500 without leaking the error text', async () => {
    const webhooks = make();
    webhooks.on('inbound-message', () => {
      throw new Error('secret internal detail');
    });
    const response = await webhooks.handle(
      forgeCallbackRequest('replies', forgeInboundMessage(), { secret: SECRET }),
    );
    expect(response.status).toBe(500);
    expect(JSON.parse(response.body)).toMatchObject({ error: 'handler_failed' });
    expect(response.body).not.toContain('secret internal detail');
  });
});

describe('reassembly of concatenated replies', () => {
  const text = `${'A'.repeat(153)}${'B'.repeat(153)}${'C'.repeat(20)}`;

  function collect(webhooks: Webhooks) {
    const messages: InboundMessage[] = [];
    webhooks.on('inbound-message', (m) => void messages.push(m));
    return messages;
  }

  it('joins parts received in order, emitted once', async () => {
    const webhooks = make();
    const messages = collect(webhooks);
    const parts = forgeInboundMessageParts({ text, ref: '7' });
    expect(parts).toHaveLength(3);
    for (const part of parts) await webhooks.receive('replies', part);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ text, concat: { ref: '7', total: 3, part: 1 } });
    expect(messages[0]?.incomplete).toBeUndefined();
    expect(messages[0]?.parts?.map((p) => p.concat?.part)).toEqual([1, 2, 3]);
    expect(webhooks.stats().pendingReplies).toBe(0);
  });

  it('joins parts received out of order, and ignores a repeated part', async () => {
    const webhooks = make();
    const messages = collect(webhooks);
    const [p1, p2, p3] = forgeInboundMessageParts({ text, ref: '8' });
    for (const part of [p3, p1, p3, p2]) await webhooks.receive('replies', part);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.text).toBe(text);
  });

  it('keys groups by sender and ref: the same ref from two senders stays apart', async () => {
    const webhooks = make();
    const messages = collect(webhooks);
    const alice = forgeInboundMessageParts({
      text: 'Hello world',
      ref: '9',
      from: '33611111111',
      partLength: 6,
    });
    const bob = forgeInboundMessageParts({
      text: 'Bonjour!!!!',
      ref: '9',
      from: '33622222222',
      partLength: 6,
    });
    for (const part of [alice[0], bob[0], bob[1], alice[1]])
      await webhooks.receive('replies', part);
    expect(messages.map((m) => `${m.from}:${m.text}`)).toEqual([
      '33622222222:Bonjour!!!!',
      '33611111111:Hello world',
    ]);
  });

  it('a missing part: emitted after the time-out with incomplete: true and the gap listed', async () => {
    const webhooks = make({ secret: SECRET, reassemble: { timeoutMs: 30 } });
    const emitted = deferred<InboundMessage>();
    webhooks.on('inbound-message', (m) => emitted.resolve(m));
    const [p1, , p3] = forgeInboundMessageParts({ text, ref: '10' });
    await webhooks.receive('replies', p1);
    await webhooks.receive('replies', p3);
    const message = await emitted.promise;
    expect(message).toMatchObject({
      incomplete: true,
      missingParts: [2],
      text: `${'A'.repeat(153)}${'C'.repeat(20)}`,
    });
  });

  it('STOP split over two parts is an opt-out once joined', async () => {
    const webhooks = make();
    const optOuts: OptOut[] = [];
    webhooks.on('opt-out', (o) => void optOuts.push(o));
    for (const part of forgeInboundMessageParts({ text: 'STOP SMS', partLength: 4, ref: '11' })) {
      await webhooks.receive('replies', part);
    }
    expect(optOuts.map((o) => o.keyword)).toEqual(['STOP SMS']);
  });

  it('bounds the number of waiting replies: the oldest is emitted incomplete and logged', async () => {
    const warnings: string[] = [];
    const webhooks = make({
      secret: SECRET,
      reassemble: { maxPending: 2 },
      logger: { warn: (m) => void warnings.push(m) },
    });
    const messages = collect(webhooks);
    for (const ref of ['a', 'b', 'c']) {
      await webhooks.receive(
        'replies',
        forgeInboundMessageParts({ text: 'x'.repeat(200), ref, partLength: 100 })[0],
      );
    }
    expect(webhooks.stats().pendingReplies).toBe(2);
    await vi.waitFor(() => expect(messages).toHaveLength(1));
    expect(messages[0]).toMatchObject({
      incomplete: true,
      missingParts: [2],
      concat: { ref: 'a' },
    });
    expect(warnings.some((w) => w.includes('evicted'))).toBe(true);
  });

  it('bounds the bytes held: past maxBytes the oldest replies are emitted incomplete', async () => {
    const webhooks = make({ secret: SECRET, reassemble: { maxBytes: 250 } });
    const messages = collect(webhooks);
    for (const ref of ['a', 'b', 'c']) {
      await webhooks.receive(
        'replies',
        forgeInboundMessageParts({ text: 'x'.repeat(200), ref, partLength: 100 })[0],
      );
    }
    expect(webhooks.stats().pendingBytes).toBeLessThanOrEqual(250);
    await vi.waitFor(() => expect(messages.map((m) => m.concat?.ref)).toEqual(['a']));
  });

  it('close() emits waiting replies as incomplete rather than dropping them', async () => {
    const webhooks = make();
    const messages = collect(webhooks);
    await webhooks.receive(
      'replies',
      forgeInboundMessageParts({ text: 'x'.repeat(300), ref: 'z' })[0],
    );
    webhooks.close();
    await vi.waitFor(() => expect(messages).toHaveLength(1));
    expect(messages[0]?.incomplete).toBe(true);
    expect(webhooks.stats().pendingReplies).toBe(0);
  });

  it('a failed dispatch keeps the parts: the retried last part completes the reply again', async () => {
    const webhooks = make();
    let attempts = 0;
    const texts: string[] = [];
    webhooks.on('inbound-message', (m) => {
      attempts++;
      if (attempts === 1) throw new Error('db down');
      texts.push(m.text);
    });
    const [p1, p2] = forgeInboundMessageParts({ text: 'abcdef', partLength: 3, ref: 'r' });
    await webhooks.receive('replies', p1);
    await expect(webhooks.receive('replies', p2)).rejects.toBeInstanceOf(WebhookHandlerError);
    await webhooks.receive('replies', p2); // the provider retries the part it got a 500 for
    expect(texts).toEqual(['abcdef']);
  });

  it('reassemble: false hands each part over with its concat info', async () => {
    const webhooks = make({ secret: SECRET, reassemble: false });
    const messages = collect(webhooks);
    for (const part of forgeInboundMessageParts({ text: 'abcdef', partLength: 3, ref: 'q' })) {
      await webhooks.receive('replies', part);
    }
    expect(messages.map((m) => [m.text, m.concat?.part])).toEqual([
      ['abc', 1],
      ['def', 2],
    ]);
  });
});

describe('sameSecret (the constant-time token comparison)', () => {
  it('property: true exactly when the strings are equal, whatever their lengths and characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(sameSecret(a, b)).toBe(a === b);
        expect(sameSecret(a, a)).toBe(true);
        expect(sameSecret(`${a}x`, a)).toBe(false); // a prefix is not the secret
        expect(sameSecret(a, `${a}x`)).toBe(false);
      }),
      { numRuns: 2000 },
    );
    expect(sameSecret('', 'secret')).toBe(false);
    expect(sameSecret('secretsecret', 'secret')).toBe(false); // the repeated secret
  });
});

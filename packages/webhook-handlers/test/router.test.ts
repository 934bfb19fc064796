import { SmsPartnerConfigError } from '@smspartner-kit/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  callbackUrls,
  createNodeMiddleware,
  createWebhooks,
  type InboundMessage,
  MemoryReassemblyStore,
  MemoryWebhookStore,
  type OptOut,
  type WebhookEvent,
  WebhookHandlerError,
  WebhookPayloadError,
  type WebhookStore,
  type Webhooks,
} from '../src/index.js';
import {
  forgeCallbackRequest,
  forgeDeliveryReceipt,
  forgeInboundMessage,
  forgeInboundMessageParts,
} from '../src/testing/index.js';
import { deferred, listen, rawRequest } from './helpers.js';

const SECRET = 'rotate-me-0001';
const quiet = { warn: () => {}, error: () => {} };
const instances: Webhooks[] = [];

function make(options: Parameters<typeof createWebhooks>[0] = { secret: SECRET }) {
  const webhooks = createWebhooks({ logger: quiet, ...options });
  instances.push(webhooks);
  return webhooks;
}

afterEach(() => {
  for (const webhooks of instances.splice(0)) void webhooks.close();
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

  it('refuses unknown keys (with a "did you mean") and bad values, naming them', () => {
    expect(() => createWebhooks({ secret: 'x', dedup: true } as never)).toThrow(
      'dedup: unknown field "dedup"; did you mean "dedupe"?',
    );
    expect(() => createWebhooks({ secret: 'x', timezone: 'UTC' } as never)).toThrow(
      /did you mean "timeZone"/,
    );
    expect(() => createWebhooks({ secret: 'x', dedupe: { ttlMs: -1 } })).toThrow(/dedupe.ttlMs/);
    expect(() => createWebhooks({ secret: 'x', reassemble: { store: {} as never } })).toThrow(
      /reassemble.store: must have the methods addPart, takeExpired/,
    );
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

  it('leaves HTTP settings to the adapters: path is not a router option', () => {
    expect(() => make({ secret: SECRET, path: '/hooks' } as never)).toThrow(/unknown field "path"/);
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

/** A node:http server on createNodeMiddleware for one Webhooks instance. */
async function serve(webhooks: Webhooks, options?: Parameters<typeof createNodeMiddleware>[1]) {
  const server = await listen(createNodeMiddleware(webhooks, options));
  cleanups.push(() => server.close());
  return (request: ReturnType<typeof forgeCallbackRequest>) =>
    rawRequest(server.port, { ...request, path: request.url });
}
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('dedupe', () => {
  it('acknowledges a repeated callback without dispatching it again', async () => {
    const store = new MemoryWebhookStore();
    const webhooks = make({ secret: SECRET, dedupe: { store } });
    const handler = vi.fn();
    webhooks.on('delivery-receipt', handler);
    const post = await serve(webhooks);
    const request = forgeCallbackRequest('dlr', forgeDeliveryReceipt({ messageId: 5 }), {
      secret: SECRET,
      encoding: 'form',
    });
    expect((await post(request)).text).toBe('{"ok":true}');
    expect((await post(request)).text).toBe('{"ok":true,"duplicate":true}');
    expect(handler).toHaveBeenCalledOnce();
    expect(store.size).toBe(1);
  });

  it('the same receipt in another encoding is the same callback', async () => {
    const webhooks = make();
    const handler = vi.fn();
    webhooks.on('delivery-receipt', handler);
    const post = await serve(webhooks);
    const payload = forgeDeliveryReceipt({ messageId: 6 });
    for (const encoding of ['json', 'form', 'query'] as const) {
      expect(
        (await post(forgeCallbackRequest('dlr', payload, { secret: SECRET, encoding }))).status,
      ).toBe(200);
    }
    expect(handler).toHaveBeenCalledOnce();
  });

  it('a new status for the same message is a new event', async () => {
    const webhooks = make();
    const statuses: string[] = [];
    webhooks.on('delivery-receipt', (r) => void statuses.push(r.status));
    const when = new Date('2025-01-01T10:00:00Z');
    for (const status of ['waiting', 'delivered'] as const) {
      const outcome = await webhooks.receive(
        'dlr',
        forgeDeliveryReceipt({ messageId: 8, status, occurredAt: when }),
      );
      expect(outcome).toBe('dispatched');
    }
    expect(statuses).toEqual(['waiting', 'delivered']);
  });

  it('a failed dispatch releases the claim: the provider retry is dispatched again', async () => {
    const webhooks = make();
    let calls = 0;
    webhooks.on('delivery-receipt', () => {
      calls++;
      if (calls === 1) throw new Error('database down');
    });
    const post = await serve(webhooks);
    const request = forgeCallbackRequest('dlr', forgeDeliveryReceipt({ messageId: 9 }), {
      secret: SECRET,
    });
    expect((await post(request)).status).toBe(500);
    expect((await post(request)).status).toBe(200);
    expect((await post(request)).text).toContain('duplicate');
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
  });

  it('plugs an async store with the TTL it asks for, and releases on failure', async () => {
    const held = new Map<string, number>();
    const calls: string[] = [];
    const store: WebhookStore = {
      claim: async (key, ttlMs) => {
        calls.push(`claim ${ttlMs}`);
        if (held.has(key)) return false;
        held.set(key, ttlMs);
        return true;
      },
      release: async (key) => {
        calls.push('release');
        held.delete(key);
      },
    };
    const webhooks = make({ secret: SECRET, dedupe: { store, ttlMs: 60_000 } });
    let fail = true;
    webhooks.on('inbound-message', () => {
      if (fail) throw new Error('first attempt fails');
    });
    const payload = forgeInboundMessage({ messageId: 'r-1' });
    await expect(webhooks.receive('replies', payload)).rejects.toBeInstanceOf(WebhookHandlerError);
    fail = false;
    expect(await webhooks.receive('replies', payload)).toBe('dispatched');
    expect(await webhooks.receive('replies', payload)).toBe('duplicate');
    expect(calls).toEqual(['claim 60000', 'release', 'claim 60000', 'claim 60000']);
    expect(held.size).toBe(1);
  });

  it('an unreachable store lets callbacks through (a duplicate beats a loss) and logs', async () => {
    const errors: string[] = [];
    const store: WebhookStore = {
      claim: () => Promise.reject(new Error('ECONNREFUSED')),
      release: () => Promise.reject(new Error('ECONNREFUSED')),
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
    expect(errors.some((m) => m.includes('dedupe store claim failed'))).toBe(true);
  });
});

/** A store whose every call first awaits a timer, like a remote Redis or database. */
function slowStores() {
  const pause = () =>
    new Promise((resolve) => setTimeout(resolve, 1 + Math.floor(Math.random() * 3)));
  const claims = new MemoryWebhookStore();
  const parts = new MemoryReassemblyStore();
  const dedupe: WebhookStore = {
    claim: async (key, ttlMs) => {
      await pause();
      return claims.claim(key, ttlMs);
    },
    release: async (key) => {
      await pause();
      return claims.release(key);
    },
  };
  return {
    dedupe,
    reassembly: {
      addPart: async (...args: Parameters<MemoryReassemblyStore['addPart']>) => {
        await pause();
        return parts.addPart(...args);
      },
      takeExpired: async (now: number) => {
        await pause();
        return parts.takeExpired(now);
      },
    },
  };
}

describe.each([
  ['a slow asynchronous store', () => slowStores()],
  ['the in-memory defaults', () => undefined],
])('concurrent copies with %s', (_name, stores) => {
  it('the same receipt posted 1,000 times at once → one event', async () => {
    const given = stores();
    const webhooks = make({ secret: SECRET, ...(given && { dedupe: { store: given.dedupe } }) });
    const handler = vi.fn(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
    });
    webhooks.on('delivery-receipt', handler);
    const post = await serve(webhooks);
    const request = forgeCallbackRequest('dlr', forgeDeliveryReceipt({ messageId: 'same-1' }), {
      secret: SECRET,
    });
    const answers = await Promise.all(Array.from({ length: 1000 }, () => post(request)));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(answers.filter((answer) => answer.json?.duplicate === true)).toHaveLength(999);
    expect(handler).toHaveBeenCalledOnce();
  });

  it('a 3-part reply, parts interleaved and each posted 5 times at once → one reply event', async () => {
    const given = stores();
    const webhooks = make({
      secret: SECRET,
      ...(given && { dedupe: { store: given.dedupe }, reassemble: { store: given.reassembly } }),
    });
    const replies: InboundMessage[] = [];
    webhooks.on('inbound-message', (m) => void replies.push(m));
    const post = await serve(webhooks);
    const text = `${'A'.repeat(153)}${'B'.repeat(153)}${'C'.repeat(20)}`;
    const parts = forgeInboundMessageParts({ text, ref: '42' }).map((part) =>
      forgeCallbackRequest('replies', part, { secret: SECRET }),
    );
    const order = [2, 0, 1, 2, 1, 0, 0, 2, 1, 1, 0, 2, 2, 1, 0];
    const answers = await Promise.all(order.map((n) => post(parts[n] as (typeof parts)[number])));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toBe(text);
    expect(replies[0]?.incomplete).toBeUndefined();
  });
});

describe('MemoryWebhookStore', () => {
  it('a claim is won once while it lives; past maxEntries the older half is forgotten', async () => {
    const store = new MemoryWebhookStore({ maxEntries: 4 });
    for (const key of ['a', 'b']) expect(await store.claim(key, 1000)).toBe(true);
    expect(await store.claim('a', 1000)).toBe(false);
    expect(await store.claim('c', 1000)).toBe(true);
    expect(store.size).toBe(3);
    expect(await store.claim('d', 1000)).toBe(true); // a and b are dropped with their generation
    expect(store.size).toBe(2);
    expect(await store.claim('a', 1000)).toBe(true);
    expect(await store.claim('d', 1000)).toBe(false);
    await store.release('d');
    expect(await store.claim('d', 1000)).toBe(true);
  });

  it('forgets claims after their TTL', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const store = new MemoryWebhookStore();
    expect(await store.claim('k', 500)).toBe(true);
    vi.setSystemTime(1_000_499);
    expect(await store.claim('k', 500)).toBe(false);
    vi.setSystemTime(1_000_500);
    expect(await store.claim('k', 500)).toBe(true);
  });

  it('the default bound is 100,000 claims', () => {
    expect(new MemoryWebhookStore().maxEntries).toBe(100_000);
  });
});

describe('secret rotation', () => {
  it('accepts every secret of the list and nothing else', async () => {
    const webhooks = make({ secret: 'current-secret', secrets: ['previous-secret'] });
    for (const [token, accepted] of [
      ['current-secret', true],
      ['previous-secret', true],
      ['previous-secreT', false],
      ['current', false],
      ['current-secret-and-more', false],
      ['', false],
      [undefined, false],
    ] as const) {
      expect([token, webhooks.verify(token)]).toEqual([token, accepted]);
    }
  });

  it('secret: false accepts callbacks without a token', async () => {
    const webhooks = make({ secret: false });
    expect(webhooks.verify(undefined)).toBe(true);
    const post = await serve(webhooks);
    expect((await post(forgeCallbackRequest('dlr', forgeDeliveryReceipt()))).status).toBe(200);
  });

  it('callbackUrls builds URLs the middleware accepts', async () => {
    const secret = 'tok en/+&=';
    const urls = callbackUrls({ publicUrl: 'https://example.com/app/', secret });
    expect(urls.urlDlr).toBe(
      'https://example.com/app/webhooks/smspartner/dlr?token=tok%20en%2F%2B%26%3D',
    );
    expect(urls.urlResponse).toBe(
      'https://example.com/app/webhooks/smspartner/replies?token=tok%20en%2F%2B%26%3D',
    );
    const webhooks = make({ secret });
    const post = await serve(webhooks);
    const url = new URL(urls.urlDlr);
    const response = await post({
      method: 'POST',
      url: `${url.pathname.replace('/app', '')}${url.search}`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(forgeDeliveryReceipt()),
    });
    expect(response.status).toBe(200);
    expect(
      callbackUrls({ publicUrl: 'http://127.0.0.1:3000', secret: 's', path: '/hooks/sms/' }).urlDlr,
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
    expect(() => callbackUrls({ publicUrl: 'https://x.com', secret: 's', path: 'hooks' })).toThrow(
      /path/,
    );
    try {
      callbackUrls({ publicUrl: 'ftp://x', secret: 'hidden-1' });
    } catch (error) {
      expect(String(error)).not.toContain('hidden-1');
    }
  });
});

describe('HTTP answers while handlers run', () => {
  it('still running after ackTimeoutMs → 202; a later failure reaches onError and releases the claim', async () => {
    const webhooks = make();
    const release = deferred();
    const finished = deferred<WebhookHandlerError>();
    webhooks.onError((error) => finished.resolve(error));
    let attempts = 0;
    webhooks.on('delivery-receipt', async () => {
      attempts++;
      if (attempts > 1) return;
      await release.promise;
      throw new Error('late failure');
    });
    const post = await serve(webhooks, { ackTimeoutMs: 20 });
    const request = forgeCallbackRequest('dlr', forgeDeliveryReceipt(), { secret: SECRET });
    const response = await post(request);
    expect(response.status).toBe(202);
    release.resolve();
    const error = await finished.promise;
    expect(error.errors.map((e) => (e as Error).message)).toEqual(['late failure']);
    // The claim was released: a retry of the same callback is processed, not called a duplicate.
    await vi.waitFor(async () => expect((await post(request)).json).toEqual({ ok: true }));
    expect(attempts).toBe(2);
  });

  it('handler failure → 500 without leaking the error text', async () => {
    const webhooks = make();
    webhooks.on('inbound-message', () => {
      throw new Error('secret internal detail');
    });
    const post = await serve(webhooks);
    const response = await post(
      forgeCallbackRequest('replies', forgeInboundMessage(), { secret: SECRET }),
    );
    expect(response.status).toBe(500);
    expect(response.json).toMatchObject({ error: 'handler_failed' });
    expect(response.text).not.toContain('secret internal detail');
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
    const store = new MemoryReassemblyStore();
    const webhooks = make({ secret: SECRET, reassemble: { store } });
    const messages = collect(webhooks);
    const parts = forgeInboundMessageParts({ text, ref: '7' });
    expect(parts).toHaveLength(3);
    for (const part of parts) await webhooks.receive('replies', part);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ text, concat: { ref: '7', total: 3, part: 1 } });
    expect(messages[0]?.incomplete).toBeUndefined();
    expect(messages[0]?.parts?.map((p) => p.concat?.part)).toEqual([1, 2, 3]);
    expect(store.pending.groups).toBe(0);
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
    const store = new MemoryReassemblyStore({ maxPending: 2 });
    const webhooks = make({
      secret: SECRET,
      reassemble: { store },
      logger: { warn: (m) => void warnings.push(m) },
    });
    const messages = collect(webhooks);
    for (const ref of ['a', 'b', 'c']) {
      await webhooks.receive(
        'replies',
        forgeInboundMessageParts({ text: 'x'.repeat(200), ref, partLength: 100 })[0],
      );
    }
    expect(store.pending.groups).toBe(2);
    await vi.waitFor(() => expect(messages).toHaveLength(1));
    expect(messages[0]).toMatchObject({
      incomplete: true,
      missingParts: [2],
      concat: { ref: 'a' },
    });
    expect(warnings.some((w) => w.includes('emitted incomplete'))).toBe(true);
  });

  it('bounds the bytes held: past maxBytes the oldest replies are emitted incomplete', async () => {
    const store = new MemoryReassemblyStore({ maxBytes: 1500 });
    const webhooks = make({ secret: SECRET, reassemble: { store } });
    const messages = collect(webhooks);
    for (const ref of ['a', 'b', 'c']) {
      await webhooks.receive(
        'replies',
        forgeInboundMessageParts({ text: 'x'.repeat(200), ref, partLength: 100 })[0],
      );
    }
    expect(store.pending.bytes).toBeLessThanOrEqual(1500);
    await vi.waitFor(() => expect(messages[0]?.concat?.ref).toBe('a'));
    expect(messages.every((m) => m.incomplete)).toBe(true);
  });

  it('close() emits waiting replies as incomplete rather than dropping them', async () => {
    const store = new MemoryReassemblyStore();
    const webhooks = make({ secret: SECRET, reassemble: { store } });
    const messages = collect(webhooks);
    await webhooks.receive(
      'replies',
      forgeInboundMessageParts({ text: 'x'.repeat(300), ref: 'z' })[0],
    );
    await webhooks.close();
    await vi.waitFor(() => expect(messages).toHaveLength(1));
    expect(messages[0]?.incomplete).toBe(true);
    expect(store.pending.groups).toBe(0);
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

  it('a whole reply re-sent with new part ids is one reply (parts are keyed by sender, ref and part)', async () => {
    const webhooks = make();
    const messages = collect(webhooks);
    const parts = forgeInboundMessageParts({ text: 'abcdef', partLength: 3, ref: 'again' });
    for (const part of parts) expect(await webhooks.receive('replies', part)).not.toBe('duplicate');
    for (const part of parts) {
      const resent = { ...part, messageId: `${part.messageId}-resent` };
      expect(await webhooks.receive('replies', resent)).toBe('duplicate');
    }
    expect(messages.map((m) => m.text)).toEqual(['abcdef']);
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

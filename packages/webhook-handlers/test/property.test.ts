import { DELIVERY_STATUSES, detectOptOut, OPT_OUT_KEYWORDS } from '@smspartner-kit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerCallback } from '../src/http/contract.js';
import {
  createWebhooks,
  MemoryWebhookStore,
  parseDeliveryReceipt,
  parseInboundMessage,
  WebhookPayloadError,
} from '../src/index.js';
import { forgeDeliveryReceipt, forgeInboundMessage } from '../src/testing/index.js';

const MESSAGE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Either a typed result or a WebhookPayloadError with issues — nothing else. */
function outcome<T>(parse: () => T): { ok: T } | { error: WebhookPayloadError } {
  try {
    return { ok: parse() };
  } catch (error) {
    if (!(error instanceof WebhookPayloadError)) throw error;
    expect(error.issues.length).toBeGreaterThan(0);
    for (const issue of error.issues) {
      expect(typeof issue.field).toBe('string');
      expect(typeof issue.message).toBe('string');
    }
    return { error };
  }
}

const fieldNames = fc.constantFrom(
  'messageId',
  'message_id',
  'msgid',
  'phoneNumber',
  'number',
  'msisdn',
  'to',
  'status',
  'statut',
  'date',
  'scts',
  'message-timestamp',
  'err-code',
  'tag',
  'text',
  'keyword',
  'type',
  'concat',
  'concat-ref',
  'concat-total',
  'concat-part',
  '__proto__',
  'constructor',
  'token',
  'x[y]',
);
const values = fc.oneof(
  fc.string(),
  fc.stringMatching(/^\+?\d{6,16}$/),
  fc.constantFrom(
    '33612345678',
    '0612345678',
    'Delivered',
    'DELIVRD',
    'true',
    '2',
    '1',
    '2401151030',
    '2024-01-15 10:30:00',
  ),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.anything(),
);
/** String(v), except for values with no string form (null-prototype objects from fc.anything). */
const asText = (value: unknown): string => {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
};
const payloads = fc.dictionary(fieldNames, values, { maxKeys: 12 });
const anyInput = fc.oneof(
  fc.anything({
    withNullPrototype: true,
    withMap: true,
    withSet: true,
    withBigInt: true,
    withDate: true,
    withTypedArray: true,
    withBoxedValues: true,
    withSparseArray: true,
    withObjectString: true,
  }),
  fc.string(),
  payloads,
  payloads.map((p) => JSON.stringify(p)),
  payloads.map((p) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(p)) params.append(k, asText(v));
    return params;
  }),
  payloads.map((p) =>
    Object.entries(p)
      .map(([k, v]) => `${k}=${asText(v)}`)
      .join('&'),
  ),
  fc.uint8Array().map((bytes) => Buffer.from(bytes)),
  // Valid payloads with random extra fields, so both success paths are always exercised.
  fc
    .tuple(fc.constantFrom(forgeDeliveryReceipt(), forgeInboundMessage()), payloads)
    .map(([valid, noise]) => ({ ...noise, ...valid })),
);

describe('parsers never do anything but return a typed event or throw WebhookPayloadError', () => {
  it('parseDeliveryReceipt', () => {
    let parsed = 0;
    fc.assert(
      fc.property(anyInput, (input) => {
        const result = outcome(() => parseDeliveryReceipt(input));
        if ('ok' in result) {
          parsed++;
          const r = result.ok;
          expect(r.messageId).toMatch(MESSAGE_ID_PATTERN);
          expect(r.phoneNumber).toMatch(/^[1-9]\d{6,14}$/);
          expect(DELIVERY_STATUSES).toContain(r.status);
          if (r.occurredAt) expect(Number.isNaN(r.occurredAt.getTime())).toBe(false);
          expect(Object.getPrototypeOf(r.raw)).toBeNull();
          expect('token' in r.raw).toBe(false);
        }
      }),
      { numRuns: 3000 },
    );
    // The generator must reach the success path too, or the property proves little.
    expect(parsed).toBeGreaterThan(0);
  });

  it('parseInboundMessage', () => {
    let parsed = 0;
    fc.assert(
      fc.property(anyInput, (input) => {
        const result = outcome(() => parseInboundMessage(input));
        if ('ok' in result) {
          parsed++;
          const m = result.ok;
          expect(m.messageId).toMatch(MESSAGE_ID_PATTERN);
          expect(m.from).toMatch(/^[1-9]\d{6,14}$/);
          expect(typeof m.text).toBe('string');
          expect(typeof m.isOptOut).toBe('boolean');
          if (m.concat) {
            expect(m.concat.part).toBeGreaterThanOrEqual(1);
            expect(m.concat.part).toBeLessThanOrEqual(m.concat.total);
          }
        }
      }),
      { numRuns: 3000 },
    );
    expect(parsed).toBeGreaterThan(0);
  });

  it('a valid identity always parses, whatever the status wording', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 64 }), fc.integer({ min: 0 }), (status, id) => {
        const receipt = parseDeliveryReceipt({ messageId: id, phoneNumber: '33612345678', status });
        expect(receipt.messageId).toBe(String(id));
        expect(DELIVERY_STATUSES).toContain(receipt.status);
      }),
    );
  });

  it('nothing pollutes Object.prototype', () => {
    const baseline = Object.getOwnPropertyNames(Object.prototype).sort();
    fc.assert(
      fc.property(anyInput, (input) => {
        outcome(() => parseDeliveryReceipt(input));
        outcome(() => parseInboundMessage(input));
        expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(baseline);
        for (const key of ['polluted', 'isAdmin', 'x', 'a']) {
          expect((Object.prototype as Record<string, unknown>)[key]).toBeUndefined();
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('opt-out detection', () => {
  const decorate = (keyword: string) =>
    fc
      .tuple(
        fc.array(fc.boolean(), { minLength: keyword.length, maxLength: keyword.length }),
        fc.constantFrom('', ' ', '  ', '\n', '\t '),
        fc.constantFrom('', ' ', '.', '!', ' !', '\n'),
      )
      .map(([upper, before, after]) => {
        const cased = [...keyword]
          .map((ch, i) => (upper[i] ? ch.toUpperCase() : ch.toLowerCase()))
          .join('');
        const accented = cased.replace(/E/g, 'Ê').replace(/e/g, 'é');
        return `${before}${accented}${after}`;
      });

  it('every keyword, any case, accents and padding → opt-out', () => {
    fc.assert(
      fc.property(fc.constantFrom(...OPT_OUT_KEYWORDS).chain(decorate), (text) => {
        expect(detectOptOut(text)).toBeDefined();
      }),
    );
  });

  it('a keyword followed by more words is not an opt-out', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('STOP', 'ARRET', 'UNSUBSCRIBE'),
        fc.stringMatching(/^[a-z]{3,10}$/).filter((w) => w !== 'sms' && w !== 'all'),
        (keyword, word) => {
          expect(detectOptOut(`${keyword} ${word}`)).toBeUndefined();
        },
      ),
    );
  });
});

describe('the HTTP contract never answers outside its table', () => {
  it('arbitrary methods, content types and bodies → a documented status, handlers only on 2xx', async () => {
    const webhooks = createWebhooks({ secret: 's', logger: { warn: () => {}, error: () => {} } });
    let dispatched = 0;
    webhooks.onAny(() => {
      dispatched++;
    });
    const settings = { mount: '/h', maxBodyBytes: 65_536, ackTimeoutMs: 1_000, logError() {} };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'HEAD', 'post'),
        fc.constantFrom(
          '/h/dlr?token=s',
          '/h/replies?token=s',
          '/h/dlr',
          '/h/other?token=s',
          '/h/dlr?token=s&msisdn=33612345678&messageId=1',
        ),
        fc.constantFrom(
          undefined,
          'application/json',
          'application/x-www-form-urlencoded',
          'text/plain',
          'text/xml',
          'application/json; charset=latin1',
          'multipart/form-data; boundary=x',
        ),
        fc.oneof(fc.constant(undefined), fc.string(), anyInput),
        async (method, url, type, body) => {
          const before = dispatched;
          const answer = await answerCallback(
            webhooks,
            { method, url, header: () => type, body: async () => body },
            settings,
          );
          if (url.startsWith('/h/other')) {
            expect(answer).toBeUndefined(); // not ours: next() or 404
            return;
          }
          expect([200, 400, 401, 405, 415]).toContain(answer?.status);
          expect(() => JSON.parse(answer?.body ?? '')).not.toThrow();
          if (answer?.status !== 200) expect(dispatched).toBe(before);
        },
      ),
      { numRuns: 1500 },
    );
    await webhooks.close();
  });
});

describe('MemoryWebhookStore', () => {
  const op = (keys: number) =>
    fc.record({ kind: fc.constantFrom('claim' as const, 'release' as const), key: fc.nat(keys) });

  it('never lets a held claim among the latest maxEntries / 2 be won twice, frees released keys, stays bounded', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }),
        fc.array(op(12), { maxLength: 300 }),
        async (max, ops) => {
          const store = new MemoryWebhookStore({ maxEntries: max });
          const wins: string[] = []; // every key won, in order
          const held = new Set<string>();
          const kept = Math.floor(max / 2);
          for (const o of ops) {
            const key = `smspartner:dlr:${o.key}`;
            if (o.kind === 'claim') {
              const won = await store.claim(key, 60_000);
              if (held.has(key) && kept > 0 && wins.slice(-kept).includes(key)) {
                expect(won).toBe(false);
              }
              if (!held.has(key)) expect(won).toBe(true); // never claimed, or released
              if (won) {
                held.add(key);
                wins.push(key);
              }
            } else {
              await store.release(key);
              held.delete(key);
            }
            expect(store.size).toBeLessThanOrEqual(max);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

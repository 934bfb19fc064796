import { DELIVERY_STATUSES } from '@smspartner-kit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createWebhooks,
  detectOptOut,
  forgeDeliveryReceipt,
  forgeInboundMessage,
  MESSAGE_ID_PATTERN,
  MemoryWebhookStore,
  OPT_OUT_KEYWORDS,
  parseDeliveryReceipt,
  parseInboundMessage,
  WebhookPayloadError,
} from '../src/index.js';

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

describe('handle never answers outside its contract', () => {
  it('arbitrary methods, content types and bodies → a documented status, handlers only on 2xx', async () => {
    const webhooks = createWebhooks({ secret: 's', logger: { warn: () => {}, error: () => {} } });
    let dispatched = 0;
    webhooks.onAny(() => {
      dispatched++;
    });
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
          const response = await webhooks.handle({
            method,
            url,
            headers: type ? { 'content-type': type } : {},
            body,
          });
          expect([200, 400, 401, 404, 405, 413, 415]).toContain(response.status);
          expect(() => JSON.parse(response.body)).not.toThrow();
          if (response.status !== 200) expect(dispatched).toBe(before);
        },
      ),
      { numRuns: 1500 },
    );
    webhooks.close();
  });
});

describe('MemoryWebhookStore behaves like a reference LRU', () => {
  // Keys of every kind the store treats differently: inline Latin-1, over the 128-character
  // slot, beyond Latin-1 (both kept in the spill map), and many similar ones so probe runs form.
  const keyOf = (n: number) => {
    switch (n % 4) {
      case 0:
        return `smspartner:dlr:${n}|33612345678|Delivered||1749976937000`;
      case 1:
        return `k${n}-${'x'.repeat(120 + (n % 17))}`; // 122–138 characters: both sides of the slot
      case 2:
        return `statut-${n}-délivré`; // Latin-1 (é) stays inline
      default:
        return `reçu-${n}-📨`; // an emoji: spilled
    }
  };

  const check = (max: number, keySpace: number, ops: Op[]) => {
    const store = new MemoryWebhookStore({ maxEntries: max });
    // Reference: array ordered from least to most recently used.
    let model: [string, string][] = [];
    for (const o of ops) {
      const key = keyOf(o.key % keySpace);
      const at = model.findIndex(([k]) => k === key);
      if (o.kind === 'set') {
        store.set(key, o.value, 60_000);
        if (at !== -1) model.splice(at, 1);
        model.push([key, o.value]);
        if (model.length > max) model = model.slice(model.length - max);
      } else if (o.kind === 'get') {
        const expected = at === -1 ? undefined : model[at]?.[1];
        expect(store.get(key)).toBe(expected);
        if (at !== -1) model.push(...model.splice(at, 1));
      } else {
        store.delete(key);
        if (at !== -1) model.splice(at, 1);
      }
      expect(store.size).toBe(model.length);
    }
    for (const [key, value] of model) expect(store.get(key)).toBe(value);
  };

  type Op = { kind: 'set'; key: number; value: string } | { kind: 'get' | 'delete'; key: number };
  const op = (keys: number) =>
    fc.oneof(
      fc.record({
        kind: fc.constant('set' as const),
        key: fc.nat(keys),
        value: fc.constantFrom('a', 'b', 'c'),
      }),
      fc.record({ kind: fc.constant('get' as const), key: fc.nat(keys) }),
      fc.record({ kind: fc.constant('delete' as const), key: fc.nat(keys) }),
    );

  it('same answers and same size as a naive model, for any sequence of get/set/delete', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(op(12), { maxLength: 300 }),
        (max, ops) => check(max, 13, ops),
      ),
      { numRuns: 1000 }, // tables of 2–16 cells: probe runs wrap around the end
    );
  });

  it('the same past growth, eviction and long probe runs (thousands of keys)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 900, max: 2500 }),
        fc.array(op(4000), { minLength: 3000, maxLength: 6000 }),
        (max, ops) => check(max, 4001, ops),
      ),
      { numRuns: 15, endOnFailure: true }, // shrinking thousands of operations takes minutes
    );
  });
});

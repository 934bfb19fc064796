import { detectOptOut, isOptOutText, normalizeDeliveryStatus } from '@smspartner-kit/core';
import { describe, expect, it } from 'vitest';
import {
  deliveryReceiptSchema,
  inboundMessageSchema,
  parseDeliveryReceipt,
  parseInboundMessage,
  WebhookPayloadError,
} from '../src/index.js';

function issuesOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookPayloadError);
    return (error as WebhookPayloadError).issues;
  }
  throw new Error('expected a WebhookPayloadError');
}

describe('parseDeliveryReceipt — status-API style', () => {
  it('reads the status API field names, number ids and Paris dates', () => {
    const receipt = parseDeliveryReceipt({
      message_id: 307,
      number: '+33 6 12 34 56 78',
      statut: 'Delivered',
      date: '2015-02-07 22:39:46',
      tag: 'promo',
    });
    expect(receipt).toMatchObject({
      messageId: '307',
      phoneNumber: '33612345678',
      status: 'delivered',
      operatorStatus: 'Delivered',
      tag: 'promo',
    });
    // 22:39:46 in Paris in February (UTC+1)
    expect(receipt.occurredAt?.toISOString()).toBe('2015-02-07T21:39:46.000Z');
    expect(Object.getPrototypeOf(receipt.raw)).toBeNull();
    expect(receipt.raw.message_id).toBe(307);
  });

  it.each([
    ['Delivered', 'delivered'],
    ['Not delivered', 'not_delivered'],
    ['Waiting', 'waiting'],
    ['ko', normalizeDeliveryStatus('ko')], // core's one table (ko = not sent by the platform)
    ['DELIVRD', 'delivered'],
    ['UNDELIV', 'not_delivered'],
    ['ENROUTE', 'waiting'],
    ['EXPIRED', 'expired'],
    ['REJECTD', 'rejected'],
    ['failed', 'failed'],
    ['something new', 'unknown'],
  ])('status %j → %s (core normalisation)', (raw, expected) => {
    const receipt = parseDeliveryReceipt({
      messageId: '1',
      phoneNumber: '0612345678',
      status: raw,
    });
    expect(receipt.status).toBe(expected);
    expect(receipt.operatorStatus).toBe(raw);
  });

  it('a receipt without status is unknown, not an error', () => {
    const receipt = parseDeliveryReceipt('messageId=9&phoneNumber=33612345678');
    expect(receipt.status).toBe('unknown');
    expect(receipt.operatorStatus).toBeUndefined();
  });

  it('reads epoch seconds (number or string)', () => {
    const a = parseDeliveryReceipt({ messageId: 1, phoneNumber: '33612345678', date: 1700000000 });
    const b = parseDeliveryReceipt('messageId=1&phoneNumber=33612345678&date=1700000000');
    expect(a.occurredAt?.getTime()).toBe(1700000000_000);
    expect(b.occurredAt?.getTime()).toBe(1700000000_000);
  });

  it('an unreadable date is left out, the receipt is still delivered', () => {
    const receipt = parseDeliveryReceipt({
      messageId: 1,
      phoneNumber: '33612345678',
      date: 'soon',
    });
    expect(receipt.occurredAt).toBeUndefined();
    expect(receipt.raw.date).toBe('soon');
  });

  it('honours the timeZone option', () => {
    const receipt = parseDeliveryReceipt(
      { messageId: 1, phoneNumber: '33612345678', date: '2024-07-01 12:00:00' },
      { timeZone: 'UTC' },
    );
    expect(receipt.occurredAt?.toISOString()).toBe('2024-07-01T12:00:00.000Z');
  });
});

describe('parseDeliveryReceipt — Vonage style', () => {
  const vonage = {
    msisdn: '33612345678',
    to: '33700000000',
    'network-code': '20801',
    messageId: '0A0000001234567B',
    price: '0.03330000',
    status: 'delivered',
    scts: '2401151030',
    'err-code': '0',
    'message-timestamp': '2024-01-15 10:30:12',
  };

  it('reads msisdn, scts, err-code', () => {
    const receipt = parseDeliveryReceipt(vonage);
    expect(receipt).toMatchObject({
      messageId: '0A0000001234567B',
      phoneNumber: '33612345678',
      status: 'delivered',
      errorCode: '0',
    });
    // scts 2401151030 = 2024-01-15 10:30 Paris (UTC+1)
    expect(receipt.occurredAt?.toISOString()).toBe('2024-01-15T09:30:00.000Z');
  });

  it.each(['expired', 'failed', 'rejected', 'accepted', 'buffered', 'unknown'])(
    'Vonage status %s is normalised',
    (status) => {
      const receipt = parseDeliveryReceipt({ ...vonage, status });
      expect(['expired', 'failed', 'rejected', 'waiting', 'unknown']).toContain(receipt.status);
    },
  );

  it('accepts URLSearchParams, query strings (with or without ?) and full URLs', () => {
    const params = new URLSearchParams(vonage);
    const expected = parseDeliveryReceipt(vonage);
    for (const input of [
      params,
      params.toString(),
      `?${params}`,
      `https://example.com/hook?${params}`,
      Buffer.from(params.toString()),
      JSON.stringify(vonage),
    ]) {
      const { raw: _raw, ...typed } = parseDeliveryReceipt(input);
      const { raw: _expectedRaw, ...expectedTyped } = expected;
      expect(typed).toEqual(expectedTyped);
    }
  });
});

describe('parseDeliveryReceipt — errors', () => {
  it('lists every missing identity field', () => {
    const issues = issuesOf(() => parseDeliveryReceipt({ status: 'Delivered' }));
    expect(issues.map((i) => i.field)).toEqual(['messageId', 'phoneNumber']);
    expect(issues[0]?.message).toMatch(/message_id/);
  });

  it('names the field as the provider spelled it', () => {
    const issues = issuesOf(() => parseDeliveryReceipt({ message_id: 'a b', number: 'x' }));
    expect(issues.map((i) => i.field)).toEqual(['message_id', 'number']);
  });

  it('never keeps the token', () => {
    const receipt = parseDeliveryReceipt('token=s3cret&messageId=1&phoneNumber=33612345678');
    expect(Object.keys(receipt.raw)).toEqual(['messageId', 'phoneNumber']);
  });

  it('refuses prototype keys without polluting anything', () => {
    const issues = issuesOf(() =>
      parseDeliveryReceipt(
        JSON.parse('{"__proto__":{"polluted":1},"messageId":"1","phoneNumber":"33612345678"}'),
      ),
    );
    expect(issues).toEqual([{ field: '__proto__', message: 'is a forbidden field name' }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses conflicting aliases and repeated keys', () => {
    expect(
      issuesOf(() => parseDeliveryReceipt('messageId=1&message_id=2&number=33612345678')),
    ).toEqual([{ field: 'message_id', message: 'conflicts with messageId' }]);
    expect(
      issuesOf(() => parseDeliveryReceipt('messageId=1&messageId=1&number=33612345678'))[0]
        ?.message,
    ).toMatch(/more than once/);
  });
});

describe('parseInboundMessage', () => {
  const reply = {
    msisdn: '33612345678',
    to: '33700000000',
    messageId: 'a1b2c3d4-0001',
    text: 'Oui merci',
    type: 'text',
    keyword: 'OUI',
    'message-timestamp': '2016-03-10 09:51:46',
  };

  it('reads the documented reply', () => {
    const message = parseInboundMessage(reply);
    expect(message).toMatchObject({
      messageId: 'a1b2c3d4-0001',
      from: '33612345678',
      to: '33700000000',
      text: 'Oui merci',
      keyword: 'OUI',
      isOptOut: false,
    });
    expect(message.receivedAt?.toISOString()).toBe('2016-03-10T08:51:46.000Z');
    expect(message.concat).toBeUndefined();
  });

  it('reads concatenated parts', () => {
    const message = parseInboundMessage({
      ...reply,
      concat: 'true',
      'concat-ref': '42',
      'concat-total': '3',
      'concat-part': '2',
    });
    expect(message.concat).toEqual({ ref: '42', total: 3, part: 2 });
  });

  it('reads short-number replies (phone_number, message_id as number, type stop)', () => {
    const message = parseInboundMessage({
      type: 'stop',
      phone_number: '+33612345678',
      text: 'Bonjour',
      message_id: 1111,
    });
    expect(message).toMatchObject({
      messageId: '1111',
      from: '33612345678',
      to: '',
      isOptOut: true,
    });
  });

  it('derives the keyword from the text when absent', () => {
    const { keyword: _k, ...noKeyword } = reply;
    expect(parseInboundMessage({ ...noKeyword, text: ' rdv demain' }).keyword).toBe('RDV');
  });

  it.each([
    'STOP',
    'stop',
    ' Stop ',
    'STOP SMS',
    'stop sms',
    'Arrêt',
    'ARRET',
    'arrêt !',
    'Unsubscribe',
    'DÉSABONNER',
    'désinscrire',
    'Stop.',
  ])('%j is an opt-out', (text) => {
    expect(parseInboundMessage({ ...reply, text }).isOptOut).toBe(true);
    expect(isOptOutText(text)).toBe(true);
  });

  it.each(['Stop merci de me rappeler', 'STOPPER', 'non', 'arrêtez de rire', '', 'S T O P'])(
    '%j is not an opt-out',
    (text) => {
      expect(parseInboundMessage({ ...reply, text }).isOptOut).toBe(false);
    },
  );

  it('detectOptOut returns the canonical keyword; custom lists replace the default', () => {
    expect(detectOptOut('arrêt')).toBe('ARRET');
    expect(detectOptOut('Stop SMS')).toBe('STOP SMS');
    expect(detectOptOut('STOP', ['FIN'])).toBeUndefined();
    expect(detectOptOut('fin', ['FIN'])).toBe('FIN');
  });

  it('concat flags need ref, total and part, with part ≤ total', () => {
    expect(
      issuesOf(() => parseInboundMessage({ ...reply, concat: 'true' })).map((i) => i.field),
    ).toEqual(['concatRef', 'concatTotal', 'concatPart']);
    expect(
      issuesOf(() =>
        parseInboundMessage({
          ...reply,
          'concat-ref': '1',
          'concat-total': '2',
          'concat-part': '3',
        }),
      ),
    ).toEqual([{ field: 'concat-part', message: 'is greater than concat-total' }]);
  });

  it('missing sender and id are listed', () => {
    expect(issuesOf(() => parseInboundMessage({ text: 'hi' })).map((i) => i.field)).toEqual([
      'messageId',
      'from',
    ]);
  });
});

describe('exported zod schemas', () => {
  it('deliveryReceiptSchema parses or reports issues by field', () => {
    const ok = deliveryReceiptSchema.safeParse({ messageId: 1, phoneNumber: '33612345678' });
    expect(ok.success && ok.data.messageId).toBe('1');
    const bad = deliveryReceiptSchema.safeParse({ messageId: 1 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['phoneNumber']);
  });

  const issuesOfReply = (fields: Record<string, unknown>) =>
    issuesOf(() => parseInboundMessage(fields)).map((i) => [i.field, i.message]);

  it('each field is read by its rule, one issue per field, named as the provider spelled it', () => {
    expect(
      issuesOf(() =>
        parseDeliveryReceipt({
          messageId: 'no spaces allowed',
          status: 'x'.repeat(65),
          date: true,
          tag: 12.5,
          'err-code': false,
        }),
      ).map((i) => [i.field, i.message]),
    ).toEqual([
      ['messageId', 'must be 1–128 letters, digits, dots, colons, underscores or dashes'],
      ['phoneNumber', 'is required (send phoneNumber, number or msisdn)'],
      ['status', 'is longer than 64 characters'],
      ['date', 'must be a date string or epoch seconds'],
    ]);
    expect(
      issuesOf(() => parseDeliveryReceipt({ messageId: 1, number: 'call me' }))[0]?.field,
    ).toBe('number');
  });

  it('concatenation is checked across fields, after the field rules', () => {
    const base = { messageId: 1, from: '33612345678' };
    expect(
      parseInboundMessage({ ...base, 'concat-ref': 'a', 'concat-total': '2', 'concat-part': 2 })
        .concat,
    ).toEqual({ ref: 'a', total: 2, part: 2 });
    // A bad index is reported once, by its rule (not again as missing); the reference is missing.
    expect(issuesOfReply({ ...base, concatTotal: 2, concatPart: '0' })).toEqual([
      ['concatPart', 'must be ≥ 1'],
      ['concatRef', 'is required for a concatenated part'],
    ]);
    expect(issuesOfReply({ ...base, concatRef: 'a', concatTotal: 2, concatPart: 3 })).toEqual([
      ['concatPart', 'is greater than concat-total'],
    ]);
    expect(issuesOfReply({ ...base, concatTotal: 2 ** 53, concat: 'no' })).toEqual([
      ['concatTotal', 'must be a whole number'],
    ]);
  });

  it('inboundMessageSchema parses a reply', () => {
    const ok = inboundMessageSchema.safeParse(
      'msisdn=33612345678&to=33700000000&messageId=x&text=STOP',
    );
    expect(ok.success && ok.data.isOptOut).toBe(true);
  });
});

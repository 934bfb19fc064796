import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactor, maskPhoneNumber } from './redact.js';
import { compareShapes } from './shape.js';

const KEY = 'sk_live_Zq8WcR4uYt2Lm9Pn';
const redactor = createRedactor({
  apiKey: KEY,
  urls: ['https://hooks.example.com/sms?token=tok_Hh5Jk7Lq9'],
  phoneNumbers: ['33611223344'],
});

describe('maskPhoneNumber', () => {
  it('keeps the country and kind of number and the format, zeroes the rest', () => {
    expect(
      [
        '33611223344',
        '+33 6 11 22 33 44',
        '06 11 22 33 44',
        '0044 7911 123456',
        'tel:+33-6-11-22-33-44',
      ].map(maskPhoneNumber),
    ).toEqual([
      '33600000000',
      '+33 6 00 00 00 00',
      '06 00 00 00 00',
      '0044 7000 000000',
      'tel:+33-6-00-00-00-00',
    ]);
  });
});

describe('createRedactor', () => {
  it('masks the key, URL tokens, phone numbers and names; keeps types', () => {
    expect(
      redactor.value({
        apiKey: KEY,
        user: { username: 'jdupont', firstname: 'Jean', lastname: '' },
        number: 33611223344,
        phoneNumber: '+33698765432',
        message: `call 06 98 76 54 32, key ${KEY}, see https://x.example/a?apiKey=abc&b=2`,
        url: 'https://hooks.example.com/sms?token=tok_Hh5Jk7Lq9',
        note: 'token=tok_Hh5Jk7Lq9 and 11 22 33 44',
        date: '2015-07-20 10:19:45',
        epoch: '1517989111',
        messageId: 1764688000000001,
      }),
    ).toEqual({
      apiKey: '***',
      user: { username: '***', firstname: '***', lastname: '' },
      number: 33600000000,
      phoneNumber: '+33600000000',
      message: 'call 06 00 00 00 00, key ***, see https://x.example/a?apiKey=***&b=***',
      url: 'https://hooks.example.com/sms?token=***',
      note: 'token=*** and 00 00 00 00',
      date: '2015-07-20 10:19:45',
      epoch: '1517989111',
      messageId: 1764688000000001,
    });
  });

  it('never changes a shape, whatever the value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(compareShapes(redactor.value(value), value).differences).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('never lets the key or the known number through, wherever they sit in a text', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.constantFrom(KEY, '33611223344', '+33 6 11 22 33 44', '06.11.22.33.44', 'tok_Hh5Jk7Lq9'),
        (before, after, secret) => {
          const out = redactor.text(`${before} ${secret} ${after}`);
          expect(out).not.toContain(KEY);
          expect(out).not.toContain('tok_Hh5Jk7Lq9');
          expect(out.replace(/[ .\-()]/g, '')).not.toContain('11223344');
        },
      ),
      { numRuns: 300 },
    );
  });
});

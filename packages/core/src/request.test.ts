import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SmsPartnerConfigError, SmsPartnerValidationError } from './errors.js';
import { buildSendRequest } from './request.js';
import type { SendParams } from './schemas.js';
import { countSegments } from './segments/index.js';
import { toProviderSchedule } from './time.js';

const config = { apiKey: 'request-test-key-0001', baseUrl: 'http://127.0.0.1:9/v1/' };
const base: SendParams = { to: '+33 6 12 34 56 78', from: '33700000000', message: 'Bonjour' };
const FIVE_MIN = 300_000;
const nextStep = (minutesAhead: number) =>
  new Date((Math.floor(Date.now() / FIVE_MIN) + 1) * FIVE_MIN + minutesAhead * 60_000);

function issuesOf(params: unknown): { field: string; message: string }[] {
  try {
    buildSendRequest(params as SendParams, config);
  } catch (error) {
    expect(error).toBeInstanceOf(SmsPartnerValidationError);
    return (error as SmsPartnerValidationError).issues;
  }
  throw new Error('expected a validation error');
}

describe('buildSendRequest', () => {
  it('builds a JSON POST to {baseUrl}/vn/send with normalised numbers and the key in the body only', () => {
    const request = buildSendRequest(
      {
        ...base,
        tag: 'otp-2fa',
        isStopSms: true,
        sandbox: true,
        urlDlr: 'https://example.test/dlr?token=a',
        urlResponse: 'http://example.test/replies',
      },
      config,
    );
    expect(request.method).toBe('POST');
    expect(request.url).toBe('http://127.0.0.1:9/v1/vn/send');
    expect(request.url).not.toContain(config.apiKey);
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({
      apiKey: config.apiKey,
      to: '33612345678',
      from: '33700000000',
      message: 'Bonjour',
      tag: 'otp-2fa',
      isStopSms: 1,
      sandbox: 1,
      urlDlr: 'https://example.test/dlr?token=a',
      urlResponse: 'http://example.test/replies',
      _format: 'json',
    });
  });

  it('defaults the base URL to the provider and honours format xml', () => {
    const request = buildSendRequest({ ...base, format: 'xml' }, { apiKey: config.apiKey });
    expect(request.url).toBe('https://api.smspartner.fr/v1/vn/send');
    expect(request.headers.accept).toBe('application/xml');
    expect(JSON.parse(request.body)._format).toBe('xml');
  });

  it('sends line breaks as the provider token :br:, as the segment count assumed', () => {
    const message = 'Ligne 1\nLigne 2\r\nLigne 3\rFin';
    const sent = JSON.parse(buildSendRequest({ ...base, message }, config).body).message;
    expect(sent).toBe('Ligne 1:br:Ligne 2:br:Ligne 3:br:Fin');
    expect(sent).toBe(countSegments(message).text);
  });

  it('omits optional fields that were not given (false booleans included)', () => {
    const body = JSON.parse(
      buildSendRequest({ ...base, isStopSms: false, sandbox: false }, config).body,
    );
    expect(Object.keys(body).sort()).toEqual(['_format', 'apiKey', 'from', 'message', 'to']);
  });

  it('logging the request object (JSON or inspect) masks the key', () => {
    const request = buildSendRequest(base, config);
    expect(JSON.stringify(request)).not.toContain(config.apiKey);
    expect(inspect(request)).not.toContain(config.apiKey);
    expect(JSON.stringify(request)).toContain('"to\\":\\"33612345678');
  });

  it('scheduledAt becomes Paris date, hour and minute', () => {
    const at = nextStep(60 * 24);
    const body = JSON.parse(buildSendRequest({ ...base, scheduledAt: at }, config).body);
    expect(body).toMatchObject(toProviderSchedule(at));
    expect(body.scheduledDeliveryDate).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
  });

  it('rejects scheduledAt in the past, naming the earliest valid time', () => {
    const [issue] = issuesOf({ ...base, scheduledAt: new Date(Date.now() - 3_600_000) });
    expect(issue?.field).toBe('scheduledAt');
    expect(issue?.message).toMatch(
      /in the past; the earliest valid time is \d{2}\/\d{2}\/\d{4} \d{2}:\d{2} Europe\/Paris/,
    );
  });

  it('rejects scheduledAt off the 5-minute step, naming the two nearest valid times', () => {
    const at = new Date(nextStep(60).getTime() + 2 * 60_000 + 13_000);
    const [issue] = issuesOf({ ...base, scheduledAt: at });
    const before = new Date(nextStep(60).getTime());
    const after = new Date(before.getTime() + FIVE_MIN);
    expect(issue?.message).toContain(before.toISOString());
    expect(issue?.message).toContain(after.toISOString());
  });

  it.each([
    [{ message: '' }, 'message', 'must not be empty'],
    [{ message: '   ' }, 'message', 'must not be empty'],
    [{ message: 'a'.repeat(1531) }, 'message', 'the limit is 10'],
    [{ message: '😀'.repeat(336) }, 'message', 'the limit is 10'],
    [{ tag: 'a'.repeat(21) }, 'tag', 'at most 20'],
    [{ tag: 'has space' }, 'tag', 'spaces'],
    [{ tag: 'Upper' }, 'tag', 'lowercase'],
    [{ message: 'code\u0000 123' }, 'message', 'must not contain U+0000 (NUL, at index 4)'],
    [{ tag: 'otp\u0000' }, 'tag', 'U+0000'],
    [{ message: 'Hi \ud83d' }, 'message', 'lone UTF-16 surrogate (U+D83D at index 3'],
    [{ message: '\ude00 there' }, 'message', 'lone UTF-16 surrogate (U+DE00 at index 0'],
    [{ message: 'a\ude00\ud83d' }, 'message', 'U+DE00 at index 1'],
    [{ tag: 'x\ud83d' }, 'tag', 'lone UTF-16 surrogate'],
    [{ urlDlr: '/relative/path' }, 'urlDlr', 'absolute'],
    [{ urlResponse: 'ftp://example.test/x' }, 'urlResponse', 'http'],
    [{ urlDlr: 'javascript:alert(1)' }, 'urlDlr', 'http'],
    [{ to: 'not a number' }, 'to', 'digits'],
    [{ from: '' }, 'from', 'required'],
    [{ urlDLR: 'https://example.test' }, 'urlDLR', 'did you mean "urlDlr"'],
    [{ sandbox: 'yes' }, 'sandbox', 'boolean'],
    [{ format: 'csv' }, 'format', ''],
    [{ scheduledAt: 'tomorrow' }, 'scheduledAt', 'date'],
  ])('rejects %j on %s', (patch, field, text) => {
    const issues = issuesOf({ ...base, ...patch });
    const issue = issues.find((i) => i.field === field);
    expect(issue, JSON.stringify(issues)).toBeDefined();
    expect(issue?.message).toContain(text);
  });

  it('a 10-part message is accepted; 11 parts after replacement is not', () => {
    expect(() => buildSendRequest({ ...base, message: 'a'.repeat(1530) }, config)).not.toThrow();
    // œ becomes "oe" on sending: 765 × 2 = 1530 chars → 10 parts; one more → 11.
    expect(() => buildSendRequest({ ...base, message: 'œ'.repeat(765) }, config)).not.toThrow();
    expect(issuesOf({ ...base, message: 'œ'.repeat(766) })[0]?.message).toContain('11 parts');
  });

  it('with isStopSms the 10-part limit counts the STOP mention the provider appends', () => {
    // 1530 - 25 units of message + 25 of mention = 10 parts exactly.
    const fits = 'a'.repeat(1530 - 25);
    expect(() =>
      buildSendRequest({ ...base, message: fits, isStopSms: true }, config),
    ).not.toThrow();
    const issues = issuesOf({ ...base, message: `${fits}a`, isStopSms: true });
    expect(issues).toEqual([
      {
        field: 'message',
        message: 'needs 11 parts with the STOP mention (isStopSms); the limit is 10',
      },
    ]);
    expect(() => buildSendRequest({ ...base, message: `${fits}a` }, config)).not.toThrow();
  });

  it('pairs (emoji) are fine; only halves of pairs and NUL are refused', () => {
    expect(() => buildSendRequest({ ...base, message: 'Merci 😀👍🏽' }, config)).not.toThrow();
    expect(issuesOf({ ...base, message: 'x\u0000', tag: 'a\u0000' }).map((i) => i.field)).toEqual([
      'message',
      'tag',
    ]);
  });

  it('a message only of characters SMS Partner removes is refused', () => {
    expect(issuesOf({ ...base, message: '^^~|' })[0]?.message).toContain('empty after');
  });

  it('reports every bad field at once, in the message too', () => {
    const issues = issuesOf({ to: '', message: '', tag: 'Bad Tag', urlDlr: 'x' });
    expect(issues.map((i) => i.field).sort()).toEqual([
      'from',
      'message',
      'tag',
      'tag',
      'to',
      'urlDlr',
    ]);
    try {
      buildSendRequest({ to: '', message: '', from: 'x' } as SendParams, config);
    } catch (error) {
      expect((error as Error).message).toMatch(/to:.*from:.*message:/);
    }
  });

  it('a missing or empty API key is a config error that does not echo the config', () => {
    expect(() => buildSendRequest(base, { apiKey: '' })).toThrow(SmsPartnerConfigError);
    expect(() => buildSendRequest(base, { apiKey: 'k', baseUrl: 'file:///etc' })).toThrow(
      SmsPartnerConfigError,
    );
  });
});

import {
  countSegments,
  PROVIDER_ERROR_MEANINGS,
  parseSendResponse,
  SMS_PARTNER_MAX_PARTS,
  SmsPartnerApiError,
  SmsPartnerConfigError,
  STOP_SMS_MENTION,
} from '@smspartner-kit/core';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../src/index.js';
import { call } from './helpers.js';
import { readPositionalXml } from './xml.js';

const KEY = 'test-key';
const FROM = '33700000000';
const TO = '33612345678';

let clock = Date.parse('2026-03-02T09:00:00Z');
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, now: () => clock, dlrDelayMs: 200, credits: 100 });
});
afterAll(() => sandbox.close());
beforeEach(() => {
  clock = Date.parse('2026-03-02T09:00:00Z');
  sandbox.reset();
});

const send = (fields: Record<string, unknown>, query = '') =>
  call(`${sandbox.baseUrl}/vn/send${query}`, {
    json: { apiKey: KEY, to: TO, from: FROM, message: 'Bonjour', ...fields },
  });

function expectError(
  answer: { status: number; json: Record<string, unknown> },
  code: number,
  status: number,
) {
  expect(answer.status).toBe(status);
  expect(answer.json.success).toBe(false);
  expect(answer.json.code).toBe(code);
}

describe('POST /v1/vn/send', () => {
  it('answers the provider shape with increasing numeric ids, nb_sms and cost', async () => {
    const first = await send({});
    expect(first.status).toBe(200);
    expect(Object.keys(first.json)).toEqual([
      'success',
      'code',
      'message_id',
      'nb_sms',
      'cost',
      'currency',
    ]);
    expect(first.json).toMatchObject({ success: true, code: 200, nb_sms: 1 });
    const firstId = first.json.message_id as number;
    expect(Number.isSafeInteger(firstId) && firstId > 0).toBe(true);
    expect(first.json.cost).toBe(0.038);
    const second = await send({ message: 'x'.repeat(161) });
    expect(second.json).toMatchObject({ nb_sms: 2, cost: 0.076 });
    expect(second.json.message_id).toBeGreaterThan(firstId);
  });

  it('counts nb_sms with core’s calculator, SMS Partner replacements included', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({
          unit: fc.constantFrom('a', 'é', 'œ', '€', '[', '😀', ' ', 'ç', '^'),
          maxLength: 400,
        }),
        async (body) => {
          const message = `x${body}`;
          const expected = countSegments(message, { replacements: 'smspartner' });
          const answer = await send({ message, sandbox: 1 });
          if (expected.segments > SMS_PARTNER_MAX_PARTS) {
            expect(answer.json.code).toBe(52);
          } else {
            expect(answer.json.nb_sms).toBe(expected.segments);
            const recorded = sandbox.messages().at(-1);
            expect(recorded?.text).toBe(expected.text);
            expect(recorded?.encoding).toBe(expected.encoding);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('appends core’s STOP mention when isStopSms=1 and bills text + mention (issue 13.4)', async () => {
    // 150 characters fit one SMS alone; with the mention they are billed as 2.
    const text = 'a'.repeat(150);
    expect(countSegments(text).segments).toBe(1);
    const answer = await send({ message: text, isStopSms: 1 });
    expect(answer.json.nb_sms).toBe(2);
    // …which is what the client predicts with the same option.
    const predicted = countSegments(text, { isStopSms: true });
    expect(predicted.segments).toBe(2);
    // the line break of the mention is sent as SMS Partner's `:br:` token
    expect(sandbox.messages()[0]?.text).toBe(predicted.text);
    expect(sandbox.messages()[0]?.text).toBe(`${text}${STOP_SMS_MENTION.replace('\n', ':br:')}`);
    expect(sandbox.messages()[0]?.isStopSms).toBe(true);
    expect((await send({ message: text })).json.nb_sms).toBe(1);
  });

  it('takes GET query parameters, form-encoded bodies and JSON without a content type', async () => {
    const query = new URLSearchParams({
      apiKey: KEY,
      to: '06 12 34 56 78',
      from: FROM,
      message: 'q',
    });
    const viaGet = await call(`${sandbox.baseUrl}/vn/send?${query}`);
    expect(viaGet.json).toMatchObject({ success: true });
    const firstId = viaGet.json.message_id as number;
    const viaForm = await call(`${sandbox.baseUrl}/vn/send`, {
      form: { apiKey: KEY, to: '+33612345678', from: FROM, message: 'f', sandbox: '1' },
    });
    expect(viaForm.json).toMatchObject({ success: true });
    const bare = await call(`${sandbox.baseUrl}/vn/send`, {
      body: JSON.stringify({ apiKey: KEY, to: TO, from: FROM, message: 'b' }),
    });
    expect(bare.json).toMatchObject({ success: true });
    expect(sandbox.messages().map((m) => Number(m.messageId))).toEqual([
      firstId,
      viaForm.json.message_id,
      bare.json.message_id,
    ]);
    expect(sandbox.messages().map((m) => m.to)).toEqual([TO, TO, TO]);
    expect(sandbox.messages()[1]?.sandbox).toBe(true);
  });

  it('answers positional XML with CDATA strings that core parses', async () => {
    const answer = await send({ _format: 'xml' });
    expect(answer.headers.get('content-type')).toContain('xml');
    const ids = () => sandbox.messages().map((m) => m.messageId);
    expect(answer.text).toBe(
      `<?xml version='1.0' encoding='UTF-8'?>\n<result><entry>true</entry><entry>200</entry><entry>${ids()[0]}</entry><entry>1</entry><entry>0.038</entry><entry><![CDATA[EUR]]></entry></result>`,
    );
    expect(parseSendResponse(answer.text, { format: 'xml' })).toMatchObject({
      messageId: ids()[0],
      nbSms: 1,
      cost: 0.038,
      currency: 'EUR',
    });
    const viaQuery = await send({}, '?_format=xml');
    expect(readPositionalXml(viaQuery.text)).toEqual([
      'true',
      '200',
      ids()[1],
      '1',
      '0.038',
      'EUR',
    ]);
  });

  it('keeps every text intact in XML, even one containing "]]>" and control characters', async () => {
    const answer = await call(`${sandbox.baseUrl}/stop-sms/add`, {
      json: { apiKey: KEY, phoneNumber: 'x]]>\u0001<y>', _format: 'xml' },
    });
    const entries = readPositionalXml(answer.text);
    expect(entries[0]).toBe('false');
    expect(entries[1]).toBe('9');
  });
});

describe('error codes', () => {
  it('1: API key required; 10: key not accepted', async () => {
    expectError(await send({ apiKey: '' }), 1, 400);
    const strict = await startSandbox({ apiKeys: ['good'] });
    try {
      const bad = await call(`${strict.baseUrl}/me?apiKey=nope`);
      expectError(bad, 10, 401);
      expect(bad.json.message).toBe(PROVIDER_ERROR_MEANINGS[10]);
      expect((await call(`${strict.baseUrl}/me?apiKey=good`)).json.success).toBe(true);
    } finally {
      await strict.close();
    }
  });

  it('2, 43 alone; 9 with children[field].data when several fields fail', async () => {
    expectError(await send({ to: '' }), 2, 400);
    expectError(await send({ message: '  ' }), 43, 400);
    expectError(await send({ from: 'abc' }), 44, 400);
    const several = await send({ to: undefined, message: undefined, tag: 'Has Space' });
    expectError(several, 9, 400);
    expect(several.json.errors).toEqual([
      { elementId: 'children[to].data', message: 'phone number required' },
      { elementId: 'children[message].data', message: 'message required' },
      { elementId: 'children[tag].data', message: expect.stringContaining('spaces') },
    ]);
    // core's parser maps the list back to field names
    expect(() => parseSendResponse(several.text, { status: several.status })).toThrowError(
      expect.objectContaining({
        code: 9,
        fieldErrors: expect.arrayContaining([{ field: 'to', message: 'phone number required' }]),
      }),
    );
    const xml = await send({ to: undefined, message: undefined, _format: 'xml' });
    expect(readPositionalXml(xml.text)).toEqual([
      'false',
      '9',
      [
        ['children[to].data', 'phone number required'],
        ['children[message].data', 'message required'],
      ],
    ]);
  });

  it('52: more than 10 parts', async () => {
    const answer = await send({ message: 'a'.repeat(153 * 10 + 1) });
    expectError(answer, 52, 400);
    expect(sandbox.messages()).toHaveLength(0);
  });

  it('14: recipient on the stop list', async () => {
    await call(`${sandbox.baseUrl}/stop-sms/add`, { json: { apiKey: KEY, phoneNumber: TO } });
    expectError(await send({}), 14, 200);
  });

  it('13: no price for numbers ending 0003', async () => {
    expectError(await send({ to: '33612340003' }), 13, 200);
    expect(sandbox.messages()).toHaveLength(0);
  });

  it('11: not enough credits, unless sandbox=1; credits are debited per part', async () => {
    const long = 'a'.repeat(153 * 10);
    for (let i = 0; i < 10; i++) expect((await send({ message: long })).json.success).toBe(true);
    expectError(await send({}), 11, 200);
    expect((await send({ sandbox: 1 })).json.success).toBe(true);
    const me = await call(`${sandbox.baseUrl}/me?apiKey=${KEY}`);
    expect(me.json.credits).toMatchObject({ creditSms: 0, balance: '0.000' });
  });

  it('90: malformed JSON, with HTTP 400', async () => {
    const answer = await call(`${sandbox.baseUrl}/vn/send`, {
      body: '{"apiKey": "k", ',
      headers: { 'content-type': 'application/json' },
    });
    expectError(answer, 90, 400);
    const array = await call(`${sandbox.baseUrl}/vn/send`, { json: [1, 2] });
    expectError(array, 90, 400);
  });

  it('45–49: schedule fields', async () => {
    expectError(await send({ time: 10, minute: 0 }), 45, 400);
    expectError(await send({ scheduledDeliveryDate: '03/03/2026' }), 46, 400);
    expectError(await send({ scheduledDeliveryDate: '03/03/2026', time: 25, minute: 0 }), 46, 400);
    expectError(await send({ scheduledDeliveryDate: '03/03/2026', time: 10 }), 47, 400);
    expectError(
      await send({ scheduledDeliveryDate: '03/03/2026', time: 10, minute: 'x' }),
      47,
      400,
    );
    expectError(await send({ scheduledDeliveryDate: '03/03/2026', time: 10, minute: 7 }), 48, 400);
    expectError(await send({ scheduledDeliveryDate: '03/03/2026', time: 10, minute: 60 }), 48, 400);
    expectError(await send({ scheduledDeliveryDate: '31/02/2026', time: 10, minute: 0 }), 49, 400);
    expectError(await send({ scheduledDeliveryDate: '2026-03-03', time: 10, minute: 0 }), 49, 400);
    expectError(await send({ scheduledDeliveryDate: '01/03/2026', time: 10, minute: 0 }), 49, 400);
    expect(sandbox.messages()).toHaveLength(0);
  });

  it('3–7: message-cancel', async () => {
    const cancel = (id?: string) =>
      call(`${sandbox.baseUrl}/message-cancel?apiKey=${KEY}${id ? `&messageId=${id}` : ''}`);
    expectError(await cancel(), 3, 400);
    expectError(await cancel('999'), 4, 200);
    // 10:30 Paris on 2 March 2026 = 09:30 UTC, 30 minutes after the clock
    const scheduled = await send({ scheduledDeliveryDate: '02/03/2026', time: 10, minute: 30 });
    expect(scheduled.json.success).toBe(true);
    const id = String(scheduled.json.message_id);
    const immediate = await send({});
    expectError(await cancel(String(immediate.json.message_id)), 7, 200);
    clock += 26 * 60_000; // 4 minutes before
    expectError(await cancel(id), 6, 200);
    clock -= 26 * 60_000;
    const ok = await cancel(id);
    expect(ok.json).toMatchObject({ success: true, code: 200 });
    expectError(await cancel(id), 5, 200);
    expect(sandbox.messages()[0]?.status).toBe('cancelled');
  });
});

describe('other endpoints, JSON and XML', () => {
  it('GET /me', async () => {
    await send({ message: 'x'.repeat(200) });
    const me = await call(`${sandbox.baseUrl}/me?apiKey=${KEY}`);
    expect(me.json).toEqual({
      success: true,
      code: 200,
      user: { username: 'sandbox', firstname: 'SMS Partner', lastname: 'Sandbox' },
      credits: {
        creditSms: 98,
        creditSmsECO: 98,
        creditHlr: 0,
        toSend: 0,
        balance: '3.724',
        currency: 'EUR',
      },
    });
    const xml = await call(`${sandbox.baseUrl}/me?apiKey=${KEY}&_format=xml`);
    expect(readPositionalXml(xml.text)).toEqual([
      'true',
      '200',
      ['sandbox', 'SMS Partner', 'Sandbox'],
      ['98', '98', '0', '0', '3.724', 'EUR'],
    ]);
  });

  it('GET /message-status follows the outcome table as the clock moves', async () => {
    await send({ to: '33612345678', tag: 'a1' });
    await send({ to: '33612340001' });
    await send({ to: '33612340002' });
    const ids = sandbox.messages().map((m) => m.messageId);
    // n-th message of this test
    const status = (n: number, phone: string, format = 'json') =>
      call(
        `${sandbox.baseUrl}/message-status?apiKey=${KEY}&messageId=${ids[n - 1]}&phoneNumber=${phone}&_format=${format}`,
      );
    expect((await status(1, '0612345678')).json.statut).toBe('Waiting');
    clock += 200;
    const delivered = await status(1, '+33612345678');
    expect(delivered.json).toEqual({
      success: true,
      code: 200,
      number: '33612345678',
      messageId: ids[0],
      stopSms: false,
      date: '2026-03-02 10:00:00',
      statut: 'Delivered',
      cost: 0.038,
      countryCode: 'FR',
      currency: 'EUR',
    });
    expect((await status(2, '33612340001')).json.statut).toBe('Not delivered');
    clock += 86_400_000;
    expect((await status(3, '33612340002')).json.statut).toBe('Waiting');
    expectError(await status(1, '33699999999'), 4, 200);
    expect(readPositionalXml((await status(1, TO, 'xml')).text)).toEqual([
      'true',
      '200',
      '33612345678',
      ids[0],
      'false',
      '2026-03-02 10:00:00',
      'Delivered',
      '0.038',
      'FR',
      'EUR',
    ]);
    expectError(
      await call(`${sandbox.baseUrl}/message-status?apiKey=${KEY}&messageId=${ids[0]}`),
      2,
      400,
    );
  });

  it('stop-sms list / add / delete', async () => {
    const add = await call(`${sandbox.baseUrl}/stop-sms/add`, {
      json: { apiKey: KEY, phoneNumber: '06 11 22 33 44' },
    });
    expect(add.json).toEqual({ success: true, code: 200, stopId: 1 });
    const again = await call(`${sandbox.baseUrl}/stop-sms/add`, {
      json: { apiKey: KEY, phoneNumber: '+33611223344', _format: 'xml' },
    });
    expect(readPositionalXml(again.text)).toEqual(['true', '200', '1']);
    const list = await call(`${sandbox.baseUrl}/stop-sms/list?apiKey=${KEY}`);
    expect(list.json).toEqual({
      success: true,
      code: 200,
      nbData: 1,
      data: [{ id: 1, phoneNumber: '+33611223344', createdAt: '2026-03-02 10:00:00' }],
    });
    const xml = await call(`${sandbox.baseUrl}/stop-sms/list?apiKey=${KEY}&_format=xml`);
    expect(readPositionalXml(xml.text)).toEqual([
      'true',
      '200',
      '1',
      [['1', '+33611223344', '2026-03-02 10:00:00']],
    ]);
    expectError(await call(`${sandbox.baseUrl}/stop-sms/add`, { json: { apiKey: KEY } }), 2, 400);
    expectError(await call(`${sandbox.baseUrl}/stop-sms/delete?apiKey=${KEY}&id=7`), 4, 200);
    const deleted = await call(`${sandbox.baseUrl}/stop-sms/delete?apiKey=${KEY}&id=1`);
    expect(deleted.json).toEqual({ success: true, code: 200 });
    expect(sandbox.stopList()).toEqual([]);
  });

  it('unknown endpoints and methods get a JSON 404 / 405', async () => {
    const unknown = await call(`${sandbox.baseUrl}/nope?apiKey=${KEY}`);
    expect(unknown.status).toBe(404);
    expect(unknown.json.success).toBe(false);
    const put = await call(`${sandbox.baseUrl}/me`, { method: 'PUT', body: '{}' });
    expect(put.status).toBe(405);
    expect((await call(`${sandbox.url}/elsewhere`)).status).toBe(404);
  });
});

describe('control endpoints', () => {
  it('lists messages with status and callbacks, and resets state', async () => {
    const id = (await send({})).json.message_id as number;
    const listed = await call(`${sandbox.url}/__sandbox/messages`);
    expect(listed.json).toMatchObject({ total: 1, dropped: 0 });
    expect((listed.json.messages as { messageId: string }[])[0]).toMatchObject({
      messageId: String(id),
      status: 'waiting',
      callbacks: [],
    });
    expect((await call(`${sandbox.url}/__sandbox/callbacks`)).json).toEqual({
      total: 0,
      dropped: 0,
      callbacks: [],
    });
    const reset = await call(`${sandbox.url}/__sandbox/state`, { method: 'DELETE' });
    expect(reset.json).toEqual({ reset: true });
    expect(sandbox.messages()).toEqual([]);
    // Ids do not restart after a reset: an app's records never see one twice.
    expect((await send({})).json.message_id).toBeGreaterThan(id);
  });

  it('answers bad control input with 400 JSON naming the field', async () => {
    const bad = await call(`${sandbox.url}/__sandbox/faults`, { json: { type: 'boom', count: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toBe('validation_error');
    expect((bad.json.issues as { field: string }[]).map((i) => i.field).sort()).toEqual([
      'count',
      'type',
    ]);
    const malformed = await call(`${sandbox.url}/__sandbox/replies`, {
      body: '{nope',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.json.error).toBe('invalid_json');
    const extra = await call(`${sandbox.url}/__sandbox/faults`, {
      json: { type: 'timeout', extra: 1 },
    });
    expect(extra.status).toBe(400);
    expect((await call(`${sandbox.url}/__sandbox/what`)).status).toBe(404);
    const wrongMethod = await call(`${sandbox.url}/__sandbox/messages`, {
      method: 'POST',
      body: '',
    });
    expect(wrongMethod.status).toBe(405);
    expect(() => sandbox.injectFault({ type: 'slow', count: -1 })).toThrowError(/count/);
  });

  it('injected HTTP faults: 429 with Retry-After, 500, garbled body; count is honoured', async () => {
    sandbox.injectFault({ type: 'http429', count: 1, delayMs: 2_500 });
    sandbox.injectFault({ type: 'http500', count: 1 });
    sandbox.injectFault({ type: 'garbled', count: 2 });
    const listed = await call(`${sandbox.url}/__sandbox/faults`);
    expect(listed.json.faults).toEqual([
      { type: 'http429', count: 1 },
      { type: 'http500', count: 1 },
      { type: 'garbled', count: 2 },
    ]);
    const limited = await call(`${sandbox.baseUrl}/me?apiKey=${KEY}`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    const failed = await call(`${sandbox.baseUrl}/me?apiKey=${KEY}`);
    expect(failed.status).toBe(500);
    for (const format of ['json', 'xml']) {
      const garbled = await send({}, `?_format=${format}`);
      expect(garbled.status).toBe(200);
      expect(() => JSON.parse(garbled.text)).toThrow();
      expect(() => readPositionalXml(garbled.text)).toThrow();
    }
    // garbled sends were processed: the answer was lost, not the message
    expect(sandbox.messages()).toHaveLength(2);
    expect((await call(`${sandbox.baseUrl}/me?apiKey=${KEY}`)).status).toBe(200);
    await call(`${sandbox.url}/__sandbox/faults`, { json: { type: 'timeout', count: 5 } });
    const cleared = await call(`${sandbox.url}/__sandbox/faults`, { method: 'DELETE' });
    expect(cleared.json).toEqual({ cleared: 1 });
    expect(sandbox.pendingFaults()).toEqual([]);
  });

  it('never answers bad input with a 500 and keeps serving', async () => {
    const paths = [
      '/v1/vn/send',
      '/v1/me',
      '/v1/message-status',
      '/v1/message-cancel',
      '/v1/stop-sms/add',
      '/v1/stop-sms/delete',
      '/v1/lookup',
      '/v1/bulk-status-by-tag',
      '/v1/multi-status',
      '/__sandbox/faults',
      '/__sandbox/replies',
      '/v1/%E0%A4%A',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.oneof(
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.string(),
          // the endpoints' own fields, holding any JSON value
          fc
            .dictionary(
              fc.constantFrom(
                'apiKey',
                'phoneNumbers',
                'SMSStatut_List',
                'tag',
                'page',
                'to',
                'from',
                'message',
              ),
              fc.jsonValue(),
            )
            .map((v) => JSON.stringify(v)),
        ),
        fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain'),
        async (path, body, type) => {
          const answer = await call(`${sandbox.url}${path}?apiKey=${KEY}`, {
            method: 'POST',
            body,
            headers: { 'content-type': type },
          });
          expect(answer.status).toBeLessThan(500);
          expect(answer.text.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 250 },
    );
    expect((await call(`${sandbox.baseUrl}/me?apiKey=${KEY}`)).json.success).toBe(true);
  });
});

describe('history, determinism, secrets, options', () => {
  it('keeps at most maxMessages, counts the dropped ones', async () => {
    const small = await startSandbox({ maxMessages: 3 });
    try {
      const ids: number[] = [];
      for (let i = 0; i < 5; i++) {
        const sent = await call(`${small.baseUrl}/vn/send`, {
          json: { apiKey: KEY, to: TO, from: FROM, message: `m${i}` },
        });
        ids.push(sent.json.message_id as number);
      }
      expect(small.messages().map((m) => m.messageId)).toEqual(ids.slice(2).map(String));
      expect(small.droppedMessages()).toBe(2);
      const listed = await call(`${small.url}/__sandbox/messages`);
      expect(listed.json).toMatchObject({ total: 3, dropped: 2 });
      const gone = await call(
        `${small.baseUrl}/message-status?apiKey=${KEY}&messageId=${ids[0]}&phoneNumber=${TO}`,
      );
      expect(gone.json.code).toBe(4);
    } finally {
      await small.close();
    }
  });

  it('never logs the API key', async () => {
    const lines: string[] = [];
    const logger = {
      info: (m: string) => lines.push(m),
      warn: (m: string) => lines.push(m),
      error: (m: string) => lines.push(m),
    };
    const secret = 'sk-live-VERY-SECRET-123';
    const logged = await startSandbox({ logger, apiKeys: [secret] });
    try {
      await call(`${logged.baseUrl}/me?apiKey=${secret}`);
      await call(`${logged.baseUrl}/me?apiKey=${secret}x`);
      await call(`${logged.baseUrl}/vn/send`, {
        json: { apiKey: secret, to: TO, from: FROM, message: 'hi' },
      });
      await call(`${logged.baseUrl}/vn/send?apiKey=${secret}`, {
        body: '{bad',
        headers: { 'content-type': 'application/json' },
      });
      logged.injectFault({ type: 'http500' });
      await call(`${logged.baseUrl}/me?apiKey=${secret}`);
      expect(lines.length).toBeGreaterThanOrEqual(5);
      for (const line of lines) expect(line).not.toContain(secret);
      expect(JSON.stringify(logged.messages())).not.toContain(secret);
    } finally {
      await logged.close();
    }
  });

  it('refuses bad options with SmsPartnerConfigError naming the field', async () => {
    await expect(startSandbox({ port: -1 })).rejects.toBeInstanceOf(SmsPartnerConfigError);
    await expect(startSandbox({ receiptShape: 'xml' as never })).rejects.toThrowError(
      /receiptShape/,
    );
    await expect(startSandbox({ colour: 'red' } as never)).rejects.toThrowError(/colour/);
  });

  it('answers errors that core maps to SmsPartnerApiError with the meaning', async () => {
    const answer = await send({ to: '33612340003' });
    try {
      parseSendResponse(answer.text, { status: answer.status });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SmsPartnerApiError);
      expect((error as SmsPartnerApiError).meaning).toBe(PROVIDER_ERROR_MEANINGS[13]);
    }
  });
});

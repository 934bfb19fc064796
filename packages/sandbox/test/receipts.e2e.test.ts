import { normalizeDeliveryStatus } from '@smspartner-kit/core';
import { parseProviderDate, toProviderSchedule } from '@smspartner-kit/core/internal';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ReceiptShape,
  type Sandbox,
  type SandboxOptions,
  startSandbox,
} from '../src/index.js';
import { call, eventually, type Receiver, startReceiver } from './helpers.js';

const KEY = 'k';
const FROM = '33700000000';
const CLOCK = Date.parse('2026-03-02T09:00:00Z'); // 10:00:00 in Paris
const PARIS = '2026-03-02 10:00:00';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

async function setup(
  options: SandboxOptions = {},
): Promise<{ sandbox: Sandbox; receiver: Receiver }> {
  const receiver = await startReceiver();
  const sandbox = await startSandbox({
    dlrDelayMs: 5,
    now: () => CLOCK,
    callbackBackoffMs: 5,
    ...options,
  });
  open.push(sandbox, receiver);
  return { sandbox, receiver };
}

function send(sandbox: Sandbox, fields: Record<string, unknown>) {
  return call(`${sandbox.baseUrl}/vn/send`, {
    json: { apiKey: KEY, from: FROM, message: 'Hello', tag: 'promo', ...fields },
  });
}

/** The three outcomes of the table: delivered, 0001 not delivered, 0002 waiting. */
async function sendOutcomes(sandbox: Sandbox, receiver: Receiver) {
  for (const to of ['33612345678', '33612340001', '33612340002']) {
    const answer = await send(sandbox, { to, urlDlr: `${receiver.url}/dlr?token=s3cret` });
    expect(answer.json.success).toBe(true);
  }
  const requests = await receiver.waitFor(3);
  const byRecipient = (field: string, value: string) =>
    requests.find((r) => String(r.fields[field]) === value);
  return byRecipient;
}

describe.each<ReceiptShape>(['json', 'form', 'query'])('receipts as %s', (shape) => {
  it('delivers { messageId, phoneNumber, status, date, tag } for each outcome', async () => {
    const { sandbox, receiver } = await setup({ receiptShape: shape });
    const find = await sendOutcomes(sandbox, receiver);
    const delivered = find('phoneNumber', '33612345678');
    const id = sandbox.messages().find((m) => m.to === '33612345678')?.messageId as string;
    expect(delivered?.path).toBe('/dlr');
    expect(delivered?.query.token).toBe('s3cret');
    if (shape === 'json') {
      expect(delivered?.method).toBe('POST');
      expect(delivered?.headers['content-type']).toContain('application/json');
      expect(delivered?.fields).toEqual({
        messageId: Number(id),
        phoneNumber: '33612345678',
        status: 'Delivered',
        date: PARIS,
        tag: 'promo',
      });
    } else {
      expect(delivered?.method).toBe(shape === 'form' ? 'POST' : 'GET');
      if (shape === 'form') {
        expect(delivered?.headers['content-type']).toBe('application/x-www-form-urlencoded');
      }
      const { token: _token, ...fields } = delivered?.fields ?? {};
      expect(shape === 'form' ? delivered?.fields : fields).toEqual({
        messageId: id,
        phoneNumber: '33612345678',
        status: 'Delivered',
        date: PARIS,
        tag: 'promo',
      });
    }
    expect(find('phoneNumber', '33612340001')?.fields.status).toBe('Not delivered');
    expect(find('phoneNumber', '33612340002')?.fields.status).toBe('Waiting');
    // what core reads out of them
    expect(normalizeDeliveryStatus(find('phoneNumber', '33612340001')?.fields.status)).toBe(
      'not_delivered',
    );
    expect(parseProviderDate(delivered?.fields.date)?.getTime()).toBe(CLOCK);
    // every attempt is kept, on the message and in the callback log
    await eventually(() => (sandbox.callbacks().length === 3 ? true : undefined), 'attempts');
    const message = sandbox.messages()[0];
    expect(message?.callbacks).toMatchObject([
      { kind: 'dlr', attempt: 1, ok: true, statusCode: 200, shape },
    ]);
  });
});

describe('receipts, Vonage style', () => {
  it('uses the Vonage field set', async () => {
    const { sandbox, receiver } = await setup({ receiptShape: 'vonage' });
    const find = await sendOutcomes(sandbox, receiver);
    const delivered = find('msisdn', '33612345678');
    const id = sandbox.messages().find((m) => m.to === '33612345678')?.messageId;
    expect(delivered?.method).toBe('POST');
    expect(delivered?.fields).toEqual({
      msisdn: '33612345678',
      to: FROM,
      'network-code': '20801',
      messageId: id,
      price: '0.038',
      status: 'delivered',
      scts: '2603021000',
      'err-code': '0',
      'message-timestamp': PARIS,
      'client-ref': 'promo',
    });
    expect(find('msisdn', '33612340001')?.fields).toMatchObject({
      status: 'failed',
      'err-code': '1',
    });
    expect(find('msisdn', '33612340002')?.fields.status).toBe('accepted');
    expect(parseProviderDate(delivered?.fields.scts)?.getTime()).toBe(CLOCK);
    expect(normalizeDeliveryStatus('accepted')).toBe('waiting');
  });

  it('lets one message override the shape with _receiptShape', async () => {
    const { sandbox, receiver } = await setup({ receiptShape: 'json' });
    await send(sandbox, {
      to: '33612345678',
      urlDlr: `${receiver.url}/dlr`,
      _receiptShape: 'vonage',
    });
    const [request] = await receiver.waitFor(1);
    expect(request?.fields.msisdn).toBe('33612345678');
    expect(sandbox.messages()[0]?.receiptShape).toBe('vonage');
    const bad = await send(sandbox, { to: '33612345678', _receiptShape: 'xml' });
    expect(bad.json.code).toBe(9);
  });
});

describe('receipt retries', () => {
  it('retries a non-2xx answer and a missing answer with backoff, logging every attempt', async () => {
    const lines: string[] = [];
    const { sandbox, receiver } = await setup({
      callbackRetries: 3,
      callbackTimeoutMs: 150,
      logger: { info: (m) => lines.push(m), warn: (m) => lines.push(m) },
    });
    receiver.respondWith([500, 'hang', 200]);
    await send(sandbox, { to: '33612345678', urlDlr: `${receiver.url}/dlr?token=s3cret` });
    const attempts = await eventually(() => {
      const list = sandbox.messages()[0]?.callbacks ?? [];
      return list.length === 3 ? list : undefined;
    }, 'three attempts');
    expect(attempts.map((a) => [a.attempt, a.ok, a.statusCode ?? a.error])).toEqual([
      [1, false, 500],
      [2, false, 'no answer within 150 ms'],
      [3, true, 200],
    ]);
    expect(receiver.requests).toHaveLength(3);
    const logged = lines.filter((l) => l.startsWith('callback dlr'));
    expect(logged).toHaveLength(3);
    for (const line of logged) expect(line).not.toContain('s3cret');
  });

  it('gives up after callbackRetries more attempts', async () => {
    const { sandbox, receiver } = await setup({ callbackRetries: 2 });
    receiver.respondWith([503, 503, 503, 503, 503]);
    await send(sandbox, { to: '33612345678', urlDlr: `${receiver.url}/dlr` });
    const attempts = await eventually(() => {
      const list = sandbox.callbacks();
      return list.length === 3 ? list : undefined;
    }, 'three attempts');
    expect(attempts.map((a) => `${a.attempt}/${a.maxAttempts}:${a.statusCode}`)).toEqual([
      '1/3:503',
      '2/3:503',
      '3/3:503',
    ]);
    const listed = await call(`${sandbox.url}/__sandbox/callbacks`);
    expect(listed.json.total).toBe(3);
  });

  it('records a refused connection as an attempt with its error', async () => {
    const receiver = await startReceiver();
    const deadUrl = `${receiver.url}/dlr`;
    await receiver.close();
    const { sandbox } = await setup({ callbackRetries: 1 });
    await send(sandbox, { to: '33612345678', urlDlr: deadUrl });
    const attempts = await eventually(() => {
      const list = sandbox.callbacks();
      return list.length === 2 ? list : undefined;
    }, 'two attempts');
    expect(attempts[1]?.error).toMatch(/ECONNREFUSED/);
    expect(attempts.every((a) => !a.ok)).toBe(true);
  });
});

describe('deferred sends', () => {
  it('holds the message until its time, then sends the receipt', async () => {
    const step = 300_000;
    const at = Math.ceil((Date.now() + 10 * 60_000) / step) * step;
    // the sandbox clock runs one second before the scheduled time
    const offset = at - Date.now() - 1_000;
    const { sandbox, receiver } = await setup({ now: () => Date.now() + offset, dlrDelayMs: 5 });
    const schedule = toProviderSchedule(new Date(at));
    const answer = await send(sandbox, {
      to: '33612345678',
      urlDlr: `${receiver.url}/dlr`,
      ...schedule,
    });
    expect(answer.json.success).toBe(true);
    expect(sandbox.messages()[0]).toMatchObject({ status: 'scheduled', providerStatus: 'Waiting' });
    expect(sandbox.messages()[0]?.scheduledAt?.getTime()).toBe(at);
    const me = await call(`${sandbox.baseUrl}/me?apiKey=${KEY}`);
    expect((me.json.credits as { toSend: number }).toSend).toBe(1);
    const [receipt] = await receiver.waitFor(1);
    expect(receipt?.fields).toMatchObject({
      messageId: answer.json.message_id,
      status: 'Delivered',
    });
    expect(parseProviderDate(receipt?.fields.date)?.getTime()).toBeGreaterThanOrEqual(at);
    expect(sandbox.messages()[0]?.status).toBe('delivered');
  });
});

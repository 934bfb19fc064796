import { createClient } from '@smspartner-kit/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { type Sandbox, type SandboxOptions, startSandbox } from '../src/index.js';
import { SlidingWindowLimiter } from '../src/rate-limit.js';
import { call } from './helpers.js';

const KEY = 'test-key';
const FROM = '33700000000';
const TO = '33612345678';

const open: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function start(options: SandboxOptions = {}): Promise<Sandbox> {
  const sandbox = await startSandbox({ dlrDelayMs: 10_000, ...options });
  open.push(sandbox);
  return sandbox;
}

function send(sandbox: Sandbox, fields: Record<string, unknown> = {}) {
  return call(`${sandbox.baseUrl}/vn/send`, {
    json: { apiKey: KEY, to: TO, from: FROM, message: 'Bonjour', ...fields },
  });
}

async function sendMany(sandbox: Sandbox, count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) ids.push((await send(sandbox)).json.message_id as number);
  return ids;
}

describe('message ids', () => {
  it('never repeat when a sandbox is started after another one stopped', async () => {
    // What the sample app does: an in-process sandbox, restarted, and the app's own database.
    const first = await startSandbox();
    const before = await sendMany(first, 50);
    await first.close();
    const second = await start();
    const after = await sendMany(second, 50);
    expect(new Set([...before, ...after]).size).toBe(100);
    expect(Math.min(...after)).toBeGreaterThan(Math.max(...before));
    for (const id of [...before, ...after]) expect(Number.isSafeInteger(id)).toBe(true);
    // Each run's ids increase in the order of the sends.
    expect(after).toEqual([...after].sort((a, b) => a - b));
  });

  it('never repeat across reset(), nor between two sandboxes running side by side', async () => {
    const a = await start();
    const b = await start();
    const ids: number[] = [];
    for (let i = 0; i < 20; i++) {
      const [x, y] = await Promise.all([send(a), send(b)]);
      ids.push(x.json.message_id as number, y.json.message_id as number);
      if (i === 10) a.reset();
    }
    expect(new Set(ids).size).toBe(40);
  });
});

describe('GET /v1/bulk-status-by-tag', () => {
  const byTag = (sandbox: Sandbox, query: string) =>
    call(`${sandbox.baseUrl}/bulk-status-by-tag?apiKey=${KEY}&${query}`);

  it('pages the tag’s messages, oldest first, with currentPage and total', async () => {
    let clock = Date.parse('2026-03-02T09:00:00Z');
    const sandbox = await start({ tagStatusPageSize: 2, dlrDelayMs: 100, now: () => clock });
    const recipients = ['33612345671', '33612340001', '33612345673', '33612340002', '0612345675'];
    for (const to of recipients) await send(sandbox, { to, tag: 'camp1' });
    await send(sandbox, { tag: 'other' });
    await send(sandbox);
    const ids = sandbox
      .messages()
      .filter((m) => m.tag === 'camp1')
      .map((m) => Number(m.messageId));
    clock += 100;

    const pages = [];
    for (let page = 1; page <= 4; page++)
      pages.push((await byTag(sandbox, `tag=camp1&page=${page}`)).json);
    expect(
      pages.map((p) => [p.currentPage, p.total, (p.StatutResponse_List as unknown[]).length]),
    ).toEqual([
      [1, 5, 2],
      [2, 5, 2],
      [3, 5, 1],
      [4, 5, 0],
    ]);
    const list = pages.flatMap((p) => p.StatutResponse_List as Record<string, unknown>[]);
    expect(list.map((s) => s.phoneNumber)).toEqual(
      sandbox
        .messages()
        .filter((m) => m.tag === 'camp1')
        .map((m) => `+${m.to}`),
    );
    expect(ids).toHaveLength(5);
    expect(list.map((s) => s.status)).toEqual([
      'Delivered',
      'Not delivered',
      'Delivered',
      'Waiting',
      'Delivered',
    ]);
    // The provider's "Statut par tag" example: no message id, `stopSMS` a boolean, `+` numbers.
    expect(list[0]).toEqual({
      phoneNumber: '+33612345671',
      status: 'Delivered',
      stopSMS: false,
      date: String(Math.floor(clock / 1000)),
    });
    expect(Object.keys(pages[0] ?? {})).toEqual([
      'success',
      'code',
      'currentPage',
      'total',
      'StatutResponse_List',
    ]);
    // far past the end: an empty page, not an error
    expect((await byTag(sandbox, 'tag=camp1&page=123456')).json).toMatchObject({
      currentPage: 123456,
      total: 5,
      StatutResponse_List: [],
    });
    // no page parameter: the first page
    expect((await byTag(sandbox, 'tag=camp1')).json.currentPage).toBe(1);
    // a tag that produced nothing: an empty list, not an error (what reconciliation asks)
    expect((await byTag(sandbox, 'tag=nothing')).json).toEqual({
      success: true,
      code: 200,
      currentPage: 1,
      total: 0,
      StatutResponse_List: [],
    });
  });

  it('is what core’s getStatusesByTag reads, across pages', async () => {
    let clock = Date.parse('2026-03-02T09:00:00Z');
    const sandbox = await start({ tagStatusPageSize: 2, dlrDelayMs: 100, now: () => clock });
    const recipients = ['33612345671', '33612340001', '33612345673', '33612340002', '33612345675'];
    for (const to of recipients) await send(sandbox, { to, tag: 'camp2' });
    await send(sandbox, { tag: 'camp3' });
    clock += 100;
    const client = createClient({ apiKey: KEY, baseUrl: sandbox.baseUrl, from: FROM });
    const statuses = await client.getStatusesByTag('camp2');
    expect(statuses.map((s) => [s.phoneNumber, s.status])).toEqual([
      ['33612345671', 'delivered'],
      ['33612340001', 'not_delivered'],
      ['33612345673', 'delivered'],
      ['33612340002', 'waiting'],
      ['33612345675', 'delivered'],
    ]);
    // The documented entries carry no message id (multi-status has them).
    expect(statuses.every((s) => s.messageId === undefined)).toBe(true);
    // dates are epoch seconds, as in the provider's status lists
    expect(statuses[0]?.date?.getTime()).toBe(Math.floor(clock / 1000) * 1000);
    expect(await client.getStatusesByTag('nothing')).toEqual([]);
  });

  it('refuses a missing tag or a bad page with code 9 naming the field', async () => {
    const sandbox = await start();
    for (const [query, field] of [
      ['', 'tag'],
      ['tag=a&page=0', 'page'],
      ['tag=a&page=x', 'page'],
    ] as const) {
      const answer = await byTag(sandbox, query);
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({
        success: false,
        code: 9,
        errors: [{ elementId: `children[${field}].data` }],
      });
    }
  });

  it('answers positional XML too', async () => {
    const sandbox = await start();
    await send(sandbox, { tag: 'x1' });
    const answer = await byTag(sandbox, 'tag=x1&_format=xml');
    expect(answer.headers.get('content-type')).toContain('xml');
    expect(answer.text).toContain(`<entry><![CDATA[+${sandbox.messages()[0]?.to}]]></entry>`);
  });
});

describe('POST /v1/multi-status', () => {
  const multi = (sandbox: Sandbox, list: unknown) =>
    call(`${sandbox.baseUrl}/multi-status`, { json: { apiKey: KEY, SMSStatut_List: list } });

  it('answers each {phoneNumber, messageId} with its status, unknown ones with code 4', async () => {
    let clock = Date.parse('2026-03-02T09:00:00Z');
    const sandbox = await start({ dlrDelayMs: 100, now: () => clock });
    await send(sandbox, { to: '33612345671' });
    await send(sandbox, { to: '33612340001', isStopSms: 1 });
    clock += 100;
    const [first, second] = sandbox.messages();
    const answer = await multi(sandbox, [
      { phoneNumber: '+33612345671', messageId: Number(first?.messageId) },
      { phoneNumber: '0612340001', messageId: second?.messageId },
      { phoneNumber: '33612345671', messageId: second?.messageId },
    ]);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      success: true,
      code: 200,
      StatutResponse_List: [
        {
          success: true,
          code: 200,
          phoneNumber: '33612345671',
          messageId: Number(first?.messageId),
          status: 'Delivered',
          date: String(Math.floor(clock / 1000)),
          stopSms: '0',
          isSpam: '0',
        },
        expect.objectContaining({
          messageId: Number(second?.messageId),
          status: 'Not delivered',
          stopSms: '1',
        }),
        expect.objectContaining({ success: false, code: 4, messageId: second?.messageId }),
      ],
    });
  });

  it('refuses a list that is missing, empty or over 500', async () => {
    const sandbox = await start();
    expect((await multi(sandbox, undefined)).json).toMatchObject({ success: false, code: 9 });
    expect((await multi(sandbox, 'x')).json).toMatchObject({ success: false, code: 9 });
    expect((await multi(sandbox, [])).json).toMatchObject({ success: false, code: 2 });
    const many = Array.from({ length: 501 }, () => ({ phoneNumber: '33612345678', messageId: 1 }));
    expect((await multi(sandbox, many)).json).toMatchObject({ success: false, code: 50 });
  });
});

describe('POST /v1/lookup', () => {
  it('describes each number, free of charge, recording nothing', async () => {
    const sandbox = await start({ credits: 10 });
    const answer = await call(`${sandbox.baseUrl}/lookup`, {
      json: { apiKey: KEY, phoneNumbers: ['06 12 34 56 78', '+33145678901', 'not a number'] },
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ success: true, code: 200 });
    const [mobile, landline, bad] = answer.json.lookup as Record<string, unknown>[];
    expect(mobile).toEqual({
      request: '06 12 34 56 78',
      success: true,
      countryCode: 'FR',
      prefixCode: 33,
      phoneNumber: '33612345678',
      type: 'mobile',
      network: 'Sandbox Mobile',
      format: {
        e164: '+33612345678',
        international: '+33 6 12 34 56 78',
        national: '06 12 34 56 78',
        rfc3966: 'tel:+33-6-12-34-56-78',
      },
    });
    expect(landline).toMatchObject({ success: true, type: 'landline', phoneNumber: '33145678901' });
    expect(bad).toMatchObject({ request: 'not a number', success: false, code: 9 });
    expect(sandbox.messages()).toEqual([]);
    const me = await call(`${sandbox.baseUrl}/me?apiKey=${KEY}`);
    expect((me.json.credits as { creditSms: number }).creditSms).toBe(10);
  });

  it('is what core’s lookup reads', async () => {
    const sandbox = await start();
    const client = createClient({ apiKey: KEY, baseUrl: sandbox.baseUrl, from: FROM });
    const results = await client.lookup(['06 12 34 56 78', '+33145678901']);
    expect(results).toHaveLength(2);
    expect(results[0]).toMatchObject({ phoneNumber: '33612345678', countryCode: 'FR' });
    expect(sandbox.messages()).toEqual([]);
  });

  it('takes repeated form keys and a comma-separated query too', async () => {
    const sandbox = await start();
    const form = new URLSearchParams([
      ['apiKey', KEY],
      ['phoneNumbers[]', '0612345678'],
      ['phoneNumbers[]', '0712345678'],
    ]);
    const viaForm = await call(`${sandbox.baseUrl}/lookup`, {
      body: form.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect((viaForm.json.lookup as unknown[]).length).toBe(2);
    const viaQuery = await call(
      `${sandbox.baseUrl}/lookup?apiKey=${KEY}&phoneNumbers=0612345678,0712345678,0612345679`,
    );
    expect((viaQuery.json.lookup as { phoneNumber: string }[]).map((l) => l.phoneNumber)).toEqual([
      '33612345678',
      '33712345678',
      '33612345679',
    ]);
  });

  it('500 numbers at most (code 50); none is code 2; objects are code 9', async () => {
    const sandbox = await start();
    const numbers = (n: number) =>
      Array.from({ length: n }, (_, i) => `0612${String(i).padStart(6, '0')}`);
    const lookup = (phoneNumbers: unknown) =>
      call(`${sandbox.baseUrl}/lookup`, { json: { apiKey: KEY, phoneNumbers } });
    expect(((await lookup(numbers(500))).json.lookup as unknown[]).length).toBe(500);
    expect((await lookup(numbers(501))).json).toMatchObject({ success: false, code: 50 });
    expect((await lookup([])).json).toMatchObject({ success: false, code: 2 });
    expect((await lookup([{ n: 1 }])).json).toMatchObject({ success: false, code: 9 });
  });
});

describe('rate limit', () => {
  it('answers 429 beyond perSecond in any 1-second window and records nothing', async () => {
    let clock = Date.parse('2026-03-02T09:00:00Z');
    const sandbox = await start({ rateLimit: { perSecond: 3 }, now: () => clock });
    for (let i = 0; i < 3; i++) expect((await send(sandbox, { tag: `t${i}` })).status).toBe(200);
    clock += 400;
    const limited = await send(sandbox, { tag: 'refused' });
    expect(limited.status).toBe(429);
    expect(limited.json).toEqual({
      success: false,
      code: 429,
      message: 'too many requests: at most 3 per second',
    });
    expect(limited.headers.get('retry-after')).toBe('1');
    // any endpoint counts, and a refused request is not processed
    expect((await call(`${sandbox.baseUrl}/me?apiKey=${KEY}`)).status).toBe(429);
    expect(sandbox.messages()).toHaveLength(3);
    expect(sandbox.accepted()).toMatchObject({ total: 3, byTag: { t0: 1, t1: 1, t2: 1 } });
    expect((await call(`${sandbox.url}/__sandbox/state`)).json).toMatchObject({
      accepted: 3,
      rateLimited: 2,
    });
    // control endpoints are never limited
    expect((await call(`${sandbox.url}/__sandbox/health`)).status).toBe(200);
    clock += 600; // 1,000 ms after the first three
    expect((await send(sandbox, { tag: 'later' })).status).toBe(200);
  });

  it('core’s client sees the 429 of a send as nothing sent', async () => {
    const clock = Date.parse('2026-03-02T09:00:00Z');
    const sandbox = await start({ rateLimit: { perSecond: 1 }, now: () => clock });
    const client = createClient({
      apiKey: KEY,
      baseUrl: sandbox.baseUrl,
      from: FROM,
      retry: { retries: 0 },
    });
    await client.send({ to: TO, message: 'one' });
    const error = await client.send({ to: TO, message: 'two' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'SmsPartnerApiError', code: 429 });
    expect(sandbox.accepted().total).toBe(1);
  });

  it('the sliding window admits at most N per 1,000 ms and refuses only when N are in it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.integer({ min: 0, max: 700 }), { maxLength: 60 }),
        (perSecond, gaps) => {
          const limiter = new SlidingWindowLimiter(perSecond);
          const admitted: number[] = [];
          let now = 0;
          for (const gap of gaps) {
            now += gap;
            const inWindow = admitted.filter((t) => now - t < 1000).length;
            const answer = limiter.take(now);
            expect(answer.ok).toBe(inWindow < perSecond);
            if (answer.ok) admitted.push(now);
            else expect(answer.retryAfterMs).toBeGreaterThan(0);
          }
          for (let i = perSecond; i < admitted.length; i++) {
            expect(
              (admitted[i] as number) - (admitted[i - perSecond] as number),
            ).toBeGreaterThanOrEqual(1000);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('what was accepted, per tag and recipient', () => {
  it('counts accepted sends only, beyond the bounded history, with duplicates named', async () => {
    const sandbox = await start({ maxMessages: 2 });
    await send(sandbox, { tag: 'job1' });
    await send(sandbox, { tag: 'job2', to: '33612345679' });
    await send(sandbox, { tag: 'job2', to: '33612345679' });
    await send(sandbox, { sandbox: 1 });
    expect((await send(sandbox, { tag: 'job3', to: '33612340003' })).json.code).toBe(13);
    await call(`${sandbox.baseUrl}/stop-sms/add`, {
      json: { apiKey: KEY, phoneNumber: '33612345670' },
    });
    expect((await send(sandbox, { tag: 'job4', to: '33612345670' })).json.code).toBe(14);
    const expected = {
      total: 4,
      untracked: 0,
      duplicateTags: ['job2'],
      byTag: { job1: 1, job2: 2 },
      byRecipient: { [TO]: 2, '33612345679': 2 },
    };
    expect(sandbox.droppedMessages()).toBe(2);
    expect(sandbox.accepted()).toEqual(expected);
    expect((await call(`${sandbox.url}/__sandbox/accepted`)).json).toEqual(expected);
    sandbox.reset();
    expect(sandbox.accepted()).toEqual({
      total: 0,
      untracked: 0,
      duplicateTags: [],
      byTag: {},
      byRecipient: {},
    });
  });

  it('says how many sends it could not count once maxTrackedKeys is reached', async () => {
    const sandbox = await start({ maxTrackedKeys: 2 });
    for (const tag of ['a1', 'a2', 'a3', 'a1']) await send(sandbox, { tag });
    expect(sandbox.accepted()).toMatchObject({ total: 4, untracked: 1, byTag: { a1: 2, a2: 1 } });
  });

  it('filters /__sandbox/messages by tag and recipient', async () => {
    const sandbox = await start();
    await send(sandbox, { tag: 'f1' });
    await send(sandbox, { tag: 'f1', to: '33612345679' });
    await send(sandbox, { tag: 'f2' });
    const listed = await call(`${sandbox.url}/__sandbox/messages?tag=f1&to=${TO}`);
    expect(listed.json.total).toBe(1);
    expect((listed.json.messages as { tag: string; to: string }[])[0]).toMatchObject({
      tag: 'f1',
      to: TO,
    });
  });
});

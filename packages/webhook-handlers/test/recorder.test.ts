import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { SmsPartnerConfigError } from '@smspartner-kit/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { recordCallback } from '../src/http/recorder.js';
import {
  type CallbackRecorder,
  createCallbackRecorder,
  createNodeMiddleware,
  createWebhooks,
  type NodeMiddlewareOptions,
  type RecordedCallback,
} from '../src/index.js';
import { forgeDeliveryReceipt } from '../src/testing/index.js';
import { deferred, listen, rawRequest } from './helpers.js';

// Characters that change under URL, form and JSON encoding, so every spelling is exercised.
const SECRET = 'rec-s3cr&t/+= é"x';
const WRONG = 'wrong-token-6f1c2a';
const DLR = '/webhooks/smspartner/dlr';
const quiet = { warn: () => {}, error: () => {} };
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup(
  options: NodeMiddlewareOptions = {},
  wrap?: (mw: ReturnType<typeof createNodeMiddleware>) => Parameters<typeof listen>[0],
  secret: string | false = SECRET,
) {
  const webhooks = createWebhooks({ secret, logger: quiet });
  const mw = createNodeMiddleware(webhooks, options);
  const server = await listen(wrap ? wrap(mw) : mw);
  cleanups.push(
    () => server.close(),
    () => webhooks.close(),
  );
  return server.port;
}

const at = (token: string, extra = '') => `${DLR}?token=${encodeURIComponent(token)}${extra}`;
const json = { 'content-type': 'application/json' };

/** Every string anywhere in the entries (names, values, path, body). */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value instanceof Date) return [];
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(strings);
  return [];
}

function spellings(token: string): string[] {
  return [
    token,
    encodeURIComponent(token),
    new URLSearchParams({ t: token }).toString().slice(2),
    JSON.stringify(token).slice(1, -1),
  ];
}

function expectNoToken(entries: RecordedCallback[], tokens: string[]): void {
  const stored = strings(entries);
  expect(stored.length).toBeGreaterThan(0);
  for (const token of tokens) {
    for (const spelling of spellings(token)) {
      for (const text of stored) expect(text).not.toContain(spelling);
    }
  }
}

describe('createCallbackRecorder', () => {
  it('keeps the last N callbacks, oldest dropped, in the order answered', async () => {
    const recorder = createCallbackRecorder({ limit: 3 });
    const port = await setup({ recorder });
    for (let i = 1; i <= 5; i++) {
      const body = JSON.stringify(forgeDeliveryReceipt({ messageId: `m-${i}` }));
      expect(
        (await rawRequest(port, { method: 'POST', path: at(SECRET), headers: json, body })).status,
      ).toBe(200);
    }
    const entries = recorder.entries();
    expect(entries).toHaveLength(3);
    expect(entries.map((e) => JSON.parse(e.body ?? '{}').messageId)).toEqual(['m-3', 'm-4', 'm-5']);
    expect(recorder.limit).toBe(3);
    recorder.clear();
    expect(recorder.entries()).toEqual([]);
  });

  it('never stores the secret or a wrong token: query, body fields (JSON, form, multipart), headers', async () => {
    const recorder = createCallbackRecorder();
    const port = await setup({ recorder });
    const receipt = forgeDeliveryReceipt({ messageId: 'm-json' });
    const send = (path: string, headers: Record<string, string>, body?: string, method = 'POST') =>
      rawRequest(port, { method, path, headers, body });

    // The token in the body too, under several spellings and nested (a payload the parser refuses:
    // recorded all the same, which is the point).
    const jsonBody = JSON.stringify({
      ...receipt,
      token: SECRET,
      Token: WRONG,
      meta: { to_ken: WRONG },
    });
    expect(
      (
        await send(
          at(SECRET, '&tag=a%20b'),
          { ...json, referer: `https://x.test${at(SECRET)}` },
          jsonBody,
        )
      ).status,
    ).toBe(400);
    const form = new URLSearchParams({
      messageId: 'm-form',
      phoneNumber: '33612345678',
      status: 'Delivered',
      token: SECRET,
      TOKEN: WRONG,
    });
    expect(
      (
        await send(
          at(SECRET),
          { 'content-type': 'application/x-www-form-urlencoded' },
          form.toString(),
        )
      ).status,
    ).toBe(200);
    const boundary = 'b0undary';
    const multipart = [
      ['messageId', 'm-multi'],
      ['phoneNumber', '33612345678'],
      ['token', WRONG],
    ]
      .map(
        ([name, value]) =>
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      )
      .join('');
    expect(
      (
        await send(
          at(SECRET),
          { 'content-type': `multipart/form-data; boundary=${boundary}` },
          `${multipart}--${boundary}--\r\n`,
        )
      ).status,
    ).toBe(200);
    // Refused: a wrong token (and one given twice), in the query.
    expect((await send(at(WRONG), { ...json, 'x-echo': `token=${WRONG}` }, jsonBody)).status).toBe(
      401,
    );
    expect(
      (await send(`${at(WRONG)}&token=${encodeURIComponent(SECRET)}`, {}, undefined, 'GET')).status,
    ).toBe(401);

    const entries = recorder.entries();
    expect(entries.map((e) => e.status)).toEqual([400, 200, 200, 401, 401]);
    expectNoToken(entries, [SECRET, WRONG]);
    // What is not a token is kept as sent.
    expect(entries[0]?.path).toBe(`${DLR}?tag=a%20b`);
    expect(JSON.parse(entries[0]?.body ?? '')).toEqual({
      ...receipt,
      token: '[redacted]',
      Token: '[redacted]',
      meta: { to_ken: '[redacted]' },
    });
    expect(entries[1]?.body).toBe(
      'messageId=m-form&phoneNumber=33612345678&status=Delivered&token=[redacted]&TOKEN=[redacted]',
    );
    expect(entries[2]?.body).toContain('name="token"\r\n\r\n[redacted]\r\n');
    expect(entries[2]?.body).toContain('name="messageId"\r\n\r\nm-multi\r\n');
    expect(entries[4]?.path).toBe(DLR);
  });

  it('redacts credential headers and any header carrying a token; keeps the others as sent', async () => {
    const recorder = createCallbackRecorder();
    const port = await setup({ recorder });
    await rawRequest(port, {
      method: 'POST',
      path: at(SECRET),
      headers: {
        ...json,
        Authorization: 'Bearer abc',
        Cookie: 'session=1',
        'Proxy-Authorization': 'Basic eA==',
        'X-Forwarded-Uri': at(SECRET),
        'X-Custom': 'kept',
      },
      body: JSON.stringify(forgeDeliveryReceipt()),
    });
    const headers = Object.fromEntries(recorder.entries()[0]?.headers ?? []);
    expect(headers).toMatchObject({
      'content-type': 'application/json',
      Authorization: '[redacted]',
      Cookie: '[redacted]',
      'Proxy-Authorization': '[redacted]',
      'X-Forwarded-Uri': '[redacted]',
      'X-Custom': 'kept',
    });
  });

  it('records refused callbacks with their status; other paths are not callbacks and are not recorded', async () => {
    const recorder = createCallbackRecorder();
    const port = await setup({ recorder, maxBodyBytes: 200 });
    const valid = JSON.stringify(forgeDeliveryReceipt());
    const cases: [string, string, Record<string, string>, string | undefined, number][] = [
      ['POST', at(SECRET), json, valid, 200],
      ['POST', at(WRONG), json, valid, 401],
      ['POST', DLR, json, valid, 401],
      ['PUT', at(SECRET), json, valid, 405],
      ['POST', at(SECRET), json, 'x'.repeat(500), 413],
      ['POST', at(SECRET), json, '{"messageId":"m"}', 400],
      ['POST', at(SECRET), { 'content-type': 'text/csv' }, 'a,b', 415],
      ['GET', '/elsewhere?token=x', {}, undefined, 404],
    ];
    for (const [method, path, headers, body, status] of cases) {
      expect((await rawRequest(port, { method, path, headers, body })).status).toBe(status);
    }
    const entries = recorder.entries();
    expect(entries.map((e) => [e.method, e.status, e.body === undefined])).toEqual([
      ['POST', 200, false],
      ['POST', 401, true], // refused before the body is read: it never is
      ['POST', 401, true],
      ['PUT', 405, true],
      ['POST', 413, true],
      ['POST', 400, false],
      ['POST', 415, false],
    ]);
    expect(entries[5]?.body).toBe('{"messageId":"m"}');
    for (const entry of entries) expect(entry.receivedAt).toBeInstanceOf(Date);
  });

  it('records a callback whose client left mid-body with status null', async () => {
    const recorder = createCallbackRecorder();
    const arrived = deferred();
    const port = await setup({ recorder }, (mw) => (req, res) => {
      mw(req, res);
      arrived.resolve();
    });
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `POST ${at(SECRET)} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"messageId":`,
      );
    });
    await arrived.promise; // the middleware has it: now the client goes away
    socket.destroy();
    await vi.waitFor(() => expect(recorder.entries()).toHaveLength(1));
    expect(recorder.entries()[0]).toMatchObject({ status: null, body: undefined, path: DLR });
  });

  it('cuts a body longer than maxBodyBytes at a character boundary, flagged', async () => {
    const recorder = createCallbackRecorder({ maxBodyBytes: 20 });
    const port = await setup({ recorder });
    const body = JSON.stringify({ ...forgeDeliveryReceipt(), tag: 'ééééééééééé' });
    await rawRequest(port, {
      method: 'POST',
      path: `${DLR.replace('dlr', 'replies')}?token=${encodeURIComponent(SECRET)}`,
      headers: json,
      body,
    });
    await rawRequest(port, { method: 'POST', path: at(SECRET), headers: json, body: '{}' });
    const [long, short] = recorder.entries();
    expect(long?.bodyTruncated).toBe(true);
    expect(Buffer.byteLength(long?.body ?? '')).toBeLessThanOrEqual(20);
    expect(body.startsWith(long?.body ?? '-')).toBe(true);
    expect(short).toMatchObject({ body: '{}', bodyTruncated: false });
  });

  it('records a body a framework already parsed as JSON of it, token redacted', async () => {
    const recorder = createCallbackRecorder();
    const port = await setup({ recorder }, (mw) => (req: IncomingMessage, res: ServerResponse) => {
      Object.assign(req, {
        body: { ...forgeDeliveryReceipt({ messageId: 'parsed' }), token: WRONG },
      });
      mw(req, res);
    });
    await rawRequest(port, { method: 'POST', path: at(SECRET) });
    const [entry] = recorder.entries();
    expect(entry?.status).toBe(200);
    expect(JSON.parse(entry?.body ?? '')).toMatchObject({
      messageId: 'parsed',
      token: '[redacted]',
    });
    expectNoToken(recorder.entries(), [SECRET, WRONG]);
  });

  it('with secret: false, the token given is still never stored', async () => {
    const recorder = createCallbackRecorder();
    const port = await setup({ recorder }, undefined, false);
    await rawRequest(port, {
      method: 'GET',
      path: `${at('anything-goes-token')}&messageId=g&phoneNumber=33612345678`,
    });
    expect(recorder.entries()[0]).toMatchObject({
      status: 200,
      path: `${DLR}?messageId=g&phoneNumber=33612345678`,
    });
    expectNoToken(recorder.entries(), ['anything-goes-token']);
  });

  it('is off by default: without a recorder the middleware never looks at what only a recorder needs', async () => {
    const unused = createCallbackRecorder();
    const reads = { off: 0, on: 0 };
    const counting =
      (key: 'off' | 'on') =>
      (mw: ReturnType<typeof createNodeMiddleware>) =>
      (req: IncomingMessage, res: ServerResponse) => {
        const rawHeaders = req.rawHeaders;
        Object.defineProperty(req, 'rawHeaders', {
          get: () => {
            reads[key]++;
            return rawHeaders;
          },
        });
        mw(req, res);
      };
    const off = await setup({}, counting('off'));
    const on = await setup({ recorder: createCallbackRecorder() }, counting('on'));
    for (const port of [off, on]) {
      for (const path of [at(SECRET), at(WRONG)]) {
        await rawRequest(port, {
          method: 'POST',
          path,
          headers: json,
          body: JSON.stringify(forgeDeliveryReceipt()),
        });
      }
    }
    expect(reads).toEqual({ off: 0, on: 2 });
    expect(unused.entries()).toEqual([]);
  });

  it('refuses bad options with SmsPartnerConfigError naming the field', () => {
    for (const [options, field] of [
      [{ limit: 0 }, 'limit'],
      [{ limit: 1.5 }, 'limit'],
      [{ limit: 10_001 }, 'limit'],
      [{ limit: '5' }, 'limit'],
      [{ maxBodyBytes: 0 }, 'maxBodyBytes'],
      [{ limits: 5 }, 'limits'],
    ] as const) {
      const attempt = () => createCallbackRecorder(options as never);
      expect(attempt).toThrow(SmsPartnerConfigError);
      try {
        attempt();
      } catch (error) {
        expect((error as SmsPartnerConfigError).issues.map((i) => i.field)).toContain(field);
      }
    }
    const webhooks = createWebhooks({ secret: SECRET, logger: quiet });
    expect(() =>
      createNodeMiddleware(webhooks, {
        recorder: { entries: () => [] } as unknown as CallbackRecorder,
      }),
    ).toThrow(/recorder: must be a recorder from createCallbackRecorder\(\)/);
  });

  it('property: no stored string contains a secret or a presented token, whatever they are', () => {
    // No [ ] in tokens: a token overlapping the "[redacted]" marker could rebuild itself.
    const token = fc.string({
      unit: fc.constantFrom(...'abcXYZ019&=+/% é"\\\'?#\n'.split('')),
      minLength: 3,
      maxLength: 24,
    });
    fc.assert(
      fc.property(
        token,
        token,
        fc.constantFrom('json', 'form', 'header'),
        (secret, presented, where) => {
          const recorder = createCallbackRecorder();
          const body =
            where === 'json'
              ? JSON.stringify({ messageId: 'm', note: `see ${secret}`, token: presented })
              : where === 'form'
                ? new URLSearchParams({
                    messageId: 'm',
                    note: `${secret}!`,
                    token: presented,
                  }).toString()
                : undefined;
          recordCallback(recorder, {
            receivedAt: new Date(),
            method: 'POST',
            url: `${DLR}?a=1&token=${encodeURIComponent(presented)}&b=${encodeURIComponent(secret)}`,
            rawHeaders: ['X-Note', `x${secret}x`, 'X-Other', encodeURIComponent(presented)],
            contentType:
              where === 'form' ? 'application/x-www-form-urlencoded' : 'application/json',
            body: body === undefined ? undefined : Buffer.from(body),
            status: 200,
            secrets: [secret],
          });
          expectNoToken(recorder.entries(), [secret, presented]);
        },
      ),
      { numRuns: 300 },
    );
  });
});

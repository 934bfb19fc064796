import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createNodeMiddleware,
  createWebhooks,
  forgeDeliveryReceipt,
  forgeInboundMessage,
  type HandleRequest,
} from '../src/index.js';
import { listen, rawRequest } from './helpers.js';

const SECRET = 'hostile-table-secret';
const T = `token=${SECRET}`;
const DLR = `/webhooks/smspartner/dlr?${T}`;
const REPLIES = `/webhooks/smspartner/replies?${T}`;
const JSON_CT = { 'content-type': 'application/json' };
const FORM_CT = { 'content-type': 'application/x-www-form-urlencoded' };
const receipt = forgeDeliveryReceipt({ messageId: 1 });
const reply = forgeInboundMessage({ messageId: 'r1' });
const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
const json = (o: unknown) => JSON.stringify(o);

interface Case {
  name: string;
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  status: number;
  /** For bodies a real HTTP client cannot send (a framework-parsed object). */
  handleOnly?: unknown;
}

const multipart = (o: Record<string, string>) =>
  Object.entries(o)
    .map(([k, v]) => `--b\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
    .join('');
const deep = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

const cases: Case[] = [
  // token, method, path
  {
    name: 'no token',
    url: '/webhooks/smspartner/dlr',
    headers: JSON_CT,
    body: json(receipt),
    status: 401,
  },
  {
    name: 'wrong token',
    url: '/webhooks/smspartner/dlr?token=nope',
    headers: JSON_CT,
    body: json(receipt),
    status: 401,
  },
  {
    name: 'empty token',
    url: '/webhooks/smspartner/dlr?token=',
    headers: JSON_CT,
    body: json(receipt),
    status: 401,
  },
  {
    name: 'token twice',
    url: `${DLR}&token=other`,
    headers: JSON_CT,
    body: json(receipt),
    status: 401,
  },
  {
    name: 'token 4 kB long',
    url: `/webhooks/smspartner/dlr?token=${'x'.repeat(4096)}`,
    headers: JSON_CT,
    body: json(receipt),
    status: 401,
  },
  {
    name: 'token differs by case',
    url: `/webhooks/smspartner/dlr?token=${SECRET.toUpperCase()}`,
    method: 'GET',
    status: 401,
  },
  {
    name: 'GET with the token only as a field name',
    url: `/webhooks/smspartner/dlr?${SECRET}=1`,
    method: 'GET',
    status: 401,
  },
  { name: 'PUT', method: 'PUT', url: DLR, headers: JSON_CT, body: json(receipt), status: 405 },
  { name: 'DELETE', method: 'DELETE', url: DLR, status: 405 },
  {
    name: 'PATCH',
    method: 'PATCH',
    url: REPLIES,
    headers: JSON_CT,
    body: json(reply),
    status: 405,
  },
  { name: 'OPTIONS', method: 'OPTIONS', url: DLR, status: 405 },
  // empty and malformed bodies
  { name: 'POST without body or query', url: DLR, headers: JSON_CT, body: '', status: 400 },
  { name: 'whitespace body', url: DLR, headers: FORM_CT, body: '   \n', status: 400 },
  { name: 'GET with no fields', method: 'GET', url: DLR, status: 400 },
  {
    name: 'truncated JSON',
    url: DLR,
    headers: JSON_CT,
    body: '{"messageId": "1", "phone',
    status: 400,
  },
  { name: 'JSON array', url: DLR, headers: JSON_CT, body: '[{"messageId":"1"}]', status: 400 },
  { name: 'JSON string', url: DLR, headers: JSON_CT, body: '"messageId=1"', status: 400 },
  { name: 'JSON null', url: DLR, headers: JSON_CT, body: 'null', status: 400 },
  { name: 'JSON number', url: DLR, headers: JSON_CT, body: '42', status: 400 },
  { name: 'empty JSON object', url: DLR, headers: JSON_CT, body: '{}', status: 400 },
  {
    name: 'deeply nested JSON (5,000 levels)',
    url: DLR,
    headers: JSON_CT,
    body: deep(5000),
    status: 400,
  },
  {
    name: 'JSON 1e400 (Infinity)',
    url: DLR,
    headers: JSON_CT,
    body: '{"messageId":1e400,"phoneNumber":"33612345678"}',
    status: 400,
  },
  // prototype pollution
  {
    name: '__proto__ key in JSON',
    url: DLR,
    headers: JSON_CT,
    body: `{"__proto__":{"isAdmin":true},${json(receipt).slice(1)}`,
    status: 400,
  },
  {
    name: 'constructor.prototype in JSON',
    url: DLR,
    headers: JSON_CT,
    body: json({ ...receipt, constructor: { prototype: { x: 1 } } }),
    status: 400,
  },
  {
    name: '__proto__ in a form',
    url: DLR,
    headers: FORM_CT,
    body: `__proto__=x&${form(receipt)}`,
    status: 400,
  },
  {
    name: '__proto__[x] qs nesting in a form',
    url: DLR,
    headers: FORM_CT,
    body: `__proto__[isAdmin]=1&${form(receipt)}`,
    status: 400,
  },
  {
    name: 'constructor in a query',
    method: 'GET',
    url: `${DLR}&constructor=1&${form(receipt)}`,
    status: 400,
  },
  {
    name: 'prototype key',
    url: DLR,
    headers: JSON_CT,
    body: json({ ...receipt, prototype: 'x' }),
    status: 400,
  },
  // wrong types and nesting
  {
    name: 'object as messageId (NoSQL operator)',
    url: DLR,
    headers: JSON_CT,
    body: json({ ...receipt, messageId: { $gt: '' } }),
    status: 400,
  },
  {
    name: 'array as phone number',
    url: DLR,
    headers: JSON_CT,
    body: json({ ...receipt, phoneNumber: ['33612345678'] }),
    status: 400,
  },
  {
    name: 'nested unknown field',
    url: DLR,
    headers: JSON_CT,
    body: json({ ...receipt, extra: { a: 1 } }),
    status: 400,
  },
  {
    name: 'boolean messageId',
    url: DLR,
    headers: JSON_CT,
    body: json({ ...receipt, messageId: true }),
    status: 400,
  },
  {
    name: 'negative messageId',
    url: DLR,
    headers: JSON_CT,
    body: json({ ...receipt, messageId: -5 }),
    status: 400,
  },
  {
    name: 'fractional messageId',
    url: DLR,
    headers: JSON_CT,
    body: json({ ...receipt, messageId: 1.5 }),
    status: 400,
  },
  {
    name: 'markup in messageId',
    url: DLR,
    headers: JSON_CT,
    body: json({ ...receipt, messageId: '<script>alert(1)</script>' }),
    status: 400,
  },
  {
    name: 'messageId 200 chars',
    url: DLR,
    headers: JSON_CT,
    body: json({ ...receipt, messageId: 'a'.repeat(200) }),
    status: 400,
  },
  {
    name: 'letters as phone number',
    url: DLR,
    headers: FORM_CT,
    body: form({ ...receipt, phoneNumber: 'call me' }),
    status: 400,
  },
  {
    name: 'phone number 30 digits',
    url: DLR,
    headers: FORM_CT,
    body: form({ ...receipt, phoneNumber: '3'.repeat(30) }),
    status: 400,
  },
  {
    name: 'status 10 kB long',
    url: DLR,
    headers: JSON_CT,
    body: json({ ...receipt, status: 'D'.repeat(10_000) }),
    status: 400,
  },
  {
    name: 'reply text 20 kB',
    url: REPLIES,
    headers: JSON_CT,
    body: json({ ...reply, text: 'x'.repeat(20_000) }),
    status: 400,
  },
  {
    name: 'field name 200 chars',
    url: DLR,
    headers: FORM_CT,
    body: `${'k'.repeat(200)}=1&${form(receipt)}`,
    status: 400,
  },
  {
    name: '150 fields',
    url: DLR,
    headers: FORM_CT,
    body: `${form(receipt)}&${Array.from({ length: 150 }, (_, i) => `f${i}=1`).join('&')}`,
    status: 400,
  },
  {
    name: 'same field twice',
    url: DLR,
    headers: FORM_CT,
    body: `${form(receipt)}&messageId=2`,
    status: 400,
  },
  {
    name: 'conflicting aliases',
    url: DLR,
    headers: FORM_CT,
    body: `${form(receipt)}&message_id=999`,
    status: 400,
  },
  {
    name: 'concat part > total',
    url: REPLIES,
    headers: FORM_CT,
    body: form({
      ...reply,
      concat: 'true',
      'concat-ref': '1',
      'concat-total': '2',
      'concat-part': '3',
    }),
    status: 400,
  },
  {
    name: 'concat total 0',
    url: REPLIES,
    headers: FORM_CT,
    body: form({
      ...reply,
      concat: 'true',
      'concat-ref': '1',
      'concat-total': '0',
      'concat-part': '1',
    }),
    status: 400,
  },
  {
    name: 'concat without ref',
    url: REPLIES,
    headers: FORM_CT,
    body: form({ ...reply, concat: 'true', 'concat-total': '2', 'concat-part': '1' }),
    status: 400,
  },
  {
    name: 'receipt without identity',
    url: DLR,
    headers: JSON_CT,
    body: json({ status: 'Delivered' }),
    status: 400,
  },
  {
    name: 'reply without sender',
    url: REPLIES,
    headers: JSON_CT,
    body: json({ messageId: 'x', text: 'hi' }),
    status: 400,
  },
  // encodings
  {
    name: 'invalid UTF-8 bytes in JSON',
    url: DLR,
    headers: JSON_CT,
    body: Buffer.concat([
      Buffer.from('{"messageId":"1","tag":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]),
    status: 400,
  },
  {
    name: 'invalid UTF-8 percent-encoding in a form',
    url: REPLIES,
    headers: FORM_CT,
    body: `${form(reply)}&note=%FF%FE`,
    status: 400,
  },
  {
    name: 'broken percent-encoding in a query',
    method: 'GET',
    url: `${DLR}&${form(receipt)}&x=%E0%A4%A`,
    status: 400,
  },
  {
    name: 'lone surrogate in JSON',
    url: REPLIES,
    headers: JSON_CT,
    body: `{"msisdn":"33612345678","messageId":"1","text":"\\ud800"}`,
    status: 400,
  },
  {
    name: 'NUL in text',
    url: REPLIES,
    headers: JSON_CT,
    body: json({ ...reply, text: 'a\u0000b' }),
    status: 400,
  },
  // media types and sizes
  {
    name: 'XML body',
    url: DLR,
    headers: { 'content-type': 'text/xml' },
    body: '<dlr><messageId>1</messageId></dlr>',
    status: 415,
  },
  {
    name: 'multipart/mixed body',
    url: DLR,
    headers: { 'content-type': 'multipart/mixed; boundary=x' },
    body: '--x\r\n\r\n--x--',
    status: 415,
  },
  {
    name: 'multipart without boundary',
    url: DLR,
    headers: { 'content-type': 'multipart/form-data' },
    body: '--x\r\n\r\n--x--',
    status: 400,
  },
  {
    name: 'multipart without closing boundary',
    url: DLR,
    headers: { 'content-type': 'multipart/form-data; boundary=b' },
    body: '--b\r\nContent-Disposition: form-data; name="messageId"\r\n\r\n1\r\n',
    status: 400,
  },
  {
    name: 'multipart part without a name',
    url: DLR,
    headers: { 'content-type': 'multipart/form-data; boundary=b' },
    body: '--b\r\nContent-Disposition: form-data\r\n\r\n1\r\n--b--\r\n',
    status: 400,
  },
  {
    name: 'multipart file upload',
    url: DLR,
    headers: { 'content-type': 'multipart/form-data; boundary=b' },
    body: `${multipart(receipt)}--b\r\nContent-Disposition: form-data; name="f"; filename="x.php"\r\n\r\n<?php ?>\r\n--b--\r\n`,
    status: 400,
  },
  {
    name: 'multipart __proto__ field',
    url: DLR,
    headers: { 'content-type': 'multipart/form-data; boundary=b' },
    body: `${multipart(receipt)}--b\r\nContent-Disposition: form-data; name="__proto__"\r\n\r\nx\r\n--b--\r\n`,
    status: 400,
  },
  {
    name: 'UTF-16 charset',
    url: DLR,
    headers: { 'content-type': 'application/json; charset=utf-16' },
    body: json(receipt),
    status: 415,
  },
  {
    name: 'octet-stream',
    url: DLR,
    headers: { 'content-type': 'application/octet-stream' },
    body: Buffer.from([1, 2, 3]),
    status: 415,
  },
  {
    name: 'JSON body over 64 kB',
    url: DLR,
    headers: JSON_CT,
    body: json({ ...receipt, pad: 'x'.repeat(70_000) }),
    status: 413,
  },
  {
    name: 'form body over 64 kB',
    url: REPLIES,
    headers: FORM_CT,
    body: `${form(reply)}&pad=${'y'.repeat(70_000)}`,
    status: 413,
  },
  // framework-parsed bodies that no client can send as such
  { name: 'parsed body is a number', url: DLR, status: 400, handleOnly: 42 },
  { name: 'parsed body is an array', url: DLR, status: 400, handleOnly: [receipt] },
  { name: 'parsed body is a Date', url: DLR, status: 400, handleOnly: new Date() },
  {
    name: 'parsed body with a throwing getter',
    url: DLR,
    status: 400,
    handleOnly: Object.defineProperty({ ...receipt }, 'evil', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    }),
  },
  {
    name: 'parsed body with a class prototype',
    url: DLR,
    status: 400,
    handleOnly: Object.assign(Object.create({ inherited: 1 }), receipt),
  },
];

describe('hostile inputs', () => {
  let calls = 0;
  const webhooks = createWebhooks({ secret: SECRET, logger: { warn: () => {}, error: () => {} } });
  webhooks.onAny(() => {
    calls++;
  });
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    server = await listen(createNodeMiddleware(webhooks));
  });
  afterAll(async () => {
    await server.close();
    webhooks.close();
  });

  it(`has at least 40 cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)('handle: $name → $status', async (c) => {
    const request: HandleRequest = {
      method: c.method ?? 'POST',
      url: c.url ?? DLR,
      headers: c.headers ?? {},
      body: c.handleOnly ?? c.body,
    };
    const response = await webhooks.handle(request);
    expect(response.status).toBe(c.status);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const body = JSON.parse(response.body) as { error: string; issues?: unknown[] };
    expect(typeof body.error).toBe('string');
    if (c.status === 400 && body.error === 'invalid_payload')
      expect(body.issues?.length).toBeGreaterThan(0);
    expect(calls).toBe(0);
  });

  it.each(cases.filter((c) => c.handleOnly === undefined))('HTTP: $name → $status', async (c) => {
    const response = await rawRequest(server.port, {
      method: c.method ?? 'POST',
      path: c.url ?? DLR,
      headers: c.headers,
      body: c.body,
    });
    expect(response.status).toBe(c.status);
    expect(typeof response.json?.error).toBe('string');
    expect(calls).toBe(0);
  });

  it('HTTP: an oversized chunked body (no content-length) is cut off with 413', async () => {
    const response = await rawRequest(server.port, {
      method: 'POST',
      path: DLR,
      headers: JSON_CT,
      body: json({ ...receipt, pad: 'z'.repeat(200_000) }),
      chunked: true,
    });
    expect(response.status).toBe(413);
    expect(calls).toBe(0);
  });

  it('issues name the offending fields', async () => {
    const response = await webhooks.handle({
      method: 'POST',
      url: DLR,
      headers: JSON_CT,
      body: json({ message_id: { $ne: 1 }, number: 'abc' }),
    });
    expect(JSON.parse(response.body).issues.map((i: { field: string }) => i.field)).toEqual([
      'message_id',
      'number',
    ]);
  });

  it('still serves a good callback after all that, over HTTP', async () => {
    const response = await rawRequest(server.port, {
      method: 'POST',
      path: DLR,
      headers: JSON_CT,
      body: json(receipt),
    });
    expect(response.status).toBe(200);
    expect(calls).toBe(1);
  });
});

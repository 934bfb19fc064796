import { request as httpRequest } from 'node:http';
import { SmsPartnerConfigError } from '@smspartner-kit/core';
import { z } from 'zod';
import { forgeDeliveryReceipt, forgeInboundMessage } from './forge.js';

export {
  type ForgeDeliveryReceiptInput,
  type ForgedCallbackRequest,
  type ForgeInboundMessageInput,
  forgeCallbackRequest,
  forgeDeliveryReceipt,
  forgeInboundMessage,
  forgeInboundMessageParts,
} from './forge.js';

/**
 * Conformance kit: the hostile and malformed callbacks every SMS Partner callback endpoint must
 * refuse, each with the HTTP status the webhooks contract answers. Data plus two tiny helpers,
 * usable with any test runner (nothing here imports one).
 */

export interface CallbackConformanceCase {
  /** Unique within the table; stable across releases so runners may reference a case by name. */
  readonly name: string;
  readonly method: string;
  /** Path and query (`/webhooks/smspartner/dlr?token=…`), to resolve against your server's origin. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The exact bytes to send; `undefined` = no body. */
  readonly body: string | Uint8Array | undefined;
  /**
   * The status the contract answers, always with a JSON body `{ error, … }` (a HEAD answer carries
   * no body over HTTP). A body parser mounted before the handler may refuse the case itself with
   * another 4xx: then only "some 4xx, no handler called" holds.
   */
  readonly status: number;
  /**
   * Present on cases that only a framework can produce (an object its body parser already built):
   * set it as `req.body` before your handler, as that parser would (`url` and `method` still apply).
   */
  readonly frameworkParsedBody?: unknown;
  /**
   * A lenient urlencoded parser (qs, as in `express.urlencoded()` or Nest's default parser) mounted
   * before the handler drops or re-decodes the bad part of this form body; what reaches the handler
   * is then a clean, valid callback and may be answered 200. Mount the handler before such parsers
   * for the strict contract.
   */
  readonly rewrittenByLenientFormParsers?: true;
}

export const callbackConformanceOptionsSchema = z
  .object({
    /** The `?token=` your endpoint accepts. */
    secret: z.string().min(1, 'must be a non-empty string'),
    /** Where the endpoint is mounted; `/dlr` and `/replies` are appended. */
    path: z
      .string()
      .regex(/^\/[^?#]*$/, 'must start with "/" and contain no query or fragment')
      .default('/webhooks/smspartner'),
  })
  .strict();

export type CallbackConformanceOptions = z.input<typeof callbackConformanceOptionsSchema>;

const JSON_CT = { 'content-type': 'application/json' } as const;
const FORM_CT = { 'content-type': 'application/x-www-form-urlencoded' } as const;
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const json = (value: unknown) => JSON.stringify(value);
const bytes = (...parts: (string | number[])[]) => {
  const chunks = parts.map((p) => (typeof p === 'string' ? new TextEncoder().encode(p) : p));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
};
const multipart = (fields: Record<string, string>) =>
  Object.entries(fields)
    .map(([k, v]) => `--b\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
    .join('');
const deep = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
/** The secret with every letter's case flipped; equal to it when it has no cased letters. */
const flipCase = (s: string) =>
  [...s].map((ch) => (ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase())).join('');

type CaseInput = Omit<CallbackConformanceCase, 'method' | 'headers' | 'body'> & {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
};

/**
 * The table, built for your secret and mount path. Every case must be answered with its `status`
 * (a 4xx) and reach no event handler. Fresh objects on each call: mutate them freely.
 */
export function callbackConformanceCases(
  options: CallbackConformanceOptions,
): readonly CallbackConformanceCase[] {
  const parsed = callbackConformanceOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      field: issue.path.join('.') || 'options',
      message: issue.message,
    }));
    throw new SmsPartnerConfigError(
      `Invalid conformance options: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  const { secret } = parsed.data;
  const base = parsed.data.path.replace(/\/+$/, '');
  const token = encodeURIComponent(secret);
  const T = `token=${token}`;
  const DLR = `${base}/dlr?${T}`;
  const REPLIES = `${base}/replies?${T}`;
  const wrong = secret === 'nope' ? 'nope-nope' : 'nope';
  const other = secret === 'other' ? 'other-other' : 'other';
  const flipped = flipCase(secret);
  const receipt = forgeDeliveryReceipt({ messageId: 1 });
  const reply = forgeInboundMessage({ messageId: 'r1' });

  const cases: CaseInput[] = [
    // token, method, path
    { name: 'no token', url: `${base}/dlr`, headers: JSON_CT, body: json(receipt), status: 401 },
    {
      name: 'wrong token',
      url: `${base}/dlr?token=${wrong}`,
      headers: JSON_CT,
      body: json(receipt),
      status: 401,
    },
    {
      name: 'empty token',
      url: `${base}/dlr?token=`,
      headers: JSON_CT,
      body: json(receipt),
      status: 401,
    },
    {
      name: 'token twice',
      url: `${DLR}&token=${other}`,
      headers: JSON_CT,
      body: json(receipt),
      status: 401,
    },
    {
      name: 'token 4 kB long',
      url: `${base}/dlr?token=${'x'.repeat(4096)}`,
      headers: JSON_CT,
      body: json(receipt),
      status: 401,
    },
    // A secret without cased letters cannot differ by case: these two cases are left out then.
    ...(flipped === secret
      ? []
      : [
          {
            name: 'token differs by case',
            method: 'GET',
            url: `${base}/dlr?token=${encodeURIComponent(flipped)}`,
            status: 401,
          },
          {
            name: 'token differs by case, GET with a valid receipt',
            method: 'GET',
            url: `${base}/dlr?token=${encodeURIComponent(flipped)}&${form(receipt)}`,
            status: 401,
          },
        ]),
    {
      name: 'GET with the token only as a field name',
      method: 'GET',
      url: `${base}/dlr?${token}=1`,
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
    { name: 'HEAD', method: 'HEAD', url: `${DLR}&${form(receipt)}`, status: 405 },
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
      rewrittenByLenientFormParsers: true,
    },
    {
      name: '__proto__[x] qs nesting in a form',
      url: DLR,
      headers: FORM_CT,
      body: `__proto__[isAdmin]=1&${form(receipt)}`,
      status: 400,
      rewrittenByLenientFormParsers: true,
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
      body: bytes('{"messageId":"1","tag":"', [0xff, 0xfe], '"}'),
      status: 400,
    },
    {
      name: 'invalid UTF-8 percent-encoding in a form',
      url: REPLIES,
      headers: FORM_CT,
      body: `${form(reply)}&note=%FF%FE`,
      status: 400,
      rewrittenByLenientFormParsers: true,
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
      name: 'multipart part without headers',
      url: DLR,
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      body: '--x\r\n\r\n--x--',
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
      body: bytes([1, 2, 3]),
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
    { name: 'parsed body is a number', url: DLR, status: 400, frameworkParsedBody: 42 },
    { name: 'parsed body is an array', url: DLR, status: 400, frameworkParsedBody: [receipt] },
    { name: 'parsed body is a Date', url: DLR, status: 400, frameworkParsedBody: new Date() },
    {
      name: 'parsed body with a throwing getter',
      url: DLR,
      status: 400,
      frameworkParsedBody: Object.defineProperty({ ...receipt }, 'evil', {
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
      frameworkParsedBody: Object.assign(Object.create({ inherited: 1 }), receipt),
    },
  ];

  return cases.map(({ method = 'POST', headers = {}, body, ...rest }) => ({
    ...rest,
    method,
    headers,
    body,
  }));
}

/** True for cases a real HTTP client can send (no `frameworkParsedBody`). */
export function isHttpCase(c: CallbackConformanceCase): boolean {
  return !('frameworkParsedBody' in c);
}

export interface RawHttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON, or `undefined` when it is not JSON. */
  json: Record<string, unknown> | undefined;
}

export interface SendRawRequestOptions {
  /** Send the body in 8 kB chunks with `transfer-encoding: chunked` (no content-length). */
  chunked?: boolean;
}

/**
 * Sends exactly these bytes with `node:http` (no client-side normalisation: duplicate query keys,
 * broken percent-encoding and invalid UTF-8 arrive as written) and resolves on the answer, even if
 * the server answers and closes while the body is still being written. Meant for a server on
 * loopback (`http://127.0.0.1:<port>`).
 */
export function sendRawRequest(
  origin: string | URL,
  request: {
    method: string;
    url: string;
    headers?: Readonly<Record<string, string>>;
    body?: string | Uint8Array | undefined;
  },
  options: SendRawRequestOptions = {},
): Promise<RawHttpResponse> {
  const { hostname, port, protocol } = new URL(origin);
  if (protocol !== 'http:') {
    return Promise.reject(new TypeError('sendRawRequest: origin must be an http:// URL'));
  }
  const { body } = request;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { connection: 'close', ...request.headers };
    if (body !== undefined && !options.chunked && headers['content-length'] === undefined) {
      headers['content-length'] = String(
        typeof body === 'string' ? new TextEncoder().encode(body).length : body.length,
      );
    }
    let answered = false;
    const req = httpRequest(
      {
        host: hostname.replace(/^\[|\]$/g, ''),
        port,
        method: request.method,
        path: request.url,
        headers,
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Record<string, unknown> | undefined;
          try {
            json = JSON.parse(text) as Record<string, unknown>;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', (error) => {
      // The server may answer and close while an oversized body is still being written.
      if (!answered) setTimeout(() => (answered ? undefined : reject(error)), 200);
    });
    if (body === undefined) {
      req.end();
    } else if (options.chunked) {
      const all = typeof body === 'string' ? new TextEncoder().encode(body) : body;
      for (let i = 0; i < all.length; i += 8192) req.write(all.subarray(i, i + 8192));
      req.end();
    } else {
      req.end(body);
    }
  });
}

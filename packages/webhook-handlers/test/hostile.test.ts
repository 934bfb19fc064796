import { SmsPartnerConfigError } from '@smspartner-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeMiddleware, createWebhooks, forgeDeliveryReceipt } from '../src/index.js';
import { callbackConformanceCases, isHttpCase, toHandleRequest } from '../src/testing/index.js';
import { listen, rawRequest } from './helpers.js';

const SECRET = 'hostile-table-secret';
const DLR = `/webhooks/smspartner/dlr?token=${SECRET}`;
const JSON_CT = { 'content-type': 'application/json' };
const receipt = forgeDeliveryReceipt({ messageId: 1 });
const json = (o: unknown) => JSON.stringify(o);

// The table is the package's public conformance kit (@smspartner-kit/webhooks/testing).
const cases = callbackConformanceCases({ secret: SECRET });

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

  it('has unique case names (runners reference cases by name)', () => {
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it.each(cases)('handle: $name → $status', async (c) => {
    const response = await webhooks.handle(toHandleRequest(c));
    expect(response.status).toBe(c.status);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const body = JSON.parse(response.body) as { error: string; issues?: unknown[] };
    expect(typeof body.error).toBe('string');
    if (c.status === 400 && body.error === 'invalid_payload')
      expect(body.issues?.length).toBeGreaterThan(0);
    expect(calls).toBe(0);
  });

  it.each(cases.filter(isHttpCase))('HTTP: $name → $status', async (c) => {
    const response = await rawRequest(server.port, {
      method: c.method,
      path: c.url,
      headers: c.headers,
      body: c.body,
    });
    expect(response.status).toBe(c.status);
    // A HEAD answer has no body on the wire; its JSON is checked through handle above.
    if (c.method === 'HEAD') expect(response.text).toBe('');
    else expect(typeof response.json?.error).toBe('string');
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

describe('the conformance table for another secret and mount path', () => {
  const secret = 'Rot&ted/Sécret 2';
  const path = '/hooks/sms/';
  const webhooks = createWebhooks({ secret, logger: { warn: () => {}, error: () => {} } });
  let calls = 0;
  webhooks.onAny(() => {
    calls++;
  });
  afterAll(() => webhooks.close());
  const moved = callbackConformanceCases({ secret, path });

  it('keeps every case, addressed under the path with the secret URL-encoded', () => {
    expect(moved.map((c) => c.name)).toEqual(cases.map((c) => c.name));
    for (const c of moved)
      expect(c.url.startsWith('/hooks/sms/dlr') || c.url.startsWith('/hooks/sms/replies')).toBe(
        true,
      );
    expect(moved.find((c) => c.name === 'PUT')?.url).toBe(
      `/hooks/sms/dlr?token=${encodeURIComponent(secret)}`,
    );
  });

  it.each(moved)('handle: $name → $status', async (c) => {
    const response = await webhooks.handle(toHandleRequest(c));
    expect(response.status).toBe(c.status);
    expect(calls).toBe(0);
  });

  it('a good callback under that path and secret is served (the cases fail for their own reason)', async () => {
    const response = await webhooks.handle({
      method: 'POST',
      url: `/hooks/sms/dlr?token=${encodeURIComponent(secret)}`,
      headers: JSON_CT,
      body: json(receipt),
    });
    expect(response.status).toBe(200);
    expect(calls).toBe(1);
  });

  it('leaves out the case-flipped token cases for a secret without letters, and refuses bad options', () => {
    const digits = callbackConformanceCases({ secret: '1234567890' });
    expect(digits.length).toBe(cases.length - 2);
    expect(digits.some((c) => c.name.startsWith('token differs by case'))).toBe(false);
    expect(() => callbackConformanceCases({ secret: '' })).toThrow(SmsPartnerConfigError);
    expect(() => callbackConformanceCases({ secret: 's', path: 'no-slash' })).toThrow(/path/);
    expect(() => callbackConformanceCases({ secret: 's', extra: 1 } as never)).toThrow(
      SmsPartnerConfigError,
    );
  });
});

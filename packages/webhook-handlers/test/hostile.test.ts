import type { IncomingMessage } from 'node:http';
import { SmsPartnerConfigError } from '@smspartner-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeMiddleware, createWebhooks, type NodeMiddlewareOptions } from '../src/index.js';
import {
  type CallbackConformanceCase,
  callbackConformanceCases,
  forgeDeliveryReceipt,
  isHttpCase,
} from '../src/testing/index.js';
import { listen, rawRequest } from './helpers.js';

const SECRET = 'hostile-table-secret';
const DLR = `/webhooks/smspartner/dlr?token=${SECRET}`;
const JSON_CT = { 'content-type': 'application/json' };
const receipt = forgeDeliveryReceipt({ messageId: 1 });
const json = (o: unknown) => JSON.stringify(o);
const quiet = { warn: () => {}, error: () => {} };

/**
 * A node:http server on createNodeMiddleware counting dispatched events. Cases only a framework's
 * parser could produce are set as `req.body`, as that parser would.
 */
function tableServer(secret: string, options?: NodeMiddlewareOptions) {
  const webhooks = createWebhooks({ secret, logger: quiet });
  const state = { calls: 0, parsedBody: undefined as unknown, port: 0 };
  webhooks.onAny(() => {
    state.calls++;
  });
  const middleware = createNodeMiddleware(webhooks, options);
  let server: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    server = await listen((req, res) => {
      if (state.parsedBody !== undefined)
        (req as IncomingMessage & { body?: unknown }).body = state.parsedBody;
      middleware(req, res);
    });
    state.port = server.port;
  });
  afterAll(async () => {
    await server.close();
    await webhooks.close();
  });
  const send = (c: CallbackConformanceCase) => {
    state.parsedBody = isHttpCase(c) ? undefined : c.frameworkParsedBody;
    return rawRequest(state.port, {
      method: c.method,
      path: c.url,
      headers: c.headers,
      body: c.body,
    }).finally(() => {
      state.parsedBody = undefined;
    });
  };
  return { state, send };
}

// The table is the package's public conformance kit (@smspartner-kit/webhooks/testing).
const cases = callbackConformanceCases({ secret: SECRET });

describe('hostile inputs through createNodeMiddleware', () => {
  const { state, send } = tableServer(SECRET);

  it(`has at least 73 cases (${cases.length}), with unique names (runners reference cases by name)`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(73);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it.each(cases)('$name → $status, no handler called', async (c) => {
    const response = await send(c);
    expect(response.status).toBe(c.status);
    // A HEAD answer has no body on the wire.
    if (c.method === 'HEAD') expect(response.text).toBe('');
    else {
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(typeof response.json?.error).toBe('string');
      if (response.json?.error === 'invalid_payload') {
        expect((response.json.issues as unknown[]).length).toBeGreaterThan(0);
      }
    }
    expect(state.calls).toBe(0);
  });

  it('an oversized chunked body (no content-length) is cut off with 413', async () => {
    const response = await rawRequest(state.port, {
      method: 'POST',
      path: DLR,
      headers: JSON_CT,
      body: json({ ...receipt, pad: 'z'.repeat(200_000) }),
      chunked: true,
    });
    expect(response.status).toBe(413);
    expect(state.calls).toBe(0);
  });

  it('issues name the offending fields as the provider spelled them', async () => {
    const response = await rawRequest(state.port, {
      method: 'POST',
      path: DLR,
      headers: JSON_CT,
      body: json({ message_id: { $ne: 1 }, number: 'abc' }),
    });
    expect(((response.json?.issues ?? []) as { field: string }[]).map((i) => i.field)).toEqual([
      'message_id',
      'number',
    ]);
  });

  it('still serves a good callback after all that', async () => {
    const response = await rawRequest(state.port, {
      method: 'POST',
      path: DLR,
      headers: JSON_CT,
      body: json(receipt),
    });
    expect(response.status).toBe(200);
    expect(state.calls).toBe(1);
  });
});

describe('the conformance table for another secret and mount path', () => {
  const secret = 'Rot&ted/Sécret 2';
  const moved = callbackConformanceCases({ secret, path: '/hooks/sms/' });
  const { state, send } = tableServer(secret, { path: '/hooks/sms/' });

  it('keeps every case, addressed under the path with the secret URL-encoded', () => {
    expect(moved.map((c) => c.name)).toEqual(cases.map((c) => c.name));
    for (const c of moved) expect(/^\/hooks\/sms\/(dlr|replies)(\?|$)/.test(c.url)).toBe(true);
    expect(moved.find((c) => c.name === 'PUT')?.url).toBe(
      `/hooks/sms/dlr?token=${encodeURIComponent(secret)}`,
    );
  });

  it.each(moved)('$name → $status', async (c) => {
    expect((await send(c)).status).toBe(c.status);
    expect(state.calls).toBe(0);
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

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createClient,
  errorToHttp,
  SmsPartnerApiError,
  type SmsPartnerClient,
  SmsPartnerConfigError,
  SmsPartnerProtocolError,
} from '../src/index.js';
import { json, type ProviderServer, startProvider } from './provider-server.js';

const API_KEY = 'redirect-test-key-93be1';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** A server on another loopback address that records every connection and request. */
async function otherHost(): Promise<{ server: Server; origin: string; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.end('{}');
  });
  server.on('connection', () => seen.push('connection'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
  return { server, origin: `http://127.0.0.2:${(server.address() as AddressInfo).port}`, seen };
}

describe('redirects are never followed (the key must not reach another origin)', () => {
  let provider: ProviderServer;
  let elsewhere: Awaited<ReturnType<typeof otherHost>>;
  let client: SmsPartnerClient;

  beforeEach(async () => {
    provider = await startProvider();
    elsewhere = await otherHost();
    client = createClient({
      apiKey: API_KEY,
      baseUrl: provider.baseUrl,
      from: '33700000000',
      retry: { retries: 2, minDelayMs: 1, maxDelayMs: 10 },
    });
    // 302 to the same path on 127.0.0.2, the query (with the key) echoed as a careless server would.
    provider.answer((request, res) => {
      res.writeHead(302, { location: `${elsewhere.origin}${request.url}` });
      res.end();
    });
  });
  afterEach(async () => {
    await provider.close();
    await new Promise((resolve) => elsewhere.server.close(resolve));
  });

  it.each([
    ['getCredits (key in the query)', () => client.getCredits()],
    ['send (key in the body)', () => client.send({ to: '0612345678', message: 'hello' })],
    ['lookup (key in the body)', () => client.lookup(['0612345678'])],
  ])(
    '%s: a protocol error naming the target without the key; the target receives nothing',
    async (_label, call) => {
      const error = await rejection(call());
      expect(error).toBeInstanceOf(SmsPartnerProtocolError);
      const text = String((error as Error).message);
      expect(text).toContain(`redirect to ${elsewhere.origin}/v1/`);
      expect(text).not.toContain(API_KEY);
      expect(text).not.toContain('apiKey');
      expect((error as SmsPartnerProtocolError).httpStatus).toBe(302);
      expect(elsewhere.seen).toEqual([]);
      expect(provider.requests).toHaveLength(1); // not retried either
      expect(errorToHttp(error)?.status).toBe(502);
    },
  );

  it('a same-origin redirect is refused too (the simplest rule that is safe)', async () => {
    provider.answer((_request, res) => {
      res.writeHead(301, { location: '/v2/me' });
      res.end();
    });
    const error = await rejection(client.getCredits());
    expect(String(error)).toContain(`redirect to http://127.0.0.1:${provider.port}/v2/me`);
    expect(provider.requests).toHaveLength(1);
  });
});

describe('ports fetch refuses ("bad ports") are a configuration error, found before sending', () => {
  it('at construction, from the option or SMSPARTNER_BASE_URL', () => {
    expect(() => createClient({ apiKey: API_KEY, baseUrl: 'http://127.0.0.1:6000/v1' })).toThrow(
      SmsPartnerConfigError,
    );
    expect(() => createClient({ apiKey: API_KEY, baseUrl: 'http://127.0.0.1:6000/v1' })).toThrow(
      /baseUrl: port 6000 is one that fetch refuses/,
    );
    const saved = process.env.SMSPARTNER_BASE_URL;
    process.env.SMSPARTNER_BASE_URL = 'http://127.0.0.1:25/v1';
    try {
      expect(() => createClient({ apiKey: API_KEY })).toThrow(/SMSPARTNER_BASE_URL: port 25/);
    } finally {
      if (saved === undefined) delete process.env.SMSPARTNER_BASE_URL;
      else process.env.SMSPARTNER_BASE_URL = saved;
    }
    expect(() =>
      createClient({ apiKey: API_KEY, baseUrl: 'http://127.0.0.1:6001/v1' }),
    ).not.toThrow();
  });

  it('if fetch still says "bad port" (a list newer than ours), it is a config error, not an unknown outcome', async () => {
    const badPortFetch = (async () => {
      throw new TypeError('fetch failed', { cause: new Error('bad port') });
    }) as typeof fetch;
    const client = createClient({
      apiKey: API_KEY,
      baseUrl: 'http://127.0.0.1:6001/v1',
      fetch: badPortFetch,
      from: '33700000000',
    });
    const error = await rejection(client.send({ to: '0612345678', message: 'hello' }));
    expect(error).toBeInstanceOf(SmsPartnerConfigError);
    expect(String(error)).toContain('nothing was sent');
  });
});

describe('HTTP 429 without a provider code', () => {
  let provider: ProviderServer;
  beforeEach(async () => {
    provider = await startProvider();
  });
  afterEach(async () => {
    await provider.close();
  });

  it.each([
    ['a JSON body without code', json(429, { success: false, message: 'Too many requests' })],
    ['a JSON body with an unknown code', json(429, { success: false, code: 0 })],
    ['no body', json(429, '')],
  ])('%s reads as a rate limit, never "unknown SMS Partner error code"', async (_label, answer) => {
    provider.answer(answer);
    const client = createClient({
      apiKey: API_KEY,
      baseUrl: provider.baseUrl,
      from: '33700000000',
    });
    const error = await rejection(client.send({ to: '0612345678', message: 'hello' }));
    expect(error).toBeInstanceOf(SmsPartnerApiError);
    expect(error).toMatchObject({ code: 429, httpStatus: 429 });
    expect(String(error)).toContain('rate limited (HTTP 429)');
    expect(String(error)).not.toContain('unknown SMS Partner error code');
    expect(errorToHttp(error)).toMatchObject({ status: 429, body: { error: 'rate_limited' } });
    expect(provider.requests).toHaveLength(1);
  });
});

import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildSendRequest,
  createClient,
  SmsPartnerApiError,
  SmsPartnerConfigError,
  SmsPartnerConnectionError,
  SmsPartnerError,
  SmsPartnerOutcomeUnknownError,
  SmsPartnerProtocolError,
  SmsPartnerValidationError,
} from '../src/index.js';
import {
  closedPort,
  hang,
  json,
  type ProviderServer,
  raw,
  startProvider,
} from './provider-server.js';

const KEY = 'sk_live_LEAKCHECK_9a8b7c6d';
const SEND = { to: '0612345678', from: '33700000000', message: 'Bonjour', tag: 'leak' };

function renderings(value: unknown): string[] {
  const out = [
    String(value),
    JSON.stringify(value) ?? '',
    inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true, customInspect: false }),
  ];
  if (value instanceof Error) {
    out.push(value.message, value.stack ?? '');
    let cause: unknown = value.cause;
    while (cause instanceof Error) {
      out.push(String(cause), cause.message, cause.stack ?? '', JSON.stringify(cause) ?? '');
      cause = cause.cause;
    }
  }
  return out;
}

let provider: ProviderServer;
const collected = new Map<string, unknown>();

async function capture(name: string, promise: Promise<unknown> | (() => unknown)): Promise<void> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    collected.set(name, error);
    return;
  }
  throw new Error(`${name}: expected an error`);
}

beforeAll(async () => {
  provider = await startProvider();
  const client = createClient({
    apiKey: KEY,
    baseUrl: provider.baseUrl,
    timeoutMs: 1_500,
    retry: { retries: 1, minDelayMs: 1 },
  });

  await capture('validation', client.send({ ...SEND, tag: 'NO WAY' }));
  provider.answer(
    json(200, {
      success: false,
      code: 10,
      message: `Clé API incorrecte: ${KEY}`,
      apiKey: KEY,
      echo: `?apiKey=${KEY}`,
    }),
  );
  await capture('api (key echoed by the provider)', client.send(SEND));
  provider.answer((req, res) =>
    raw(502, `<html>upstream error for ${req.url}</html>`)(req, res, 0),
  );
  await capture('protocol (HTML echoing the GET URL)', client.getCredits());
  provider.answer(hang);
  await capture('outcome unknown (timeout)', client.send(SEND));
  await capture('config (unknown option)', () =>
    createClient({ apiKey: KEY, apikey: KEY } as never),
  );
  await capture('config (bad type)', () => createClient({ apiKey: KEY, timeoutMs: KEY } as never));

  const port = await closedPort();
  const refused = createClient({
    apiKey: KEY,
    baseUrl: `http://127.0.0.1:${port}/v1`,
    retry: false,
  });
  await capture('connection (refused, GET with key in query)', refused.getCredits());
  // A fetch that, like some polyfills, puts the whole URL in its error message (real socket underneath).
  const verbose = createClient({
    apiKey: KEY,
    baseUrl: `http://127.0.0.1:${port}/v1`,
    retry: false,
    fetch: async (input, init) => {
      try {
        return await fetch(input, init);
      } catch (error) {
        throw new TypeError(`request to ${String(input)} failed`, { cause: error });
      }
    },
  });
  await capture('connection (verbose fetch error with URL)', verbose.getCredits());
  await capture('outcome unknown (verbose fetch on a write)', verbose.cancelScheduled(1));
});

afterAll(async () => {
  await provider.close();
});

describe('the API key never leaks', () => {
  it('every error type was produced by a real flow', () => {
    const kinds = new Set([...collected.values()].map((e) => (e as Error).constructor));
    for (const kind of [
      SmsPartnerValidationError,
      SmsPartnerApiError,
      SmsPartnerProtocolError,
      SmsPartnerOutcomeUnknownError,
      SmsPartnerConfigError,
      SmsPartnerConnectionError,
    ]) {
      expect(kinds.has(kind), kind.name).toBe(true);
    }
    for (const error of collected.values()) expect(error).toBeInstanceOf(SmsPartnerError);
  });

  it('was echoed where it could have leaked (the test is not vacuous)', () => {
    const protocol = collected.get(
      'protocol (HTML echoing the GET URL)',
    ) as SmsPartnerProtocolError;
    expect(protocol.snippet).toContain('apiKey=***');
    const api = collected.get('api (key echoed by the provider)') as SmsPartnerApiError;
    expect(api.providerMessage).toContain('***');
  });

  it.each([...Array(9).keys()])('error #%i: String, JSON, inspect, stack and causes', (index) => {
    const [name, error] = [...collected.entries()][index] ?? [];
    expect(error, name).toBeDefined();
    for (const text of renderings(error)) expect(text, name).not.toContain(KEY);
  });

  it('the client itself: String, JSON, inspect (even without custom inspect)', () => {
    const client = createClient({ apiKey: KEY, baseUrl: provider.baseUrl });
    for (const text of renderings(client)) expect(text).not.toContain(KEY);
    expect(String(client)).toContain('***');
  });

  it('a built request, logged as JSON or inspected', () => {
    const request = buildSendRequest(SEND, { apiKey: KEY });
    expect(request.body).toContain(KEY); // the provider needs it…
    expect(request.url).not.toContain(KEY);
    expect(JSON.stringify(request)).not.toContain(KEY); // …but logs never show it
    expect(inspect(request)).not.toContain(KEY);
  });
});

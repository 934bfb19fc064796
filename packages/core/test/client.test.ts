import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createClient,
  errorToHttp,
  SmsPartnerApiError,
  SmsPartnerClient,
  SmsPartnerConfigError,
  SmsPartnerConnectionError,
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
  reset,
  SEND_OK,
  startProvider,
} from './provider-server.js';

const API_KEY = 'client-test-key-7f3a9c';
const RETRY = { retries: 2, minDelayMs: 1, maxDelayMs: 2_000 };
const SEND = { to: '06 12 34 56 78', message: 'Votre code : 123456', tag: 'otp' };

let provider: ProviderServer;
let client: SmsPartnerClient;

beforeEach(async () => {
  provider = await startProvider();
  client = createClient({
    apiKey: API_KEY,
    baseUrl: provider.baseUrl,
    timeoutMs: 1_500, // short enough for the hang cases, long enough for a loaded CI machine
    retry: RETRY,
    from: '33700000000',
    userAgent: 'tests/1.0',
  });
});
afterEach(async () => {
  await provider.close();
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('send', () => {
  it('POSTs JSON to /v1/vn/send with the key in the body, never in the URL', async () => {
    const result = await client.send(SEND);
    expect(result).toMatchObject({ messageId: '307', nbSms: 1, cost: 0.038, currency: 'EUR' });
    expect(provider.requests).toHaveLength(1);
    const [request] = provider.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v1/vn/send');
    expect(request?.url).not.toContain(API_KEY);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['user-agent']).toBe('smspartner-kit-core tests/1.0');
    expect(request?.json).toEqual({
      apiKey: API_KEY,
      to: '33612345678',
      from: '33700000000',
      message: SEND.message,
      tag: 'otp',
      _format: 'json',
    });
  });

  it('client sandbox and format options apply; per-call values win', async () => {
    const xmlClient = createClient({
      apiKey: API_KEY,
      baseUrl: provider.baseUrl,
      sandbox: true,
      format: 'xml',
      from: '33700000000',
    });
    provider.answer(
      raw(
        200,
        '<?xml version="1.0"?><result><entry>true</entry><entry>200</entry><entry>306</entry><entry>2</entry><entry>0.076</entry><entry>EUR</entry></result>',
        'application/xml',
      ),
    );
    expect(await xmlClient.send(SEND)).toMatchObject({ messageId: '306', nbSms: 2, cost: 0.076 });
    expect(provider.requests[0]?.json).toMatchObject({ sandbox: 1, _format: 'xml' });
    expect(provider.requests[0]?.headers.accept).toBe('application/xml');
    provider.answer(json(200, SEND_OK));
    await xmlClient.send({ ...SEND, sandbox: false, format: 'json', from: '+33 7 11 11 11 11' });
    expect(provider.requests[1]?.json).toMatchObject({ _format: 'json', from: '33711111111' });
    expect(provider.requests[1]?.json).not.toHaveProperty('sandbox');
  });

  it('invalid parameters never reach the network', async () => {
    const error = await rejection(client.send({ ...SEND, tag: 'Not OK', urlDLR: 'x' } as never));
    expect(error).toBeInstanceOf(SmsPartnerValidationError);
    expect((error as SmsPartnerValidationError).issues.map((i) => i.field)).toEqual(
      expect.arrayContaining(['tag', 'urlDLR']),
    );
    expect(provider.requests).toHaveLength(0);
  });

  it('without a from anywhere, says where to put it', async () => {
    const noFrom = createClient({ apiKey: API_KEY, baseUrl: provider.baseUrl });
    const error = (await rejection(noFrom.send(SEND))) as SmsPartnerValidationError;
    expect(error.issues).toContainEqual({
      field: 'from',
      message: expect.stringContaining('client options'),
    });
    expect(provider.requests).toHaveLength(0);
  });

  it('success:false on HTTP 200 is an API error with code and meaning', async () => {
    provider.answer(json(200, { success: false, code: 11, message: 'Crédit insuffisant' }));
    const error = (await rejection(client.send(SEND))) as SmsPartnerApiError;
    expect(error).toBeInstanceOf(SmsPartnerApiError);
    expect(error).toMatchObject({
      code: 11,
      meaning: 'insufficient credit',
      httpStatus: 200,
      providerMessage: 'Crédit insuffisant',
    });
    expect(errorToHttp(error)?.status).toBe(402);
  });

  it('provider validation errors on HTTP 400 map fields back', async () => {
    provider.answer(
      json(400, {
        success: false,
        code: 9,
        error: [{ elementId: 'children[message].data', message: 'Le message est requis' }],
      }),
    );
    const error = (await rejection(client.send(SEND))) as SmsPartnerApiError;
    expect(error.fieldErrors).toEqual([{ field: 'message', message: 'Le message est requis' }]);
    expect(error.httpStatus).toBe(400);
  });

  it('timeout after sending → OutcomeUnknown with tag and to; sent once, not retried', async () => {
    provider.answer(hang);
    const error = (await rejection(client.send(SEND))) as SmsPartnerOutcomeUnknownError;
    expect(error).toBeInstanceOf(SmsPartnerOutcomeUnknownError);
    expect(error).toMatchObject({ tag: 'otp', to: '33612345678' });
    expect(error.message).toContain('1500 ms');
    expect(provider.requests).toHaveLength(1);
    expect(errorToHttp(error)).toMatchObject({ status: 504, body: { tag: 'otp' } });
  });

  it('connection reset after the request was read → OutcomeUnknown; sent once', async () => {
    provider.answer(reset);
    const error = await rejection(client.send(SEND));
    expect(error).toBeInstanceOf(SmsPartnerOutcomeUnknownError);
    expect(provider.requests).toHaveLength(1);
  });

  it.each([
    ['HTML 502 from a proxy', raw(502, '<html><body>Bad gateway</body></html>')],
    ['HTML 500', raw(500, '<h1>Internal Server Error</h1>')],
    ['garbage 200', raw(200, 'garbage', 'text/plain')],
    ['truncated JSON', raw(200, '{"success":true,"code":200,"mess', 'application/json')],
    ['empty 200', raw(200, '', 'application/json')],
  ])('%s on send → OutcomeUnknown (the SMS may have gone), not retried', async (_name, handler) => {
    provider.answer(handler);
    const error = (await rejection(client.send(SEND))) as SmsPartnerOutcomeUnknownError;
    expect(error).toBeInstanceOf(SmsPartnerOutcomeUnknownError);
    expect(error.cause).toBeInstanceOf(SmsPartnerProtocolError);
    expect(provider.requests).toHaveLength(1);
  });

  it('JSON success:false on HTTP 500 is the provider saying no: API error, not retried', async () => {
    provider.answer(json(500, { success: false, code: 500, message: "Impossible d'envoyer" }));
    const error = (await rejection(client.send(SEND))) as SmsPartnerApiError;
    expect(error).toMatchObject({ code: 500, httpStatus: 500 });
    expect(provider.requests).toHaveLength(1);
  });

  it('429 on send is a refusal: API error 429, not retried', async () => {
    provider.answer(raw(429, 'Too Many Requests', 'text/plain'));
    const error = (await rejection(client.send(SEND))) as SmsPartnerApiError;
    expect(error).toBeInstanceOf(SmsPartnerApiError);
    expect(error.httpStatus).toBe(429);
    expect(errorToHttp(error)?.status).toBe(429);
    expect(provider.requests).toHaveLength(1);
  });

  it('connection refused is retried, and succeeds once a server appears on that port', async () => {
    const port = await closedPort();
    let late: ProviderServer | undefined;
    const attempts: string[] = [];
    // Wraps the real fetch (real sockets): after the first refused attempt, start the server.
    const watchingFetch: typeof fetch = async (input, init) => {
      try {
        const response = await fetch(input, init);
        attempts.push('answered');
        return response;
      } catch (error) {
        attempts.push((error as { cause?: { code?: string } }).cause?.code ?? 'other');
        late ??= await startProvider(port);
        throw error;
      }
    };
    const retrying = createClient({
      apiKey: API_KEY,
      baseUrl: `http://127.0.0.1:${port}/v1`,
      retry: RETRY,
      fetch: watchingFetch,
      from: '33700000000',
    });
    try {
      const result = await retrying.send(SEND);
      expect(result.messageId).toBe('307');
      expect(attempts).toEqual(['ECONNREFUSED', 'answered']);
      expect(late?.requests).toHaveLength(1);
    } finally {
      await late?.close();
    }
  });

  it('connection refused every time → ConnectionError saying nothing was sent', async () => {
    const port = await closedPort();
    const refused = createClient({
      apiKey: API_KEY,
      baseUrl: `http://127.0.0.1:${port}/v1`,
      retry: RETRY,
      from: '33700000000',
    });
    const error = (await rejection(refused.send(SEND))) as SmsPartnerConnectionError;
    expect(error).toBeInstanceOf(SmsPartnerConnectionError);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).toContain('3 attempt');
    expect(error.message).toContain('nothing was sent');
    expect(errorToHttp(error)?.status).toBe(503);
  });

  it('an answer over 1 MB is not buffered; on send it is an unknown outcome', async () => {
    provider.answer(raw(200, `{"pad":"${'x'.repeat(1_200_000)}"}`, 'application/json'));
    const error = (await rejection(client.send(SEND))) as SmsPartnerOutcomeUnknownError;
    expect(error).toBeInstanceOf(SmsPartnerOutcomeUnknownError);
    expect((error.cause as Error).message).toContain('1 MB');
  });
});

describe('read-only calls', () => {
  const ME = {
    success: true,
    code: 200,
    user: { username: 'u' },
    credits: {
      creditSms: 10,
      creditSmsECO: 0,
      creditHlr: 0,
      toSend: 0,
      balance: '12.5',
      currency: 'EUR',
    },
  };

  it('getCredits: GET /v1/me, key in the query only, balance as number', async () => {
    provider.answer(json(200, ME));
    const credits = await client.getCredits();
    expect(credits).toMatchObject({ creditSms: 10, balance: 12.5, currency: 'EUR' });
    const [request] = provider.requests;
    expect(request?.method).toBe('GET');
    expect(request?.path).toBe('/v1/me');
    expect(request?.query).toMatchObject({ apiKey: API_KEY, _format: 'json' });
  });

  it('slow then fast: the timeout is retried', async () => {
    provider.answer(hang, json(200, ME));
    expect((await client.getCredits()).balance).toBe(12.5);
    expect(provider.requests).toHaveLength(2);
  });

  it('always slow: ConnectionError after 1 + retries attempts', async () => {
    provider.answer(hang);
    const error = (await rejection(client.getCredits())) as SmsPartnerConnectionError;
    expect(error).toBeInstanceOf(SmsPartnerConnectionError);
    expect(error.message).toContain('no answer within 1500 ms');
    expect(provider.requests).toHaveLength(3);
  });

  it('reset then OK: retried', async () => {
    provider.answer(reset, json(200, ME));
    expect((await client.getCredits()).creditSms).toBe(10);
    expect(provider.requests).toHaveLength(2);
  });

  it('500 then OK: retried', async () => {
    provider.answer(raw(500, 'oops'), json(200, ME));
    expect((await client.getCredits()).creditSms).toBe(10);
    expect(provider.requests).toHaveLength(2);
  });

  it('500 every time: the last answer is reported (protocol error with status), after 3 attempts', async () => {
    provider.answer(raw(503, '<html>Service Unavailable</html>'));
    const error = (await rejection(client.getCredits())) as SmsPartnerProtocolError;
    expect(error).toBeInstanceOf(SmsPartnerProtocolError);
    expect(error.httpStatus).toBe(503);
    expect(error.snippet).toContain('Service Unavailable');
    expect(provider.requests).toHaveLength(3);
  });

  it('429 with Retry-After (seconds) within the cap: waits and retries', async () => {
    provider.answer(
      json(429, { success: false, code: 429, message: 'slow down' }, { 'retry-after': '1' }),
      json(200, ME),
    );
    expect((await client.getCredits()).balance).toBe(12.5);
    expect(provider.requests).toHaveLength(2);
  });

  it('429 with Retry-After as an HTTP date: retried', async () => {
    const soon = new Date(Date.now() + 1_000).toUTCString();
    provider.answer(
      json(429, { success: false, code: 429 }, { 'retry-after': soon }),
      json(200, ME),
    );
    expect((await client.getCredits()).balance).toBe(12.5);
    expect(provider.requests).toHaveLength(2);
  });

  it('429 with a Retry-After beyond maxDelayMs: gives up at once rather than hammering', async () => {
    provider.answer(
      json(429, { success: false, code: 429, message: 'slow down' }, { 'retry-after': '120' }),
      json(200, ME),
    );
    const error = (await rejection(client.getCredits())) as SmsPartnerApiError;
    expect(error).toBeInstanceOf(SmsPartnerApiError);
    expect(error.httpStatus).toBe(429);
    expect(provider.requests).toHaveLength(1);
  });

  it('a bare 429 (no provider body) on the last attempt is reported as a rate-limit API error', async () => {
    const once = createClient({ apiKey: API_KEY, baseUrl: provider.baseUrl, retry: false });
    provider.answer(raw(429, 'Too Many Requests', 'text/plain'));
    const error = (await rejection(once.getCredits())) as SmsPartnerApiError;
    expect(error).toBeInstanceOf(SmsPartnerApiError);
    expect(error.httpStatus).toBe(429);
    expect(errorToHttp(error)?.status).toBe(429);
  });

  it('retry: false means one attempt', async () => {
    const once = createClient({ apiKey: API_KEY, baseUrl: provider.baseUrl, retry: false });
    provider.answer(raw(500, 'oops'), json(200, ME));
    expect(await rejection(once.getCredits())).toBeInstanceOf(SmsPartnerProtocolError);
    expect(provider.requests).toHaveLength(1);
  });

  it('garbage and HTML on a 200 are protocol errors, not retried', async () => {
    provider.answer(raw(200, 'garbage', 'text/plain'));
    expect(await rejection(client.getCredits())).toBeInstanceOf(SmsPartnerProtocolError);
    provider.answer(raw(200, '<!doctype html><title>Login</title>'));
    const error = (await rejection(client.getCredits())) as SmsPartnerProtocolError;
    expect(error.message).toContain('HTML');
    expect(provider.requests).toHaveLength(2);
  });

  it('an answer over 1 MB is a protocol error', async () => {
    provider.answer(raw(200, `{"pad":"${'x'.repeat(1_200_000)}"}`, 'application/json'));
    expect(await rejection(client.getCredits())).toBeInstanceOf(SmsPartnerProtocolError);
  });

  it('getMessageStatus: query validated and normalised, answer normalised', async () => {
    provider.answer(
      json(200, {
        success: true,
        code: 200,
        number: '33612345678',
        messageId: 1111,
        stopSms: '0',
        date: '1438957981',
        statut: 'Waiting',
        cost: '0.038',
        countryCode: 'FR',
        currency: 'EUR',
      }),
    );
    const status = await client.getMessageStatus({
      messageId: 1111,
      phoneNumber: '06 12 34 56 78',
    });
    expect(status).toMatchObject({
      messageId: '1111',
      phoneNumber: '33612345678',
      status: 'waiting',
      providerStatus: 'Waiting',
      stopSms: false,
      cost: 0.038,
    });
    expect(status.date).toBeInstanceOf(Date);
    expect(provider.requests[0]?.query).toMatchObject({
      messageId: '1111',
      phoneNumber: '33612345678',
    });
    const error = (await rejection(
      client.getMessageStatus({ messageId: '', phoneNumber: 'x' }),
    )) as SmsPartnerValidationError;
    expect([...new Set(error.issues.map((i) => i.field))].sort()).toEqual([
      'query.messageId',
      'query.phoneNumber',
    ]);
    expect(provider.requests).toHaveLength(1);
  });

  it('stopList.list: ids strings, numbers normalised', async () => {
    provider.answer(
      json(200, {
        success: true,
        code: 200,
        nbData: 1,
        data: [{ id: 5, phoneNumber: '+33612345678', createdAt: '2015-07-20 10:19:45' }],
      }),
    );
    const [entry] = await client.stopList.list();
    expect(entry).toMatchObject({ id: '5', phoneNumber: '33612345678' });
    expect(entry?.createdAt?.toISOString()).toBe('2015-07-20T08:19:45.000Z');
    expect(provider.requests[0]?.path).toBe('/v1/stop-sms/list');
  });
});

describe('writes other than send', () => {
  it('cancelScheduled: GET /v1/message-cancel; a timeout is an unknown outcome, not retried', async () => {
    provider.answer(json(200, { success: true, code: 200, message: 'Message annulé' }));
    expect(await client.cancelScheduled(307)).toMatchObject({
      cancelled: true,
      message: 'Message annulé',
    });
    expect(provider.requests[0]).toMatchObject({
      path: '/v1/message-cancel',
      query: { messageId: '307' },
    });
    provider.answer(hang);
    expect(await rejection(client.cancelScheduled('307'))).toBeInstanceOf(
      SmsPartnerOutcomeUnknownError,
    );
    expect(provider.requests).toHaveLength(2);
    provider.answer(json(200, { success: false, code: 6, message: 'trop tard' }));
    expect(await rejection(client.cancelScheduled('307'))).toMatchObject({ code: 6 });
  });

  it('stopList.add posts the normalised number with the key in the body; remove uses ?id=', async () => {
    provider.answer(json(200, { success: true, code: 200, stopId: 77 }));
    expect(await client.stopList.add('+33 6 12 34 56 78')).toEqual({ stopId: '77' });
    expect(provider.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/stop-sms/add',
      json: { apiKey: API_KEY, phoneNumber: '33612345678' },
    });
    provider.answer(json(200, { success: true, code: 200 }));
    await expect(client.stopList.remove(77)).resolves.toBeUndefined();
    expect(provider.requests[1]).toMatchObject({
      path: '/v1/stop-sms/delete',
      query: { id: '77' },
    });
    expect(await rejection(client.stopList.add('nope'))).toBeInstanceOf(SmsPartnerValidationError);
    expect(provider.requests).toHaveLength(2);
  });
});

describe('options', () => {
  it('unknown options throw a config error naming them', () => {
    expect(() => new SmsPartnerClient({ apiKey: API_KEY, timeout: 5 } as never)).toThrow(
      /timeout.*did you mean "timeoutMs"/,
    );
    expect(() => new SmsPartnerClient({ apiKey: API_KEY, retry: { tries: 3 } } as never)).toThrow(
      SmsPartnerConfigError,
    );
    expect(() => new SmsPartnerClient({ apiKey: API_KEY, baseUrl: 'ftp://x' })).toThrow(
      SmsPartnerConfigError,
    );
    expect(() => new SmsPartnerClient({ apiKey: API_KEY, timeoutMs: -1 })).toThrow(
      SmsPartnerConfigError,
    );
    expect(() => new SmsPartnerClient({ apiKey: API_KEY, from: 'abc' })).toThrow(
      SmsPartnerConfigError,
    );
  });

  describe('environment defaults', () => {
    const saved = { key: process.env.SMSPARTNER_API_KEY, url: process.env.SMSPARTNER_BASE_URL };
    afterEach(() => {
      for (const [name, value] of [
        ['SMSPARTNER_API_KEY', saved.key],
        ['SMSPARTNER_BASE_URL', saved.url],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });

    it('no apiKey anywhere → config error', () => {
      delete process.env.SMSPARTNER_API_KEY;
      expect(() => createClient()).toThrow(/SMSPARTNER_API_KEY/);
    });

    it('apiKey and baseUrl from SMSPARTNER_API_KEY / SMSPARTNER_BASE_URL', async () => {
      process.env.SMSPARTNER_API_KEY = 'env-key-123456';
      process.env.SMSPARTNER_BASE_URL = provider.baseUrl;
      await createClient({ from: '33700000000' }).send(SEND);
      expect(provider.requests[0]?.json?.apiKey).toBe('env-key-123456');
    });

    it('default baseUrl is the provider', () => {
      delete process.env.SMSPARTNER_BASE_URL;
      expect(JSON.stringify(createClient({ apiKey: API_KEY }))).toContain(
        'https://api.smspartner.fr/v1',
      );
    });
  });
});

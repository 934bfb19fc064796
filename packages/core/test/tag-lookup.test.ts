import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createClient,
  type SmsPartnerClient,
  SmsPartnerProtocolError,
  SmsPartnerValidationError,
} from '../src/index.js';
import { type Handler, json, type ProviderServer, startProvider } from './provider-server.js';

const API_KEY = 'tag-lookup-test-key-51c2';

let provider: ProviderServer;
let client: SmsPartnerClient;

beforeEach(async () => {
  provider = await startProvider();
  client = createClient({
    apiKey: API_KEY,
    baseUrl: provider.baseUrl,
    retry: { retries: 1, minDelayMs: 1, maxDelayMs: 50 },
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

const entry = (n: number) => ({
  phoneNumber: `+336${String(n).padStart(8, '0')}`,
  messageId: 1000 + n,
  status: n % 2 ? 'Delivered' : 'Waiting',
  date: String(1_700_000_000 + n),
});

/** A provider holding `count` entries under a tag, `pageSize` per page, `total` as `totalMeans`. */
function pagedTag(count: number, pageSize: number, totalMeans: 'entries' | 'pages'): Handler {
  const pages = Math.ceil(count / pageSize);
  return (request, res) => {
    const page = Number(request.query.page ?? '1');
    const items = Array.from({ length: count }, (_, i) => entry(i)).slice(
      (page - 1) * pageSize,
      page * pageSize,
    );
    json(200, {
      success: true,
      code: 200,
      currentPage: page,
      total: totalMeans === 'entries' ? count : pages,
      StatutResponse_List: items,
    })(request, res, 0);
  };
}

describe('getStatusesByTag', () => {
  it('GET /v1/bulk-status-by-tag?tag=…&page=n, key in the query, every page followed', async () => {
    provider.answer(pagedTag(250, 100, 'pages'));
    const statuses = await client.getStatusesByTag('campaign-7');
    expect(statuses).toHaveLength(250);
    expect(statuses.map((s) => s.messageId)).toEqual(
      Array.from({ length: 250 }, (_, i) => String(1000 + i)),
    );
    expect(statuses[1]).toMatchObject({
      phoneNumber: '33600000001',
      status: 'delivered',
      providerStatus: 'Delivered',
      date: new Date(1_700_000_001_000),
    });
    expect(provider.requests.map((r) => r.query.page)).toEqual(['1', '2', '3']);
    expect(provider.requests[0]).toMatchObject({
      method: 'GET',
      path: '/v1/bulk-status-by-tag',
      query: { apiKey: API_KEY, tag: 'campaign-7', _format: 'json' },
    });
  });

  it('total read as a count of entries: stops at the empty page after the last', async () => {
    provider.answer(pagedTag(250, 100, 'entries'));
    expect(await client.getStatusesByTag('t')).toHaveLength(250);
    expect(provider.requests.map((r) => r.query.page)).toEqual(['1', '2', '3', '4']);
  });

  it('an exact multiple of the page size ends too', async () => {
    provider.answer(pagedTag(200, 100, 'entries'));
    expect(await client.getStatusesByTag('t')).toHaveLength(200);
    provider.answer(pagedTag(200, 100, 'pages'));
    expect(await client.getStatusesByTag('t')).toHaveLength(200);
  });

  it('no paging fields: one request; an empty tag list is []', async () => {
    provider.answer(json(200, { success: true, code: 200, StatutResponse_List: [entry(1)] }));
    expect(await client.getStatusesByTag('t')).toHaveLength(1);
    expect(provider.requests).toHaveLength(1);
    provider.answer(json(200, { success: true, code: 200, StatutResponse_List: [] }));
    expect(await client.getStatusesByTag('t')).toEqual([]);
  });

  it('past the end, a provider answering its last page again is fine once every entry is read', async () => {
    const last = pagedTag(150, 100, 'entries');
    provider.answer((request, res, index) =>
      last(
        Number(request.query.page) > 2 ? { ...request, query: { page: '2' } } : request,
        res,
        index,
      ),
    );
    const statuses = await client.getStatusesByTag('t');
    expect(statuses).toHaveLength(150);
    expect(new Set(statuses.map((s) => s.messageId)).size).toBe(150);
  });

  it('a provider that ignores the page asked for is a protocol error, never duplicates or a loop', async () => {
    // Always page 1 with its number: caught on page 2.
    provider.answer((request, res, index) =>
      pagedTag(300, 100, 'entries')({ ...request, query: { page: '1' } }, res, index),
    );
    const wrongPage = await rejection(client.getStatusesByTag('t'));
    expect(wrongPage).toBeInstanceOf(SmsPartnerProtocolError);
    expect(String(wrongPage)).toMatch(/asked for page 2 and SMS Partner answered page 1/);
    expect(provider.requests).toHaveLength(2);

    // The same entries again without page numbers: caught on page 2 too.
    provider.answer(
      json(200, { success: true, code: 200, total: 1000, StatutResponse_List: [entry(1)] }),
    );
    const repeated = await rejection(client.getStatusesByTag('t'));
    expect(String(repeated)).toMatch(/page 2 with the same entries as page 1/);
    expect(String(repeated)).not.toContain(API_KEY);
  });

  it('the tag is validated before any request', async () => {
    const error = await rejection(client.getStatusesByTag('Has Spaces'));
    expect(error).toBeInstanceOf(SmsPartnerValidationError);
    expect((error as SmsPartnerValidationError).issues.map((i) => i.field)).toEqual(['tag', 'tag']);
    expect(provider.requests).toHaveLength(0);
  });

  it('a provider error is an API error (e.g. an unknown tag)', async () => {
    provider.answer(json(200, { success: false, code: 4, message: 'Message introuvable' }));
    expect(await rejection(client.getStatusesByTag('t'))).toMatchObject({ code: 4 });
  });
});

describe('lookup', () => {
  const answerLookup: Handler = (request, res, index) => {
    const numbers = String(request.json?.phoneNumbers ?? '').split(',');
    json(200, {
      success: true,
      code: 200,
      lookup: numbers.map((n) => ({
        request: n,
        success: true,
        countryCode: 'France',
        prefixCode: 33,
        phoneNumber: n,
        type: 'Mobile',
        network: '',
        format: { e164: n },
      })),
    })(request, res, index);
  };

  it('POST /v1/lookup, 500 numbers per request, normalised, in order', async () => {
    provider.answer(answerLookup);
    const numbers = Array.from({ length: 1201 }, (_, i) => `06 ${String(i).padStart(8, '0')}`);
    const results = await client.lookup(numbers);
    expect(results).toHaveLength(1201);
    expect(results[1200]).toMatchObject({
      request: '+33600001200',
      valid: true,
      phoneNumber: '33600001200',
      type: 'Mobile',
    });
    expect(provider.requests.map((r) => String(r.json?.phoneNumbers).split(',').length)).toEqual([
      500, 500, 201,
    ]);
    expect(provider.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/lookup',
      json: { apiKey: API_KEY, _format: 'json' },
    });
    expect(provider.requests[0]?.url).not.toContain(API_KEY);
    expect(String(provider.requests[0]?.json?.phoneNumbers).startsWith('+33600000000,+336')).toBe(
      true,
    );
  });

  it('a bad number is a validation error naming its index; nothing is sent', async () => {
    const error = await rejection(client.lookup(['0612345678', '+33 6 12', 'abc']));
    expect(error).toBeInstanceOf(SmsPartnerValidationError);
    expect((error as SmsPartnerValidationError).issues.map((i) => i.field)).toEqual([
      'numbers.1',
      'numbers.2',
    ]);
    expect(await rejection(client.lookup('0612345678' as never))).toBeInstanceOf(
      SmsPartnerValidationError,
    );
    expect(provider.requests).toHaveLength(0);
  });

  it('no numbers: no request', async () => {
    expect(await client.lookup([])).toEqual([]);
    expect(provider.requests).toHaveLength(0);
  });

  it('free and changes nothing: a 429 is retried like a read', async () => {
    provider.answer(json(429, { success: false, code: 429 }, { 'retry-after': '0' }), answerLookup);
    expect(await client.lookup(['0612345678'])).toHaveLength(1);
    expect(provider.requests).toHaveLength(2);
  });
});

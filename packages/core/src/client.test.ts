import { describe, expect, it } from 'vitest';
import { connectCode, parseRetryAfter } from './client.js';

// undici's fetch rejects with TypeError('fetch failed', { cause }) where cause carries the socket code.
const fetchFailure = (cause: unknown) => new TypeError('fetch failed', { cause });

describe('connectCode: when a request provably never left', () => {
  it.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT'])(
    '%s in the cause',
    (code) => {
      expect(connectCode(fetchFailure(Object.assign(new Error(code), { code })))).toBe(code);
    },
  );

  it('happy-eyeballs AggregateError where every address refused', () => {
    const aggregate = Object.assign(
      new AggregateError([
        Object.assign(new Error('a'), { code: 'ECONNREFUSED' }),
        Object.assign(new Error('b'), { code: 'ECONNREFUSED' }),
      ]),
      { code: 'ECONNREFUSED' },
    );
    expect(connectCode(fetchFailure(aggregate))).toBe('ECONNREFUSED');
    const mixed = new AggregateError([
      Object.assign(new Error('a'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('b'), { code: 'ECONNRESET' }),
    ]);
    expect(connectCode(fetchFailure(mixed))).toBeUndefined();
  });

  it.each([
    ['reset after sending', fetchFailure(Object.assign(new Error('x'), { code: 'ECONNRESET' }))],
    ['socket closed', fetchFailure(Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET' }))],
    ['timeout', new DOMException('The operation was aborted due to timeout', 'TimeoutError')],
    ['browser "Failed to fetch" (no cause)', new TypeError('Failed to fetch')],
    ['not an error', 'ECONNREFUSED'],
    ['nothing', undefined],
  ])('%s → unknown (must not be retried for a send)', (_name, error) => {
    expect(connectCode(error)).toBeUndefined();
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('delta-seconds', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });
  it('HTTP date', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
  });
  it('absent or unreadable', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
  });
});

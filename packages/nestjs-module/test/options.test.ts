import { SmsPartnerConfigError } from '@smspartner-kit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WEBHOOKS_PATH, normalizeWebhooksPath } from '../src/index.js';

const SAFE = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._~-';
const segment = fc.string({ unit: fc.constantFrom(...SAFE), minLength: 1, maxLength: 12 });
const safePath = fc
  .tuple(fc.array(segment, { maxLength: 5 }), fc.boolean())
  .map(([segments, trailing]) => `/${segments.join('/')}${trailing && segments.length ? '/' : ''}`);

describe('normalizeWebhooksPath', () => {
  it('defaults to the webhooks package default', () => {
    expect(normalizeWebhooksPath(undefined)).toBe(DEFAULT_WEBHOOKS_PATH);
  });

  it('keeps safe absolute paths, drops the trailing slash, and is idempotent', () => {
    fc.assert(
      fc.property(safePath, (path) => {
        const normalized = normalizeWebhooksPath(path);
        expect(normalized.endsWith('/')).toBe(false);
        expect(path.startsWith(normalized)).toBe(true);
        expect(`${normalized}/`.startsWith(path.replace(/\/$/, ''))).toBe(true);
        if (normalized !== '') expect(normalizeWebhooksPath(normalized)).toBe(normalized);
      }),
    );
  });

  it('rejects any path with a character Express would read as route syntax or a query', () => {
    const unsafeChar = fc.constantFrom(
      ':',
      '*',
      '?',
      '#',
      '(',
      ')',
      '{',
      '}',
      '+',
      '!',
      ' ',
      '%',
      '\\',
    );
    fc.assert(
      fc.property(safePath, unsafeChar, fc.nat(), (path, char, at) => {
        const i = at % (path.length + 1);
        const unsafe = `${path.slice(0, i)}${char}${path.slice(i)}`;
        expect(() => normalizeWebhooksPath(unsafe)).toThrow(SmsPartnerConfigError);
      }),
    );
  });
});

import { SmsPartnerConfigError } from '@smspartner-kit/core';
import { createNodeMiddleware, createWebhooks } from '@smspartner-kit/webhooks';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitWebhooksOptions, underWebhooks } from '../src/validate-options.js';

const SAFE = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._~-';
const segment = fc.string({ unit: fc.constantFrom(...SAFE), minLength: 1, maxLength: 12 });
const safePath = fc
  .tuple(fc.array(segment, { maxLength: 5 }), fc.boolean())
  .map(([segments, trailing]) => `/${segments.join('/')}${trailing && segments.length ? '/' : ''}`);

const webhooks = createWebhooks({ secret: 's', logger: {} });
/** The route the module mounts, built as the module builds it. */
const route = (path: string) =>
  underWebhooks(() => createNodeMiddleware(webhooks, splitWebhooksOptions({ path }).route));

describe('webhooks options of the module', () => {
  it('splits the router options from the route options and the controller flag', () => {
    expect(
      splitWebhooksOptions({ secret: 's', path: '/p', ackTimeoutMs: 500, controller: false }),
    ).toEqual({
      router: { secret: 's' },
      route: { path: '/p', ackTimeoutMs: 500 },
      controller: false,
    });
  });

  it('accepts every plain absolute path (the webhooks package mount-path rule)', () => {
    fc.assert(
      fc.property(safePath, (path) => {
        expect(typeof route(path)).toBe('function');
      }),
    );
  });

  it('rejects a path with a character Express would read as route syntax or a query, naming webhooks.path', () => {
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
        let caught: unknown;
        try {
          route(unsafe);
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(SmsPartnerConfigError);
        expect((caught as SmsPartnerConfigError).issues[0]?.field).toBe('webhooks.path');
      }),
    );
  });
});

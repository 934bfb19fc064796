import { SmsPartnerConfigError, SmsPartnerValidationError } from '@smspartner-kit/core';
import { RedisWebhookStore } from '@smspartner-kit/redis';
import { expect, it } from 'vitest';
import { connect, describeWithRedis, keysUnder, uniquePrefix } from './helpers.js';

describeWithRedis('RedisWebhookStore', () => {
  it('claims a key once, until it is released', async () => {
    const store = new RedisWebhookStore(connect(), { keyPrefix: uniquePrefix() });
    expect(await store.claim('dlr:1', 60_000)).toBe(true);
    expect(await store.claim('dlr:1', 60_000)).toBe(false);
    expect(await store.claim('dlr:2', 60_000)).toBe(true);
    await store.release('dlr:1');
    expect(await store.claim('dlr:1', 60_000)).toBe(true);
  });

  it('stores the claim under the prefix with the TTL given', async () => {
    const redis = connect();
    const prefix = uniquePrefix();
    const store = new RedisWebhookStore(redis, { keyPrefix: prefix });
    await store.claim('receipt:42', 90_000);
    expect(await keysUnder(redis, prefix)).toEqual([`${prefix}claim:receipt:42`]);
    const ttl = await redis.pttl(`${prefix}claim:receipt:42`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(90_000);
  });

  it('a claim whose TTL has passed can be taken again', async () => {
    const redis = connect();
    const prefix = uniquePrefix();
    const store = new RedisWebhookStore(redis, { keyPrefix: prefix });
    expect(await store.claim('k', 1)).toBe(true);
    // Wait until Redis itself has expired the key (its state, not the clock).
    for (let i = 0; i < 1000 && (await redis.exists(`${prefix}claim:k`)) > 0; i++);
    expect(await redis.exists(`${prefix}claim:k`)).toBe(0);
    expect(await store.claim('k', 60_000)).toBe(true);
  });

  it('1,000 concurrent claims of one key over 4 connections: exactly one wins', async () => {
    const prefix = uniquePrefix();
    const stores = [connect(), connect(), connect(), connect()].map(
      (redis) => new RedisWebhookStore(redis, { keyPrefix: prefix }),
    );
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        (stores[i % 4] as RedisWebhookStore).claim('same', 60_000),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('refuses bad arguments before touching Redis', async () => {
    const store = new RedisWebhookStore(connect(), { keyPrefix: uniquePrefix() });
    await expect(store.claim('', 1000)).rejects.toThrow(SmsPartnerValidationError);
    await expect(store.claim('k', 0)).rejects.toThrow(/ttlMs/);
    await expect(store.claim('k', 1.5)).rejects.toThrow(/ttlMs/);
    await expect(store.release('')).rejects.toThrow(/key/);
  });

  it('refuses unknown options, naming them', () => {
    expect(() => new RedisWebhookStore(connect(), { keyprefix: 'x' } as never)).toThrow(
      SmsPartnerConfigError,
    );
    expect(() => new RedisWebhookStore(connect(), { keyPrefix: '' })).toThrow(/keyPrefix/);
  });
});

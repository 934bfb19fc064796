import { SmsPartnerValidationError } from '@smspartner-kit/core';
import { RedisReassemblyStore } from '@smspartner-kit/redis';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { connect, describeWithRedis, keysUnder, shuffle, uniquePrefix } from './helpers.js';

const TTL = 60_000;

describeWithRedis('RedisReassemblyStore', () => {
  it('returns every part, ordered, to the call that completes the group', async () => {
    const store = new RedisReassemblyStore(connect(), { keyPrefix: uniquePrefix() });
    expect(await store.addPart('336:ref1', 3, 3, 'c', TTL)).toBeNull();
    expect(await store.addPart('336:ref1', 1, 3, 'a', TTL)).toBeNull();
    expect(await store.addPart('336:ref1', 2, 3, 'b', TTL)).toEqual(['a', 'b', 'c']);
  });

  it('ignores a part number already present, before and after completion', async () => {
    const redis = connect();
    const prefix = uniquePrefix();
    const store = new RedisReassemblyStore(redis, { keyPrefix: prefix });
    expect(await store.addPart('g', 1, 2, 'first', TTL)).toBeNull();
    expect(await store.addPart('g', 1, 2, 'second copy', TTL)).toBeNull();
    expect(await store.addPart('g', 2, 2, 'end', TTL)).toEqual(['first', 'end']);
    // a late duplicate of a completed group neither completes it again nor opens a new group
    expect(await store.addPart('g', 2, 2, 'end', TTL)).toBeNull();
    expect(await store.takeExpired(Date.now() + 10 * TTL)).toEqual([]);
    // what remains is only the tombstone, with a TTL
    expect(await keysUnder(redis, prefix)).toEqual([`${prefix}done:g`]);
    expect(await redis.pttl(`${prefix}done:g`)).toBeGreaterThan(0);
  });

  it('a one-part group completes at once', async () => {
    const store = new RedisReassemblyStore(connect(), { keyPrefix: uniquePrefix() });
    expect(await store.addPart('solo', 1, 1, 'only', TTL)).toEqual(['only']);
  });

  it('takeExpired hands an incomplete group over once its deadline is reached, with its parts', async () => {
    const store = new RedisReassemblyStore(connect(), { keyPrefix: uniquePrefix() });
    const before = Date.now();
    await store.addPart('late', 3, 3, 'z', 5_000);
    await store.addPart('late', 1, 3, 'x', 5_000);
    const after = Date.now();
    expect(await store.takeExpired(before + 4_999)).toEqual([]);
    expect(await store.takeExpired(after + 5_000)).toEqual([
      {
        groupKey: 'late',
        total: 3,
        parts: [
          [1, 'x'],
          [3, 'z'],
        ],
      },
    ]);
    expect(await store.takeExpired(after + 5_000)).toEqual([]);
    // the missing part arriving afterwards starts a new group (emitted later as incomplete)
    expect(await store.addPart('late', 2, 3, 'y', 5_000)).toBeNull();
  });

  it('takeExpired from 3 connections at once: each of 600 groups to exactly one caller', async () => {
    const prefix = uniquePrefix();
    const stores = [connect(), connect(), connect()].map(
      (redis) => new RedisReassemblyStore(redis, { keyPrefix: prefix }),
    );
    const store = stores[0] as RedisReassemblyStore;
    await Promise.all(
      Array.from({ length: 600 }, (_, i) => store.addPart(`g${i}`, 1, 2, `v${i}`, 1_000)),
    );
    const now = Date.now() + 2_000;
    const taken = (await Promise.all(stores.map((s) => s.takeExpired(now)))).flat();
    const keys = taken.map((group) => group.groupKey);
    expect(new Set(keys).size).toBe(600);
    expect(keys).toHaveLength(600);
    expect(taken.find((g) => g.groupKey === 'g7')).toEqual({
      groupKey: 'g7',
      total: 2,
      parts: [[1, 'v7']],
    });
  });

  it('1,000 three-part groups, parts shuffled over 3 connections: 1,000 completions, none twice', async () => {
    const seed = Date.now() >>> 0;
    const prefix = uniquePrefix();
    const redises: Redis[] = [connect(), connect(), connect()];
    const stores = redises.map((redis) => new RedisReassemblyStore(redis, { keyPrefix: prefix }));
    const parts = Array.from({ length: 1000 }, (_, g) =>
      [1, 2, 3].map((part) => ({ group: `reply:${g}`, part, value: `${g}/${part}` })),
    ).flat();
    const completions = await Promise.all(
      shuffle(parts, seed).map((p, i) =>
        (stores[i % 3] as RedisReassemblyStore)
          .addPart(p.group, p.part, 3, p.value, TTL)
          .then((whole) => (whole ? { group: p.group, whole } : null)),
      ),
    );
    const done = completions.filter((c) => c !== null);
    expect(done, `seed ${seed}`).toHaveLength(1000);
    expect(new Set(done.map((c) => c.group)).size).toBe(1000);
    for (const { group, whole } of done) {
      const g = group.split(':')[1];
      expect(whole).toEqual([`${g}/1`, `${g}/2`, `${g}/3`]);
    }
    expect(await stores[1]?.takeExpired(Date.now() + 10 * TTL)).toEqual([]);
  });

  it('property: any interleaving with duplicates completes each group exactly once, in order', async () => {
    const redises = [connect(), connect()];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 6 }),
        fc.infiniteStream(fc.nat()),
        async (totals, randoms) => {
          const prefix = uniquePrefix();
          const stores = redises.map((r) => new RedisReassemblyStore(r, { keyPrefix: prefix }));
          const sends = totals.flatMap((total, g) =>
            Array.from({ length: total }, (_, i) => ({ g, part: i + 1, total })),
          );
          // each part sent once or twice, in a random order, over random connections
          const it = randoms[Symbol.iterator]();
          const next = () => it.next().value as number;
          const all = sends.flatMap((s) => (next() % 2 ? [s, s] : [s]));
          const ordered = all
            .map((s) => ({ s, key: next() }))
            .sort((a, b) => a.key - b.key)
            .map(({ s }) => s);
          const results = await Promise.all(
            ordered.map((s) =>
              (stores[next() % 2] as RedisReassemblyStore)
                .addPart(`g${s.g}`, s.part, s.total, `${s.g}.${s.part}`, TTL)
                .then((whole) => ({ g: s.g, whole })),
            ),
          );
          const complete = results.filter((r) => r.whole !== null);
          expect(complete.map((r) => r.g).sort()).toEqual(totals.map((_, g) => g).sort());
          for (const { g, whole } of complete) {
            const total = totals[g] as number;
            expect(whole).toEqual(Array.from({ length: total }, (_, i) => `${g}.${i + 1}`));
          }
        },
      ),
      { numRuns: 60, interruptAfterTimeLimit: 20_000 },
    );
  });

  it('refuses bad arguments before touching Redis', async () => {
    const store = new RedisReassemblyStore(connect(), { keyPrefix: uniquePrefix() });
    await expect(store.addPart('g', 0, 3, 'x', TTL)).rejects.toThrow(SmsPartnerValidationError);
    await expect(store.addPart('g', 4, 3, 'x', TTL)).rejects.toThrow(/part/);
    await expect(store.addPart('g', 1, 0, 'x', TTL)).rejects.toThrow(/total/);
    await expect(store.addPart('g', 1, 1, 'x', -1)).rejects.toThrow(/ttlMs/);
    await expect(store.takeExpired(Number.NaN)).rejects.toThrow(/now/);
    expect(() => new RedisReassemblyStore(connect(), { retentionMs: 0 })).toThrow(/retentionMs/);
  });
});

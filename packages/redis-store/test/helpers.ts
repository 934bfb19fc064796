import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, inject } from 'vitest';

/** '' when no Redis is available (the global setup then explains why the tests are skipped). */
export const redisUrl = inject('redisUrl');
export const describeWithRedis: typeof describe = describe.skipIf(!redisUrl) as typeof describe;

const opened: Redis[] = [];
const prefixes: string[] = [];

/** A new connection, closed after the file's tests. */
export function connect(): Redis {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  opened.push(redis);
  return redis;
}

/** A key prefix no other test uses; its keys are deleted after the file's tests. */
export function uniquePrefix(): string {
  const prefix = `test:${randomBytes(6).toString('hex')}:`;
  prefixes.push(prefix);
  return prefix;
}

export async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

afterAll(async () => {
  if (opened.length === 0) return;
  const redis = opened[0] as Redis;
  for (const prefix of prefixes) {
    const keys = await keysUnder(redis, prefix);
    if (keys.length > 0) await redis.del(...keys);
  }
  await Promise.all(opened.map((r) => r.quit()));
});

/** Fisher–Yates with a seeded generator, so a failing order can be replayed. */
export function shuffle<T>(items: T[], seed: number): T[] {
  let state = seed >>> 0 || 1;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { describe, inject } from 'vitest';

/** '' when no Redis is available (the global setup says why the tests are skipped). */
export const redisUrl = inject('redisUrl');
export const describeWithRedis: typeof describe = describe.skipIf(!redisUrl) as typeof describe;

/** A queue name and BullMQ prefix no other test (or helper) uses. */
export function uniqueQueue(): { name: string; prefix: string } {
  const id = randomBytes(5).toString('hex');
  return { name: `nest-sends-${id}`, prefix: `nest-test-${id}` };
}

/** Deletes every key under `prefix:` (what the test created), never anything else. */
export async function deleteUnder(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  await redis.quit();
}

/** A loopback port nothing listens on right now (a "closed Redis"). */
export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
    server.on('error', reject);
  });
}

/** Polls until `check` returns a value (the test's own timeout bounds the wait). */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
): Promise<T> {
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

import { RedisReassemblyStore, RedisWebhookStore } from '@smspartner-kit/redis';
import { Redis } from 'ioredis';

/** Two app instances (two connections) share one Redis: each callback and each reply is handled once. */
export async function twoInstances(redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379') {
  const keyPrefix = `example-${process.pid}:`; // your app: one prefix per app (default 'smspartner:')
  const a = new Redis(redisUrl);
  const b = new Redis(redisUrl);
  try {
    // The same delivery receipt retried by the provider, arriving at both instances at once.
    const dedupeA = new RedisWebhookStore(a, { keyPrefix });
    const dedupeB = new RedisWebhookStore(b, { keyPrefix });
    const claims = await Promise.all([
      dedupeA.claim('dlr:1764688000000001:delivered', 86_400_000),
      dedupeB.claim('dlr:1764688000000001:delivered', 86_400_000),
    ]);
    // → one true, one false: the receipt is handled by one instance only

    // A 3-part reply whose parts land on different instances, in any order.
    const partsA = new RedisReassemblyStore(a, { keyPrefix });
    const partsB = new RedisReassemblyStore(b, { keyPrefix });
    const results = await Promise.all([
      partsB.addPart('33612345678:ref42', 2, 3, 'B', 60_000),
      partsA.addPart('33612345678:ref42', 3, 3, 'C', 60_000),
      partsA.addPart('33612345678:ref42', 1, 3, 'A', 60_000),
    ]);
    // → two nulls and one ['A', 'B', 'C']: the call that completed the group gets it, once

    // A reply whose last part never came: handed to exactly one instance after its deadline.
    await partsA.addPart('33699999999:ref7', 1, 2, 'first half', 1);
    const expired = await partsB.takeExpired(Date.now() + 10);
    // → [{ groupKey: '33699999999:ref7', total: 2, parts: [[1, 'first half']] }]

    return { claims, results, expired };
  } finally {
    await a.del(...(await a.keys(`${keyPrefix}*`)));
    await Promise.all([a.quit(), b.quit()]);
  }
}

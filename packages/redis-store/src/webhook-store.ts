import {
  checkKey,
  checkTtl,
  DEFAULT_KEY_PREFIX,
  parseConfigOptions,
  type RedisWebhookStoreOptions,
  redisWebhookStoreOptionsSchema,
} from './options.js';
import type { RedisConnection, WebhookStore } from './types.js';

/**
 * Callback deduplication shared by every process: `claim` is one `SET key 1 NX PX ttl`, so exactly
 * one caller per key wins while the claim lives; `release` (`DEL`) lets a provider retry through
 * after a handler failed.
 *
 * @example
 * const store = new RedisWebhookStore(new Redis(process.env.REDIS_URL));
 * if (await store.claim('dlr:123', 86_400_000)) { ... }
 */
export class RedisWebhookStore implements WebhookStore {
  readonly #redis: RedisConnection;
  readonly #prefix: string;

  constructor(redis: RedisConnection, options: RedisWebhookStoreOptions = {}) {
    const o = parseConfigOptions(redisWebhookStoreOptionsSchema, options, 'RedisWebhookStore');
    this.#redis = redis;
    this.#prefix = `${o.keyPrefix ?? DEFAULT_KEY_PREFIX}claim:`;
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    checkKey(key, 'key', 'RedisWebhookStore.claim');
    checkTtl(ttlMs, 'RedisWebhookStore.claim');
    const answer = await this.#redis.set(this.#prefix + key, '1', 'PX', ttlMs, 'NX');
    return answer === 'OK';
  }

  async release(key: string): Promise<void> {
    checkKey(key, 'key', 'RedisWebhookStore.release');
    await this.#redis.del(this.#prefix + key);
  }
}

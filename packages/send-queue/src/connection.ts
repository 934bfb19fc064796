import { createHash } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';

/** A Redis URL, ioredis options, or an ioredis instance (shared, never closed by us). */
export type RedisConnection = string | RedisOptions | Redis;

export interface OpenConnection {
  redis: Redis;
  /** Closes the connection if we opened it. */
  release(): Promise<void>;
}

export function openConnection(connection: RedisConnection): OpenConnection {
  if (connection instanceof Redis) return { redis: connection, release: async () => {} };
  // BullMQ's blocking reads need maxRetriesPerRequest: null (it warns and overrides otherwise).
  const redis =
    typeof connection === 'string'
      ? new Redis(connection, { maxRetriesPerRequest: null })
      : new Redis({ ...connection, maxRetriesPerRequest: null });
  return {
    redis,
    release: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** A Lua script run by SHA (`EVALSHA`), loaded on the first `NOSCRIPT` (after a restart too). */
export class LuaScript {
  readonly #source: string;
  readonly #sha: string;

  constructor(source: string) {
    this.#source = source;
    this.#sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.#sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(this.#source, keys.length, ...keys, ...args);
    }
  }
}

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

import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { RedisConnection } from '@smspartner-kit/queue';
import { Redis } from 'ioredis';

/**
 * The module's one Redis connection, shared by the queue, the worker's processor, @nestjs/bullmq's
 * Queue and Worker (which open their blocking connections beside it) and the health indicator.
 * Closed at shutdown when the module opened it; an ioredis instance given in the options is the
 * app's to close.
 */
export class SmsPartnerQueueConnection implements OnApplicationShutdown {
  readonly redis: Redis;
  private readonly owned: boolean;
  private readonly logger = new Logger('SmsPartnerQueueModule');
  private lastError: string | undefined;

  constructor(connection: RedisConnection) {
    this.owned = !(connection instanceof Redis);
    // BullMQ's blocking reads need maxRetriesPerRequest: null (it warns and overrides otherwise).
    this.redis =
      connection instanceof Redis
        ? connection
        : typeof connection === 'string'
          ? new Redis(connection, { maxRetriesPerRequest: null })
          : new Redis({ ...connection, maxRetriesPerRequest: null });
    this.redis.on('error', (error: Error) => this.report('connection', error));
    this.redis.on('ready', () => {
      if (this.lastError === undefined) return;
      this.lastError = undefined;
      this.logger.log('Redis: connected again');
    });
  }

  /**
   * Logs a Redis error of any user of the connection (the queue, the worker, BullMQ's
   * connections), once per outage: every retry repeats the same error.
   */
  report(source: string, error: Error): void {
    if (error.message === this.lastError) return;
    this.lastError = error.message;
    this.logger.error(`Redis (${source}): ${error.message}`);
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.owned || this.redis.status === 'end') return;
    // QUIT waits for the replies still due; a connection that is not up has none to wait for.
    if (this.redis.status !== 'ready') {
      this.redis.disconnect();
      return;
    }
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

import type { Redis } from 'ioredis';

/**
 * The queue's own records, beside BullMQ's keys (`<prefix>:<queue>:sms:*`):
 * - `attempt:<tag>` hash: `startedAt` (set before a request leaves; its presence on a later run
 *   means "the SMS may have gone: reconcile"), `final` (sent | failed, written once), `reason`,
 *   `messageId`, `reconciles`.
 * - `campaign:<id>` hash: counters (`enqueued`, `sent`, `failed`, `invalid`, `duplicates`),
 *   `enqueuing`, and `template` (the shared send parameters, stored once per campaign).
 */
export class QueueState {
  readonly base: string;

  constructor(
    readonly redis: Redis,
    prefix: string,
    queueName: string,
  ) {
    this.base = `${prefix}:${queueName}:sms:`;
  }

  attemptKey(tag: string): string {
    return `${this.base}attempt:${tag}`;
  }

  campaignKey(id: string): string {
    return `${this.base}campaign:${id}`;
  }
}

/**
 * Records a job's final outcome once. KEYS: attempt, campaign (or a dummy). ARGV: outcome, reason,
 * messageId, attempt TTL, campaign TTL, has-campaign. Returns {first?, campaign counters}: the
 * counters move only for the first call, so a job finished twice (a worker killed between this
 * and BullMQ's completion) is counted once.
 */
export const FINISH = `
local first = redis.call('HSETNX', KEYS[1], 'final', ARGV[1])
if first == 1 then
  redis.call('HSET', KEYS[1], 'reason', ARGV[2], 'messageId', ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  if ARGV[6] == '1' then
    redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
    redis.call('PEXPIRE', KEYS[2], ARGV[5])
  end
end
if ARGV[6] == '1' then
  return { first, redis.call('HMGET', KEYS[2], 'enqueued', 'sent', 'failed', 'invalid', 'duplicates', 'enqueuing') }
end
return { first, false }
`;

export type CampaignCounters = (string | null)[];

export async function readAttempt(
  redis: Redis,
  key: string,
): Promise<{ startedAt?: number; final?: string; reason?: string; messageId?: string }> {
  const fields = await redis.hgetall(key);
  return {
    ...(fields.startedAt ? { startedAt: Number(fields.startedAt) } : {}),
    ...(fields.final ? { final: fields.final } : {}),
    ...(fields.reason ? { reason: fields.reason } : {}),
    ...(fields.messageId ? { messageId: fields.messageId } : {}),
  };
}

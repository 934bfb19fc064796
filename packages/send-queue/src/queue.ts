import { EventEmitter } from 'node:events';
import { phoneNumberSchema, SmsPartnerValidationError } from '@smspartner-kit/core';
import { toFieldIssues } from '@smspartner-kit/core/internal';
import { type KeepJobs, Queue, QueueEvents } from 'bullmq';
import type { z } from 'zod';
import { openConnection } from './connection.js';
import type { JobData } from './job.js';
import { nextMarketingSlot } from './marketing-window.js';
import {
  type CampaignOptions,
  campaignIdSchema,
  campaignOptionsSchema,
  DEFAULT_QUEUE_NAME,
  enqueueOptionsSchema,
  parseConfigOptions,
  queuedSendSchema,
  type SendQueueOptions,
  sendQueueOptionsSchema,
} from './options.js';
import { QueueState, readAttempt } from './state.js';
import { newTag } from './tag.js';
import type {
  CampaignProgress,
  EnqueuedSend,
  QueuedSendParams,
  SendCategory,
  SendQueueEventName,
  SendQueueEvents,
  SendStatus,
} from './types.js';

const DAY_MS = 86_400_000;
export const EVENT_PREFIX = 'smspartner:';

export interface CampaignRecipient {
  to: string;
  /** Overrides the campaign's message for this recipient. */
  message?: string;
}

export interface InvalidRecipient {
  /** Position in the recipients given (0-based). */
  index: number;
  to: unknown;
  reason: string;
}

export interface EnqueuedCampaign {
  campaignId: string;
  /** Jobs queued by this call. */
  enqueued: number;
  /** Recipients already queued for this campaign (listed twice, or queued by an earlier run). */
  duplicates: number;
  /** Recipients refused (bad number or message): nothing is queued for them. */
  invalid: InvalidRecipient[];
}

export interface SendQueue {
  /** Queues one SMS. Validates first (SmsPartnerValidationError naming the field). */
  enqueue(
    send: QueuedSendParams,
    options?: { idempotencyKey?: string; category?: SendCategory },
  ): Promise<EnqueuedSend>;
  /** Queues one job per recipient, reading `recipients` (any iterable, async too) in chunks. */
  enqueueCampaign(
    recipients: Iterable<string | CampaignRecipient> | AsyncIterable<string | CampaignRecipient>,
    message: string,
    options: CampaignOptions,
  ): Promise<EnqueuedCampaign>;
  getCampaign(id: string): Promise<CampaignProgress | undefined>;
  /** Where one send stands; `unknown` once the retention policy removed the job. */
  getSend(id: string): Promise<SendStatus>;
  /** Events from every worker of the queue (through Redis), from the moment of the first `on`. */
  on<E extends SendQueueEventName>(event: E, listener: (payload: SendQueueEvents[E]) => void): this;
  /** Redis errors (of the queue, and of the event stream once listened to); without a listener BullMQ prints them. */
  on(event: 'error', listener: (error: Error) => void): this;
  off<E extends SendQueueEventName>(
    event: E,
    listener: (payload: SendQueueEvents[E]) => void,
  ): this;
  /** Counts of BullMQ states (waiting, delayed, active, completed, failed…). */
  counts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

function validationError(error: z.ZodError, field: string, context: string) {
  return new SmsPartnerValidationError(
    toFieldIssues(error).map((issue) => ({
      field: field && issue.field ? `${field}.${issue.field}` : field || issue.field,
      message: issue.message,
    })),
    context,
  );
}

export function toProgress(id: string, fields: (string | null)[]): CampaignProgress {
  const [enqueued, sent, failed, invalid, duplicates] = fields
    .slice(0, 5)
    .map((v) => Number(v ?? 0));
  const enqueuing = fields[5] === '1';
  const done = (sent as number) + (failed as number);
  const pending = (enqueued as number) - done;
  return {
    id,
    enqueued: enqueued as number,
    sent: sent as number,
    failed: failed as number,
    invalid: invalid as number,
    duplicates: duplicates as number,
    enqueuing,
    pending,
    progress:
      enqueued === 0
        ? enqueuing
          ? 0
          : 1
        : enqueuing
          ? Math.min(0.999, done / (enqueued as number))
          : done / (enqueued as number),
  };
}

/**
 * The producing side of the send queue: validates, assigns each SMS a unique tag, delays
 * marketing messages to the legal window, and reports progress and events.
 */
export function createSendQueue(options: SendQueueOptions): SendQueue {
  const o = parseConfigOptions(sendQueueOptionsSchema, options, 'createSendQueue');
  const name = o.name ?? DEFAULT_QUEUE_NAME;
  const prefix = o.prefix ?? 'bull';
  const now = o.now ?? Date.now;
  const idempotencyTtlMs = o.idempotencyTtlMs ?? DAY_MS;
  const campaignTtlMs = o.campaignTtlMs ?? 30 * DAY_MS;
  const connection = openConnection(o.connection as never);
  const state = new QueueState(connection.redis, prefix, name);
  const queue = new Queue<JobData, unknown, 'send'>(name, {
    connection: connection.redis,
    prefix,
    defaultJobOptions: {
      attempts: o.attempts ?? 8,
      backoff: { type: 'exponential', delay: o.backoffMs ?? 1000, jitter: 0.5 },
      removeOnComplete: (o.keepSent ?? { age: 3600, count: 10_000 }) as KeepJobs,
      removeOnFail: (o.keepFailed ?? { age: 7 * 86_400 }) as KeepJobs,
    },
  });
  const emitter = new EventEmitter();
  // Redis errors go to `on('error')` listeners; without one, BullMQ prints them (as before).
  queue.on('error', (error) => emitter.emit('error', error));
  let events: QueueEvents | undefined;

  const delayFor = (category: SendCategory): number => {
    if (category !== 'marketing') return 0;
    const at = now();
    return nextMarketingSlot(at, o.marketingWindow) - at;
  };

  function listen(): void {
    if (events) return;
    events = new QueueEvents(name, { connection: connection.redis, prefix });
    for (const event of [
      'sent',
      'failed',
      'outcome-unknown',
      'reconciled',
      'campaign-progress',
    ] as const) {
      events.on(
        `${EVENT_PREFIX}${event}` as never,
        ((args: { payload?: string }) => {
          if (args.payload) emitter.emit(event, JSON.parse(args.payload));
        }) as never,
      );
    }
    events.on('error', (error) => emitter.emit('error', error));
  }

  const api: SendQueue = {
    async enqueue(send, enqueueOptions = {}) {
      const parsed = queuedSendSchema.safeParse(send);
      if (!parsed.success) throw validationError(parsed.error, '', 'Invalid send parameters');
      const opts = enqueueOptionsSchema.safeParse(enqueueOptions);
      if (!opts.success) throw validationError(opts.error, '', 'Invalid enqueue options');
      const category = opts.data.category ?? 'transactional';
      const id = newTag();
      const delay = delayFor(category);
      const job = await queue.add(
        'send',
        { send: parsed.data, category },
        {
          jobId: id,
          delay,
          ...(opts.data.idempotencyKey === undefined
            ? {}
            : { deduplication: { id: `k:${opts.data.idempotencyKey}`, ttl: idempotencyTtlMs } }),
        },
      );
      const duplicate = job.id !== id;
      return {
        id: job.id as string,
        duplicate,
        dueAt: duplicate ? job.timestamp + job.delay : now() + delay,
      };
    },

    async enqueueCampaign(recipients, message, campaignOptions) {
      const co = parseConfigOptions(campaignOptionsSchema, campaignOptions, 'enqueueCampaign');
      const base = queuedSendSchema.safeParse({ ...co.send, to: '33600000000', message });
      if (!base.success) throw validationError(base.error, '', 'Invalid campaign message');
      const campaignId = co.campaignId ?? newTag();
      const key = state.campaignKey(campaignId);
      const template = { ...co.send, message: base.data.message };
      await connection.redis
        .multi()
        .hset(key, 'template', JSON.stringify(template), 'enqueuing', '1')
        .hsetnx(key, 'createdAt', String(now()))
        .pexpire(key, campaignTtlMs)
        .exec();
      const chunkSize = co.chunkSize ?? 500;
      const maxWaiting = co.maxWaiting ?? 20_000;
      const invalid: InvalidRecipient[] = [];
      let enqueued = 0;
      let duplicates = 0;
      let chunk: { id: string; data: JobData; dedup: string }[] = [];

      const flush = async () => {
        if (chunk.length === 0) return;
        // Backpressure: jobs waiting (not delayed ones) stay under maxWaiting.
        while ((await queue.getWaitingCount()) >= maxWaiting) {
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        const delay = delayFor(co.category);
        const jobs = await queue.addBulk(
          chunk.map((c) => ({
            name: 'send' as const,
            data: c.data,
            opts: { jobId: c.id, delay, deduplication: { id: c.dedup, ttl: idempotencyTtlMs } },
          })),
        );
        let added = 0;
        jobs.forEach((job, i) => {
          if (job.id === chunk[i]?.id) added++;
        });
        enqueued += added;
        duplicates += chunk.length - added;
        await connection.redis
          .multi()
          .hincrby(key, 'enqueued', added)
          .hincrby(key, 'duplicates', chunk.length - added)
          .exec();
        chunk = [];
      };

      let index = 0;
      try {
        for await (const recipient of recipients as AsyncIterable<
          string | { to: string; message?: string }
        >) {
          const at = index++;
          const to = typeof recipient === 'string' ? recipient : recipient?.to;
          const own = typeof recipient === 'object' && recipient ? recipient.message : undefined;
          const number = phoneNumberSchema.safeParse(to);
          if (!number.success) {
            invalid.push({
              index: at,
              to,
              reason: number.error.issues.map((i) => i.message).join('; '),
            });
            continue;
          }
          if (own !== undefined) {
            const check = queuedSendSchema.safeParse({
              ...template,
              to: number.data,
              message: own,
            });
            if (!check.success) {
              invalid.push({
                index: at,
                to,
                reason: check.error.issues.map((i) => i.message).join('; '),
              });
              continue;
            }
          }
          chunk.push({
            id: newTag(),
            dedup: `c:${campaignId}:${number.data}`,
            data: {
              category: co.category,
              campaignId,
              to: number.data,
              ...(own === undefined ? {} : { message: own }),
            },
          });
          if (chunk.length >= chunkSize) await flush();
        }
        await flush();
      } finally {
        await connection.redis
          .multi()
          .hincrby(key, 'invalid', invalid.length)
          .hset(key, 'enqueuing', '0')
          .pexpire(key, campaignTtlMs)
          .exec();
      }
      return { campaignId, enqueued, duplicates, invalid };
    },

    async getCampaign(id) {
      const parsed = campaignIdSchema.safeParse(id);
      if (!parsed.success) throw validationError(parsed.error, 'id', 'Invalid campaign id');
      const key = state.campaignKey(id);
      const fields = await connection.redis.hmget(
        key,
        'enqueued',
        'sent',
        'failed',
        'invalid',
        'duplicates',
        'enqueuing',
        'template',
      );
      if (fields[6] === null) return undefined;
      return toProgress(id, fields);
    },

    async getSend(id) {
      // State first: a job read before it finishes would lack its return value.
      const bullState = await queue.getJobState(id);
      const job = await queue.getJob(id);
      if (!job || bullState === 'unknown') return { id, state: 'unknown' };
      const attempt = await readAttempt(connection.redis, state.attemptKey(id));
      const to = job.data.send?.to ?? job.data.to;
      const common = {
        id,
        ...(to ? { to } : {}),
        ...(job.data.campaignId ? { campaignId: job.data.campaignId } : {}),
      };
      if (bullState === 'completed') {
        const result = job.returnvalue as { messageId?: string; reconciled?: boolean } | undefined;
        return {
          ...common,
          state: 'sent',
          ...(result?.messageId ? { messageId: result.messageId } : {}),
          reconciled: result?.reconciled ?? false,
        };
      }
      if (bullState === 'failed') {
        return { ...common, state: 'failed', reason: attempt.reason ?? job.failedReason };
      }
      const map: Record<string, SendStatus['state']> = {
        waiting: 'waiting',
        'waiting-children': 'waiting',
        prioritized: 'waiting',
        delayed: 'delayed',
        active: 'active',
      };
      return { ...common, state: map[bullState] ?? 'unknown' };
    },

    on(event: string, listener: (payload: never) => void) {
      if (event !== 'error') listen();
      emitter.on(event, listener as (...args: unknown[]) => void);
      return api;
    },

    off(event, listener) {
      emitter.off(event, listener);
      return api;
    },

    async counts() {
      return queue.getJobCounts();
    },

    async close() {
      await events?.close();
      await queue.close();
      await connection.release();
    },
  };
  return api;
}

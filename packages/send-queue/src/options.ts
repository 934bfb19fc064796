import { sendParamsSchema } from '@smspartner-kit/core';
import { parseConfigOptions } from '@smspartner-kit/core/internal';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { marketingWindowSchema } from './marketing-window.js';
import type { QueuedSendParams } from './types.js';

export const DEFAULT_QUEUE_NAME = 'smspartner-sends';

const connectionSchema = z.custom<string | Record<string, unknown> | Redis>(
  (value) =>
    typeof value === 'string' ||
    value instanceof Redis ||
    (typeof value === 'object' && value !== null && !Array.isArray(value)),
  'must be a Redis URL, ioredis options or an ioredis instance',
);

const keepJobsSchema = z.strictObject({
  /** Seconds a finished job is kept. */
  age: z.number().int().min(0).optional(),
  /** Most finished jobs kept. */
  count: z.number().int().min(0).optional(),
});

const shared = {
  connection: connectionSchema,
  /** Queue name (default `smspartner-sends`). Queue and workers must agree. */
  name: z
    .string()
    .regex(/^[\w.-]{1,100}$/, 'name may contain letters, digits, _ . - (1–100)')
    .optional(),
  /** BullMQ key prefix (default `bull`). */
  prefix: z.string().min(1).max(100).optional(),
  marketingWindow: marketingWindowSchema.optional(),
  /** Clock (epoch ms), for tests. Default `Date.now`. */
  now: z.custom<() => number>((v) => typeof v === 'function', 'must be a function').optional(),
};

export const sendQueueOptionsSchema = z.strictObject({
  ...shared,
  /** How long an idempotency key (and a campaign's recipient) is remembered. Default 24 h. */
  idempotencyTtlMs: z.number().int().min(1000).optional(),
  /** Tries for sends that provably did not leave (refused, 5xx answer). Default 8. */
  attempts: z.number().int().min(1).max(50).optional(),
  /** First backoff delay; doubles per try, ±50 % jitter. Default 1,000 ms. */
  backoffMs: z.number().int().min(1).max(3_600_000).optional(),
  /** Sent jobs kept (BullMQ `removeOnComplete`). Default { age: 3600, count: 10000 }. */
  keepSent: keepJobsSchema.optional(),
  /** Failed (dead-lettered) jobs kept. Default { age: 7 days }. */
  keepFailed: keepJobsSchema.optional(),
  /** Campaign counters kept after their last change. Default 30 days. */
  campaignTtlMs: z.number().int().min(1000).optional(),
});

export type SendQueueOptions = z.input<typeof sendQueueOptionsSchema>;

export const sendWorkerOptionsSchema = z.strictObject({
  ...shared,
  client: z.custom<{ send: unknown; getStatusesByTag: unknown }>(
    (v) =>
      typeof v === 'object' &&
      v !== null &&
      typeof (v as { send?: unknown }).send === 'function' &&
      typeof (v as { getStatusesByTag?: unknown }).getStatusesByTag === 'function',
    'must be an SmsPartnerClient (send and getStatusesByTag)',
  ),
  /** Sends in flight per worker. Default 10. */
  concurrency: z.number().int().min(1).max(1000).optional(),
  /**
   * Global limit shared by every worker of the queue: at most `max` sends start in any span of
   * `durationMs` (a sliding window, built on BullMQ's limiter; sustained rate ≈ 0.9 × max).
   */
  rateLimit: z
    .strictObject({
      max: z.number().int().min(1),
      durationMs: z.number().int().min(1),
    })
    .optional(),
  /** Pause of every worker after an upstream HTTP 429. Default 1,000 ms. */
  rateLimitedPauseMs: z.number().int().min(1).max(600_000).optional(),
  /** Wait before reconciling an attempt whose outcome is unknown. Default 30,000 ms. */
  reconcileDelayMs: z.number().int().min(0).max(86_400_000).optional(),
  /**
   * A reconciliation concludes "not found" only this long after the attempt started; a request
   * starts within settleMs / 2 of its attempt record or not at all. Must exceed twice the client's
   * `timeoutMs` (checked). Default 30,000 ms.
   */
  settleMs: z.number().int().min(0).max(86_400_000).optional(),
  /** Status look-ups tried before giving up on reconciling. Default 10. */
  maxReconcileAttempts: z.number().int().min(1).max(100).optional(),
  /**
   * Resend when reconciling finds nothing and at least this long has passed since the attempt
   * started. Default: never (dead-letter instead). Set it above the client's timeout.
   */
  resendAfterMs: z.number().int().min(1000).optional(),
  /** BullMQ job lock; a killed worker's jobs come back after it. Default 30,000 ms. */
  lockDurationMs: z.number().int().min(1000).optional(),
  /** How often workers look for stalled jobs. Default 30,000 ms. */
  stalledIntervalMs: z.number().int().min(1000).optional(),
  /** Record of an attempt kept for reconciliation. Default 7 days. */
  attemptTtlMs: z.number().int().min(60_000).optional(),
  campaignTtlMs: z.number().int().min(1000).optional(),
});

export type SendWorkerOptions = z.input<typeof sendWorkerOptionsSchema>;

export const categorySchema = z.enum(['transactional', 'marketing']);

/** Stands in for a missing `from` (the worker's client may supply it) while checking the rest. */
const PLACEHOLDER_FROM = '33600000000';

/**
 * A queued send: `send()` parameters, checked by core's `sendParamsSchema`, without `tag` (the
 * queue gives every job its own: it is how an unknown outcome is reconciled) or `scheduledAt`
 * (use `category: 'marketing'` or enqueue later); `from` may come from the worker's client.
 */
export const queuedSendSchema = z
  .record(z.string(), z.unknown())
  .transform((value, ctx): QueuedSendParams => {
    if ('tag' in value) {
      ctx.addIssue({
        code: 'custom',
        path: ['tag'],
        message: 'the queue sets tag itself (one per job, used to reconcile unknown outcomes)',
      });
    }
    if ('scheduledAt' in value) {
      ctx.addIssue({
        code: 'custom',
        path: ['scheduledAt'],
        message: "not supported in the queue: use category 'marketing' or enqueue later",
      });
    }
    const parsed = sendParamsSchema.safeParse({ ...value, from: value.from ?? PLACEHOLDER_FROM });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
      }
    }
    if (!parsed.success || 'tag' in value || 'scheduledAt' in value) return z.NEVER;
    const { from, ...rest } = parsed.data;
    return value.from === undefined ? rest : { ...rest, from };
  });

/** Parameters shared by every message of a campaign (checked with the message by queuedSendSchema). */
const campaignSendSchema = z.strictObject({
  from: z.string().optional(),
  isStopSms: z.boolean().optional(),
  urlResponse: z.string().optional(),
  urlDlr: z.string().optional(),
  sandbox: z.boolean().optional(),
  format: z.enum(['json', 'xml']).optional(),
});

export const enqueueOptionsSchema = z.strictObject({
  /** A repeated key within `idempotencyTtlMs` queues nothing and returns the first job. */
  idempotencyKey: z.string().min(1).max(500).optional(),
  category: categorySchema.optional(),
});

export const campaignIdSchema = z
  .string()
  .regex(/^[\w-]{1,64}$/, 'campaignId may contain letters, digits, _ and - (1–64)');

export const campaignOptionsSchema = z.strictObject({
  /** Reuse an id to resume an interrupted run: recipients already queued are skipped. */
  campaignId: campaignIdSchema.optional(),
  /** Required: campaigns are often commercial, and commercial SMS must wait for the window. */
  category: categorySchema,
  /** Parameters shared by every message (`from`, `isStopSms`, `urlDlr`…). */
  send: campaignSendSchema.optional(),
  /** Recipients queued per round trip. Default 500. */
  chunkSize: z.number().int().min(1).max(10_000).optional(),
  /** Reading pauses while more jobs than this wait (bounds Redis memory). Default 20,000. */
  maxWaiting: z.number().int().min(1).optional(),
});

export type CampaignOptions = z.input<typeof campaignOptionsSchema>;

export { parseConfigOptions };

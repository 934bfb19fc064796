import { EventEmitter } from 'node:events';
import {
  SmsPartnerApiError,
  SmsPartnerConfigError,
  SmsPartnerConnectionError,
  SmsPartnerOutcomeUnknownError,
  SmsPartnerValidationError,
} from '@smspartner-kit/core';
import { DelayedError, type Job, QueueEventsProducer, UnrecoverableError, Worker } from 'bullmq';
import { openConnection } from './connection.js';
import type { JobData } from './job.js';
import { nextMarketingSlot } from './marketing-window.js';
import {
  DEFAULT_QUEUE_NAME,
  parseConfigOptions,
  type SendWorkerOptions,
  sendWorkerOptionsSchema,
} from './options.js';
import type { RateLimitable, SendProcessorCore } from './processor.js';
import { EVENT_PREFIX, toProgress } from './queue.js';
import { slidingLimiter } from './rate-limit.js';
import { FINISH, QueueState, readAttempt } from './state.js';
import type {
  FailureCode,
  QueuedSendParams,
  SendClient,
  SendQueueEventName,
  SendQueueEvents,
} from './types.js';

const DAY_MS = 86_400_000;
/** Provider codes meaning "commercial SMS outside the allowed hours / on a Sunday or holiday". */
const OUTSIDE_WINDOW_CODES = new Set([22, 23]);
const PROGRESS_EVERY_MS = 250;
/**
 * Life of an attempt record once its outcome is final: long enough for a straggler (a worker that
 * lost its job lock mid-request) to find the outcome written and count nothing twice.
 */
const FINISHED_RECORD_MS = 10 * 60_000;

/** Removes an attempt record that is still the one this run wrote (compare-and-delete). */
const UNCLAIM = `
if redis.call('HGET', KEYS[1], 'startedAt') == ARGV[1] then
  return redis.call('HDEL', KEYS[1], 'startedAt')
end
return 0
`;

export interface SendJobResult {
  messageId?: string;
  nbSms?: number;
  /** Found by tag after an unknown outcome (no second request was made). */
  reconciled: boolean;
}

export interface SendWorker {
  on<E extends SendQueueEventName>(event: E, listener: (payload: SendQueueEvents[E]) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  off<E extends SendQueueEventName>(
    event: E,
    listener: (payload: SendQueueEvents[E]) => void,
  ): this;
  /** Resolves once connected and polling. */
  waitUntilReady(): Promise<void>;
  /** Stops taking jobs, lets the ones in flight finish, closes what it opened. */
  close(): Promise<void>;
}

/** A final failure: recorded once, then BullMQ moves the job to failed without retrying. */
class DeadLetter extends UnrecoverableError {
  constructor(
    readonly code: FailureCode,
    message: string,
  ) {
    super(message);
  }
}

/** The HTTP status an unknown outcome came with (an unreadable answer), if there was one. */
function httpStatusOf(error: unknown): number | undefined {
  const cause = (error as { cause?: { httpStatus?: unknown } } | null)?.cause;
  return typeof cause?.httpStatus === 'number' ? cause.httpStatus : undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The consuming side: sends queued SMS with the client, at most `rateLimit` per period across
 * every worker of the queue, and never twice — an attempt is recorded in Redis before its request
 * leaves, and a job that comes back after an unknown outcome (timeout, reset, killed worker,
 * stalled job) is reconciled by its tag before anything else is sent.
 */
export function createSendWorker(options: SendWorkerOptions): SendWorker {
  const core = sendProcessor(options, 'createSendWorker', () => worker);
  const worker = new Worker<JobData, SendJobResult>(core.name, core.process, {
    connection: core.redis,
    prefix: core.prefix,
    ...core.workerOptions,
  });
  worker.on('error', (error) => core.emitter.emit('error', error));

  const api: SendWorker = {
    on(event: string, listener: (payload: never) => void) {
      core.emitter.on(event, listener as (...args: unknown[]) => void);
      return api;
    },
    off(event, listener) {
      core.emitter.off(event, listener);
      return api;
    },
    waitUntilReady: async () => {
      await worker.waitUntilReady();
    },
    async close() {
      await worker.close();
      await core.close();
    },
  };
  return api;
}

/**
 * The sending logic, everything but the BullMQ Worker that runs it: used by createSendWorker and,
 * for a Worker made elsewhere (e.g. by @nestjs/bullmq), by createSendProcessor. `worker` is the
 * Worker that runs `process` (read when an upstream 429 pauses every worker).
 */
export function sendProcessor(
  options: SendWorkerOptions,
  caller: string,
  worker: () => RateLimitable,
): SendProcessorCore {
  const o = parseConfigOptions(sendWorkerOptionsSchema, options, caller);
  const client = o.client as SendClient;
  const name = o.name ?? DEFAULT_QUEUE_NAME;
  const prefix = o.prefix ?? 'bull';
  const now = o.now ?? Date.now;
  const reconcileDelayMs = o.reconcileDelayMs ?? 30_000;
  const maxReconciles = o.maxReconcileAttempts ?? 10;
  const attemptTtlMs = o.attemptTtlMs ?? 7 * DAY_MS;
  const campaignTtlMs = o.campaignTtlMs ?? 30 * DAY_MS;
  const pauseMs = o.rateLimitedPauseMs ?? 1000;
  const settleMs = o.settleMs ?? 30_000;
  const clientTimeout = (client as { toJSON?: () => { timeoutMs?: unknown } }).toJSON?.().timeoutMs;
  if (typeof clientTimeout === 'number' && settleMs <= 2 * clientTimeout) {
    throw new SmsPartnerConfigError(
      `Invalid ${caller} options: settleMs (${settleMs}) must exceed twice the client's timeoutMs (${clientTimeout}), so that no request can still be in flight when an attempt is declared not sent`,
      [
        {
          field: 'settleMs',
          message: `must exceed twice the client's timeoutMs (${clientTimeout})`,
        },
      ],
    );
  }
  const connection = openConnection(o.connection as never);
  const redis = connection.redis;
  const state = new QueueState(redis, prefix, name);
  const producer = new QueueEventsProducer(name, { connection: redis, prefix });
  const emitter = new EventEmitter();
  producer.on('error', (error) => emitter.emit('error', error));
  const templates = new Map<string, Omit<QueuedSendParams, 'to'>>();
  const lastProgress = new Map<string, number>();

  async function publish<E extends SendQueueEventName>(event: E, payload: SendQueueEvents[E]) {
    emitter.emit(event, payload);
    await producer
      .publishEvent(
        { eventName: `${EVENT_PREFIX}${event}`, payload: JSON.stringify(payload) },
        10_000,
      )
      .catch((error) => emitter.emit('error', error));
  }

  async function paramsOf(job: Job<JobData>): Promise<QueuedSendParams> {
    const data = job.data;
    if (data.send) return data.send;
    const campaignId = data.campaignId as string;
    let template = templates.get(campaignId);
    if (!template) {
      const json = await redis.hget(state.campaignKey(campaignId), 'template');
      if (!json)
        throw new DeadLetter(
          'rejected',
          `campaign ${campaignId} has no stored parameters (expired?)`,
        );
      template = JSON.parse(json) as Omit<QueuedSendParams, 'to'>;
      if (templates.size > 100) templates.clear();
      templates.set(campaignId, template);
    }
    return {
      ...template,
      to: data.to as string,
      ...(data.message ? { message: data.message } : {}),
    };
  }

  /** Records the final outcome once (counters move once), then tells everyone. */
  async function finish(
    job: Job<JobData>,
    to: string,
    outcome:
      | { sent: true; messageId?: string; reconciled: boolean }
      | { sent: false; code: FailureCode; reason: string },
  ): Promise<void> {
    const campaignId = job.data.campaignId;
    const [first, counters] = (await redis.eval(
      FINISH,
      2,
      state.attemptKey(job.id as string),
      campaignId ? state.campaignKey(campaignId) : state.attemptKey(job.id as string),
      ...[
        outcome.sent ? 'sent' : 'failed',
        outcome.sent ? '' : `${outcome.code}: ${outcome.reason}`,
        outcome.sent ? (outcome.messageId ?? '') : '',
        FINISHED_RECORD_MS,
        campaignTtlMs,
        campaignId ? '1' : '0',
      ],
    )) as [number, (string | null)[] | null];
    if (first !== 1) return;
    const common = { id: job.id as string, to, ...(campaignId ? { campaignId } : {}) };
    if (outcome.sent) {
      await publish('sent', {
        ...common,
        reconciled: outcome.reconciled,
        ...(outcome.messageId ? { messageId: outcome.messageId } : {}),
      });
    } else {
      await publish('failed', { ...common, code: outcome.code, reason: outcome.reason });
    }
    if (campaignId && counters) {
      const progress = toProgress(campaignId, counters);
      const last = lastProgress.get(campaignId) ?? 0;
      if (progress.pending === 0 || now() - last >= PROGRESS_EVERY_MS) {
        lastProgress.set(campaignId, now());
        await publish('campaign-progress', progress);
      }
    }
  }

  async function deadLetter(
    job: Job<JobData>,
    to: string,
    code: FailureCode,
    reason: string,
  ): Promise<never> {
    await finish(job, to, { sent: false, code, reason });
    throw new DeadLetter(code, `${code}: ${reason}`);
  }

  /** Puts the job back, due in `delayMs`, without using one of its tries. */
  async function later(
    job: Job<JobData>,
    token: string | undefined,
    delayMs: number,
  ): Promise<never> {
    await job.moveToDelayed(Date.now() + Math.max(0, delayMs), token);
    throw new DelayedError();
  }

  async function reconcile(
    job: Job<JobData>,
    token: string | undefined,
    to: string,
    startedAt: number,
  ) {
    const key = state.attemptKey(job.id as string);
    const tries = await redis.hincrby(key, 'reconciles', 1);
    let found: { messageId?: string } | undefined;
    try {
      const statuses = await client.getStatusesByTag(job.id as string);
      found = statuses[0];
    } catch (error) {
      if (tries >= maxReconciles) {
        return deadLetter(
          job,
          to,
          'unreconciled',
          `status look-ups by tag failed ${tries} times (last: ${describe(error)}); the SMS may have been sent`,
        );
      }
      return later(
        job,
        token,
        Math.min(reconcileDelayMs * 2 ** (tries - 1), 3_600_000) * (0.5 + Math.random() / 2),
      );
    }
    // Until the attempt's request has certainly ended (client timeout), "not found" proves nothing.
    if (!found && now() - startedAt < settleMs)
      return later(job, token, startedAt + settleMs - now());
    await publish('reconciled', {
      id: job.id as string,
      to,
      found: found !== undefined,
      ...(found?.messageId ? { messageId: found.messageId } : {}),
    });
    if (found) {
      await finish(job, to, {
        sent: true,
        reconciled: true,
        ...(found.messageId ? { messageId: found.messageId } : {}),
      });
      return { reconciled: true, ...(found.messageId ? { messageId: found.messageId } : {}) };
    }
    const answered = Number(await redis.hget(key, 'answered'));
    if (answered >= 500) {
      // The server answered with an error (no accepted body) and the tag is unknown to the
      // provider: provably not sent, so an ordinary bounded retry.
      await redis.hdel(key, 'startedAt', 'reconciles', 'answered');
      return retrySafely(
        job,
        to,
        new Error(`HTTP ${answered} without an accepted answer, tag not found`),
      );
    }
    if (o.resendAfterMs === undefined) {
      return deadLetter(
        job,
        to,
        'unknown-not-found',
        `an attempt started at ${new Date(startedAt).toISOString()} ended with an unknown outcome and tag ${job.id} is not known to the provider; not resent`,
      );
    }
    if (now() - startedAt < o.resendAfterMs) {
      return later(job, token, startedAt + o.resendAfterMs - now());
    }
    await redis.hdel(key, 'startedAt', 'reconciles');
    return undefined; // resend
  }

  /** A send that provably did not leave: BullMQ retries it with backoff, up to `attempts`. */
  async function retrySafely(job: Job<JobData>, to: string, error: unknown): Promise<never> {
    const attempts = job.opts.attempts ?? 1;
    if (job.attemptsMade + 1 >= attempts) {
      return deadLetter(job, to, 'gave-up', `not sent after ${attempts} tries: ${describe(error)}`);
    }
    throw error; // BullMQ retries after its exponential backoff with jitter
  }

  async function process(job: Job<JobData>, token?: string): Promise<SendJobResult> {
    const key = state.attemptKey(job.id as string);
    const params = await paramsOf(job);
    const to = params.to;
    const attempt = await readAttempt(redis, key);
    // Finished before, but the worker died before BullMQ recorded it: report the same outcome.
    if (attempt.final === 'sent') {
      return { reconciled: false, ...(attempt.messageId ? { messageId: attempt.messageId } : {}) };
    }
    if (attempt.final === 'failed') throw new DeadLetter('rejected', attempt.reason ?? 'failed');

    if (attempt.startedAt !== undefined) {
      const settled = await reconcile(job, token, to, attempt.startedAt);
      if (settled) return settled;
    }
    if (job.data.category === 'marketing') {
      const slot = nextMarketingSlot(now(), o.marketingWindow);
      if (slot > now()) return later(job, token, slot - now());
    }

    // Claim the attempt: from here on, a crash means "may have been sent".
    let startedAt = now();
    if ((await redis.hsetnx(key, 'startedAt', String(startedAt))) === 0) {
      const again = await readAttempt(redis, key);
      const settled = await reconcile(job, token, to, again.startedAt ?? now());
      if (settled) return settled;
      startedAt = now();
      await redis.hset(key, 'startedAt', String(startedAt));
    }
    await redis.pexpire(key, attemptTtlMs);
    // Another worker may take this job over (a lost lock) and conclude "not found" settleMs after
    // startedAt: the request must have ended by then, so it may only start in the first half
    // (the client's timeout bounds the rest). Too late (a starved process): undo, nothing sent.
    if (now() - startedAt > settleMs / 2) {
      await redis.eval(UNCLAIM, 1, key, String(startedAt));
      return retrySafely(
        job,
        to,
        new Error(`the request could not start within ${settleMs / 2} ms of its attempt record`),
      );
    }

    try {
      // No await between the check above and the request leaving.
      const result = await client.send({ ...params, tag: job.id as string });
      await finish(job, to, { sent: true, messageId: result.messageId, reconciled: false });
      return { messageId: result.messageId, nbSms: result.nbSms, reconciled: false };
    } catch (error) {
      if (error instanceof DeadLetter || error instanceof DelayedError) throw error;
      if (error instanceof SmsPartnerValidationError) {
        await redis.hdel(key, 'startedAt');
        return deadLetter(job, to, 'rejected', error.message);
      }
      const status = error instanceof SmsPartnerApiError ? error.httpStatus : 0;
      if (error instanceof SmsPartnerApiError && (error.code === 429 || status === 429)) {
        // Refused, nothing queued: every worker pauses; the job waits without using a try.
        await redis.hdel(key, 'startedAt');
        await worker().rateLimit(pauseMs);
        throw Worker.RateLimitError();
      }
      if (error instanceof SmsPartnerApiError && OUTSIDE_WINDOW_CODES.has(error.code)) {
        await redis.hdel(key, 'startedAt');
        const slot = nextMarketingSlot(now() + 60_000, o.marketingWindow);
        return later(job, token, slot - now());
      }
      const safe =
        error instanceof SmsPartnerConnectionError ||
        (error instanceof SmsPartnerApiError && (status >= 500 || error.code === 500));
      if (safe) {
        await redis.hdel(key, 'startedAt');
        return retrySafely(job, to, error);
      }
      if (error instanceof SmsPartnerApiError) {
        await redis.hdel(key, 'startedAt');
        return deadLetter(job, to, 'rejected', error.message);
      }
      // SmsPartnerOutcomeUnknownError, or anything unexpected: the request may have left.
      const answered = httpStatusOf(error);
      if (answered !== undefined) await redis.hset(key, 'answered', String(answered));
      await publish('outcome-unknown', {
        id: job.id as string,
        to,
        reason:
          error instanceof SmsPartnerOutcomeUnknownError
            ? error.message
            : `unexpected: ${describe(error)}`,
      });
      return later(job, token, reconcileDelayMs);
    }
  }

  return {
    name,
    prefix,
    redis,
    emitter,
    process,
    workerOptions: {
      concurrency: o.concurrency ?? 10,
      ...(o.rateLimit ? { limiter: slidingLimiter(o.rateLimit.max, o.rateLimit.durationMs) } : {}),
      lockDuration: o.lockDurationMs ?? 30_000,
      stalledInterval: o.stalledIntervalMs ?? 30_000,
      // A stalled job is exactly the one that must be reconciled: never fail it for stalling.
      maxStalledCount: 1_000,
    },
    async close() {
      await producer.close();
      await connection.release();
    },
  };
}

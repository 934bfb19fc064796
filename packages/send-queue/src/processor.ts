import type { EventEmitter } from 'node:events';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JobData } from './job.js';
import type { SendWorkerOptions } from './options.js';
import type { SendQueueEventName, SendQueueEvents } from './types.js';
import { type SendJobResult, sendProcessor } from './worker.js';

/** What the processor needs of the BullMQ Worker running it: pausing every worker on a 429. */
export interface RateLimitable {
  rateLimit(expireTimeMs: number): Promise<void>;
}

/**
 * BullMQ Worker options the queue's guarantees rely on, from the processor's options: pass them
 * all to the Worker that runs `process` (with `connection` and `prefix`).
 */
export interface SendProcessorWorkerOptions {
  concurrency: number;
  /** The global rate limit (BullMQ's limiter, shaped into a sliding window); absent when unlimited. */
  limiter?: { max: number; duration: number };
  lockDuration: number;
  stalledInterval: number;
  /** High on purpose: a stalled job is reconciled by tag, never failed for stalling. */
  maxStalledCount: number;
}

/**
 * The worker's sending logic without a BullMQ Worker of its own, for a framework that creates the
 * Worker itself (the NestJS module runs it in an @nestjs/bullmq `WorkerHost`). Same rules as
 * `createSendWorker`: reconcile by tag, never send twice, rate limit, marketing window.
 */
export interface SendProcessor {
  /** Queue name and BullMQ prefix, from the options (defaults `smspartner-sends`, `bull`). */
  readonly name: string;
  readonly prefix: string;
  readonly workerOptions: SendProcessorWorkerOptions;
  /** The BullMQ processor function: `(job, token)`. */
  process(job: Job, token?: string): Promise<SendJobResult>;
  /** The events of the jobs this processor finishes (as `SendWorker.on`). */
  on<E extends SendQueueEventName>(event: E, listener: (payload: SendQueueEvents[E]) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  off<E extends SendQueueEventName>(
    event: E,
    listener: (payload: SendQueueEvents[E]) => void,
  ): this;
  off(event: 'error', listener: (error: Error) => void): this;
  /** Closes what the processor opened (its event publisher, its Redis connection if it made one). Close the Worker first. */
  close(): Promise<void>;
}

/** @internal What `sendProcessor` returns; createSendWorker also needs the connection. */
export interface SendProcessorCore {
  name: string;
  prefix: string;
  redis: Redis;
  emitter: EventEmitter;
  process(job: Job<JobData>, token?: string): Promise<SendJobResult>;
  workerOptions: SendProcessorWorkerOptions;
  close(): Promise<void>;
}

/**
 * `createSendWorker` without the Worker: run `process` in a BullMQ Worker you create, on the same
 * queue (`name`, `prefix`) and with `workerOptions`. `worker()` returns that Worker; it is read
 * only while a job runs.
 *
 * ```ts
 * const processor = createSendProcessor({ connection, client }, () => worker);
 * const worker = new Worker(processor.name, processor.process, {
 *   connection, prefix: processor.prefix, ...processor.workerOptions,
 * });
 * ```
 */
export function createSendProcessor(
  options: SendWorkerOptions,
  worker: () => RateLimitable,
): SendProcessor {
  const core = sendProcessor(options, 'createSendProcessor', worker);
  const api: SendProcessor = {
    name: core.name,
    prefix: core.prefix,
    workerOptions: core.workerOptions,
    process: (job, token) => core.process(job as Job<JobData>, token),
    on(event: string, listener: (payload: never) => void) {
      core.emitter.on(event, listener as (...args: unknown[]) => void);
      return api;
    },
    off(event: string, listener: (payload: never) => void) {
      core.emitter.off(event, listener as (...args: unknown[]) => void);
      return api;
    },
    close: () => core.close(),
  };
  return api;
}

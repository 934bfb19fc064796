import { Inject, Injectable, Optional } from '@nestjs/common';
import { type Credits, SmsPartnerConfigError } from '@smspartner-kit/core';
import type { Redis } from 'ioredis';
import { SMS_PARTNER_CLIENT } from '../constants.js';
import { SmsPartnerQueueConnection } from './connection.js';
import { SMS_PARTNER_QUEUE_CONNECTION } from './constants.js';
import type { SmsPartnerQueueModuleOptions } from './options.js';
import { SMS_PARTNER_QUEUE_MODULE_OPTIONS } from './queue.module-definition.js';
import { SmsPartnerQueueService } from './queue.service.js';

export interface SmsPartnerQueueHealthOptions {
  /**
   * Down when more jobs than this wait for a worker (waiting + prioritized; delayed jobs, such as
   * marketing held for the window, do not count). Default: not checked.
   */
  maxWaiting?: number;
  /**
   * Down when the account has fewer SMS credits than this (one `GET /me` per check, through the
   * worker's client or the global SmsPartnerModule's). Default: not checked. The provider's
   * availability then decides the answer: keep it off liveness probes.
   */
  minCredits?: number;
  /** Time allowed to each look-up (Redis, credits); beyond it the answer is down. Default 1,000 ms. */
  timeoutMs?: number;
}

/**
 * A @nestjs/terminus health indicator result: `{ [key]: { status, ...details } }`, as terminus's
 * own indicators return (`HealthCheckService.check()` takes it as is).
 */
export type SmsPartnerQueueHealthResult<Key extends string = string> = Record<
  Key,
  { status: 'up' | 'down'; message?: string; [detail: string]: unknown }
>;

interface CreditsClient {
  getCredits(): Promise<Credits>;
}

class TimeoutError extends Error {}

/** `promise`, or a TimeoutError after `ms` (the timer never keeps the process alive). */
function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what}: no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * True once the connection is up, waiting at most `ms` for a connection in progress (at boot);
 * false at once for one that was closed.
 */
function ready(redis: Redis, ms: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  if (redis.status === 'end' || redis.status === 'close') return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (up: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(up);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    timer.unref();
    redis.on('ready', onReady);
  });
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

function checkHealthOptions(options: SmsPartnerQueueHealthOptions): void {
  const issues: { field: string; message: string }[] = [];
  for (const field of ['maxWaiting', 'minCredits', 'timeoutMs'] as const) {
    const value: unknown = options[field];
    if (value === undefined) continue;
    const min = field === 'timeoutMs' ? 1 : 0;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
      issues.push({ field, message: `must be a number ≥ ${min}` });
    }
  }
  for (const field of Object.keys(options)) {
    if (!['maxWaiting', 'minCredits', 'timeoutMs'].includes(field)) {
      issues.push({ field, message: 'is not an option (maxWaiting, minCredits, timeoutMs)' });
    }
  }
  if (issues.length > 0) {
    throw new SmsPartnerConfigError(
      `Invalid SmsPartnerQueueHealthIndicator options: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
}

/**
 * Health of the send queue for @nestjs/terminus: Redis answers, the backlog is under a threshold,
 * the account has credits. Never hangs: every step (connecting, PING, counts, credits) has
 * `timeoutMs`, and a closed connection is down at once.
 *
 * ```ts
 * this.health.check([() => this.queueHealth.isHealthy('smsQueue', { maxWaiting: 10_000 })]);
 * ```
 */
@Injectable()
export class SmsPartnerQueueHealthIndicator {
  private readonly creditsClient: CreditsClient | undefined;

  constructor(
    @Inject(SMS_PARTNER_QUEUE_CONNECTION) private readonly connection: SmsPartnerQueueConnection,
    private readonly service: SmsPartnerQueueService,
    @Inject(SMS_PARTNER_QUEUE_MODULE_OPTIONS) options: SmsPartnerQueueModuleOptions,
    @Optional() @Inject(SMS_PARTNER_CLIENT) moduleClient?: CreditsClient,
  ) {
    const workerClient = options.worker ? (options.worker.client as unknown) : undefined;
    this.creditsClient =
      typeof (workerClient as Partial<CreditsClient> | undefined)?.getCredits === 'function'
        ? (workerClient as CreditsClient)
        : moduleClient;
  }

  async isHealthy<const Key extends string>(
    key: Key,
    options: SmsPartnerQueueHealthOptions = {},
  ): Promise<SmsPartnerQueueHealthResult<Key>> {
    checkHealthOptions(options);
    const timeoutMs = options.timeoutMs ?? 1000;
    const result = (status: 'up' | 'down', details: Record<string, unknown>) =>
      ({ [key]: { status, ...details } }) as SmsPartnerQueueHealthResult<Key>;

    const redis = this.connection.redis;
    if (!(await ready(redis, timeoutMs))) {
      return result('down', {
        redis: redis.status,
        message: `Redis is not connected (${redis.status})`,
      });
    }
    let counts: Record<string, number>;
    try {
      await within(timeoutMs, redis.ping(), 'Redis PING');
      counts = await within(timeoutMs, this.service.counts(), 'queue counts');
    } catch (error) {
      return result('down', { redis: 'down', message: describe(error) });
    }
    const waiting = (counts.waiting ?? 0) + (counts.prioritized ?? 0);
    const details: Record<string, unknown> = {
      redis: 'up',
      waiting,
      delayed: counts.delayed ?? 0,
      active: counts.active ?? 0,
      failed: counts.failed ?? 0,
    };
    if (options.maxWaiting !== undefined && waiting > options.maxWaiting) {
      return result('down', {
        ...details,
        message: `${waiting} sends waiting, more than maxWaiting (${options.maxWaiting})`,
      });
    }
    if (options.minCredits !== undefined) {
      if (!this.creditsClient) {
        throw new SmsPartnerConfigError(
          'SmsPartnerQueueHealthIndicator: minCredits needs a client to read the credits: register SmsPartnerModule with `isGlobal: true`, or give `worker.client` an SmsPartnerClient',
          [{ field: 'minCredits', message: 'needs a client with getCredits()' }],
        );
      }
      let credits: number;
      try {
        credits = (await within(timeoutMs, this.creditsClient.getCredits(), 'credits')).creditSms;
      } catch (error) {
        return result('down', { ...details, message: `credits unknown: ${describe(error)}` });
      }
      details.credits = credits;
      if (credits < options.minCredits) {
        return result('down', {
          ...details,
          message: `${credits} SMS credits left, fewer than minCredits (${options.minCredits})`,
        });
      }
    }
    return result('up', details);
  }
}

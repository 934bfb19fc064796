import { type FieldIssue, SmsPartnerConfigError } from '@smspartner-kit/core';
import { toFieldIssues } from '@smspartner-kit/core/internal';
import { z } from 'zod';
import type { SandboxLogger, SandboxOptions } from './types.js';

const MAX_TIMER_MS = 2 ** 31 - 1;

export const receiptShapeSchema = z.enum(['json', 'form', 'query', 'vonage']);
export const replyShapeSchema = z.enum(['json', 'form', 'query']);
export const faultTypeSchema = z.enum([
  'timeout',
  'reset',
  'http500',
  'http429',
  'garbled',
  'slow',
]);

/** Options of `startSandbox` (unknown keys are refused). */
export const sandboxOptionsSchema = z.strictObject({
  port: z.number().int().min(0).max(65535).optional(),
  host: z.string().min(1).optional(),
  apiKeys: z.array(z.string().min(1, 'an API key cannot be empty')).optional(),
  dlrDelayMs: z.number().int().min(0).max(MAX_TIMER_MS).optional(),
  price: z.number().min(0).max(1000).optional(),
  currency: z.string().min(1).max(10).optional(),
  credits: z.number().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  maxMessages: z.number().int().min(1).max(10_000_000).optional(),
  maxCallbacks: z.number().int().min(1).max(10_000_000).optional(),
  receiptShape: receiptShapeSchema.optional(),
  replyShape: replyShapeSchema.optional(),
  callbackRetries: z.number().int().min(0).max(20).optional(),
  callbackBackoffMs: z.number().int().min(0).max(600_000).optional(),
  callbackTimeoutMs: z.number().int().min(1).max(600_000).optional(),
  tagStatusPageSize: z.number().int().min(1).max(100_000).optional(),
  rateLimit: z.strictObject({ perSecond: z.number().int().min(1).max(1_000_000) }).optional(),
  maxTrackedKeys: z.number().int().min(1).max(100_000_000).optional(),
  maxStopList: z.number().int().min(1).max(100_000_000).optional(),
  headersTimeoutMs: z.number().int().min(1).max(600_000).optional(),
  bodyTimeoutMs: z.number().int().min(1).max(600_000).optional(),
  maxBodyBytes: z
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .optional(),
  logger: z
    .custom<SandboxLogger | false>(
      (value) => value === false || (typeof value === 'object' && value !== null),
      'must be an object with info/warn/error functions, or false',
    )
    .optional(),
  now: z
    .custom<() => number>((value) => typeof value === 'function', 'must be a function')
    .optional(),
});

/** Body of `POST /__sandbox/faults` and argument of `injectFault()`. */
export const faultSchema = z.strictObject({
  type: faultTypeSchema,
  count: z.number().int().min(1).max(100_000).default(1),
  delayMs: z.number().int().min(0).max(600_000).optional(),
});

/** Body of `POST /__sandbox/replies` and argument of `reply()`. */
export const replyInputSchema = z.strictObject({
  from: z.string().min(1),
  to: z.string().min(1).optional(),
  text: z.string().min(1).max(10_000),
  url: z.url({ protocol: /^https?$/ }).optional(),
});

export type Issue = FieldIssue;

export type ResolvedOptions = Required<Omit<SandboxOptions, 'apiKeys' | 'logger' | 'rateLimit'>> & {
  apiKeys: ReadonlySet<string> | undefined;
  rateLimit: { perSecond: number } | undefined;
  logger: SandboxLogger | undefined;
};

/** Validates and fills in defaults; throws SmsPartnerConfigError naming each bad field. */
export function resolveOptions(options: SandboxOptions = {}): ResolvedOptions {
  const parsed = sandboxOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issues = toFieldIssues(parsed.error);
    throw new SmsPartnerConfigError(
      `Invalid sandbox options: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  const o = parsed.data;
  const maxMessages = o.maxMessages ?? 10_000;
  return {
    port: o.port ?? 0,
    host: o.host ?? '127.0.0.1',
    apiKeys: o.apiKeys && o.apiKeys.length > 0 ? new Set(o.apiKeys) : undefined,
    dlrDelayMs: o.dlrDelayMs ?? 200,
    price: o.price ?? 0.038,
    currency: o.currency ?? 'EUR',
    credits: o.credits ?? 1_000_000,
    maxMessages,
    maxCallbacks: o.maxCallbacks ?? maxMessages,
    receiptShape: o.receiptShape ?? 'json',
    replyShape: o.replyShape ?? 'json',
    callbackRetries: o.callbackRetries ?? 3,
    callbackBackoffMs: o.callbackBackoffMs ?? 250,
    callbackTimeoutMs: o.callbackTimeoutMs ?? 5_000,
    tagStatusPageSize: o.tagStatusPageSize ?? 500,
    rateLimit: o.rateLimit,
    maxTrackedKeys: o.maxTrackedKeys ?? 1_000_000,
    maxStopList: o.maxStopList ?? 100_000,
    headersTimeoutMs: o.headersTimeoutMs ?? 10_000,
    bodyTimeoutMs: o.bodyTimeoutMs ?? 10_000,
    maxBodyBytes: o.maxBodyBytes ?? 1024 * 1024,
    logger: o.logger === false ? undefined : o.logger,
    now: o.now ?? Date.now,
  };
}

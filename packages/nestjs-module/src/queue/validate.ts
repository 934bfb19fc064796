import { SmsPartnerConfigError } from '@smspartner-kit/core';
import { parseConfigOptions } from '@smspartner-kit/core/internal';
import { z } from 'zod';
import type { SmsPartnerQueueModuleOptions } from './options.js';

/** Options of the queue and of its worker that the module sets once, at the top level. */
const SHARED = new Set(['connection', 'name', 'prefix', 'marketingWindow']);

const section = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  for (const key of Object.keys(value)) {
    if (!SHARED.has(key)) continue;
    ctx.addIssue({
      code: 'custom',
      path: [key],
      message:
        key === 'name'
          ? 'is set by SmsPartnerQueueModule.forRoot/forRootAsync({ name })'
          : `is set once, at the top level of the options (${key})`,
    });
  }
});

/**
 * The module's own keys. What each section holds is checked by @smspartner-kit/queue when the
 * queue and the worker are created (their errors name the fields under `queue.` / `worker.`).
 */
const moduleOptionsSchema = z.strictObject({
  connection: z.custom<NonNullable<unknown>>(
    (value) => value !== undefined && value !== null,
    'is required: a Redis URL, ioredis options or an ioredis instance',
  ),
  prefix: z.unknown().optional(),
  marketingWindow: z.unknown().optional(),
  queue: section.optional(),
  worker: z.union([z.literal(false), section]).optional(),
  events: z.enum(['worker', 'queue']).optional(),
});

export function checkQueueModuleOptions(options: unknown): SmsPartnerQueueModuleOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    const got = options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options;
    throw new SmsPartnerConfigError(
      `SmsPartnerQueueModule options must be an object, got ${got} (does the forRootAsync() factory return its options?)`,
      [{ field: '(options)', message: 'must be an object' }],
    );
  }
  parseConfigOptions(moduleOptionsSchema, options, 'SmsPartnerQueueModule');
  return options as SmsPartnerQueueModuleOptions;
}

/** Runs `build` (createSendQueue / createSendProcessor), naming its fields under `queue.` / `worker.`. */
export function underSection<T>(name: 'queue' | 'worker', build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (!(error instanceof SmsPartnerConfigError)) throw error;
    if (error.issues.length === 0) {
      throw new SmsPartnerConfigError(`Invalid SmsPartnerQueueModule options: ${error.message}`);
    }
    const issues = error.issues.map((issue) => ({
      field: SHARED.has(issue.field.split('.')[0] ?? '') ? issue.field : `${name}.${issue.field}`,
      message: issue.message,
    }));
    throw new SmsPartnerConfigError(
      `Invalid SmsPartnerQueueModule options: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
}

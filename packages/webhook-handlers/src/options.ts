import { SmsPartnerConfigError } from '@smspartner-kit/core';
import { z } from 'zod';
import { DEFAULT_MAX_ENTRIES, MemoryWebhookStore, type WebhookStore } from './store.js';
import type { Logger } from './types.js';

export const DEFAULT_PATH = '/webhooks/smspartner';
export const DEFAULT_TIMEOUT_MS = 5_000;
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
/** Receipts may come up to 48 h after sending; a retried callback is remembered that long. */
export const DEFAULT_DEDUPE_TTL_MS = 48 * 60 * 60 * 1000;
export const DEFAULT_REASSEMBLY_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_PENDING = 1_000;
export const DEFAULT_MAX_PENDING_BYTES = 1024 * 1024;

const positiveInt = z.number().int('must be a whole number').positive('must be > 0');

const storeSchema = z.custom<WebhookStore>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as WebhookStore).get === 'function' &&
    typeof (value as WebhookStore).set === 'function',
  'must have get(key) and set(key, value, ttlMs)',
);

const logMethod = z.custom<(...args: unknown[]) => void>(
  (value) => typeof value === 'function',
  'must be a function',
);

const loggerSchema = z.object({
  debug: logMethod.optional(),
  info: logMethod.optional(),
  warn: logMethod.optional(),
  error: logMethod.optional(),
});

const timeZoneSchema = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Europe/Paris');

/** Options of `createWebhooks`; unknown keys are refused (a typo must not silently disable a check). */
export const webhooksOptionsSchema = z.strictObject({
  secret: z.union([z.string().min(1, 'must not be empty'), z.literal(false)]).optional(),
  secrets: z.array(z.string().min(1, 'must not be empty')).min(1, 'must not be empty').optional(),
  dedupe: z
    .union([
      z.boolean(),
      z.strictObject({
        store: storeSchema.optional(),
        ttlMs: positiveInt.optional(),
        maxEntries: positiveInt.optional(),
      }),
    ])
    .optional(),
  reassemble: z
    .union([
      z.boolean(),
      z.strictObject({
        timeoutMs: positiveInt.optional(),
        maxPending: positiveInt.optional(),
        maxBytes: positiveInt.optional(),
      }),
    ])
    .optional(),
  timeoutMs: positiveInt.optional(),
  timeZone: timeZoneSchema.optional(),
  logger: loggerSchema.optional(),
  optOutKeywords: z.array(z.string().min(1)).min(1).optional(),
  maxBodyBytes: positiveInt.optional(),
  // Adapter keys (Nest's `webhooks: { path, controller }`): accepted here and ignored.
  path: z.string().optional(),
  controller: z.boolean().optional(),
});

export interface WebhooksOptions {
  /** The token expected in `?token=`. `false` disables verification (explicit, logged). */
  secret?: string | false;
  /** Several accepted tokens, for rotation (all are checked, in constant time). */
  secrets?: string[];
  /** Default on: an in-memory TTL + LRU store of 100,000 keys for 48 h. */
  dedupe?: boolean | { store?: WebhookStore; ttlMs?: number; maxEntries?: number };
  /** Default on: long replies joined by (from, concat-ref); 60 s time-out, 1,000 pending, 1 MiB. */
  reassemble?: boolean | { timeoutMs?: number; maxPending?: number; maxBytes?: number };
  /** Handlers still running after this answer 202 and go on. Default 5,000 ms. */
  timeoutMs?: number;
  /** Zone of dates without an offset. Default Europe/Paris. */
  timeZone?: string;
  logger?: Logger;
  /** Replaces the built-in STOP keyword list. */
  optOutKeywords?: string[];
  /** Largest accepted body. Default 64 kB (65,536 bytes). */
  maxBodyBytes?: number;
  /** Ignored here: read by the NestJS module / adapters. */
  path?: string;
  /** Ignored here: read by the NestJS module. */
  controller?: boolean;
}

export interface ResolvedOptions {
  secrets: string[] | false;
  dedupe: { store: WebhookStore; ttlMs: number } | false;
  reassemble: { timeoutMs: number; maxPending: number; maxBytes: number } | false;
  timeoutMs: number;
  timeZone: string | undefined;
  logger: Logger;
  optOutKeywords: string[] | undefined;
  maxBodyBytes: number;
}

/** Warnings and errors go to the console unless a logger is given; debug and info are silent. */
export const defaultLogger: Logger = {
  warn: (message, context) => console.warn(`[smspartner-webhooks] ${message}`, context ?? ''),
  error: (message, context) => console.error(`[smspartner-webhooks] ${message}`, context ?? ''),
};

/** zod issues → `{ field, message }`, looking inside unions (`dedupe: true | {…}`) for the branch that was meant. */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: PropertyKey[],
): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // The object branch is the one the caller meant when they passed an object.
      const branch =
        issue.errors.find((branchIssues) =>
          branchIssues.every((i) => i.path.length > 0 || i.code === 'unrecognized_keys'),
        ) ?? issue.errors[issue.errors.length - 1];
      if (branch && branch.length > 0) {
        out.push(...describeIssues(branch, path));
        continue;
      }
    }
    out.push({
      field: path.map(String).join('.') || 'options',
      message:
        issue.code === 'unrecognized_keys'
          ? `unknown option${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`
          : issue.message,
    });
  }
  return out;
}

export function resolveOptions(options: unknown): ResolvedOptions {
  const parsed = webhooksOptionsSchema.safeParse(options ?? {});
  if (!parsed.success) {
    const issues = describeIssues(parsed.error.issues, []);
    throw new SmsPartnerConfigError(
      `Invalid webhooks options: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  const o = parsed.data;
  // The caller's own object, not zod's copy: logger methods may rely on `this` (pino, winston).
  const logger: Logger = o.logger ? (options as { logger: Logger }).logger : defaultLogger;
  let secrets: string[] | false;
  if (o.secret === false) {
    if (o.secrets) {
      throw new SmsPartnerConfigError(
        'Invalid webhooks options: secret: false contradicts secrets',
        [{ field: 'secret', message: 'false cannot be combined with secrets' }],
      );
    }
    secrets = false;
    logger.warn?.('token verification is disabled (secret: false): anyone can post callbacks');
  } else {
    secrets = [...(o.secret ? [o.secret] : []), ...(o.secrets ?? [])];
    if (secrets.length === 0) {
      throw new SmsPartnerConfigError(
        'Invalid webhooks options: secret is required (or secrets: [...] for rotation; secret: false to disable verification explicitly)',
        [{ field: 'secret', message: 'is required' }],
      );
    }
  }
  const dedupeOption = o.dedupe ?? true;
  const dedupe =
    dedupeOption === false
      ? false
      : {
          store:
            (dedupeOption === true ? undefined : dedupeOption.store) ??
            new MemoryWebhookStore({
              maxEntries:
                (dedupeOption === true ? undefined : dedupeOption.maxEntries) ??
                DEFAULT_MAX_ENTRIES,
            }),
          ttlMs: (dedupeOption === true ? undefined : dedupeOption.ttlMs) ?? DEFAULT_DEDUPE_TTL_MS,
        };
  const reassembleOption = o.reassemble ?? true;
  const reassemble =
    reassembleOption === false
      ? false
      : {
          timeoutMs:
            (reassembleOption === true ? undefined : reassembleOption.timeoutMs) ??
            DEFAULT_REASSEMBLY_TIMEOUT_MS,
          maxPending:
            (reassembleOption === true ? undefined : reassembleOption.maxPending) ??
            DEFAULT_MAX_PENDING,
          maxBytes:
            (reassembleOption === true ? undefined : reassembleOption.maxBytes) ??
            DEFAULT_MAX_PENDING_BYTES,
        };
  return {
    secrets,
    dedupe,
    reassemble,
    timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    timeZone: o.timeZone,
    logger,
    optOutKeywords: o.optOutKeywords,
    maxBodyBytes: o.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
  };
}

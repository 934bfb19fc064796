import { SmsPartnerConfigError } from '@smspartner-kit/core';
import { toFieldIssues } from '@smspartner-kit/core/internal';
import { z } from 'zod';
import type { Logger, ReassemblyStore, WebhookStore } from '../types.js';
import { MemoryReassemblyStore, MemoryWebhookStore } from './memory-stores.js';

const positiveInt = z.number().int('must be a whole number').positive('must be > 0');

function hasMethods<T>(names: string[]) {
  return z.custom<T>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      names.every((name) => typeof (value as Record<string, unknown>)[name] === 'function'),
    `must have the methods ${names.join(', ')}`,
  );
}

const logMethod = z.custom<(...args: unknown[]) => void>((v) => typeof v === 'function', {
  message: 'must be a function',
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
        store: hasMethods<WebhookStore>(['claim', 'release']).optional(),
        ttlMs: positiveInt.optional(),
        maxEntries: positiveInt.optional(),
      }),
    ])
    .optional(),
  reassemble: z
    .union([
      z.boolean(),
      z.strictObject({
        store: hasMethods<ReassemblyStore>(['addPart', 'takeExpired']).optional(),
        timeoutMs: positiveInt.optional(),
        maxPending: positiveInt.optional(),
        maxBytes: positiveInt.optional(),
      }),
    ])
    .optional(),
  timeZone: timeZoneSchema.optional(),
  logger: z
    .object({
      debug: logMethod.optional(),
      info: logMethod.optional(),
      warn: logMethod.optional(),
      error: logMethod.optional(),
    })
    .optional(),
  optOutKeywords: z.array(z.string().min(1)).min(1).optional(),
});

export interface WebhooksOptions {
  /** The token expected in `?token=`. `false` disables verification (explicit, logged). */
  secret?: string | false;
  /** Several accepted tokens, for rotation. */
  secrets?: string[];
  /** Default on: an in-memory store of 100,000 claims for 48 h. `{ store }` to share it (Redis, SQL). */
  dedupe?: boolean | { store?: WebhookStore; ttlMs?: number; maxEntries?: number };
  /** Default on: long replies joined by (sender, concat-ref); 60 s time-out, 1,000 pending, 1 MiB. */
  reassemble?:
    | boolean
    | { store?: ReassemblyStore; timeoutMs?: number; maxPending?: number; maxBytes?: number };
  /** Zone of dates without an offset. Default Europe/Paris. */
  timeZone?: string;
  logger?: Logger;
  /** Replaces the built-in STOP keyword list. */
  optOutKeywords?: string[];
}

export interface ResolvedOptions {
  secrets: string[] | false;
  dedupe: { store: WebhookStore; ttlMs: number } | false;
  reassemble: { store: ReassemblyStore; timeoutMs: number } | false;
  timeZone: string | undefined;
  logger: Logger;
  optOutKeywords: string[] | undefined;
}

/** Receipts may come up to 48 h after sending: a retried callback is remembered that long. */
const DEDUPE_TTL_MS = 48 * 60 * 60 * 1000;
const REASSEMBLY_TIMEOUT_MS = 60_000;

/** Warnings and errors go to the console unless a logger is given; debug and info are silent. */
const consoleLogger: Logger = {
  warn: (message, context) => console.warn(`[smspartner-webhooks] ${message}`, context ?? ''),
  error: (message, context) => console.error(`[smspartner-webhooks] ${message}`, context ?? ''),
};

/** zod issues with the union branch the caller meant (an object → the object branch) opened up. */
function openUnions(
  issues: readonly z.core.$ZodIssue[],
  prefix: PropertyKey[],
): z.core.$ZodIssue[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const meant =
        issue.errors.find((branch) =>
          branch.every((i) => i.path.length > 0 || i.code === 'unrecognized_keys'),
        ) ?? issue.errors[issue.errors.length - 1];
      if (meant && meant.length > 0) return openUnions(meant, path);
    }
    return [{ ...issue, path }];
  });
}

function configError(issues: { field: string; message: string }[]): SmsPartnerConfigError {
  return new SmsPartnerConfigError(
    `Invalid webhooks options: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
    issues,
  );
}

/** @throws SmsPartnerConfigError naming each bad field (unknown keys with a "did you mean"). */
export function resolveOptions(options: unknown): ResolvedOptions {
  const parsed = webhooksOptionsSchema.safeParse(options ?? {});
  if (!parsed.success) {
    const issues = new z.ZodError(openUnions(parsed.error.issues, []));
    throw configError(toFieldIssues(issues, Object.keys(webhooksOptionsSchema.shape)));
  }
  const o = parsed.data;
  // The caller's own object, not zod's copy: logger methods may rely on `this` (pino, winston).
  const logger = o.logger ? (options as { logger: Logger }).logger : consoleLogger;
  let secrets: string[] | false = [...(o.secret ? [o.secret] : []), ...(o.secrets ?? [])];
  if (o.secret === false) {
    if (o.secrets)
      throw configError([{ field: 'secret', message: 'false cannot be combined with secrets' }]);
    secrets = false;
    logger.warn?.('token verification is disabled (secret: false): anyone can post callbacks');
  } else if (secrets.length === 0) {
    throw configError([
      {
        field: 'secret',
        message:
          'is required (or secrets: [...] for rotation; secret: false to disable verification explicitly)',
      },
    ]);
  }
  const dedupe = o.dedupe === false ? false : o.dedupe === true ? {} : (o.dedupe ?? {});
  const reassemble =
    o.reassemble === false ? false : o.reassemble === true ? {} : (o.reassemble ?? {});
  return {
    secrets,
    dedupe: dedupe && {
      store: dedupe.store ?? new MemoryWebhookStore({ maxEntries: dedupe.maxEntries }),
      ttlMs: dedupe.ttlMs ?? DEDUPE_TTL_MS,
    },
    reassemble: reassemble && {
      store: reassemble.store ?? new MemoryReassemblyStore(reassemble),
      timeoutMs: reassemble.timeoutMs ?? REASSEMBLY_TIMEOUT_MS,
    },
    timeZone: o.timeZone,
    logger,
    optOutKeywords: o.optOutKeywords,
  };
}

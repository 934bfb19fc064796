import { z } from 'zod';
import { type FieldIssue, SmsPartnerConfigError } from './errors.js';
import { phoneNumberSchema } from './phone.js';
import { countSegments, SMS_PARTNER_MAX_PARTS } from './segments/index.js';
import { describeParisTime } from './time.js';

export const DEFAULT_BASE_URL = 'https://api.smspartner.fr/v1';
const FIVE_MINUTES = 300_000;

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

const httpUrlSchema = (field: string) =>
  z.string().refine(isHttpUrl, { message: `${field} must be an absolute http:// or https:// URL` });

/** ≤ 20 characters, no whitespace, no uppercase (SMS Partner's rule). */
export const tagSchema = z.string().superRefine((tag, ctx) => {
  if (tag === '') ctx.addIssue({ code: 'custom', message: 'tag must not be empty (omit it)' });
  if ([...tag].length > 20) {
    ctx.addIssue({
      code: 'custom',
      message: `tag must be at most 20 characters (got ${[...tag].length})`,
    });
  }
  if (/\s/.test(tag)) ctx.addIssue({ code: 'custom', message: 'tag must not contain spaces' });
  if (tag !== tag.toLowerCase()) ctx.addIssue({ code: 'custom', message: 'tag must be lowercase' });
});

/** Non-empty, and at most 10 parts once SMS Partner's character replacements are applied. */
export const messageSchema = z.string().superRefine((message, ctx) => {
  if (message.trim() === '') {
    ctx.addIssue({ code: 'custom', message: 'message must not be empty' });
    return;
  }
  const count = countSegments(message, { replacements: 'smspartner' });
  if (count.units === 0) {
    ctx.addIssue({
      code: 'custom',
      message: "message is empty after SMS Partner's character replacements",
    });
  } else if (count.segments > SMS_PARTNER_MAX_PARTS) {
    ctx.addIssue({
      code: 'custom',
      message: `message needs ${count.segments} parts (${count.encoding}, ${count.units} units after SMS Partner's replacements); the limit is ${SMS_PARTNER_MAX_PARTS}`,
    });
  }
});

/**
 * A future instant on a 5-minute step (Paris is a whole number of hours from UTC, so a UTC
 * 5-minute step is a Paris one). Checked against the clock at validation time.
 */
export const scheduledAtSchema = z.date().superRefine((date, ctx) => {
  const t = date.getTime();
  const now = Date.now();
  const floor = Math.floor(t / FIVE_MINUTES) * FIVE_MINUTES;
  const earliest = new Date(Math.floor(now / FIVE_MINUTES) * FIVE_MINUTES + FIVE_MINUTES);
  if (t <= now) {
    ctx.addIssue({
      code: 'custom',
      message: `scheduledAt (${describeParisTime(date)}) is in the past; the earliest valid time is ${describeParisTime(earliest)}`,
    });
  } else if (t !== floor) {
    const candidates = [floor, floor + FIVE_MINUTES].filter((c) => c > now);
    ctx.addIssue({
      code: 'custom',
      message: `scheduledAt must fall on a 5-minute step with 0 seconds; nearest valid times: ${candidates.map((c) => describeParisTime(new Date(c))).join(' or ')}`,
    });
  }
});

export const formatSchema = z.enum(['json', 'xml']);

export const sendParamsSchema = z
  .strictObject({
    to: phoneNumberSchema,
    from: phoneNumberSchema,
    message: messageSchema,
    tag: tagSchema.optional(),
    isStopSms: z.boolean().optional(),
    urlResponse: httpUrlSchema('urlResponse').optional(),
    urlDlr: httpUrlSchema('urlDlr').optional(),
    sandbox: z.boolean().optional(),
    scheduledAt: scheduledAtSchema.optional(),
    format: formatSchema.optional(),
  })
  .superRefine((params, ctx) => {
    // The provider appends the STOP mention before splitting: the 10-part limit includes it.
    if (!params.isStopSms) return;
    const count = countSegments(params.message, { isStopSms: true });
    if (count.segments > SMS_PARTNER_MAX_PARTS) {
      ctx.addIssue({
        code: 'custom',
        path: ['message'],
        message: `message needs ${count.segments} parts with the STOP mention (isStopSms); the limit is ${SMS_PARTNER_MAX_PARTS}`,
      });
    }
  });

export interface SendParams {
  to: string;
  from: string;
  message: string;
  tag?: string;
  isStopSms?: boolean;
  urlResponse?: string;
  urlDlr?: string;
  sandbox?: boolean;
  scheduledAt?: Date;
  format?: 'json' | 'xml';
}

export const retryOptionsSchema = z.union([
  z.literal(false),
  z.strictObject({
    retries: z.number().int().min(0).max(10).optional(),
    minDelayMs: z.number().int().min(0).max(60_000).optional(),
    maxDelayMs: z.number().int().min(0).max(300_000).optional(),
  }),
]);

export const clientOptionsSchema = z.strictObject({
  apiKey: z.string().min(1, 'apiKey must not be empty').optional(),
  baseUrl: httpUrlSchema('baseUrl').optional(),
  timeoutMs: z.number().int().min(1).max(600_000).optional(),
  format: formatSchema.optional(),
  sandbox: z.boolean().optional(),
  fetch: z
    .custom<typeof fetch>((value) => typeof value === 'function', 'fetch must be a function')
    .optional(),
  retry: retryOptionsSchema.optional(),
  userAgent: z
    .string()
    .max(200)
    .refine((value) => !/[\r\n]/.test(value), 'userAgent must not contain line breaks')
    .optional(),
  from: phoneNumberSchema.optional(),
});

export interface RetryOptions {
  /** Extra attempts after the first (default 2, max 10). */
  retries?: number;
  /** Base of the exponential backoff (default 250 ms). */
  minDelayMs?: number;
  /** Cap of one backoff delay, and the longest `Retry-After` honoured (default 5000 ms). */
  maxDelayMs?: number;
}

export interface SmsPartnerClientOptions {
  apiKey?: string;
  baseUrl?: string;
  timeoutMs?: number;
  format?: 'json' | 'xml';
  sandbox?: boolean;
  fetch?: typeof fetch;
  retry?: RetryOptions | false;
  userAgent?: string;
  /** Default sender (your virtual number) for `send()` calls that omit `from`. */
  from?: string;
}

function closestKey(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  return (
    known.find((k) => k.toLowerCase() === lower) ??
    known.find((k) => lower.length >= 3 && k.toLowerCase().startsWith(lower))
  );
}

/** zod issues → `{ field, message }`, with unknown keys named (and a "did you mean" hint). */
export function toFieldIssues(error: z.ZodError, knownKeys: readonly string[] = []): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const hint = closestKey(key, knownKeys);
        out.push({
          field: [...issue.path.map(String), key].join('.'),
          message: `unknown field ${JSON.stringify(key)}${hint ? `; did you mean ${JSON.stringify(hint)}?` : ''}`,
        });
      }
      continue;
    }
    const field = issue.path.map(String).join('.');
    const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
    out.push({ field, message: missing ? `${field || 'value'} is required` : issue.message });
  }
  return out;
}

/**
 * Options read with a zod object schema: the parsed data, or `SmsPartnerConfigError` naming each
 * field and rule (`Invalid ${what} options: field: rule; …`, unknown keys with a hint).
 */
export function parseConfigOptions<T extends z.ZodObject>(
  schema: T,
  options: unknown,
  what: string,
): z.output<T> {
  const parsed = schema.safeParse(options);
  if (parsed.success) return parsed.data;
  const issues = toFieldIssues(parsed.error, Object.keys(schema.shape));
  throw new SmsPartnerConfigError(
    `Invalid ${what} options: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
    issues,
  );
}

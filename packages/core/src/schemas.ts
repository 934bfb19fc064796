import type * as Z from 'zod/mini';
import { type FieldIssue, SmsPartnerConfigError, SmsPartnerValidationError } from './errors.js';
import { lazySchema } from './lazy-schema.js';
import { phoneNumberSchema } from './phone.js';
import { countSegments, SMS_PARTNER_MAX_PARTS } from './segments/index.js';
import { describeParisTime } from './time.js';
import { expected, z } from './zod.js';

export const DEFAULT_BASE_URL = 'https://api.smspartner.fr/v1';
const FIVE_MINUTES = 300_000;

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

const httpUrlSchema = () =>
  z
    .string(expected('a string'))
    .check(z.refine(isHttpUrl, 'must be an absolute http:// or https:// URL'));

const wholeNumber = (min: number, max: number) =>
  z
    .number(expected('a number'))
    .check(
      z.refine(Number.isInteger, 'must be a whole number'),
      z.gte(min, `must be at least ${min}`),
      z.lte(max, `must be at most ${max}`),
    );

/** Index of the first U+0000 or lone UTF-16 surrogate, with what it is; undefined when clean. */
function unsendable(text: string): string | undefined {
  const found =
    /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.exec(text);
  if (!found) return undefined;
  const at = `at index ${found.index}`;
  return found[0] === '\u0000'
    ? `must not contain U+0000 (NUL, ${at}): it cannot be sent or stored`
    : `must not contain a lone UTF-16 surrogate (U+${found[0].charCodeAt(0).toString(16).toUpperCase()} ${at}, half of an emoji?): it would be sent as U+FFFD`;
}

/** ≤ 20 characters, no whitespace, no uppercase (SMS Partner's rule), no U+0000 or lone surrogate. */
export const tagSchema = lazySchema(() =>
  z.string(expected('a string')).check(
    z.superRefine((tag, ctx) => {
      const issue = (message: string) => ctx.addIssue({ code: 'custom', message, input: tag });
      if (tag === '') issue('must not be empty (omit it)');
      const bad = unsendable(tag);
      if (bad) issue(bad);
      if ([...tag].length > 20) issue(`must be at most 20 characters (got ${[...tag].length})`);
      if (/\s/.test(tag)) issue('must not contain spaces');
      if (tag !== tag.toLowerCase()) issue('must be lowercase');
    }),
  ),
);

/**
 * Non-empty, no U+0000 and no lone UTF-16 surrogate (neither can be sent faithfully), and at most
 * 10 parts once SMS Partner's character replacements are applied.
 */
export const messageSchema = lazySchema(() =>
  z.string(expected('a string')).check(
    z.superRefine((message, ctx) => {
      const issue = (text: string) =>
        ctx.addIssue({ code: 'custom', message: text, input: message });
      const bad = unsendable(message);
      if (bad) return issue(bad);
      if (message.trim() === '') return issue('must not be empty');
      const count = countSegments(message, { replacements: 'smspartner' });
      if (count.units === 0) {
        issue("is empty after SMS Partner's character replacements");
      } else if (count.segments > SMS_PARTNER_MAX_PARTS) {
        issue(
          `needs ${count.segments} parts (${count.encoding}, ${count.units} units after SMS Partner's replacements); the limit is ${SMS_PARTNER_MAX_PARTS}`,
        );
      }
    }),
  ),
);

/**
 * A future instant on a 5-minute step (Paris is a whole number of hours from UTC, so a UTC
 * 5-minute step is a Paris one). Checked against the clock at validation time.
 */
export const scheduledAtSchema = lazySchema(() =>
  z.date(expected('a date')).check(
    z.superRefine((date, ctx) => {
      const t = date.getTime();
      const now = Date.now();
      const floor = Math.floor(t / FIVE_MINUTES) * FIVE_MINUTES;
      const earliest = new Date(Math.floor(now / FIVE_MINUTES) * FIVE_MINUTES + FIVE_MINUTES);
      if (t <= now) {
        ctx.addIssue({
          code: 'custom',
          input: date,
          message: `${describeParisTime(date)} is in the past; the earliest valid time is ${describeParisTime(earliest)}`,
        });
      } else if (t !== floor) {
        const candidates = [floor, floor + FIVE_MINUTES].filter((c) => c > now);
        ctx.addIssue({
          code: 'custom',
          input: date,
          message: `must fall on a 5-minute step with 0 seconds; nearest valid times: ${candidates.map((c) => describeParisTime(new Date(c))).join(' or ')}`,
        });
      }
    }),
  ),
);

export const formatSchema = lazySchema(() => z.enum(['json', 'xml'], expected("'json' or 'xml'")));

const flag = () => z.optional(z.boolean(expected('a boolean')));

export const sendParamsSchema = lazySchema(() =>
  z
    .strictObject({
      to: phoneNumberSchema,
      from: phoneNumberSchema,
      message: messageSchema,
      tag: z.optional(tagSchema),
      isStopSms: flag(),
      urlResponse: z.optional(httpUrlSchema()),
      urlDlr: z.optional(httpUrlSchema()),
      sandbox: flag(),
      scheduledAt: z.optional(scheduledAtSchema),
      format: z.optional(formatSchema),
    })
    .check(
      z.superRefine((params, ctx) => {
        // The provider appends the STOP mention before splitting: the 10-part limit includes it.
        if (!params.isStopSms) return;
        const count = countSegments(params.message, { isStopSms: true });
        if (count.segments > SMS_PARTNER_MAX_PARTS) {
          ctx.addIssue({
            code: 'custom',
            path: ['message'],
            input: params.message,
            message: `needs ${count.segments} parts with the STOP mention (isStopSms); the limit is ${SMS_PARTNER_MAX_PARTS}`,
          });
        }
      }),
    ),
);

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

export const retryOptionsSchema = lazySchema(() =>
  z.union(
    [
      z.literal(false),
      z.strictObject({
        retries: z.optional(wholeNumber(0, 10)),
        minDelayMs: z.optional(wholeNumber(0, 60_000)),
        maxDelayMs: z.optional(wholeNumber(0, 300_000)),
      }),
    ],
    expected('false or { retries?, minDelayMs?, maxDelayMs? }'),
  ),
);

export const clientOptionsSchema = lazySchema(() =>
  z.strictObject({
    apiKey: z.optional(z.string(expected('a string')).check(z.minLength(1, 'must not be empty'))),
    baseUrl: z.optional(httpUrlSchema()),
    timeoutMs: z.optional(wholeNumber(1, 600_000)),
    format: z.optional(formatSchema),
    sandbox: flag(),
    fetch: z.optional(
      z.custom<typeof fetch>((value) => typeof value === 'function', 'must be a function'),
    ),
    retry: z.optional(retryOptionsSchema),
    userAgent: z.optional(
      z.string(expected('a string')).check(
        z.maxLength(200, 'must be at most 200 characters'),
        z.refine((value) => !/[\r\n]/.test(value), 'must not contain line breaks'),
      ),
    ),
    from: z.optional(phoneNumberSchema),
  }),
);

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
export function toFieldIssues(
  error: { issues: readonly Z.core.$ZodIssue[] },
  knownKeys: readonly string[] = [],
): FieldIssue[] {
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
    // zod's English messages (the siblings' classic zod): "…, received undefined".
    const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
    out.push({ field, message: missing ? 'is required' : issue.message });
  }
  return out;
}

/**
 * `schema`'s output, or SmsPartnerValidationError (`context`) naming each field, under `field`
 * when given, and the rule it broke.
 */
export function validate<T>(
  schema: Z.ZodMiniType<T, unknown>,
  value: unknown,
  field: string,
  context: string,
): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const shape = (schema as { shape?: object }).shape;
  const issues = toFieldIssues(parsed.error, shape && Object.keys(shape)).map((issue) => ({
    field: [field, issue.field].filter(Boolean).join('.'),
    message: issue.message,
  }));
  throw new SmsPartnerValidationError(issues, context);
}

type SafeParse = (
  value: unknown,
) =>
  | { success: true; data: unknown }
  | { success: false; error: { issues: readonly Z.core.$ZodIssue[] } };

/**
 * Options read with a zod object schema (zod or zod/mini): the parsed data, or
 * `SmsPartnerConfigError` naming each field and rule (`Invalid ${what} options: field: rule; …`,
 * unknown keys with a hint).
 */
export function parseConfigOptions<T extends Z.core.$ZodObject>(
  schema: T,
  options: unknown,
  what: string,
): Z.core.output<T> {
  // The schema's own safeParse: its messages come from its own zod (a sibling's may be classic).
  const parsed = (schema as unknown as { safeParse: SafeParse }).safeParse(options);
  if (parsed.success) return parsed.data as Z.core.output<T>;
  const issues = toFieldIssues(parsed.error, Object.keys(schema._zod.def.shape));
  throw new SmsPartnerConfigError(
    `Invalid ${what} options: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
    issues,
  );
}

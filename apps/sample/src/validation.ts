import {
  messageSchema,
  phoneNumberSchema,
  SmsPartnerValidationError,
  tagSchema,
} from '@smspartner-kit/core';
import { toFieldIssues } from '@smspartner-kit/core/internal';
import { z } from 'zod';

/** Parses request input; any problem becomes core's validation error (→ 400 with field issues). */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw new SmsPartnerValidationError(
    toFieldIssues(result.error, schema instanceof z.ZodObject ? Object.keys(schema.shape) : []),
    'Invalid request',
  );
}

/**
 * Text the database can store exactly: PostgreSQL refuses NUL in text (the SMS would leave, then
 * the insert would fail), and a lone surrogate would be stored as U+FFFD.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const storableText = (field: string) =>
  z.string({ error: `${field} is required` }).superRefine((value, ctx) => {
    if (value.includes('\u0000')) {
      ctx.addIssue({ code: 'custom', message: `${field} must not contain NUL (U+0000)` });
    }
    if (LONE_SURROGATE.test(value)) {
      ctx.addIssue({
        code: 'custom',
        message: `${field} contains a lone surrogate (half of an emoji or other character)`,
      });
    }
  });

/**
 * Each send goes out under a tag of its own, `<your tag>-<8 characters>`, so that a send whose
 * answer was lost can be found again by tag; your part is at most 11 characters (SMS Partner: 20).
 */
export const USER_TAG_MAX = 11;

/** Body of `POST /api/messages`: the rules (number, length, tag…) are core's. */
export const sendMessageBodySchema = z.strictObject({
  to: storableText('to').pipe(phoneNumberSchema),
  message: storableText('message').pipe(messageSchema),
  tag: storableText('tag')
    .pipe(tagSchema)
    .refine((tag) => [...tag].length <= USER_TAG_MAX, {
      message: `tag must be at most ${USER_TAG_MAX} characters (the app adds a unique suffix to find each send again)`,
    })
    .optional(),
  isStopSms: z.boolean().optional(),
  scheduledAt: z.iso
    .datetime({ offset: true, error: 'must be an ISO date-time, e.g. 2030-01-31T09:00:00Z' })
    .transform((value) => new Date(value))
    .optional(),
});

/** Body of `POST /api/sandbox/replies`. */
export const sandboxReplyBodySchema = z.strictObject({
  from: storableText('from').pipe(z.string().min(1, 'is required')),
  text: storableText('text').pipe(
    z.string().min(1, 'is required').max(1600, 'at most 1600 characters'),
  ),
});

/** A provider message id as the API accepts it in a path (anything else is a 400, not a query). */
export const messageIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'messageId must be 1 to 64 letters, digits, _ or -');

/** Query of `GET /api/opt-outs`. */
export const optOutsQuerySchema = z.strictObject({
  limit: z
    .string()
    .regex(/^\d+$/, 'limit must be a whole number')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 500, 'limit must be 1 to 500')
    .optional(),
  cursor: z.string().max(200, 'cursor is not one this API returned').optional(),
});

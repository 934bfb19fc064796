import { SmsPartnerValidationError, toFieldIssues } from '@smspartner-kit/core';
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

/** Body of `POST /api/messages`: types here; the rules (number, length, tag…) are core's. */
export const sendMessageBodySchema = z.strictObject({
  to: z.string({ error: 'is required' }),
  message: z.string({ error: 'is required' }),
  tag: z.string().optional(),
  isStopSms: z.boolean().optional(),
  scheduledAt: z.iso
    .datetime({ offset: true, error: 'must be an ISO date-time, e.g. 2030-01-31T09:00:00Z' })
    .transform((value) => new Date(value))
    .optional(),
});

/** Body of `POST /api/sandbox/replies`. */
export const sandboxReplyBodySchema = z.strictObject({
  from: z.string({ error: 'is required' }).min(1, 'is required'),
  text: z
    .string({ error: 'is required' })
    .min(1, 'is required')
    .max(1600, 'at most 1600 characters'),
});

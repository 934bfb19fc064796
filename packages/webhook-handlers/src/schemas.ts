import { normalizePhoneNumber } from '@smspartner-kit/core';
import { z } from 'zod';

/** Provider ids: numbers (`307`) or strings (`'a1b2c3d4-…'`); always strings once read. */
export const MESSAGE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

const scalar = z.union([z.string(), z.number(), z.boolean()], {
  error: 'must be a string or a number',
});

/** A scalar read as trimmed text of at most `max` characters. */
export function scalarText(max: number) {
  return scalar
    .transform((value) => String(value).trim())
    .refine((value) => value.length <= max, `is longer than ${max} characters`);
}

export const messageIdSchema = z
  .union([z.string(), z.number()], { error: 'must be a string or a number' })
  .transform((value, ctx) => {
    const text =
      typeof value === 'number'
        ? Number.isSafeInteger(value) && value >= 0
          ? String(value)
          : ''
        : value.trim();
    if (!MESSAGE_ID_PATTERN.test(text)) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be 1–128 letters, digits, dots, colons, underscores or dashes',
      });
      return z.NEVER;
    }
    return text;
  });

/** A phone number in any form core accepts → international digits without `+`. */
export const callbackPhoneSchema = z
  .union([z.string(), z.number()], { error: 'must be a string or a number' })
  .transform((value, ctx) => {
    try {
      return normalizePhoneNumber(String(value), 'phoneNumber');
    } catch (error) {
      const issues = (error as { issues?: { message?: unknown }[] }).issues;
      const message = issues?.[0]?.message;
      ctx.addIssue({
        code: 'custom',
        message: typeof message === 'string' ? message : 'is not a valid phone number',
      });
      return z.NEVER;
    }
  });

const dateValue = z.union([z.string().max(64, 'is longer than 64 characters'), z.number()], {
  error: 'must be a date string or epoch seconds',
});

const smallCount = z
  .union(
    [
      z.number(),
      z
        .string()
        .trim()
        .regex(/^\d{1,3}$/, 'must be a whole number'),
    ],
    {
      error: 'must be a whole number',
    },
  )
  .transform(Number)
  .pipe(z.number().int('must be a whole number').min(1, 'must be ≥ 1').max(255, 'must be ≤ 255'));

const flag = scalar.transform((value) => /^(true|1|yes|on)$/i.test(String(value).trim()));

/**
 * The fields of a delivery receipt, under our names, after aliases are resolved (`message_id`,
 * `msgid` → `messageId`; `number`, `msisdn` → `phoneNumber`; `statut` → `status`; `err-code` →
 * `errorCode`…). Input values are what the provider sends (strings or JSON scalars).
 */
export const deliveryReceiptFieldsSchema = z.object({
  messageId: messageIdSchema,
  phoneNumber: callbackPhoneSchema,
  status: scalarText(64).optional(),
  errorCode: scalarText(64).optional(),
  date: dateValue.optional(),
  scts: dateValue.optional(),
  messageTimestamp: dateValue.optional(),
  tag: scalarText(64).optional(),
});
export type DeliveryReceiptFields = z.output<typeof deliveryReceiptFieldsSchema>;

/** The fields of a reply (`msisdn`, `to`, `messageId`, `text`, `keyword`, `message-timestamp`, `concat*`, `type`). */
export const inboundMessageFieldsSchema = z
  .object({
    messageId: messageIdSchema,
    from: callbackPhoneSchema,
    to: callbackPhoneSchema.optional(),
    text: scalar
      .transform((value) => String(value))
      .refine((value) => value.length <= 10_000, 'is longer than 10000 characters')
      .optional(),
    keyword: scalarText(160).optional(),
    type: scalarText(32).optional(),
    receivedAt: dateValue.optional(),
    concat: flag.optional(),
    concatRef: scalarText(64).optional(),
    concatTotal: smallCount.optional(),
    concatPart: smallCount.optional(),
  })
  .superRefine((fields, ctx) => {
    const anyConcat =
      fields.concat === true ||
      fields.concatRef !== undefined ||
      fields.concatTotal !== undefined ||
      fields.concatPart !== undefined;
    if (!anyConcat || fields.concat === false) return;
    for (const key of ['concatRef', 'concatTotal', 'concatPart'] as const) {
      if (fields[key] === undefined || fields[key] === '') {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: 'is required for a concatenated part',
        });
      }
    }
    if (
      fields.concatTotal !== undefined &&
      fields.concatPart !== undefined &&
      fields.concatPart > fields.concatTotal
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['concatPart'],
        message: 'is greater than concat-total',
      });
    }
  });
export type InboundMessageFields = z.output<typeof inboundMessageFieldsSchema>;

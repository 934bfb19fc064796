import { detectOptOut, type FieldIssue, normalizeDeliveryStatus } from '@smspartner-kit/core';
import { parseProviderDate, replyKeyword } from '@smspartner-kit/core/internal';
import { z } from 'zod';
import { WebhookPayloadError } from '../errors.js';
import type { DeliveryReceipt, InboundMessage, ParseOptions } from '../types.js';
import { readInboundFields, readReceiptFields } from './fields.js';
import { readPayload } from './payload.js';

function providerDate(
  value: string | number | undefined,
  timeZone: string | undefined,
  hint?: 'scts',
): Date | undefined {
  return value === undefined ? undefined : parseProviderDate(value, timeZone, hint);
}

function refuseIf(issues: FieldIssue[]): void {
  if (issues.length > 0) throw new WebhookPayloadError(issues);
}

/**
 * Reads a delivery receipt from a parsed JSON object, `URLSearchParams`, a `Map`, a query string
 * (or whole URL), a form body, a JSON string or UTF-8 bytes. Status-API style (`messageId` /
 * `message_id`, `phoneNumber` / `number`, `status` / `statut`, `date`) and Vonage style (`msisdn`,
 * `messageId`, `status`, `scts`, `err-code`, `message-timestamp`) alike. The status is read by
 * core's `normalizeDeliveryStatus` (the table the client uses too); unknown wording → `'unknown'`.
 * @throws WebhookPayloadError listing every missing or invalid field.
 */
export function parseDeliveryReceipt(input: unknown, options: ParseOptions = {}): DeliveryReceipt {
  const payload = readPayload(input);
  const issues = [...payload.issues];
  const fields = readReceiptFields(payload, issues);
  refuseIf(issues);
  const receipt: DeliveryReceipt = {
    messageId: fields.messageId as string,
    phoneNumber: fields.phoneNumber as string,
    status: normalizeDeliveryStatus(fields.status),
    raw: payload.raw,
  };
  if (fields.status) receipt.operatorStatus = fields.status;
  if (fields.errorCode) receipt.errorCode = fields.errorCode;
  const { timeZone } = options;
  const occurredAt =
    providerDate(fields.date, timeZone) ??
    providerDate(fields.scts, timeZone, 'scts') ??
    providerDate(fields.messageTimestamp, timeZone);
  if (occurredAt) receipt.occurredAt = occurredAt;
  if (fields.tag) receipt.tag = fields.tag;
  return receipt;
}

/**
 * Reads a reply (`msisdn`, `to`, `messageId`, `text`, `keyword`, `message-timestamp`, `concat*`)
 * or a short-number reply (`phone_number`, `text`, `message_id`, `type`), from the same inputs.
 * A reply typed `stop`, or whose whole text is a STOP keyword, is an opt-out (`isOptOut`).
 * @throws WebhookPayloadError listing every missing or invalid field.
 */
export function parseInboundMessage(input: unknown, options: ParseOptions = {}): InboundMessage {
  const payload = readPayload(input);
  const issues = [...payload.issues];
  const fields = readInboundFields(payload, issues);
  refuseIf(issues);
  const text = fields.text ?? '';
  const message: InboundMessage = {
    messageId: fields.messageId as string,
    from: fields.from as string,
    to: fields.to ?? '',
    text,
    isOptOut:
      fields.type?.toLowerCase() === 'stop' ||
      detectOptOut(text, options.optOutKeywords) !== undefined,
    raw: payload.raw,
  };
  const keyword = fields.keyword || replyKeyword(text);
  if (keyword) message.keyword = keyword;
  const scts = fields.receivedAtKey?.toLowerCase() === 'scts' ? 'scts' : undefined;
  const receivedAt = providerDate(fields.receivedAt, options.timeZone, scts);
  if (receivedAt) message.receivedAt = receivedAt;
  if (fields.concat !== false && fields.concatRef && fields.concatTotal && fields.concatPart) {
    message.concat = { ref: fields.concatRef, total: fields.concatTotal, part: fields.concatPart };
  }
  return message;
}

function parserSchema<T>(parse: (input: unknown) => T) {
  return z.unknown().transform((input, ctx): T => {
    try {
      return parse(input);
    } catch (error) {
      if (!(error instanceof WebhookPayloadError)) throw error;
      for (const issue of error.issues) {
        ctx.addIssue({ code: 'custom', path: [issue.field], message: issue.message });
      }
      return z.NEVER;
    }
  });
}

/** zod schema: any input `parseDeliveryReceipt` accepts → `DeliveryReceipt`, issues by field. */
export const deliveryReceiptSchema = parserSchema((input) => parseDeliveryReceipt(input));
/** zod schema: any input `parseInboundMessage` accepts → `InboundMessage`, issues by field. */
export const inboundMessageSchema = parserSchema((input) => parseInboundMessage(input));

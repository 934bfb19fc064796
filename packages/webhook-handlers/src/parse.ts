import { normalizeDeliveryStatus } from '@smspartner-kit/core';
import { parseProviderDate } from '@smspartner-kit/core/internal';
import { z } from 'zod';
import { type WebhookIssue, WebhookPayloadError } from './errors.js';
import { type Charset, type FlatPayload, flatten, NO_REJECTIONS } from './input.js';
import { detectOptOut, replyKeyword } from './opt-out.js';
import {
  DELIVERY_RECEIPT_FIELDS,
  deliveryReceiptFields,
  INBOUND_MESSAGE_FIELDS,
  inboundMessageFields,
  type PickedFields,
} from './schemas.js';
import type { DeliveryReceipt, InboundMessage, ParseOptions } from './types.js';

type AliasTable = Record<string, readonly string[]>;

/** Our field (every one of the field table's) → the provider spellings accepted, canonicalised (lower case, no `-_. `). */
export const RECEIPT_ALIASES = {
  messageId: ['messageid', 'msgid'],
  phoneNumber: ['phonenumber', 'number', 'msisdn'],
  status: ['status', 'statut', 'dlrstatus'],
  errorCode: ['errcode', 'errorcode', 'error'],
  date: ['date', 'statusdate', 'donedate', 'deliveredat'],
  scts: ['scts'],
  messageTimestamp: ['messagetimestamp', 'timestamp'],
  tag: ['tag'],
} as const satisfies Record<keyof typeof DELIVERY_RECEIPT_FIELDS, readonly string[]>;

export const INBOUND_ALIASES = {
  messageId: ['messageid', 'msgid'],
  from: ['msisdn', 'phonenumber', 'from'],
  to: ['to'],
  text: ['text', 'message'],
  keyword: ['keyword'],
  type: ['type'],
  receivedAt: ['messagetimestamp', 'date', 'timestamp', 'receivedat', 'scts'],
  concat: ['concat'],
  concatRef: ['concatref'],
  concatTotal: ['concattotal'],
  concatPart: ['concatpart'],
} as const satisfies Record<keyof typeof INBOUND_MESSAGE_FIELDS, readonly string[]>;

/** Canonical spelling → position of our field in a reader, and the spelling's rank (earlier wins). */
type AliasIndex = ReadonlyMap<string, { readonly position: number; readonly rank: number }>;

function aliasIndex(
  aliases: AliasTable,
  fields: { readonly names: readonly string[] },
): AliasIndex {
  const index = new Map<string, { position: number; rank: number }>();
  for (const [position, field] of fields.names.entries()) {
    for (const [rank, alias] of (aliases[field] ?? []).entries())
      index.set(alias, { position, rank });
  }
  return index;
}

const RECEIPT_INDEX = aliasIndex(RECEIPT_ALIASES, deliveryReceiptFields);
const INBOUND_INDEX = aliasIndex(INBOUND_ALIASES, inboundMessageFields);
/** Where a reply's date was found: an SCTS spelling is read as SCTS. */
const RECEIVED_AT = inboundMessageFields.names.indexOf('receivedAt');

/**
 * Our fields from the payload's: walks the fields present (a handful) rather than every alias.
 * When two spellings of one field are present, the earlier alias in the table wins.
 */
function pick(
  flat: FlatPayload,
  index: AliasIndex,
  fields: { readonly names: readonly string[] },
): PickedFields {
  const values: unknown[] = [];
  const keys: (string | undefined)[] = [];
  const ranks: number[] = [];
  for (const [canonical, found] of flat.fields) {
    const alias = index.get(canonical);
    if (!alias || (ranks[alias.position] ?? Infinity) < alias.rank) continue;
    values[alias.position] = found.value;
    keys[alias.position] = found.key;
    ranks[alias.position] = alias.rank;
  }
  if (flat.rejected.size === 0) return { values, keys, rejected: NO_REJECTIONS };
  const rejected = new Set<string>();
  for (const canonical of flat.rejected) {
    const alias = index.get(canonical);
    // Refused by `flatten`, and no better-ranked spelling of the field was accepted.
    if (alias && (ranks[alias.position] ?? Infinity) >= alias.rank) {
      rejected.add(fields.names[alias.position] as string);
    }
  }
  return { values, keys, rejected };
}

function providerDate(
  value: string | number | undefined,
  timeZone: string | undefined,
  hint?: 'scts',
): Date | undefined {
  return value === undefined ? undefined : parseProviderDate(value, timeZone, hint);
}

function fail(issues: WebhookIssue[]): never {
  throw new WebhookPayloadError(issues);
}

/** Internal: a receipt from an already flattened payload (the HTTP layer flattens with the body's charset). */
export function receiptFromFlat(flat: FlatPayload, options: ParseOptions = {}): DeliveryReceipt {
  const issues = [...flat.issues];
  const fields = deliveryReceiptFields.read(
    pick(flat, RECEIPT_INDEX, deliveryReceiptFields),
    issues,
  );
  if (!fields || issues.length > 0) fail(issues);
  const timeZone = options.timeZone;
  const receipt: DeliveryReceipt = {
    messageId: fields.messageId,
    phoneNumber: fields.phoneNumber,
    status: normalizeDeliveryStatus(fields.status),
    raw: flat.raw,
  };
  if (fields.status) receipt.operatorStatus = fields.status;
  if (fields.errorCode) receipt.errorCode = fields.errorCode;
  const occurredAt =
    providerDate(fields.date, timeZone) ??
    providerDate(fields.scts, timeZone, 'scts') ??
    providerDate(fields.messageTimestamp, timeZone);
  if (occurredAt) receipt.occurredAt = occurredAt;
  if (fields.tag) receipt.tag = fields.tag;
  return receipt;
}

/** Internal: a reply from an already flattened payload. */
export function inboundFromFlat(flat: FlatPayload, options: ParseOptions = {}): InboundMessage {
  const issues = [...flat.issues];
  const picked = pick(flat, INBOUND_INDEX, inboundMessageFields);
  const fields = inboundMessageFields.read(picked, issues);
  if (!fields || issues.length > 0) fail(issues);
  const text = fields.text ?? '';
  const message: InboundMessage = {
    messageId: fields.messageId,
    from: fields.from,
    to: fields.to ?? '',
    text,
    isOptOut: false,
    raw: flat.raw,
  };
  const keyword = fields.keyword || replyKeyword(text);
  if (keyword) message.keyword = keyword;
  const receivedAt = providerDate(
    fields.receivedAt,
    options.timeZone,
    picked.keys[RECEIVED_AT]?.toLowerCase() === 'scts' ? 'scts' : undefined,
  );
  if (receivedAt) message.receivedAt = receivedAt;
  if (
    fields.concat !== false &&
    fields.concatRef &&
    fields.concatTotal !== undefined &&
    fields.concatPart !== undefined
  ) {
    message.concat = { ref: fields.concatRef, total: fields.concatTotal, part: fields.concatPart };
  }
  message.isOptOut =
    fields.type?.toLowerCase() === 'stop' ||
    detectOptOut(text, options.optOutKeywords) !== undefined;
  return message;
}

/**
 * Reads a delivery receipt from a parsed JSON object, `URLSearchParams`, a query string or a
 * form-encoded body (or a JSON string / UTF-8 bytes). Status-API style (`messageId`/`message_id`,
 * `phoneNumber`/`number`, `status`/`statut`, `date`) and Vonage style (`msisdn`, `messageId`,
 * `status`, `scts`, `err-code`, `message-timestamp`) alike. An unknown status is `'unknown'`.
 * @throws WebhookPayloadError listing every missing or invalid field.
 */
export function parseDeliveryReceipt(input: unknown, options?: ParseOptions): DeliveryReceipt {
  return receiptFromFlat(flatten(input), options);
}

/**
 * Reads a reply (`msisdn`, `to`, `messageId`, `text`, `keyword`, `message-timestamp`, `concat*`)
 * or a short-number reply (`phone_number`, `text`, `message_id`, `type`), from the same inputs.
 * @throws WebhookPayloadError listing every missing or invalid field.
 */
export function parseInboundMessage(input: unknown, options?: ParseOptions): InboundMessage {
  return inboundFromFlat(flatten(input), options);
}

function zodParser<T>(parse: (input: unknown) => T) {
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

/** zod schema: any accepted input → `DeliveryReceipt` (for pipes and composition). */
export const deliveryReceiptSchema = zodParser((input) => parseDeliveryReceipt(input));
/** zod schema: any accepted input → `InboundMessage`. */
export const inboundMessageSchema = zodParser((input) => parseInboundMessage(input));

export type { Charset };

import type { DeliveryStatus } from '@smspartner-kit/core';

/** A delivery receipt (`urlDlr` callback), normalised from every accepted shape. */
export interface DeliveryReceipt {
  /** Always a string, even when the provider sent a number. */
  messageId: string;
  /** The handset the SMS was sent to, international digits without `+` (`33612345678`). */
  phoneNumber: string;
  /** Normalised by core's `normalizeDeliveryStatus`; unknown wording → `'unknown'`. */
  status: DeliveryStatus;
  /** The status exactly as received (`'Delivered'`, `'DELIVRD'`, `'ko'`…). */
  operatorStatus?: string;
  /** `err-code` / `errorCode` as received (Vonage sends `'0'` for "no error"). */
  errorCode?: string;
  /** When the status was reached (`date`, `scts`, `message-timestamp`…), when readable. Order
   *  receipts of one message by this date, then by arrival: the provider does not keep order. */
  occurredAt?: Date;
  tag?: string;
  /** The payload as received (null-prototype object; the `token` parameter is never kept). */
  raw: Record<string, unknown>;
}

export interface ConcatInfo {
  ref: string;
  total: number;
  /** On a single part: its number. On a reassembled message: the first part present (1 unless part 1 never came). */
  part: number;
}

/** A reply to your virtual number (`urlResponse` callback). */
export interface InboundMessage {
  messageId: string;
  /** The person who replied, international digits without `+`. */
  from: string;
  /** Your virtual number, international digits without `+` (`''` for short-number replies that do not send it). */
  to: string;
  text: string;
  /** As sent by the provider, else the first word of the text, upper-cased. */
  keyword?: string;
  receivedAt?: Date;
  concat?: ConcatInfo;
  /** True when a concatenated reply was emitted without all its parts (time-out or memory bound). */
  incomplete?: boolean;
  /** Part numbers that never arrived (only with `incomplete: true`). */
  missingParts?: number[];
  /** The individual parts of a reassembled reply, in order. */
  parts?: InboundMessage[];
  /** The text is a STOP keyword (STOP, STOP SMS, ARRET, UNSUBSCRIBE…) or the provider typed it `stop`. */
  isOptOut: boolean;
  raw: Record<string, unknown>;
}

/** Emitted (in addition to `inbound-message`) when a reply is an opt-out. */
export interface OptOut {
  /** The number that opted out (= `message.from`). */
  phoneNumber: string;
  /** Your virtual number (= `message.to`). */
  to: string;
  /** The canonical keyword matched (`'STOP'`, `'ARRET'`, `'UNSUBSCRIBE'`…). */
  keyword: string;
  receivedAt?: Date;
  message: InboundMessage;
}

export interface WebhookEventMap {
  'delivery-receipt': DeliveryReceipt;
  'inbound-message': InboundMessage;
  'opt-out': OptOut;
}

export type WebhookEventName = keyof WebhookEventMap;

/** What `onAny` handlers receive: a union discriminated by `name`. */
export type WebhookEvent = {
  [K in WebhookEventName]: { name: K; payload: WebhookEventMap[K] };
}[WebhookEventName];

export type WebhookKind = 'dlr' | 'replies';

export interface Logger {
  debug?(message: string, context?: Record<string, unknown>): void;
  info?(message: string, context?: Record<string, unknown>): void;
  warn?(message: string, context?: Record<string, unknown>): void;
  error?(message: string, context?: Record<string, unknown>): void;
}

export interface ParseOptions {
  /** Zone of dates written without an offset. Default `'Europe/Paris'`. */
  timeZone?: string;
  /** Replaces the built-in opt-out keyword list (compared case-, accent- and space-insensitively). */
  optOutKeywords?: readonly string[];
}

/** What `receive` did with a callback. */
export type ReceiveOutcome = 'dispatched' | 'duplicate' | 'pending';

/** Where deduplication claims live: the in-memory default, Redis, a SQL table… */
export interface WebhookStore {
  /** true for exactly one caller per key while the claim lives (Redis SET NX PX; SQL INSERT … ON CONFLICT DO NOTHING). */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Drops a claim so that a callback whose handler failed is processed when the provider retries it. */
  release(key: string): Promise<void>;
}

/** Where the parts of long replies wait for each other (shared between instances if it is shared). */
export interface ReassemblyStore {
  /** Adds one part (value opaque to the store, e.g. JSON). Resolves to every part's value ordered by
   *  part number exactly once — for the one call that completes the group — else null. A part
   *  number already present is ignored. The group expires ttlMs after its first part. */
  addPart(
    groupKey: string,
    part: number,
    total: number,
    value: string,
    ttlMs: number,
  ): Promise<string[] | null>;
  /** Atomically removes and returns groups whose deadline is ≤ now without completing; each group
   *  is returned to exactly one caller (so an incomplete reply is emitted once, flagged). */
  takeExpired(
    now: number,
  ): Promise<{ groupKey: string; total: number; parts: [part: number, value: string][] }[]>;
}

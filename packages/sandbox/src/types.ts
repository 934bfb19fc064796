/** How a delivery receipt is sent to a message's `urlDlr` (shared API doc §3.1). */
export type ReceiptShape = 'json' | 'form' | 'query' | 'vonage';
/** How a reply is sent to a message's `urlResponse` (the long-number field set, §3.2). */
export type ReplyShape = 'json' | 'form' | 'query';
export type FaultType = 'timeout' | 'reset' | 'http500' | 'http429' | 'garbled' | 'slow';

/** Lifecycle of a message inside the sandbox. */
export type SandboxMessageStatus =
  | 'scheduled'
  | 'waiting'
  | 'delivered'
  | 'not_delivered'
  | 'cancelled';

/** The provider's spelling of a status, as `message-status` (`statut`) and receipts carry it. */
export type ProviderStatus = 'Waiting' | 'Delivered' | 'Not delivered' | 'Cancelled';

export interface SandboxLogger {
  info?(message: string): void;
  warn?(message: string): void;
  error?(message: string): void;
}

export interface SandboxOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Accepted API keys. Default: any non-empty key. */
  apiKeys?: string[];
  /** Delay between a send (or its scheduled time) and its delivery receipt. Default 200 ms. */
  dlrDelayMs?: number;
  /** Price of one SMS part, in `currency`. Default 0.038. */
  price?: number;
  /** Currency reported in answers. Default `EUR`. */
  currency?: string;
  /** SMS credits of the account; each part debits one (unless `sandbox=1`). Default 1,000,000. */
  credits?: number;
  /** Messages kept for inspection; older ones are dropped and counted. Default 10,000. */
  maxMessages?: number;
  /** Callback attempts kept for inspection. Default: `maxMessages`. */
  maxCallbacks?: number;
  /** Default shape of delivery receipts. Default `json`. */
  receiptShape?: ReceiptShape;
  /** Shape of replies sent to `urlResponse`. Default `json`. */
  replyShape?: ReplyShape;
  /** Retries after a failed callback attempt (non-2xx or no answer). Default 3. */
  callbackRetries?: number;
  /** First retry delay; doubles on each retry. Default 250 ms. */
  callbackBackoffMs?: number;
  /** Time allowed to each callback attempt. Default 5,000 ms. */
  callbackTimeoutMs?: number;
  /** Statuses per page of `bulk-status-by-tag` (the provider's page size is not documented). Default 500. */
  tagStatusPageSize?: number;
  /**
   * At most `perSecond` API requests (`/v1`) in any 1-second window; beyond it HTTP 429 with a
   * provider-shaped body and `Retry-After`, and nothing is processed or recorded. Default: no limit.
   */
  rateLimit?: { perSecond: number };
  /**
   * Stop-list entries kept; adding one more drops the oldest (counted, and logged as a warning).
   * Default 100,000.
   */
  maxStopList?: number;
  /** Time allowed to a client to send its request headers; then HTTP 408. Default 10,000 ms. */
  headersTimeoutMs?: number;
  /** Time allowed to a client to send its whole body once its headers arrived; then HTTP 408. Default 10,000 ms. */
  bodyTimeoutMs?: number;
  /** Distinct tags, and distinct recipients, counted by `accepted()`. Default 1,000,000. */
  maxTrackedKeys?: number;
  /** Largest request body accepted. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Where log lines go. Default: nowhere. API keys are never logged. */
  logger?: SandboxLogger | false;
  /** Clock (epoch milliseconds) used for dates, schedules and statuses. Default `Date.now`. */
  now?: () => number;
}

/** One HTTP attempt to deliver a receipt or a reply. */
export interface CallbackAttempt {
  /** Sequential id of the attempt. */
  id: number;
  kind: 'dlr' | 'reply';
  /** The sandbox message the callback is about (the replied-to message for replies). */
  messageId?: string;
  /** For replies: the uuid `messageId` of the reply part. */
  replyId?: string;
  url: string;
  method: 'GET' | 'POST';
  shape: ReceiptShape | ReplyShape;
  /** 1-based attempt number; `maxAttempts` = 1 + callbackRetries. */
  attempt: number;
  maxAttempts: number;
  /** Fields sent (as the receiver gets them). */
  payload: Record<string, string | number>;
  ok: boolean;
  /** HTTP status of the receiver's answer, when there was one. */
  statusCode?: number;
  /** Why the attempt failed without an answer (timeout, refused…). */
  error?: string;
  startedAt: Date;
  durationMs: number;
}

/** A message as the sandbox recorded it (a snapshot: later changes are not reflected). */
export interface SandboxMessage {
  /**
   * Numeric id as a string (the provider's `message_id`): increasing, and never issued twice, even
   * across restarts and by several sandboxes in one process (see README, Message ids).
   */
  messageId: string;
  to: string;
  from: string;
  /** Text as sent: after SMS Partner's replacements and the STOP mention. */
  text: string;
  /** Text as received in the request. */
  originalText: string;
  tag?: string;
  nbSms: number;
  encoding: 'GSM-7' | 'UCS-2';
  cost: number;
  currency: string;
  /** `sandbox=1` was set: no credit check, nothing debited. */
  sandbox: boolean;
  isStopSms: boolean;
  urlDlr?: string;
  urlResponse?: string;
  receiptShape: ReceiptShape;
  status: SandboxMessageStatus;
  providerStatus: ProviderStatus;
  /** When the current status was reached. */
  statusAt: Date;
  createdAt: Date;
  scheduledAt?: Date;
  cancelledAt?: Date;
  /** Fault injected into the request that created the message, if any. */
  fault?: FaultType;
  callbacks: CallbackAttempt[];
}

export interface SandboxFault {
  type: FaultType;
  /** Number of upcoming API requests affected. Default 1. */
  count?: number;
  /** `slow`: added delay (default 1,000 ms). `http429`: Retry-After = ceil(delayMs / 1000) s (default 1 s). */
  delayMs?: number;
}

export interface ReplyInput {
  /** The person replying (a previous recipient). */
  from: string;
  /** The virtual number replied to. Default: the sender of the last message sent to `from`. */
  to?: string;
  text: string;
  /** Deliver here instead of the replied-to message's `urlResponse`. */
  url?: string;
}

export interface ReplyResult {
  /** The sandbox message replied to, when one was found. */
  inReplyTo?: string;
  /** Where the reply was delivered (undefined: no `urlResponse`, nothing was called). */
  url?: string;
  /** The callback bodies, one per part. */
  payloads: Record<string, string>[];
  attempts: CallbackAttempt[];
  /** Every part was answered with a 2xx. */
  delivered: boolean;
  /** The text was a STOP keyword: `from` is now on the stop list. */
  optOut: boolean;
}

export interface SandboxStopListEntry {
  id: number;
  phoneNumber: string;
  createdAt: Date;
}

/**
 * Sends the sandbox accepted (answered `success: true`) since start or reset, counted apart from
 * the bounded history: what a test or benchmark compares with its own records.
 */
export interface SandboxAccepted {
  total: number;
  /** Accepted sends not counted per tag or recipient because `maxTrackedKeys` was reached. */
  untracked: number;
  /** Tags accepted more than once (a queue that tags each job uniquely expects none). */
  duplicateTags: string[];
  /** Accepted sends per tag; untagged sends are only in `total` and `byRecipient`. */
  byTag: Record<string, number>;
  /** Accepted sends per recipient (international, without `+`). */
  byRecipient: Record<string, number>;
}

export interface Sandbox {
  /** Origin, e.g. `http://127.0.0.1:43123`. */
  url: string;
  /** `${url}/v1`: what a client takes as its base URL. */
  baseUrl: string;
  port: number;
  close(): Promise<void>;
  messages(): SandboxMessage[];
  /** Number of messages dropped from the bounded history. */
  droppedMessages(): number;
  callbacks(): CallbackAttempt[];
  stopList(): SandboxStopListEntry[];
  /** Accepted sends per tag and recipient since start or reset (never trimmed like `messages()`). */
  accepted(): SandboxAccepted;
  reply(input: ReplyInput): Promise<ReplyResult>;
  /**
   * Forget messages, callbacks, accepted counts, the stop list, pending timers and faults; credits
   * back to start. Message ids keep increasing.
   */
  reset(): void;
  injectFault(fault: SandboxFault): void;
  /** Faults still waiting for requests. */
  pendingFaults(): Required<Pick<SandboxFault, 'type' | 'count'>>[];
}

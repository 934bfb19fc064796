import type { ClientSendParams, SendResult } from '@smspartner-kit/core';

/** `transactional` (default) goes at once; `marketing` waits for the legal window. */
export type SendCategory = 'transactional' | 'marketing';

/** What a queued send carries: a `send()` parameter set without `tag` (the queue owns it). */
export type QueuedSendParams = Omit<ClientSendParams, 'tag' | 'scheduledAt'>;

/**
 * The client calls the worker makes (an `SmsPartnerClient` fits). `getStatusesByTag` is how an
 * attempt whose outcome is unknown gets reconciled.
 */
export interface SendClient {
  send(params: ClientSendParams): Promise<SendResult>;
  getStatusesByTag(tag: string): Promise<{ phoneNumber: string; messageId?: string }[]>;
}

export interface EnqueuedSend {
  /** Job id; also the provider `tag` of the SMS (≤ 20 characters, lowercase). */
  id: string;
  /** True when the idempotency key was already used: nothing new was queued, `id` is the first job's. */
  duplicate: boolean;
  /** When the job becomes due (epoch ms): later than now for marketing outside the window. */
  dueAt: number;
}

export type SendState = 'waiting' | 'delayed' | 'active' | 'sent' | 'failed' | 'unknown';

export interface SendStatus {
  id: string;
  state: SendState;
  to?: string;
  campaignId?: string;
  /** Set once sent. */
  messageId?: string;
  /** Sent, found by tag after an unknown outcome rather than from the send's own answer. */
  reconciled?: boolean;
  /** Why it failed (dead-lettered), when `state` is `failed`. */
  reason?: string;
}

export interface CampaignProgress {
  id: string;
  /** Jobs queued so far (duplicates and invalid recipients excluded). */
  enqueued: number;
  sent: number;
  failed: number;
  /** Recipients refused before queueing (bad number); listed in `enqueueCampaign`'s result. */
  invalid: number;
  /** Recipients already queued for this campaign (listed twice, or a resumed run). */
  duplicates: number;
  /** True while `enqueueCampaign` is still reading recipients. */
  enqueuing: boolean;
  /** `enqueued - sent - failed`. */
  pending: number;
  /** (sent + failed) / enqueued, 0..1; 1 only when enqueuing is over and nothing is pending. */
  progress: number;
}

/** Why a send ended in the failed (dead-letter) state. */
export type FailureCode =
  /** The provider refused it (validation, STOP list, credit…): nothing was sent. */
  | 'rejected'
  /** Provably never sent, and the bounded retries ran out. */
  | 'gave-up'
  /** The outcome of an attempt is unknown and the tag was not found at the provider: not resent. */
  | 'unknown-not-found'
  /** The outcome of an attempt is unknown and the status look-ups kept failing. */
  | 'unreconciled';

export interface SendQueueEvents {
  sent: { id: string; to: string; messageId?: string; campaignId?: string; reconciled: boolean };
  failed: { id: string; to: string; campaignId?: string; code: FailureCode; reason: string };
  'outcome-unknown': { id: string; to: string; reason: string };
  reconciled: { id: string; to: string; found: boolean; messageId?: string };
  'campaign-progress': CampaignProgress;
}

export type SendQueueEventName = keyof SendQueueEvents;

/** The one normalisation of delivery statuses, shared by the client and the webhooks. */
export type DeliveryStatus =
  | 'delivered'
  | 'not_delivered'
  | 'waiting'
  | 'expired'
  | 'rejected'
  | 'failed'
  | 'unknown';

export const DELIVERY_STATUSES: readonly DeliveryStatus[] = [
  'delivered',
  'not_delivered',
  'waiting',
  'expired',
  'rejected',
  'failed',
  'unknown',
];

/** What each status is called in receipts, lowercased, accents stripped, runs of space/_/- as one space. */
const STATUS_WORDS: Record<DeliveryStatus, readonly string[]> = {
  delivered: ['delivered', 'delivrd', 'delivre', 'ok'],
  not_delivered: [
    'not delivered',
    'notdelivered',
    'non delivre',
    'undeliv',
    'undelivered',
    'undeliverable',
  ],
  waiting: [
    'waiting',
    'pending',
    'enroute',
    'en route',
    'acceptd',
    'accepted',
    'buffered',
    'queued',
    'submitted',
    'sent',
    'en attente',
  ],
  expired: ['expired'],
  rejected: ['rejectd', 'rejected'],
  // SMS Partner's `ko`: the platform did not send the message at all (not an operator refusal).
  failed: ['failed', 'ko', 'deleted', 'error'],
  unknown: [],
};

/**
 * `'Delivered' | 'DELIVRD' | 'delivered'` → `'delivered'`; `'Not delivered' | 'UNDELIV'` →
 * `'not_delivered'`; `'Waiting' | 'PENDING' | 'ENROUTE' | 'ACCEPTD' | 'accepted' | 'buffered'` →
 * `'waiting'`; Vonage's `expired | rejected | failed`; SMS Partner's `ko` (not sent by the
 * platform) → `'failed'`; anything else → `'unknown'` (never throws).
 */
export function normalizeDeliveryStatus(raw: unknown): DeliveryStatus {
  if (typeof raw !== 'string' || raw.length > 64) return 'unknown';
  const key = raw
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ')
    .trim();
  return DELIVERY_STATUSES.find((status) => STATUS_WORDS[status].includes(key)) ?? 'unknown';
}

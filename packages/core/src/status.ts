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

// Keys are lowercased, accents stripped, runs of space/underscore/dash collapsed to one space.
const STATUS_ALIASES: Record<string, DeliveryStatus> = {
  delivered: 'delivered',
  delivrd: 'delivered',
  delivre: 'delivered',
  ok: 'delivered',
  'not delivered': 'not_delivered',
  notdelivered: 'not_delivered',
  'non delivre': 'not_delivered',
  undeliv: 'not_delivered',
  undelivered: 'not_delivered',
  undeliverable: 'not_delivered',
  waiting: 'waiting',
  pending: 'waiting',
  enroute: 'waiting',
  'en route': 'waiting',
  acceptd: 'waiting',
  accepted: 'waiting',
  buffered: 'waiting',
  queued: 'waiting',
  submitted: 'waiting',
  sent: 'waiting',
  'en attente': 'waiting',
  expired: 'expired',
  rejectd: 'rejected',
  rejected: 'rejected',
  failed: 'failed',
  // SMS Partner's `ko`: the platform did not send the message at all (not an operator refusal).
  ko: 'failed',
  deleted: 'failed',
  error: 'failed',
  unknown: 'unknown',
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
  return Object.hasOwn(STATUS_ALIASES, key) ? (STATUS_ALIASES[key] as DeliveryStatus) : 'unknown';
}

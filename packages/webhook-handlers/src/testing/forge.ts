import type { DeliveryStatus } from '@smspartner-kit/core';
import { formatProviderDate, formatScts } from '@smspartner-kit/core/internal';
import type { WebhookKind } from '../types.js';

/** Test helpers: payloads shaped like the provider's, to post to your app or pass to `receive`. */

const STATUS_API_WORDING: Record<DeliveryStatus, string> = {
  delivered: 'Delivered',
  not_delivered: 'Not delivered',
  waiting: 'Waiting',
  expired: 'Expired',
  rejected: 'Rejected',
  failed: 'Failed',
  unknown: 'Unknown',
};

const VONAGE_WORDING: Record<DeliveryStatus, string> = {
  delivered: 'delivered',
  not_delivered: 'UNDELIV',
  waiting: 'accepted',
  expired: 'expired',
  rejected: 'rejected',
  failed: 'failed',
  unknown: 'unknown',
};

function randomId(): string {
  return String(Math.floor(Math.random() * 1e12));
}

export interface ForgeDeliveryReceiptInput {
  messageId?: string | number;
  /** Default `'33612345678'`. */
  phoneNumber?: string;
  /** A normalised status (mapped to the provider's wording for the shape) or any raw wording. Default `'delivered'`. */
  status?: DeliveryStatus | (string & {});
  occurredAt?: Date;
  errorCode?: string;
  tag?: string;
  /** `'status-api'` (messageId, phoneNumber, status, date) or `'vonage'` (msisdn, to, status, scts, err-code…). */
  shape?: 'status-api' | 'vonage';
  /** Vonage `to` (your number). Default `'33700000000'`. */
  to?: string;
}

/** A delivery receipt as the provider would send it, as a flat record of strings. */
export function forgeDeliveryReceipt(
  input: ForgeDeliveryReceiptInput = {},
): Record<string, string> {
  const status = input.status ?? 'delivered';
  const messageId = String(input.messageId ?? randomId());
  const phone = input.phoneNumber ?? '33612345678';
  const when = input.occurredAt ?? new Date();
  if (input.shape === 'vonage') {
    const payload: Record<string, string> = {
      msisdn: phone,
      to: input.to ?? '33700000000',
      'network-code': '20801',
      messageId,
      price: '0.03800000',
      status: VONAGE_WORDING[status as DeliveryStatus] ?? status,
      scts: formatScts(when),
      'err-code': input.errorCode ?? '0',
      'message-timestamp': formatProviderDate(when),
    };
    if (input.tag) payload['client-ref'] = input.tag;
    return payload;
  }
  const payload: Record<string, string> = {
    messageId,
    phoneNumber: phone,
    status: STATUS_API_WORDING[status as DeliveryStatus] ?? status,
    date: formatProviderDate(when),
  };
  if (input.errorCode) payload.errorCode = input.errorCode;
  if (input.tag) payload.tag = input.tag;
  return payload;
}

export interface ForgeInboundMessageInput {
  messageId?: string;
  /** The person replying. Default `'33612345678'`. */
  from?: string;
  /** Your virtual number. Default `'33700000000'`. */
  to?: string;
  /** Default `'Oui merci'`. */
  text?: string;
  keyword?: string;
  receivedAt?: Date;
  concat?: { ref: string; total: number; part: number };
}

/** A reply to a long number, as the provider sends it (`msisdn`, `to`, `messageId`, `text`…). */
export function forgeInboundMessage(input: ForgeInboundMessageInput = {}): Record<string, string> {
  const text = input.text ?? 'Oui merci';
  const payload: Record<string, string> = {
    msisdn: input.from ?? '33612345678',
    to: input.to ?? '33700000000',
    messageId: input.messageId ?? globalThis.crypto.randomUUID(),
    text,
    type: 'text',
    keyword: input.keyword ?? (text.trim().split(/\s+/, 1)[0] ?? '').toUpperCase(),
    'message-timestamp': formatProviderDate(input.receivedAt ?? new Date()),
  };
  if (input.concat) {
    payload.concat = 'true';
    payload['concat-ref'] = input.concat.ref;
    payload['concat-total'] = String(input.concat.total);
    payload['concat-part'] = String(input.concat.part);
  }
  return payload;
}

/** A long reply split the way the network delivers it: one payload per part (153 characters each by default). */
export function forgeInboundMessageParts(
  input: Omit<ForgeInboundMessageInput, 'concat' | 'messageId'> & {
    ref?: string;
    partLength?: number;
  },
): Record<string, string>[] {
  const chars = [...(input.text ?? 'Oui merci')];
  const size = input.partLength ?? 153;
  const chunks: string[] = [];
  for (let i = 0; i < chars.length; i += size) chunks.push(chars.slice(i, i + size).join(''));
  const ref = input.ref ?? String(Math.floor(Math.random() * 256));
  const { partLength: _length, ref: _ref, ...rest } = input;
  return chunks.map((text, index) =>
    forgeInboundMessage({
      ...rest,
      text,
      keyword: index === 0 ? rest.keyword : '',
      concat: { ref, total: chunks.length, part: index + 1 },
    }),
  );
}

/** A request as the provider could send it: method, path and query, headers, body. */
export interface ForgedCallbackRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/**
 * A forged payload as a request the provider could send (JSON POST, form POST or GET query
 * string), for `sendRawRequest` or any HTTP client.
 */
export function forgeCallbackRequest(
  kind: WebhookKind,
  payload: Record<string, string>,
  options: { secret?: string; encoding?: 'json' | 'form' | 'query'; path?: string } = {},
): ForgedCallbackRequest {
  const base = `${(options.path ?? '/webhooks/smspartner').replace(/\/+$/, '')}/${kind}`;
  const token = options.secret === undefined ? '' : `token=${encodeURIComponent(options.secret)}`;
  const encoding = options.encoding ?? 'json';
  if (encoding === 'query') {
    const query = new URLSearchParams(payload).toString();
    return {
      method: 'GET',
      url: `${base}?${[token, query].filter(Boolean).join('&')}`,
      headers: {},
      body: undefined,
    };
  }
  return {
    method: 'POST',
    url: token ? `${base}?${token}` : base,
    headers: {
      'content-type':
        encoding === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
    },
    body: encoding === 'json' ? JSON.stringify(payload) : new URLSearchParams(payload).toString(),
  };
}

import { SmsPartnerProtocolError } from './errors.js';
import { type ParseOptions, parseApiResponse, toId, toNumber } from './parse.js';
import { tryNormalizePhoneNumber } from './phone.js';
import { type DeliveryStatus, normalizeDeliveryStatus } from './status.js';
import { parseProviderDate } from './time.js';

export interface Credits {
  creditSms: number;
  creditSmsEco: number;
  creditHlr: number;
  toSend: number;
  /** Account balance; the provider sends it as a string. */
  balance: number;
  currency: string;
  user: { username?: string; firstname?: string; lastname?: string };
  raw: unknown;
}

export interface MessageStatus {
  messageId: string;
  phoneNumber: string;
  status: DeliveryStatus;
  /** The provider's own wording (`statut` or `status`), e.g. `'Delivered'`. */
  providerStatus: string;
  stopSms: boolean;
  date?: Date;
  cost?: number;
  countryCode?: string;
  currency?: string;
  raw: unknown;
}

export interface StopListEntry {
  id: string;
  /** International digits without `+` when recognisable, else as sent. */
  phoneNumber: string;
  createdAt?: Date;
  raw: unknown;
}

export interface CancelResult {
  cancelled: true;
  message?: string;
  raw: unknown;
}

function shapeError(what: string, record: unknown, status?: number): SmsPartnerProtocolError {
  return new SmsPartnerProtocolError(`Unexpected SMS Partner answer: ${what}`, {
    body: JSON.stringify(record),
    httpStatus: status,
  });
}

const str = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;

const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

function phone(value: unknown): string | undefined {
  const text = str(value);
  return text === undefined ? undefined : (tryNormalizePhoneNumber(text) ?? text);
}

/** `GET /me`: credits counters and balance as numbers (balance arrives as a string). */
export function parseCreditsResponse(body: string, opts: ParseOptions = {}): Credits {
  const record = parseApiResponse(body, opts);
  const credits = asRecord(record.credits);
  const balance = toNumber(credits?.balance);
  if (!credits || balance === undefined)
    throw shapeError('no readable credits.balance', record, opts.status);
  const user = asRecord(record.user) ?? {};
  const count = (v: unknown) => toNumber(v) ?? 0;
  return {
    creditSms: count(credits.creditSms),
    creditSmsEco: count(credits.creditSmsECO ?? credits.creditSmsEco),
    creditHlr: count(credits.creditHlr),
    toSend: count(credits.toSend),
    balance,
    currency: str(credits.currency) ?? '',
    user: {
      ...(str(user.username) === undefined ? {} : { username: str(user.username) }),
      ...(str(user.firstname) === undefined ? {} : { firstname: str(user.firstname) }),
      ...(str(user.lastname) === undefined ? {} : { lastname: str(user.lastname) }),
    },
    raw: record,
  };
}

/** `GET /message-status`: `statut` or `status`, id as string, date as `Date`, cost as number. */
export function parseMessageStatusResponse(
  body: string,
  opts: ParseOptions & { timeZone?: string } = {},
): MessageStatus {
  const record = parseApiResponse(body, opts);
  const messageId = toId(record.messageId ?? record.message_id);
  const providerStatus = str(record.statut ?? record.status);
  if (messageId === undefined || providerStatus === undefined) {
    throw shapeError('message status without messageId or statut', record, opts.status);
  }
  const date = parseProviderDate(record.date, opts.timeZone);
  const cost = toNumber(record.cost);
  const out: MessageStatus = {
    messageId,
    phoneNumber: phone(record.number ?? record.phoneNumber) ?? '',
    status: normalizeDeliveryStatus(providerStatus),
    providerStatus,
    stopSms:
      record.stopSms === true ||
      record.stopSms === 1 ||
      record.stopSms === '1' ||
      record.stopSms === 'true',
    raw: record,
  };
  if (date) out.date = date;
  if (cost !== undefined) out.cost = cost;
  if (str(record.countryCode)) out.countryCode = str(record.countryCode);
  if (str(record.currency)) out.currency = str(record.currency);
  return out;
}

/** `GET /message-cancel`. */
export function parseCancelResponse(body: string, opts: ParseOptions = {}): CancelResult {
  const record = parseApiResponse(body, opts);
  const message = str(record.message);
  return message === undefined
    ? { cancelled: true, raw: record }
    : { cancelled: true, message, raw: record };
}

/** `GET /stop-sms/list`: ids as strings, numbers normalised, `createdAt` as `Date`. */
export function parseStopListResponse(
  body: string,
  opts: ParseOptions & { timeZone?: string } = {},
): StopListEntry[] {
  const record = parseApiResponse(body, opts);
  const data = record.data ?? [];
  if (!Array.isArray(data)) throw shapeError('stop list "data" is not a list', record, opts.status);
  return data.map((item) => {
    const entry = asRecord(item);
    const id = toId(entry?.id);
    const phoneNumber = phone(entry?.phoneNumber ?? entry?.number);
    if (!entry || id === undefined || phoneNumber === undefined) {
      throw shapeError('stop list entry without id or phoneNumber', record, opts.status);
    }
    const createdAt = parseProviderDate(entry.createdAt ?? entry.date, opts.timeZone);
    return createdAt ? { id, phoneNumber, createdAt, raw: item } : { id, phoneNumber, raw: item };
  });
}

/** `POST /stop-sms/add`. */
export function parseStopAddResponse(body: string, opts: ParseOptions = {}): { stopId: string } {
  const record = parseApiResponse(body, opts);
  const stopId = toId(record.stopId ?? record.id);
  if (stopId === undefined) throw shapeError('no stopId', record, opts.status);
  return { stopId };
}

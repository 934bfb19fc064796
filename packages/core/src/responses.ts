import { SmsPartnerProtocolError } from './errors.js';
import { type ParseOptions, parseApiResponse, toBoolean, toId, toNumber } from './parse.js';
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
    user: Object.fromEntries(
      ['username', 'firstname', 'lastname'].flatMap((key) => {
        const value = str(user[key]);
        return value === undefined ? [] : [[key, value]];
      }),
    ),
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
    stopSms: toBoolean(record.stopSms) === true,
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

export interface TagStatus {
  /** International digits without `+` when recognisable, else as sent. */
  phoneNumber: string;
  messageId?: string;
  status: DeliveryStatus;
  /** The provider's own wording (`status` or `statut`), e.g. `'Delivered'`. */
  providerStatus: string;
  date?: Date;
  raw: unknown;
}

/** One page of `GET /bulk-status-by-tag`. */
export interface TagStatusPage {
  statuses: TagStatus[];
  /** The page the provider says this is (1-based), when it says. */
  currentPage?: number;
  /** The provider's `total`, when present (its meaning, entries or pages, is UNCONFIRMED). */
  total?: number;
}

/**
 * `GET /bulk-status-by-tag`: one page of `StatutResponse_List` (`status` or `statut`, ids as
 * strings, numbers normalised, dates as `Date`), with the page's `currentPage` and `total`.
 */
export function parseStatusesByTagResponse(
  body: string,
  opts: ParseOptions & { timeZone?: string } = {},
): TagStatusPage {
  const record = parseApiResponse(body, opts);
  const list = record.StatutResponse_List ?? record.statutResponseList ?? [];
  if (!Array.isArray(list)) {
    throw shapeError('"StatutResponse_List" is not a list', record, opts.status);
  }
  const statuses = list.map((item): TagStatus => {
    const entry = asRecord(item);
    const phoneNumber = phone(entry?.phoneNumber ?? entry?.number);
    const providerStatus = str(entry?.status ?? entry?.statut);
    if (!entry || phoneNumber === undefined || providerStatus === undefined) {
      throw shapeError('tag status entry without phoneNumber or status', record, opts.status);
    }
    const out: TagStatus = {
      phoneNumber,
      status: normalizeDeliveryStatus(providerStatus),
      providerStatus,
      raw: item,
    };
    const messageId = toId(entry.messageId ?? entry.message_id);
    if (messageId !== undefined) out.messageId = messageId;
    const date = parseProviderDate(entry.date, opts.timeZone);
    if (date) out.date = date;
    return out;
  });
  const page: TagStatusPage = { statuses };
  const currentPage = toNumber(record.currentPage);
  const total = toNumber(record.total);
  if (currentPage !== undefined) page.currentPage = currentPage;
  if (total !== undefined) page.total = total;
  return page;
}

export interface LookupResult {
  /** The number as the provider received it (`request`). */
  request: string;
  /** The provider's per-number `success`: the number is well formed for its country. */
  valid: boolean;
  /** International digits without `+` (from `format.e164` or `phoneNumber`), when given. */
  phoneNumber?: string;
  /** The provider's `countryCode` (a country name in its samples, e.g. `'France'`). */
  countryCode?: string;
  /** Calling code, e.g. `'33'`. */
  prefixCode?: string;
  /** e.g. `'Mobile'`. */
  type?: string;
  network?: string;
  format?: { e164?: string; international?: string; national?: string; rfc3966?: string };
  raw: unknown;
}

const FORMAT_KEYS = ['e164', 'international', 'national', 'rfc3966'] as const;

/** `POST /lookup`: one `LookupResult` per entry of `lookup`, numbers normalised. */
export function parseLookupResponse(body: string, opts: ParseOptions = {}): LookupResult[] {
  const record = parseApiResponse(body, opts);
  const list = record.lookup ?? [];
  if (!Array.isArray(list)) throw shapeError('"lookup" is not a list', record, opts.status);
  return list.map((item): LookupResult => {
    const entry = asRecord(item);
    const request = str(entry?.request);
    if (!entry || request === undefined) {
      throw shapeError('lookup entry without request', record, opts.status);
    }
    const out: LookupResult = {
      request,
      valid: [true, 'true', 1].includes(entry.success as never),
      raw: item,
    };
    const format = asRecord(entry.format);
    const phoneNumber = phone(format?.e164 ?? entry.phoneNumber);
    if (phoneNumber !== undefined && phoneNumber !== '') out.phoneNumber = phoneNumber;
    for (const key of ['countryCode', 'prefixCode', 'type', 'network'] as const) {
      const value = str(entry[key]);
      if (value !== undefined && value !== '') out[key] = value;
    }
    if (format) {
      const shown: NonNullable<LookupResult['format']> = {};
      for (const key of FORMAT_KEYS) {
        const value = str(format[key]);
        if (value !== undefined) shown[key] = value;
      }
      out.format = shown;
    }
    return out;
  });
}

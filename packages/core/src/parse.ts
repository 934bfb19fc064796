import type { XMLParser } from 'fast-xml-parser';
import { type FieldIssue, SmsPartnerApiError, SmsPartnerProtocolError } from './errors.js';
import { PROVIDER_ERROR_MEANINGS } from './meanings.js';
import { xmlModule } from './xml.js';

/** Meaning of an HTTP 429 that carries no provider code. */
export const RATE_LIMITED = 'rate limited (HTTP 429): too many requests, retry later';

/** Largest answer we read: SMS Partner's answers are a few hundred bytes. */
export const MAX_RESPONSE_BYTES = 1_048_576;

export interface ParseOptions {
  format?: 'json' | 'xml';
  /** HTTP status, reported on errors (success is decided by the body, never by this). */
  status?: number;
}

export interface SendResult {
  messageId: string;
  /** Parts billed: the provider's `nb_sms`. */
  nbSms: number;
  cost: number;
  currency: string;
  raw: unknown;
}

type Endpoint = 'send' | 'other';

// Entities stay unexpanded in the parser (no DTD, no entity bombs); we decode only the five
// predefined entities and numeric references, in one pass.
let xmlParser: XMLParser | undefined;
const xmlOptions = {
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name: string) => name === 'entry',
};

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(
    /&(#x[0-9a-f]{1,6}|#\d{1,7}|amp|lt|gt|quot|apos);/gi,
    (whole, name: string) => {
      if (name[0] !== '#') return PREDEFINED[name.toLowerCase()] ?? whole;
      const code =
        name[1] === 'x' || name[1] === 'X'
          ? Number.parseInt(name.slice(2), 16)
          : Number(name.slice(1));
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    },
  );
}

function xmlValue(node: unknown): unknown {
  if (typeof node === 'string') return decodeEntities(node);
  if (node && typeof node === 'object' && 'entry' in node) {
    const entries = (node as { entry: unknown }).entry;
    return Array.isArray(entries) ? entries.map(xmlValue) : [];
  }
  return node === undefined || node === null || typeof node === 'object' ? '' : String(node);
}

function protocol(message: string, body: string, status?: number): SmsPartnerProtocolError {
  return new SmsPartnerProtocolError(message, { body, httpStatus: status });
}

export function toBoolean(value: unknown): boolean | undefined {
  if (value === true || value === 'true' || value === 1 || value === '1') return true;
  if (value === false || value === 'false' || value === 0 || value === '0') return false;
  return undefined;
}

/** XML answers are positional: success, code, then endpoint-specific entries. */
function recordFromXml(body: string, endpoint: Endpoint, status?: number): Record<string, unknown> {
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) {
    throw protocol('XML answer with a DTD refused (entities are never expanded)', body, status);
  }
  const { XMLParser, XMLValidator } = xmlModule(); // loaded on first use: most users never see XML
  if (XMLValidator.validate(body) !== true) throw protocol('Malformed XML answer', body, status);
  let parsed: unknown;
  try {
    xmlParser ??= new XMLParser(xmlOptions);
    parsed = xmlParser.parse(body);
  } catch (cause) {
    throw new SmsPartnerProtocolError('Malformed XML answer', { body, httpStatus: status, cause });
  }
  const result = (parsed as { result?: unknown } | undefined)?.result;
  const entries = xmlValue(result);
  if (!Array.isArray(entries) || entries.length < 2) {
    throw protocol('XML answer is not a <result> of <entry> elements', body, status);
  }
  const [success, code, ...rest] = entries;
  if (toBoolean(success) === false) {
    const [third] = rest;
    const detail = Array.isArray(third) ? { errors: third } : { message: third };
    return { success: false, code, ...(third === undefined ? {} : detail) };
  }
  if (endpoint === 'send') {
    const [message_id, nb_sms, cost, currency] = rest;
    return { success, code, message_id, nb_sms, cost, currency };
  }
  return { success, code, entries: rest };
}

/**
 * Decode one answer: JSON or positional XML (sniffed, `format` only breaks ties). Throws
 * SmsPartnerProtocolError for anything that is not an SMS Partner answer and SmsPartnerApiError
 * when `success` is false; returns the answer as a record otherwise.
 */
function decode(body: unknown, opts: ParseOptions, endpoint: Endpoint): Record<string, unknown> {
  const status = opts.status;
  if (typeof body !== 'string') throw protocol('Answer body is not text', '', status);
  if (body.length > MAX_RESPONSE_BYTES) {
    throw protocol('Answer larger than 1 MB refused', body.slice(0, 200), status);
  }
  const text = body.replace(/^\uFEFF/, '').trim();
  if (text === '') throw protocol('Empty answer from SMS Partner', '', status);

  let record: Record<string, unknown>;
  const looksXml = /^<(\?xml|result[\s>])/i.test(text);
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw protocol('Malformed or truncated JSON answer', text, status);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw protocol('JSON answer is not an object', text, status);
    }
    record = parsed as Record<string, unknown>;
  } else if (looksXml || (opts.format === 'xml' && text.startsWith('<?'))) {
    record = recordFromXml(text, endpoint, status);
  } else if (text.startsWith('<')) {
    throw protocol('Expected an SMS Partner answer, got HTML or other markup', text, status);
  } else {
    throw protocol('Expected an SMS Partner JSON or XML answer', text, status);
  }

  const success = toBoolean(record.success);
  if (success === undefined) throw protocol('Answer has no boolean "success" field', text, status);
  if (!success) throw apiErrorFrom(record, status);
  return record;
}

function fieldFromElementId(elementId: string): string {
  const names = [...elementId.matchAll(/children\[([^\]]*)\]/g)].map((m) => m[1]);
  return names.length > 0 ? names.join('.') : elementId;
}

/** `errors` / `error` lists: `[{ elementId: 'children[x].data', message }]`, XML pairs, or maps. */
function fieldErrorsFrom(list: unknown): FieldIssue[] {
  if (Array.isArray(list)) {
    return list.flatMap((item): FieldIssue[] => {
      if (Array.isArray(item)) {
        const [id, message] = item;
        return [{ field: fieldFromElementId(String(id ?? '')), message: String(message ?? '') }];
      }
      if (item && typeof item === 'object') {
        const o = item as Record<string, unknown>;
        const id = o.elementId ?? o.field ?? o.element ?? o.property ?? '';
        const message = o.message ?? o.msg ?? '';
        return [{ field: fieldFromElementId(String(id)), message: String(message) }];
      }
      return typeof item === 'string' ? [{ field: '', message: item }] : [];
    });
  }
  if (list && typeof list === 'object') {
    return Object.entries(list).map(([id, message]) => ({
      field: fieldFromElementId(id),
      message: typeof message === 'string' ? message : JSON.stringify(message),
    }));
  }
  return [];
}

function apiErrorFrom(record: Record<string, unknown>, status?: number): SmsPartnerApiError {
  const providerCode = toInteger(record.code);
  // HTTP 429 without a provider code of its own is a rate limit, not an "unknown code".
  const rateLimited = status === 429 && !Object.hasOwn(PROVIDER_ERROR_MEANINGS, providerCode ?? -1);
  const code = rateLimited ? 429 : (providerCode ?? 0);
  const message =
    typeof record.message === 'string'
      ? record.message
      : typeof record.error === 'string'
        ? record.error
        : undefined;
  const list = record.errors ?? (typeof record.error === 'string' ? undefined : record.error);
  return new SmsPartnerApiError({
    code,
    providerMessage: message,
    fieldErrors: fieldErrorsFrom(list),
    httpStatus: status ?? 0,
    raw: record,
    ...(rateLimited ? { meaning: RATE_LIMITED } : {}),
  });
}

/** Ids are numbers in some answers and strings in others: always a string here. */
export function toId(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === 'string' && value.trim() !== '' && value.length <= 100) return value.trim();
  return undefined;
}

/** Money and counters arrive as numbers or strings (`"10225.119"`, `"0,038"`). */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*-?\d+(?:[.,]\d+)?\s*$/.test(value)) {
    return Number(value.trim().replace(',', '.'));
  }
  return undefined;
}

function toInteger(value: unknown): number | undefined {
  const n = toNumber(value);
  return n !== undefined && Number.isInteger(n) ? n : undefined;
}

/** Parse a `vn/send` answer (JSON or positional XML) into `{ messageId, nbSms, cost, currency }`. */
export function parseSendResponse(body: string, opts: ParseOptions = {}): SendResult {
  const record = decode(body, opts, 'send');
  const messageId = toId(record.message_id ?? record.messageId);
  const nbSms = toInteger(record.nb_sms ?? record.nbSms);
  const cost = toNumber(record.cost);
  const currency = typeof record.currency === 'string' ? record.currency.trim() : '';
  const missing = [
    messageId === undefined && 'message_id',
    (nbSms === undefined || nbSms < 0) && 'nb_sms',
    cost === undefined && 'cost',
    currency === '' && 'currency',
  ].filter(Boolean);
  if (missing.length > 0 || messageId === undefined || nbSms === undefined || cost === undefined) {
    throw protocol(
      `Send answer is missing or has unreadable ${missing.join(', ')}`,
      body,
      opts.status,
    );
  }
  return { messageId, nbSms, cost, currency, raw: record };
}

/**
 * Parse the answer of any other endpoint (`/me`, `/message-status`, `/message-cancel`,
 * `/stop-sms/*`): same error rules as `parseSendResponse`, returns the answer record. XML
 * answers of these endpoints are undocumented: they come back as `{ success, code, entries }`.
 */
export function parseApiResponse(body: string, opts: ParseOptions = {}): Record<string, unknown> {
  return decode(body, opts, 'other');
}

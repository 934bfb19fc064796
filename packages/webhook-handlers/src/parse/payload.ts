import type { FieldIssue } from '@smspartner-kit/core';

/** Values a flat callback payload may carry (JSON scalars; form and query values are strings). */
export type Scalar = string | number | boolean;

/** How a body's text is read: JSON, form-encoded, multipart/form-data (with its boundary), or sniffed. */
export type TextFormat = 'json' | 'form' | 'sniff' | { multipart: string };
export type Charset = 'utf-8' | 'latin1';

export const MAX_FIELDS = 100;
export const MAX_KEY_LENGTH = 100;
export const MAX_VALUE_LENGTH = 16_384;

/** Keys that could reach an object's prototype if a consumer ever merged the payload. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Flat provider names (`message-timestamp`, `concat_ref`); brackets (`a[b]`, qs nesting) are refused. */
const FIELD_NAME = /^[\p{L}\p{N}_.:\- ]+$/u;
const PAYLOAD_SHAPE = 'must be an object, URLSearchParams, a query string or a form/JSON body';

/**
 * A callback payload read into one flat record. Built only by `readPayload`; the HTTP layer hands
 * one to `webhooks.receive` when it has read a body with its content type.
 */
export class CallbackPayload {
  /** The payload as received, with a null prototype (never `token`). */
  readonly raw: Record<string, unknown> = Object.create(null);
  /** Non-empty fields by canonical name (lower case, no `-`, `_`, `.` or spaces). */
  readonly fields = new Map<string, { key: string; value: Scalar }>();
  readonly issues: FieldIssue[] = [];
  /** Canonical names of fields already reported as invalid (so they are not also reported missing). */
  readonly rejected = new Set<string>();
}

export function canonicalKey(key: string): string {
  return key.toLowerCase().replace(/[-_.\s]/g, '');
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

function decodeBytes(bytes: Uint8Array, charset: Charset): string | undefined {
  if (charset === 'latin1') return latin1.decode(bytes);
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Strict percent-decoding: malformed escapes are refused, never replaced by U+FFFD. */
function percentDecode(text: string, charset: Charset): string | undefined {
  const spaced = text.replaceAll('+', ' ');
  if (!spaced.includes('%')) return spaced;
  if (charset === 'utf-8') {
    try {
      return decodeURIComponent(spaced);
    } catch {
      return undefined;
    }
  }
  const bytes: number[] = [];
  for (let i = 0; i < spaced.length; i++) {
    const code = spaced.charCodeAt(i);
    if (code === 0x25) {
      const hex = spaced.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else if (code < 0x80) bytes.push(code);
    else return undefined;
  }
  return latin1.decode(Uint8Array.from(bytes));
}

function parseForm(text: string, issues: FieldIssue[], charset: Charset): [string, unknown][] {
  const entries: [string, unknown][] = [];
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = percentDecode(eq === -1 ? pair : pair.slice(0, eq), charset);
    const value = eq === -1 ? '' : percentDecode(pair.slice(eq + 1), charset);
    if (key === undefined || value === undefined) {
      issues.push({
        field: key ?? 'body',
        message: 'malformed percent-encoding (not valid UTF-8)',
      });
    } else entries.push([key, value]);
  }
  return entries;
}

/**
 * multipart/form-data text fields (what PHP's curl sends for an array of fields). Strict: CRLF
 * framing, a closing boundary, a `name` on every part; file parts are refused.
 */
function parseMultipart(
  text: string,
  boundary: string,
  issues: FieldIssue[],
): [string, unknown][] | undefined {
  const malformed = (message: string) => {
    issues.push({ field: 'body', message: `malformed multipart/form-data: ${message}` });
    return undefined;
  };
  if (!/^[0-9A-Za-z'()+_,\-./:=? ]{1,70}$/.test(boundary)) {
    return malformed('missing or invalid boundary');
  }
  const delimiter = `--${boundary}`;
  if (!text.includes(`${delimiter}--`)) return malformed('no closing boundary');
  const entries: [string, unknown][] = [];
  for (const segment of text.split(delimiter).slice(1)) {
    if (segment.startsWith('--')) return entries;
    const headerEnd = segment.indexOf('\r\n\r\n');
    if (!segment.startsWith('\r\n') || headerEnd === -1 || !segment.endsWith('\r\n')) {
      return malformed('a part is not framed by CRLF');
    }
    const headers = segment.slice(2, headerEnd);
    const disposition = /^content-disposition:\s*form-data\s*;(.*)$/im.exec(headers)?.[1] ?? '';
    const name = /(?:^|;)\s*name="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) return malformed('a part has no name');
    if (/(?:^|;)\s*filename\*?=/i.test(disposition)) {
      issues.push({ field: name, message: 'file uploads are not accepted' });
    } else entries.push([name, segment.slice(headerEnd + 4, -2)]);
  }
  return entries;
}

type Entries = Iterable<[string, unknown]>;

function entriesOfText(
  text: string,
  issues: FieldIssue[],
  format: TextFormat,
  charset: Charset,
): Entries | undefined {
  const trimmed = text.trim();
  if (trimmed === '') {
    issues.push({ field: 'payload', message: 'is empty' });
    return undefined;
  }
  if (typeof format === 'object') return parseMultipart(text, format.multipart, issues);
  if (format === 'json' || (format === 'sniff' && (trimmed[0] === '{' || trimmed[0] === '['))) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      issues.push({ field: 'body', message: 'is not valid JSON' });
      return undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      issues.push({ field: 'body', message: 'JSON must be an object of fields' });
      return undefined;
    }
    return Object.entries(parsed);
  }
  let query = trimmed;
  if (format === 'sniff' && /^https?:\/\//i.test(query)) {
    const at = query.indexOf('?');
    query = at === -1 ? '' : query.slice(at + 1);
  }
  if (query.startsWith('?')) query = query.slice(1);
  const hash = query.indexOf('#');
  if (hash !== -1) query = query.slice(0, hash);
  return parseForm(query, issues, charset);
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function entriesOf(
  input: unknown,
  issues: FieldIssue[],
  format: TextFormat,
  charset: Charset,
): Entries | undefined {
  if (input === undefined || input === null) {
    issues.push({ field: 'payload', message: 'is empty' });
    return undefined;
  }
  if (typeof input === 'string') return entriesOfText(input, issues, format, charset);
  if (input instanceof Uint8Array) {
    const text = decodeBytes(input, charset);
    if (text !== undefined) return entriesOfText(text, issues, format, charset);
    issues.push({ field: 'body', message: 'is not valid UTF-8' });
    return undefined;
  }
  if (input instanceof URLSearchParams) return [...input.entries()];
  if (input instanceof Map) {
    if ([...input.keys()].every((key) => typeof key === 'string')) return [...input.entries()];
    issues.push({ field: 'payload', message: 'Map keys must be strings' });
    return undefined;
  }
  if (typeof input === 'object' && !Array.isArray(input) && isPlainObject(input)) {
    return Object.keys(input).map((key) => [key, input[key]]);
  }
  issues.push({ field: 'payload', message: PAYLOAD_SHAPE });
  return undefined;
}

function valueProblem(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      if (value.length > MAX_VALUE_LENGTH) return `is longer than ${MAX_VALUE_LENGTH} characters`;
      if (!(value as string & { isWellFormed(): boolean }).isWellFormed()) {
        return 'is not valid Unicode (lone surrogate)';
      }
      return value.includes('\u0000') ? 'contains a NUL character' : undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : 'must be a finite number';
    case 'boolean':
    case 'undefined':
      return undefined;
    default:
      return value === null
        ? undefined
        : 'must be a string, number or boolean (nested values are not accepted)';
  }
}

/**
 * Any accepted input → one flat, null-prototype record. Never throws for hostile input: problems
 * become issues (nested values, duplicate or conflicting keys, prototype keys, oversize values…).
 */
export function readPayload(
  input: unknown,
  format: TextFormat = 'sniff',
  charset: Charset = 'utf-8',
): CallbackPayload {
  if (input instanceof CallbackPayload) return input;
  const payload = new CallbackPayload();
  const { raw, fields, issues, rejected } = payload;
  let count = 0;
  try {
    for (const [key, value] of entriesOf(input, issues, format, charset) ?? []) {
      if (++count > MAX_FIELDS) {
        issues.push({ field: 'payload', message: `has more than ${MAX_FIELDS} fields` });
        break;
      }
      if (key === 'token') continue; // the shared secret never travels further than the check
      const label = key.length > MAX_KEY_LENGTH ? `${key.slice(0, 32)}…` : key;
      const problem =
        key.length > MAX_KEY_LENGTH
          ? `field name is longer than ${MAX_KEY_LENGTH}`
          : !FIELD_NAME.test(key)
            ? 'field names may contain only letters, digits, spaces and _ . : - (no nesting)'
            : FORBIDDEN_KEYS.has(key)
              ? 'is a forbidden field name'
              : Object.hasOwn(raw, key)
                ? 'is given more than once'
                : undefined;
      if (problem) {
        issues.push({ field: label, message: problem });
        continue;
      }
      const canonical = canonicalKey(key);
      const refused = valueProblem(value);
      if (refused) {
        issues.push({ field: label, message: refused });
        rejected.add(canonical);
        continue;
      }
      raw[key] = value;
      if (value === null || value === undefined || value === '') continue;
      const previous = fields.get(canonical);
      if (!previous) fields.set(canonical, { key, value: value as Scalar });
      else if (previous.value !== value) {
        issues.push({ field: key, message: `conflicts with ${previous.key}` });
      }
    }
  } catch {
    // A hostile object (throwing getter, revoked proxy) is a bad payload, not a crash.
    issues.push({ field: 'payload', message: PAYLOAD_SHAPE });
  }
  if (issues.length === 0 && count === 0) issues.push({ field: 'payload', message: 'is empty' });
  return payload;
}

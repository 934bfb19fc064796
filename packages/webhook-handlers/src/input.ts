import type { WebhookIssue } from './errors.js';
import { parseFlatJson } from './flat-json.js';

/** Values a flat callback payload may carry (JSON scalars; form and query values are strings). */
export type Scalar = string | number | boolean;

export interface FlatPayload {
  /** The payload as received, with a null prototype (never `token`). */
  raw: Record<string, unknown>;
  /** Non-empty fields by canonical name: lower case without `-`, `_`, `.` or spaces. */
  fields: Map<string, { key: string; value: Scalar }>;
  issues: WebhookIssue[];
  /** Canonical names of fields already reported as invalid (so they are not also reported missing). */
  rejected: ReadonlySet<string>;
}

/** Shared by every payload without a refused field (most): no Set allocated per callback. */
export const NO_REJECTIONS: ReadonlySet<string> = new Set();

export const MAX_FIELDS = 100;
export const MAX_KEY_LENGTH = 100;
export const MAX_VALUE_LENGTH = 16_384;

/** Keys that could reach an object's prototype if a consumer ever merged the payload. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Flat provider names (`message-timestamp`, `concat_ref`); brackets (`a[b]`, qs nesting) are refused. */
const FIELD_NAME = /^[\p{L}\p{N}_.:\- ]+$/u;

export type Charset = 'utf-8' | 'latin1';

export function canonicalKey(key: string): string {
  return key.toLowerCase().replace(/[-_.\s]/g, '');
}

/** Field names repeat on every callback: their checks and canonical form are memoised (bounded). */
const keyMemo = new Map<string, { valid: boolean; canonical: string }>();

function keyInfo(key: string): { valid: boolean; canonical: string } {
  let info = keyMemo.get(key);
  if (!info) {
    info = { valid: FIELD_NAME.test(key), canonical: canonicalKey(key) };
    if (keyMemo.size >= 4096) keyMemo.clear();
    keyMemo.set(key, info);
  }
  return info;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

export function decodeBytes(bytes: Uint8Array, charset: Charset = 'utf-8'): string | undefined {
  if (charset === 'latin1') return latin1.decode(bytes);
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

function percentDecode(text: string, charset: Charset): string | undefined {
  if (!text.includes('%') && !text.includes('+')) return text;
  const spaced = text.replaceAll('+', ' ');
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

/** `a=1&b=2` → entries; strict: malformed percent-encoding is reported, not replaced by U+FFFD. */
export function parseForm(
  text: string,
  issues: WebhookIssue[],
  charset: Charset = 'utf-8',
): [string, unknown][] {
  const entries: [string, unknown][] = [];
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = eq === -1 ? pair : pair.slice(0, eq);
    const key = percentDecode(rawKey, charset);
    const value = eq === -1 ? '' : percentDecode(pair.slice(eq + 1), charset);
    if (key === undefined || value === undefined) {
      issues.push({
        field: key ?? 'body',
        message: 'malformed percent-encoding (not valid UTF-8)',
      });
      continue;
    }
    entries.push([key, value]);
  }
  return entries;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Entries to read: pairs (forms, Maps, URLSearchParams) or a plain object read key by key. */
type Entries = Iterable<[string, unknown]> | { record: Record<string, unknown> };

/** How to read a text body: JSON, form-encoded, multipart/form-data (with its boundary), or sniffed. */
export type TextFormat = 'json' | 'form' | 'sniff' | { multipart: string };

/**
 * multipart/form-data text fields (what PHP's curl sends for an array of fields). Strict: CRLF
 * framing, a closing boundary, a `name` on every part; file parts are refused.
 */
export function parseMultipart(
  text: string,
  boundary: string,
  issues: WebhookIssue[],
): [string, unknown][] | undefined {
  const malformed = (message: string) => {
    issues.push({ field: 'body', message: `malformed multipart/form-data: ${message}` });
    return undefined;
  };
  if (!/^[0-9A-Za-z'()+_,\-./:=? ]{1,70}$/.test(boundary))
    return malformed('missing or invalid boundary');
  const delimiter = `--${boundary}`;
  if (!text.includes(`${delimiter}--`)) return malformed('no closing boundary');
  const segments = text.split(delimiter);
  const entries: [string, unknown][] = [];
  for (const segment of segments.slice(1)) {
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
      continue;
    }
    entries.push([name, segment.slice(headerEnd + 4, -2)]);
  }
  return entries;
}

const PAYLOAD_SHAPE = 'must be an object, URLSearchParams, a query string or a form/JSON body';

function entriesOfText(
  text: string,
  issues: WebhookIssue[],
  format: TextFormat,
  charset: Charset,
): Entries | undefined {
  if (typeof format === 'object') {
    if (text.trim() === '') {
      issues.push({ field: 'payload', message: 'is empty' });
      return undefined;
    }
    return parseMultipart(text, format.multipart, issues);
  }
  const trimmed = text.trim();
  if (trimmed === '') {
    issues.push({ field: 'payload', message: 'is empty' });
    return undefined;
  }
  if (format === 'json' || (format === 'sniff' && (trimmed[0] === '{' || trimmed[0] === '['))) {
    let parsed: unknown = parseFlatJson(trimmed);
    try {
      parsed ??= JSON.parse(trimmed);
    } catch {
      issues.push({ field: 'body', message: 'is not valid JSON' });
      return undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      issues.push({ field: 'body', message: 'JSON must be an object of fields' });
      return undefined;
    }
    return { record: parsed as Record<string, unknown> };
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

function entriesOf(
  input: unknown,
  issues: WebhookIssue[],
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
    if (text === undefined) {
      issues.push({ field: 'body', message: 'is not valid UTF-8' });
      return undefined;
    }
    return entriesOfText(text, issues, format, charset);
  }
  if (input instanceof URLSearchParams) return input.entries();
  if (input instanceof Map) {
    const entries: [string, unknown][] = [];
    for (const [key, value] of input) {
      if (typeof key !== 'string') {
        issues.push({ field: 'payload', message: 'Map keys must be strings' });
        return undefined;
      }
      entries.push([key, value]);
    }
    return entries;
  }
  if (typeof input === 'object' && !Array.isArray(input) && isPlainObject(input)) {
    return { record: input };
  }
  issues.push({ field: 'payload', message: PAYLOAD_SHAPE });
  return undefined;
}

/**
 * Any accepted input → one flat, null-prototype record. Never throws for hostile input: problems
 * become issues (nested values, duplicate or conflicting keys, prototype keys, oversize values…).
 */
export function flatten(
  input: unknown,
  format: TextFormat = 'sniff',
  charset: Charset = 'utf-8',
): FlatPayload {
  const issues: WebhookIssue[] = [];
  const raw: Record<string, unknown> = Object.create(null);
  const fields = new Map<string, { key: string; value: Scalar }>();
  let rejected: Set<string> | undefined;
  let entries: Entries | undefined;
  try {
    entries = entriesOf(input, issues, format, charset);
  } catch {
    // A hostile object (throwing getter, revoked proxy) is a bad payload, not a crash.
    issues.push({ field: 'payload', message: PAYLOAD_SHAPE });
  }
  if (!entries) return { raw, fields, issues, rejected: NO_REJECTIONS };
  let count = 0;
  const add = (key: string, value: unknown): boolean => {
    if (++count > MAX_FIELDS) {
      issues.push({ field: 'payload', message: `has more than ${MAX_FIELDS} fields` });
      return false;
    }
    if (key === 'token') return true; // the shared secret never travels further than the check
    const label = key.length > MAX_KEY_LENGTH ? `${key.slice(0, 32)}…` : key;
    if (key.length > MAX_KEY_LENGTH) {
      issues.push({ field: label, message: `field name is longer than ${MAX_KEY_LENGTH}` });
      return true;
    }
    const info = keyInfo(key);
    if (!info.valid) {
      issues.push({
        field: label,
        message: 'field names may contain only letters, digits, spaces and _ . : - (no nesting)',
      });
      return true;
    }
    if (FORBIDDEN_KEYS.has(key)) {
      issues.push({ field: key, message: 'is a forbidden field name' });
      return true;
    }
    if (Object.hasOwn(raw, key)) {
      issues.push({ field: key, message: 'is given more than once' });
      return true;
    }
    const problem = checkValue(value);
    if (problem) {
      issues.push({ field: label, message: problem });
      rejected ??= new Set();
      rejected.add(info.canonical);
      return true;
    }
    raw[key] = value;
    if (value === null || value === undefined || value === '') return true;
    const canonical = info.canonical;
    const previous = fields.get(canonical);
    if (previous) {
      if (previous.value !== value) {
        issues.push({ field: key, message: `conflicts with ${previous.key}` });
      }
      return true;
    }
    fields.set(canonical, { key, value: value as Scalar });
    return true;
  };
  try {
    if (!(Symbol.iterator in entries)) {
      const record = entries.record;
      for (const key of Object.keys(record)) if (!add(key, record[key])) break;
    } else {
      for (const [key, value] of entries as Iterable<[string, unknown]>)
        if (!add(key, value)) break;
    }
  } catch {
    issues.push({ field: 'payload', message: PAYLOAD_SHAPE });
  }
  if (issues.length === 0 && count === 0) issues.push({ field: 'payload', message: 'is empty' });
  return { raw, fields, issues, rejected: rejected ?? NO_REJECTIONS };
}

function checkValue(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      if (value.length > MAX_VALUE_LENGTH) return `is longer than ${MAX_VALUE_LENGTH} characters`;
      if (!(value as string & { isWellFormed(): boolean }).isWellFormed())
        return 'is not valid Unicode (lone surrogate)';
      if (value.includes('\u0000')) return 'contains a NUL character';
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : 'must be a finite number';
    case 'boolean':
      return undefined;
    case 'undefined':
      return undefined;
    default:
      return value === null
        ? undefined
        : 'must be a string, number or boolean (nested values are not accepted)';
  }
}

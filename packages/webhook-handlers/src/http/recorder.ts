import { parseConfigOptions } from '@smspartner-kit/core/internal';
import { z } from 'zod';

export const callbackRecorderOptionsSchema = z.strictObject({
  limit: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(10_000, 'must be at most 10,000')
    .optional(),
  maxBodyBytes: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(1_048_576, 'must be at most 1,048,576')
    .optional(),
});

export interface CallbackRecorderOptions {
  /** How many callbacks to keep; the oldest is dropped beyond. 1–10,000, default 100. */
  limit?: number;
  /** Longest body kept per entry, in UTF-8 bytes (cut beyond, `bodyTruncated`). Default 65,536. */
  maxBodyBytes?: number;
}

/** One callback as it reached the middleware, the token and credentials redacted. */
export interface RecordedCallback {
  /** When the request reached the middleware. */
  receivedAt: Date;
  method: string;
  /** Path and query as requested, every `token` parameter removed. */
  path: string;
  /** As sent (names' case, order, repeats); credentials and values containing a token → `[redacted]`. */
  headers: readonly (readonly [name: string, value: string])[];
  /** The body as text; undefined when it was not read (GET, or refused first: 401, 405, 408, 413). */
  body: string | undefined;
  /** The body was longer than `maxBodyBytes` and is cut there. */
  bodyTruncated: boolean;
  /** What the middleware answered; null when the client left before the answer. */
  status: number | null;
}

export interface CallbackRecorder {
  readonly limit: number;
  /** The kept callbacks, oldest first (a new array each call). */
  entries(): RecordedCallback[];
  clear(): void;
}

/** What the middleware hands over for one callback. */
export interface RawCallback {
  receivedAt: Date;
  method: string;
  url: string;
  rawHeaders: readonly string[];
  contentType: string | undefined;
  /** As the contract read it: bytes, text, a framework's parsed value; undefined when unread. */
  body: unknown;
  status: number | null;
  /** The secrets the router accepts: scrubbed wherever they appear. */
  secrets: readonly string[];
}

const REDACTED = '[redacted]';
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);
const recorders = new WeakMap<CallbackRecorder, (raw: RawCallback) => void>();

/**
 * Keeps the last `limit` callbacks that reached `createNodeMiddleware(webhooks, { recorder })` —
 * refused ones included — to see what the provider really sends. Never stores a token.
 * @throws SmsPartnerConfigError for invalid options.
 */
export function createCallbackRecorder(options: CallbackRecorderOptions = {}): CallbackRecorder {
  const o = parseConfigOptions(
    callbackRecorderOptionsSchema,
    options ?? {},
    'createCallbackRecorder',
  );
  const limit = o.limit ?? 100;
  const maxBodyBytes = o.maxBodyBytes ?? 65_536;
  let kept: RecordedCallback[] = [];
  const recorder: CallbackRecorder = {
    limit,
    entries: () => [...kept],
    clear: () => {
      kept = [];
    },
  };
  recorders.set(recorder, (raw) => {
    kept.push(redact(raw, maxBodyBytes));
    if (kept.length > limit) kept.shift();
  });
  return recorder;
}

export function isCallbackRecorder(value: unknown): value is CallbackRecorder {
  return typeof value === 'object' && value !== null && recorders.has(value as CallbackRecorder);
}

export function recordCallback(recorder: CallbackRecorder, raw: RawCallback): void {
  recorders.get(recorder)?.(raw);
}

/** `token`, `Token`, `to_ken`…: the parsers' field-name rule, so no spelling slips through. */
function isTokenName(name: string): boolean {
  return name.toLowerCase().replace(/[-_.]/g, '') === 'token';
}

function decodeFormComponent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** `a=1&token=x&b=2` → `a=1&b=2` (or `token=[redacted]` kept with `keep`), the rest byte for byte. */
function redactFormPairs(text: string, found: string[], keep: boolean): string {
  return text
    .split('&')
    .flatMap((pair) => {
      const eq = pair.indexOf('=');
      const name = decodeFormComponent(eq === -1 ? pair : pair.slice(0, eq));
      if (!isTokenName(name)) return [pair];
      if (eq !== -1) found.push(decodeFormComponent(pair.slice(eq + 1)));
      return keep ? [`${pair.slice(0, eq === -1 ? pair.length : eq)}=${REDACTED}`] : [];
    })
    .join('&');
}

/** Replaces every token-named value in a parsed JSON value; true when one was. */
function redactJsonValue(value: unknown, found: string[]): boolean {
  if (typeof value !== 'object' || value === null) return false;
  let changed = false;
  for (const [key, inner] of Object.entries(value)) {
    if (isTokenName(key)) {
      if (typeof inner === 'string') found.push(inner);
      (value as Record<string, unknown>)[key] = REDACTED;
      changed = true;
    } else if (redactJsonValue(inner, found)) changed = true;
  }
  return changed;
}

const MULTIPART_FIELD =
  /(name="([^"]*)"[^\r\n]*\r?\n(?:[^\r\n]+\r?\n)*\r?\n)([\s\S]*?)(?=\r?\n--)/g;

/** A token field redacted in a JSON, multipart or form body; its values collected in `found`. */
function redactBodyFields(text: string, contentType: string, found: string[]): string {
  if (/^\s*[{[]/.test(text)) {
    try {
      const value: unknown = JSON.parse(text);
      // Re-serialised only when something had to go: otherwise the text stays as received.
      return redactJsonValue(value, found) ? JSON.stringify(value) : text;
    } catch {
      // not JSON after all: read as a form below
    }
  }
  if (/multipart\/form-data/i.test(contentType)) {
    return text.replace(MULTIPART_FIELD, (whole, head: string, name: string, value: string) => {
      if (!isTokenName(name)) return whole;
      found.push(value);
      return `${head}${REDACTED}`;
    });
  }
  return redactFormPairs(text, found, true);
}

function bodyText(body: unknown, contentType: string): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) {
    const latin1 = /charset\s*=\s*"?(iso-?8859-1|latin1|windows-1252|cp1252)/i.test(contentType);
    return new TextDecoder(latin1 ? 'latin1' : 'utf-8').decode(body);
  }
  if (body instanceof URLSearchParams) return body.toString();
  try {
    // A body a framework already parsed (express.json()): recorded as JSON of what it made.
    return JSON.stringify(body) ?? String(body);
  } catch {
    return '[a body parsed by a framework, not representable as JSON]';
  }
}

/** Every spelling in which a token may travel: as is, URL- and form-encoded, JSON-escaped. */
function spellings(tokens: readonly string[]): string[] {
  const all = new Set<string>();
  for (const token of tokens) {
    if (!token) continue;
    all.add(token);
    all.add(encodeURIComponent(token));
    all.add(new URLSearchParams({ t: token }).toString().slice(2));
    all.add(JSON.stringify(token).slice(1, -1));
  }
  // Longest first, so a token containing another is replaced whole.
  return [...all].filter(Boolean).sort((a, b) => b.length - a.length);
}

function scrub(text: string, needles: readonly string[]): string {
  return needles.reduce((out, needle) => out.split(needle).join(REDACTED), text);
}

function cut(text: string, maxBytes: number): { text: string; truncated: boolean } {
  const bytes = Buffer.from(text);
  if (bytes.length <= maxBytes) return { text, truncated: false };
  // Back to the start of a character, so the kept text is valid.
  let end = maxBytes;
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return { text: bytes.subarray(0, end).toString('utf8'), truncated: true };
}

function redact(raw: RawCallback, maxBodyBytes: number): RecordedCallback {
  const contentType = raw.contentType ?? '';
  const found: string[] = [];
  const at = raw.url.indexOf('?');
  const query =
    at === -1 ? '' : `?${redactFormPairs(raw.url.slice(at + 1), found, false)}`.replace(/^\?$/, '');
  let body = bodyText(raw.body, contentType);
  if (body !== undefined) body = redactBodyFields(body, contentType, found);
  const needles = spellings([...raw.secrets, ...found]);

  const headers: (readonly [string, string])[] = [];
  for (let i = 0; i + 1 < raw.rawHeaders.length; i += 2) {
    const name = raw.rawHeaders[i] as string;
    const value = raw.rawHeaders[i + 1] as string;
    const secret =
      CREDENTIAL_HEADERS.has(name.toLowerCase()) || needles.some((n) => value.includes(n));
    headers.push(Object.freeze([name, secret ? REDACTED : value] as const));
  }
  const kept = body === undefined ? undefined : cut(scrub(body, needles), maxBodyBytes);
  return Object.freeze({
    receivedAt: raw.receivedAt,
    method: raw.method,
    path: scrub(`${at === -1 ? raw.url : raw.url.slice(0, at)}${query}`, needles),
    headers: Object.freeze(headers),
    body: kept?.text,
    bodyTruncated: kept?.truncated ?? false,
    status: raw.status,
  });
}

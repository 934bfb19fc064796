import { WebhookHandlerError, WebhookPayloadError } from './errors.js';
import { type Charset, type FlatPayload, flatten, type TextFormat } from './input.js';
import type { WebhookKind } from './types.js';

export interface HandleRequest {
  method: string;
  /** Path and query as received (`/webhooks/smspartner/dlr?token=…`); any mount prefix works. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** string | Buffer | Uint8Array | an object a framework already parsed | undefined (GET, no body). */
  body?: unknown;
}

export interface HandleResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What the HTTP layer needs from a Webhooks instance. */
export interface HttpContext {
  verifyToken(token: string | undefined): boolean;
  maxBodyBytes: number;
  timeoutMs: number;
  /** Parses (throws WebhookPayloadError) and dispatches: the outcome, or a promise of it while handlers run. */
  accept(kind: WebhookKind, flat: FlatPayload): Outcome | Promise<Outcome>;
  logError(message: string, context?: Record<string, unknown>): void;
}

export type Outcome = 'dispatched' | 'duplicate' | 'pending';

const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
} as const;

export function jsonResponse(
  status: number,
  body: Record<string, unknown>,
  extraHeaders?: Record<string, string>,
): HandleResponse {
  return { status, headers: { ...JSON_HEADERS, ...extraHeaders }, body: JSON.stringify(body) };
}

const OK_BODIES: Record<Outcome, string> = {
  dispatched: '{"ok":true}',
  duplicate: '{"ok":true,"duplicate":true}',
  pending: '{"ok":true,"pending":true}',
};

export interface Preflight {
  kind: WebhookKind;
  method: 'GET' | 'POST';
  query: string;
}

export const ALLOW = 'GET, POST';

/** Path, method and token: everything decidable before reading a body. */
export function preflight(
  ctx: Pick<HttpContext, 'verifyToken'>,
  method: unknown,
  url: unknown,
): Preflight | HandleResponse {
  if (typeof url !== 'string' || url.length > 16_384) {
    return jsonResponse(400, {
      error: 'bad_request',
      message: 'the request URL is missing or too long',
    });
  }
  const at = url.indexOf('?');
  let path = at === -1 ? url : url.slice(0, at);
  const hash = path.indexOf('#');
  if (hash !== -1) path = path.slice(0, hash);
  while (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  const kind: WebhookKind | undefined =
    path.endsWith('/dlr') || path === 'dlr'
      ? 'dlr'
      : path.endsWith('/replies') || path === 'replies'
        ? 'replies'
        : undefined;
  if (!kind) {
    return jsonResponse(404, {
      error: 'not_found',
      message: 'callbacks are served on …/dlr and …/replies',
    });
  }
  const verb = typeof method === 'string' ? method.toUpperCase() : '';
  if (verb !== 'GET' && verb !== 'POST') {
    return jsonResponse(
      405,
      { error: 'method_not_allowed', message: 'use GET (query string) or POST (form or JSON)' },
      { allow: ALLOW },
    );
  }
  let query = at === -1 ? '' : url.slice(at + 1);
  const queryHash = query.indexOf('#');
  if (queryHash !== -1) query = query.slice(0, queryHash);
  const tokens = tokensIn(query);
  if (tokens.length > 1 || !ctx.verifyToken(tokens[0])) {
    return jsonResponse(401, { error: 'unauthorized', message: 'missing or invalid ?token=' });
  }
  return { kind, method: verb, query };
}

/** Every `token=` value of a query string (a hand scan: URLSearchParams costs more per request). */
function tokensIn(query: string): string[] {
  const tokens: string[] = [];
  if (!query.includes('token')) return tokens;
  let from = 0;
  while (from <= query.length) {
    let to = query.indexOf('&', from);
    if (to === -1) to = query.length;
    if (query.startsWith('token', from)) {
      if (to === from + 5) tokens.push('');
      else if (query.charCodeAt(from + 5) === 0x3d /* = */) {
        tokens.push(decodeToken(query.slice(from + 6, to)));
      }
    }
    from = to + 1;
  }
  return tokens;
}

function decodeToken(text: string): string {
  if (!text.includes('%') && !text.includes('+')) return text;
  const value = text.replaceAll('+', ' ');
  try {
    return decodeURIComponent(value);
  } catch {
    return value; // malformed encoding: compared as is, so it simply does not match
  }
}

export function headerValue(
  headers: Record<string, string | string[] | undefined> | undefined,
  name: string,
): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  let value = headers[name];
  if (value === undefined) {
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === name) {
        value = headers[key];
        break;
      }
    }
  }
  if (Array.isArray(value)) value = value[0];
  return typeof value === 'string' ? value : undefined;
}

type ContentType = { readonly format?: TextFormat; readonly charset?: Charset };

const NO_CONTENT_TYPE: ContentType = { format: 'sniff', charset: 'utf-8' };
/** Content-Type values repeat on every callback: their readings are memoised (bounded). */
const contentTypes = new Map<string, ContentType>();

function contentType(header: string | undefined): ContentType {
  if (!header) return NO_CONTENT_TYPE;
  if (header.length > 128) return readContentType(header); // e.g. long multipart boundaries
  let known = contentTypes.get(header);
  if (!known) {
    known = readContentType(header);
    if (contentTypes.size >= 256) contentTypes.clear();
    contentTypes.set(header, known);
  }
  return known;
}

function readContentType(header: string): ContentType {
  const [typePart = '', ...params] = header.split(';');
  const type = typePart.trim().toLowerCase();
  let charset: Charset | undefined = 'utf-8';
  let boundary = '';
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq === -1) continue;
    const name = param.slice(0, eq).trim().toLowerCase();
    const raw = param
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    if (name === 'boundary') boundary = raw; // case-sensitive
    if (name !== 'charset') continue;
    const value = raw.toLowerCase();
    charset = ['utf-8', 'utf8', 'us-ascii', 'ascii'].includes(value)
      ? 'utf-8'
      : ['iso-8859-1', 'iso8859-1', 'latin1', 'windows-1252', 'cp1252'].includes(value)
        ? 'latin1'
        : undefined;
  }
  let format: TextFormat | undefined;
  if (type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'))) {
    format = 'json';
  } else if (type === 'application/x-www-form-urlencoded') format = 'form';
  else if (type === 'multipart/form-data') format = { multipart: boundary };
  else if (type === '' || type === 'text/plain') format = 'sniff';
  return charset ? { format, charset } : { format };
}

function isEmptyBody(body: unknown): boolean {
  if (body === undefined || body === null || body === '') return true;
  if (body instanceof Uint8Array) return body.byteLength === 0;
  if (typeof body === 'object' && !(body instanceof URLSearchParams) && !(body instanceof Map)) {
    const proto = Object.getPrototypeOf(body);
    return (proto === Object.prototype || proto === null) && Object.keys(body).length === 0;
  }
  return false;
}

function hasPayloadParams(query: string): boolean {
  for (const pair of query.split('&')) {
    if (pair !== '' && !pair.startsWith('token=') && pair !== 'token') return true;
  }
  return false;
}

/** The payload of a request whose preflight passed: flattened, or the 4xx to answer. */
export function readPayload(
  ctx: Pick<HttpContext, 'maxBodyBytes'>,
  pre: Preflight,
  headers: HandleRequest['headers'],
  body: unknown,
): FlatPayload | HandleResponse {
  if (pre.method === 'GET' || isEmptyBody(body)) {
    if (pre.method === 'POST' && !hasPayloadParams(pre.query)) {
      return jsonResponse(400, {
        error: 'invalid_payload',
        message: 'the request has no body and no query parameters',
        issues: [{ field: 'body', message: 'is empty' }],
      });
    }
    return flatten(pre.query, 'form');
  }
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const size = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
    if (size > ctx.maxBodyBytes) return tooLarge(ctx.maxBodyBytes);
    const { format, charset } = contentType(headerValue(headers, 'content-type'));
    if (!format || !charset) {
      return jsonResponse(415, {
        error: 'unsupported_media_type',
        message:
          'send application/json, application/x-www-form-urlencoded, multipart/form-data or a query string (UTF-8 or ISO-8859-1)',
      });
    }
    return flatten(body, format, charset);
  }
  if (typeof body === 'object') return flatten(body, 'sniff');
  return jsonResponse(400, {
    error: 'invalid_payload',
    message: 'unreadable body',
    issues: [{ field: 'body', message: 'must be a string, bytes or an object of fields' }],
  });
}

export function tooLarge(limit: number): HandleResponse {
  return jsonResponse(413, {
    error: 'payload_too_large',
    message: `the body is larger than ${limit} bytes`,
    limit,
  });
}

const TIMED_OUT = Symbol('timed-out');

/** The one HTTP contract, shared by `handle`, `createNodeMiddleware` and the framework adapters. */
export async function handleRequest(ctx: HttpContext, req: HandleRequest): Promise<HandleResponse> {
  return handleRequestNow(ctx, req);
}

/**
 * The same contract, answering synchronously when it can (token refused, bad payload, or a
 * synchronous store and handlers): `createNodeMiddleware` then writes the response in the tick
 * the body ended, without promise hops.
 */
export function handleRequestNow(
  ctx: HttpContext,
  req: HandleRequest,
  checked?: Preflight,
): HandleResponse | Promise<HandleResponse> {
  try {
    if (typeof req !== 'object' || req === null) {
      return jsonResponse(400, { error: 'bad_request', message: 'no request' });
    }
    // `checked`: the middleware already ran the preflight of this very request (one token check).
    const pre = checked ?? preflight(ctx, req.method, req.url);
    if ('status' in pre) return pre;
    const flat = readPayload(ctx, pre, req.headers, req.body);
    if ('status' in flat) return flat;
    const response = run(ctx, pre.kind, flat);
    return isPromiseLike(response) ? response.catch((error) => unexpected(ctx, error)) : response;
  } catch (error) {
    return unexpected(ctx, error);
  }
}

function unexpected(ctx: HttpContext, error: unknown): HandleResponse {
  ctx.logError('unexpected error while handling a callback', {
    error: error instanceof Error ? error.message : String(error),
  });
  return jsonResponse(500, { error: 'internal_error', message: 'unexpected error' });
}

export function isPromiseLike<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | undefined)?.then === 'function';
}

function run(
  ctx: HttpContext,
  kind: WebhookKind,
  flat: FlatPayload,
): HandleResponse | Promise<HandleResponse> {
  let accepted: Outcome | Promise<Outcome>;
  try {
    accepted = ctx.accept(kind, flat);
  } catch (error) {
    if (error instanceof WebhookPayloadError) {
      return jsonResponse(400, {
        error: 'invalid_payload',
        message: error.message,
        issues: error.issues,
      });
    }
    throw error;
  }
  if (typeof accepted === 'string') {
    return { status: 200, headers: { ...JSON_HEADERS }, body: OK_BODIES[accepted] };
  }
  return race(ctx, accepted);
}

async function race(ctx: HttpContext, inFlight: Promise<Outcome>): Promise<HandleResponse> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(resolve, ctx.timeoutMs, TIMED_OUT);
  });
  try {
    const outcome = await Promise.race([inFlight, deadline]);
    if (outcome === TIMED_OUT) {
      inFlight.catch(() => {}); // failures still reach onError; nobody awaits this promise any more
      return jsonResponse(202, {
        ok: true,
        accepted: true,
        message: 'handlers are still running',
      });
    }
    return { status: 200, headers: { ...JSON_HEADERS }, body: OK_BODIES[outcome] };
  } catch (error) {
    if (error instanceof WebhookHandlerError) {
      return jsonResponse(500, {
        error: 'handler_failed',
        message: `${error.errors.length} handler(s) failed for '${error.event.name}'; the provider may retry`,
      });
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

import { SmsPartnerConfigError } from '@smspartner-kit/core';
import { WebhookHandlerError, WebhookPayloadError } from '../errors.js';
import { type Charset, readPayload, type TextFormat } from '../parse/payload.js';
import type { Webhooks } from '../router/webhooks.js';
import type { ReceiveOutcome, WebhookKind } from '../types.js';

export const DEFAULT_PATH = '/webhooks/smspartner';

/**
 * The one mount-path rule: `/` then plain segments (letters, digits, `. _ ~ -`), a trailing slash
 * dropped; `''` or `'/'` is the root. → the normalised prefix (`''` for the root).
 * @throws SmsPartnerConfigError naming `field`.
 */
export function mountPath(path: unknown, field = 'path'): string {
  if (typeof path !== 'string' || !/^(\/[A-Za-z0-9._~-]+)*\/?$/.test(path)) {
    const rule = `must be a path like "${DEFAULT_PATH}" (segments of letters, digits, . _ ~ -)`;
    throw new SmsPartnerConfigError(`Invalid ${field}: ${rule}`, [{ field, message: rule }]);
  }
  return path.replace(/\/$/, '');
}

/** What an adapter supplies for one request. */
export interface CallbackExchange {
  method: string;
  /** Path and query as seen from where the handler is mounted (Express: relative to the router). */
  url: string;
  header(name: 'content-type'): string | undefined;
  /**
   * The body — bytes, text, an object a framework already parsed, or undefined — read only once
   * the token is accepted. Rejects with `BodyError` (413, 408, or the client went away).
   */
  body(): Promise<unknown>;
}

export class BodyError extends Error {
  constructor(readonly reason: 'too_large' | 'timeout' | 'aborted') {
    super(`request body ${reason}`);
  }
}

export interface CallbackAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The request body may be left unread: close the connection rather than drain it. */
  close?: boolean;
}

export interface ContractSettings {
  mount: string;
  maxBodyBytes: number;
  /** Longest wait for the handlers before answering 202 (they go on). */
  ackTimeoutMs: number;
  logError(message: string, context: Record<string, unknown>): void;
}

function json(status: number, body: Record<string, unknown>, extra?: Partial<CallbackAnswer>) {
  const headers = {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...extra?.headers,
  };
  return { ...extra, status, headers, body: JSON.stringify(body) };
}

const OUTCOME_BODIES: Record<ReceiveOutcome, Record<string, unknown>> = {
  dispatched: { ok: true },
  duplicate: { ok: true, duplicate: true },
  pending: { ok: true, pending: true },
};

/** `Content-Type` → how to read the text; `format` undefined = unsupported (415). */
function contentType(header: string | undefined): { format?: TextFormat; charset?: Charset } {
  const [typePart = '', ...params] = (header ?? '').split(';');
  const type = typePart.trim().toLowerCase();
  let charset: Charset | undefined = 'utf-8';
  let boundary = '';
  for (const param of params) {
    const eq = param.indexOf('=');
    const name = param.slice(0, eq).trim().toLowerCase();
    const value = param
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    if (eq === -1) continue;
    if (name === 'boundary') boundary = value; // case-sensitive
    if (name !== 'charset') continue;
    const lower = value.toLowerCase();
    charset = ['utf-8', 'utf8', 'us-ascii', 'ascii'].includes(lower)
      ? 'utf-8'
      : ['iso-8859-1', 'iso8859-1', 'latin1', 'windows-1252', 'cp1252'].includes(lower)
        ? 'latin1'
        : undefined;
  }
  if (!charset) return {};
  if (type === 'application/json' || /^application\/[^;]*\+json$/.test(type)) {
    return { format: 'json', charset };
  }
  if (type === 'application/x-www-form-urlencoded') return { format: 'form', charset };
  if (type === 'multipart/form-data') return { format: { multipart: boundary }, charset };
  if (type === '' || type === 'text/plain') return { format: 'sniff', charset };
  return {};
}

/** `{}`: what Express 4 leaves in `req.body` when no parser matched, and an empty parsed body. */
export function isEmptyPlainObject(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.getPrototypeOf(value) === Object.prototype &&
    Object.keys(value).length === 0
  );
}

function isEmptyBody(body: unknown): boolean {
  if (body === undefined || body === null || body === '') return true;
  return body instanceof Uint8Array ? body.byteLength === 0 : isEmptyPlainObject(body);
}

/**
 * The HTTP contract, once for every adapter: path → 404 (`undefined`: not ours, the adapter calls
 * next), method → 405, token → 401 — all before the body is read — then body (413, 408),
 * media type (415), payload (400), and the router's outcome (200, 500), or 202 once
 * `ackTimeoutMs` has passed with handlers still running. `null`: the client went away.
 */
export async function answerCallback(
  webhooks: Webhooks,
  exchange: CallbackExchange,
  settings: ContractSettings,
): Promise<CallbackAnswer | undefined | null> {
  const at = exchange.url.indexOf('?');
  const path = (at === -1 ? exchange.url : exchange.url.slice(0, at)).replace(/\/+$/, '');
  const query = at === -1 ? '' : exchange.url.slice(at + 1).split('#')[0];
  const kind: WebhookKind | undefined =
    path === `${settings.mount}/dlr`
      ? 'dlr'
      : path === `${settings.mount}/replies`
        ? 'replies'
        : undefined;
  if (!kind) return undefined;
  const method = exchange.method.toUpperCase();
  if (method !== 'GET' && method !== 'POST') {
    const message = 'use GET (query string) or POST (form or JSON)';
    return json(
      405,
      { error: 'method_not_allowed', message },
      { headers: { allow: 'GET, POST' }, close: true },
    );
  }
  const params = new URLSearchParams(query);
  const tokens = params.getAll('token');
  if (tokens.length > 1 || !webhooks.verify(tokens[0])) {
    return json(
      401,
      { error: 'unauthorized', message: 'missing or invalid ?token=' },
      { close: true },
    );
  }

  let body: unknown;
  try {
    body = method === 'POST' ? await exchange.body() : undefined;
    // The limit holds for a body a framework read too (express.raw(), express.text()).
    const size =
      typeof body === 'string'
        ? Buffer.byteLength(body)
        : body instanceof Uint8Array
          ? body.byteLength
          : 0;
    if (size > settings.maxBodyBytes) throw new BodyError('too_large');
  } catch (error) {
    if (!(error instanceof BodyError)) throw error;
    if (error.reason === 'aborted') return null;
    if (error.reason === 'timeout') {
      return json(
        408,
        { error: 'request_timeout', message: 'the body never finished' },
        { close: true },
      );
    }
    const limit = settings.maxBodyBytes;
    const message = `the body is larger than ${limit} bytes`;
    return json(413, { error: 'payload_too_large', message, limit }, { close: true });
  }

  let payload: ReturnType<typeof readPayload>;
  if (isEmptyBody(body)) {
    if (method === 'POST' && [...params.keys()].every((key) => key === 'token')) {
      return json(400, {
        error: 'invalid_payload',
        message: 'the request has no body and no query parameters',
        issues: [{ field: 'body', message: 'is empty' }],
      });
    }
    payload = readPayload(query, 'form');
  } else if (typeof body === 'string' || body instanceof Uint8Array) {
    const { format, charset } = contentType(exchange.header('content-type'));
    if (!format) {
      return json(415, {
        error: 'unsupported_media_type',
        message:
          'send application/json, application/x-www-form-urlencoded, multipart/form-data or a query string (UTF-8 or ISO-8859-1)',
      });
    }
    payload = readPayload(body, format, charset);
  } else payload = readPayload(body);

  const work = webhooks.receive(kind, payload);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const budget = new Promise<'later'>((resolve) => {
    timer = setTimeout(resolve, settings.ackTimeoutMs, 'later');
  });
  try {
    const outcome = await Promise.race([work, budget]);
    if (outcome !== 'later') return json(200, OUTCOME_BODIES[outcome]);
    // Claimed and running: a later handler failure reaches onError and releases the claim.
    work.catch((error: unknown) => {
      if (!(error instanceof WebhookHandlerError)) {
        settings.logError('callback failed after its 202', { error: String(error) });
      }
    });
    return json(202, { ok: true, accepted: true, message: 'handlers are still running' });
  } catch (error) {
    if (error instanceof WebhookPayloadError) {
      return json(400, { error: 'invalid_payload', message: error.message, issues: error.issues });
    }
    if (error instanceof WebhookHandlerError) {
      return json(500, {
        error: 'handler_failed',
        message: `${error.errors.length} handler(s) failed for '${error.event.name}'; the provider may retry`,
      });
    }
    settings.logError('unexpected error while handling a callback', {
      error: error instanceof Error ? error.message : String(error),
    });
    return json(500, { error: 'internal_error', message: 'unexpected error' });
  } finally {
    clearTimeout(timer);
  }
}

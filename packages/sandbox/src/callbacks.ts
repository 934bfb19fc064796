import http from 'node:http';
import https from 'node:https';
import type { Timers } from './timers.js';
import type { CallbackAttempt, ReceiptShape, ReplyShape } from './types.js';

export type Payload = Record<string, string | number>;

interface OutgoingRequest {
  url: URL;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

function formBody(payload: Payload): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(payload)) params.append(key, String(value));
  return params.toString();
}

/** JSON POST (json, vonage), form POST, or GET with the fields appended to the query. */
export function buildCallbackRequest(
  target: string,
  shape: ReceiptShape | ReplyShape,
  payload: Payload,
): OutgoingRequest {
  const url = new URL(target);
  if (shape === 'query') {
    for (const [key, value] of Object.entries(payload)) url.searchParams.append(key, String(value));
    return { url, method: 'GET', headers: { 'user-agent': 'smspartner-sandbox' } };
  }
  const body = shape === 'form' ? formBody(payload) : JSON.stringify(payload);
  return {
    url,
    method: 'POST',
    headers: {
      'user-agent': 'smspartner-sandbox',
      'content-type':
        shape === 'form' ? 'application/x-www-form-urlencoded' : 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
    },
    body,
  };
}

/** A URL fit for a log line: query values (tokens) masked. */
export function redactUrl(target: string): string {
  try {
    const url = new URL(target);
    for (const key of [...url.searchParams.keys()]) url.searchParams.set(key, '***');
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return '(invalid url)';
  }
}

function sendOnce(
  request: OutgoingRequest,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<{ statusCode: number } | { error: string }> {
  return new Promise((resolve) => {
    const transport = request.url.protocol === 'https:' ? https : http;
    let settled = false;
    const settle = (value: { statusCode: number } | { error: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(value);
    };
    const req = transport.request(
      request.url,
      { method: request.method, headers: request.headers, agent: false },
      (res) => {
        res.resume();
        res.on('error', () => undefined);
        settle({ statusCode: res.statusCode ?? 0 });
      },
    );
    const timer = setTimeout(() => {
      settle({ error: `no answer within ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    timer.unref();
    const onAbort = () => {
      settle({ error: 'sandbox closed' });
      req.destroy();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('error', (error: NodeJS.ErrnoException) => {
      settle({ error: error.code ? `${error.code}: ${error.message}` : error.message });
    });
    req.end(request.body);
  });
}

export interface DeliveryPolicy {
  retries: number;
  backoffMs: number;
  timeoutMs: number;
}

export interface DeliveryJob {
  kind: 'dlr' | 'reply';
  url: string;
  shape: ReceiptShape | ReplyShape;
  payload: Payload;
  messageId?: string;
  replyId?: string;
}

/**
 * Delivers one callback: an attempt, then up to `retries` more after a non-2xx or no answer,
 * waiting backoffMs, 2×, 4×… in between. `onAttempt` sees every attempt (it is logged and kept).
 */
export async function deliverCallback(
  job: DeliveryJob,
  policy: DeliveryPolicy,
  deps: {
    timers: Timers;
    signal: AbortSignal;
    now: () => number;
    nextId: () => number;
    onAttempt: (attempt: CallbackAttempt) => void;
  },
): Promise<CallbackAttempt[]> {
  const attempts: CallbackAttempt[] = [];
  const request = buildCallbackRequest(job.url, job.shape, job.payload);
  const maxAttempts = policy.retries + 1;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (deps.signal.aborted) break;
    const startedAt = deps.now();
    const started = performance.now();
    const result = await sendOnce(request, policy.timeoutMs, deps.signal);
    const record: CallbackAttempt = {
      id: deps.nextId(),
      kind: job.kind,
      ...(job.messageId === undefined ? {} : { messageId: job.messageId }),
      ...(job.replyId === undefined ? {} : { replyId: job.replyId }),
      url: job.url,
      method: request.method,
      shape: job.shape,
      attempt,
      maxAttempts,
      payload: job.payload,
      ok: 'statusCode' in result && result.statusCode >= 200 && result.statusCode < 300,
      ...('statusCode' in result ? { statusCode: result.statusCode } : { error: result.error }),
      startedAt: new Date(startedAt),
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    };
    attempts.push(record);
    deps.onAttempt(record);
    if (record.ok || deps.signal.aborted) break;
    if (attempt < maxAttempts) {
      await deps.timers.sleep(policy.backoffMs * 2 ** (attempt - 1), deps.signal);
    }
  }
  return attempts;
}

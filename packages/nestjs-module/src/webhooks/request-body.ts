import type { IncomingMessage, ServerResponse } from 'node:http';

interface FrameworkRequest {
  body?: unknown;
  rawBody?: unknown;
  raw?: unknown;
}

function isIncomingMessage(value: unknown): value is IncomingMessage {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as IncomingMessage).on === 'function' &&
    typeof (value as IncomingMessage).headers === 'object'
  );
}

function isServerResponse(value: unknown): value is ServerResponse {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ServerResponse).writeHead === 'function' &&
    typeof (value as ServerResponse).end === 'function'
  );
}

/** The body is in hand (`ready`), or still in an unread stream (`stream`). */
export type RequestBody =
  | { kind: 'ready'; body: unknown }
  | { kind: 'stream'; req: IncomingMessage; res: ServerResponse };

/**
 * Where the callback body is, whatever ran before us:
 * - `NestFactory.create(…, { rawBody: true })` → `req.rawBody`, the exact bytes;
 * - Nest's default JSON / urlencoded parser → `req.body` (the stream is consumed);
 * - no parser for this content type (text/plain, `bodyParser: false`) → the unread stream, for
 *   `createNodeMiddleware` of @smspartner-kit/webhooks to read (token first, size limit, time-out);
 * - a stream consumed without leaving a body → no body (never awaited: no hang); the webhooks
 *   handler answers that itself.
 */
export function locateRequestBody(request: unknown, response: unknown): RequestBody {
  const req = request as FrameworkRequest;
  if (req.rawBody instanceof Uint8Array && req.rawBody.length > 0) {
    return { kind: 'ready', body: req.rawBody };
  }
  const stream = isIncomingMessage(req.raw)
    ? req.raw
    : isIncomingMessage(request)
      ? request
      : undefined;
  const res = isServerResponse((response as { raw?: unknown }).raw)
    ? (response as { raw: ServerResponse }).raw
    : isServerResponse(response)
      ? response
      : undefined;
  if (stream === undefined || res === undefined || stream.readableEnded || stream.destroyed) {
    return { kind: 'ready', body: req.body };
  }
  if (req.body !== undefined && req.body !== null && !isEmptyPlainObject(req.body)) {
    return { kind: 'ready', body: req.body };
  }
  return { kind: 'stream', req: stream, res };
}

/** Express 4 leaves `{}` when no parser matched: that is "not parsed", not an empty payload. */
function isEmptyPlainObject(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.getPrototypeOf(value) === Object.prototype &&
    Object.keys(value).length === 0
  );
}

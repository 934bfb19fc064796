import type { IncomingMessage } from 'node:http';

/** Cap for bodies this module reads itself (those no body parser consumed). */
export const MAX_UNPARSED_BODY_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

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

function isEmptyObject(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array) &&
    Object.keys(value).length === 0
  );
}

function readStream(stream: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    const onData = (chunk: Buffer | string) => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buffer.length;
      if (size > limit) {
        cleanup();
        // Drain the rest so the 413 answer can still be written on this connection.
        stream.resume();
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(buffer);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    // A stream destroyed mid-way never emits 'end': settle instead of waiting forever.
    const onClose = () => {
      cleanup();
      reject(new Error('request aborted before its body was complete'));
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

/**
 * The body to hand to `Webhooks.handle()`, whatever ran before us:
 * - `NestFactory.create(…, { rawBody: true })` → `req.rawBody`, the exact bytes;
 * - Nest's default JSON / urlencoded parser → `req.body` (the stream is already consumed);
 * - no parser for this content type (text/plain, `bodyParser: false`) → we read the stream.
 * A stream consumed without leaving a body behind is never awaited (no hang): the webhooks
 * handler then answers the missing body itself.
 */
export async function readRequestBody(request: unknown): Promise<unknown> {
  const req = request as FrameworkRequest;
  if (req.rawBody instanceof Uint8Array && req.rawBody.length > 0) return req.rawBody;
  const stream = isIncomingMessage(req.raw)
    ? req.raw
    : isIncomingMessage(request)
      ? request
      : undefined;
  if (stream === undefined || stream.readableEnded || stream.destroyed) return req.body;
  const bytes = await readStream(stream, MAX_UNPARSED_BODY_BYTES);
  if (bytes.length > 0) return bytes;
  // Express 4 leaves `{}` when nothing was parsed; that is "no body", not an empty payload.
  return isEmptyObject(req.body) ? undefined : req.body;
}

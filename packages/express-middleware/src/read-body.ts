import type { Request } from 'express';

/** Bytes read from the request stream when no body parser consumed it first. */
export const RAW_BODY_LIMIT_BYTES = 64 * 1024;

export type BodyForWebhooks = string | Buffer | Uint8Array | Record<string, unknown> | undefined;

/**
 * True when something before us already read the request stream: body-parser (express.json,
 * urlencoded, raw, text) flags `req._body`; any other reader leaves the stream ended or read.
 * Express 4's body-parser sets `req.body = {}` even when it skipped the request, so `req.body`
 * alone does not tell; the stream state does.
 */
export function bodyWasConsumed(req: Request): boolean {
  const flagged = (req as { _body?: unknown })._body === true;
  return flagged || req.readableEnded || req.readableDidRead;
}

/**
 * Reads the untouched request stream, keeping at most `limit + 1` bytes so the webhooks
 * contract can see the body is over its limit (and answer 413) without us buffering the rest.
 * The remainder is drained, not kept, so the connection stays usable and nothing hangs.
 * Resolves `undefined` for a request without a body.
 */
export function readRawBody(
  req: Request,
  limit = RAW_BODY_LIMIT_BYTES,
): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (error) reject(error);
      else resolve(kept === 0 ? undefined : Buffer.concat(chunks, kept));
    };
    const onData = (chunk: Buffer | string) => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      const room = limit + 1 - kept;
      if (room <= 0) return; // over the limit already: drain without keeping
      const part = buffer.length > room ? buffer.subarray(0, room) : buffer;
      chunks.push(part);
      kept += part.length;
    };
    const onEnd = () => finish();
    const onError = (error: Error) => finish(error);
    // A client that goes away mid-body: settle instead of waiting for an 'end' that never comes.
    const onClose = () => {
      if (!req.readableEnded) finish(new Error('request closed before its body was received'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
    req.resume();
  });
}

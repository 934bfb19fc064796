import type { Request } from 'express';

export type BodyForWebhooks = string | Buffer | Uint8Array | Record<string, unknown> | undefined;

/**
 * True when something before us already read the request stream: body-parser (express.json,
 * urlencoded, raw, text) flags `req._body`; any other reader leaves the stream ended or read.
 * `req.body` alone does not tell: Express 4's body-parser sets `{}` on requests it skipped.
 */
export function bodyWasConsumed(req: Request): boolean {
  const flagged = (req as { _body?: unknown })._body === true;
  return flagged || req.readableEnded || req.readableDidRead;
}

export interface RawBody {
  /** The bytes kept: all of them, or `limit + 1` when the body is larger than `limit`. */
  body: Buffer | undefined;
  /** The body is larger than `limit`; the rest was not read. */
  overLimit: boolean;
  /** The client stopped sending before the body was complete; nothing was kept. */
  timedOut: boolean;
}

/**
 * Reads an untouched request stream. Past `limit` it stops at `limit + 1` bytes — just enough for
 * the webhooks contract to see the body is too large and answer 413 itself — and leaves the rest
 * unread (the caller closes the connection). A body still incomplete after `timeoutMs` resolves
 * `timedOut` instead of waiting on a stalled client. Resolves `body: undefined` for an empty body.
 */
export function readRawBody(req: Request, limit: number, timeoutMs: number): Promise<RawBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let settled = false;
    const finish = (outcome: Error | { overLimit: boolean; timedOut: boolean }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (outcome instanceof Error) {
        reject(outcome);
        return;
      }
      if (outcome.overLimit || outcome.timedOut) req.pause();
      const body = kept === 0 || outcome.timedOut ? undefined : Buffer.concat(chunks, kept);
      resolve({ body, ...outcome });
    };
    const onData = (chunk: Buffer | string) => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      const room = limit + 1 - kept;
      const part = buffer.length > room ? buffer.subarray(0, room) : buffer;
      chunks.push(part);
      kept += part.length;
      if (kept > limit) finish({ overLimit: true, timedOut: false });
    };
    const onEnd = () => finish({ overLimit: false, timedOut: false });
    const onError = (error: Error) => finish(error);
    // A client gone mid-body: settle instead of waiting for an 'end' that never comes.
    const onClose = () => finish(new Error('the request closed before its body was received'));
    const timer = setTimeout(() => finish({ overLimit: false, timedOut: true }), timeoutMs);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
    req.resume();
  });
}

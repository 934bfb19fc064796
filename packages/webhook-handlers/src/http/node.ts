import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseConfigOptions } from '@smspartner-kit/core/internal';
import { z } from 'zod';
import type { Webhooks } from '../router/webhooks.js';
import {
  answerCallback,
  BodyError,
  type CallbackAnswer,
  DEFAULT_PATH,
  isEmptyPlainObject,
  mountPath,
} from './contract.js';

const positiveInt = z.number().int('must be a whole number').positive('must be > 0');

export const nodeMiddlewareOptionsSchema = z.strictObject({
  path: z.string().optional(),
  maxBodyBytes: positiveInt.optional(),
  bodyTimeoutMs: positiveInt.optional(),
  ackTimeoutMs: positiveInt.optional(),
});

export interface NodeMiddlewareOptions {
  /** Serves `${path}/dlr` and `${path}/replies`, relative to where it is mounted. Default `/webhooks/smspartner`. */
  path?: string;
  /** Largest accepted body (413 beyond, without reading the rest). Default 65,536 bytes. */
  maxBodyBytes?: number;
  /** A client that stops sending its body gets 408 after this. Default 10,000 ms. */
  bodyTimeoutMs?: number;
  /** Handlers still running after this are answered 202 and go on. Default 1,000 ms. */
  ackTimeoutMs?: number;
}

export type NodeMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (err?: unknown) => void,
) => void;

type FrameworkRequest = IncomingMessage & { body?: unknown; rawBody?: unknown; _body?: unknown };

/**
 * A request's body, wherever it is — every "a framework already read it" rule lives here:
 * - `req.rawBody` (Nest's `rawBody: true`): the exact bytes;
 * - a stream someone else read (body-parser flags `req._body`; any reader leaves it ended or
 *   read): `req.body` as they left it, never a wait on the stream;
 * - `req.body` set by someone without reading (a test, a gateway) — except Express 4's `{}` for
 *   a content type its parser skipped — as is;
 * - otherwise the stream, up to `limit` bytes (`too_large` as soon as it is passed, without
 *   reading the rest) within `timeoutMs` (`timeout`), or `aborted` if the client goes away.
 */
export function readBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<unknown> {
  const { body, rawBody, _body: parsed } = req as FrameworkRequest;
  if (rawBody instanceof Uint8Array && rawBody.length > 0) return Promise.resolve(rawBody);
  if (parsed === true || req.readableEnded || req.readableDidRead) return Promise.resolve(body);
  if (body !== undefined && body !== null && !isEmptyPlainObject(body))
    return Promise.resolve(body);
  if (Number(req.headers['content-length']) > limit) {
    return Promise.reject(new BodyError('too_large'));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => stop(new BodyError('timeout')), timeoutMs);
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) stop(new BodyError('too_large'));
      else chunks.push(chunk);
    };
    const onEnd = () => stop(Buffer.concat(chunks, size));
    const onClose = () => stop(new BodyError('aborted'));
    function stop(result: Buffer | BodyError): void {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('close', onClose).off('error', onClose);
      if (result instanceof BodyError) {
        req.resume(); // drain what is left instead of buffering it
        reject(result);
      } else resolve(result);
    }
    req.on('data', onData).on('end', onEnd).on('close', onClose).on('error', onClose);
  });
}

function send(res: ServerResponse, answer: CallbackAnswer, close: boolean): void {
  if (res.headersSent || res.writableEnded) return;
  res.writeHead(answer.status, close ? { ...answer.headers, connection: 'close' } : answer.headers);
  res.end(answer.body);
}

/**
 * `node:http` (and Connect / Express-style) middleware serving `${path}/dlr` and `${path}/replies`
 * with the one HTTP contract; the Express router and the NestJS module mount this same function.
 * Other paths go to `next()`, or standalone get a JSON 404.
 * @throws SmsPartnerConfigError for invalid options (unknown keys with a "did you mean").
 */
export function createNodeMiddleware(
  webhooks: Webhooks,
  options: NodeMiddlewareOptions = {},
): NodeMiddleware {
  const o = parseConfigOptions(nodeMiddlewareOptionsSchema, options ?? {}, 'createNodeMiddleware');
  const maxBodyBytes = o.maxBodyBytes ?? 64 * 1024;
  const bodyTimeoutMs = o.bodyTimeoutMs ?? 10_000;
  const settings = {
    mount: mountPath(o.path ?? DEFAULT_PATH),
    maxBodyBytes,
    ackTimeoutMs: o.ackTimeoutMs ?? 1_000,
    logError: (message: string, context: Record<string, unknown>) =>
      console.error(`[smspartner-webhooks] ${message}`, context),
  };
  return (req, res, next) => {
    let bodyRead = false;
    const exchange = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      header: (name: string) => {
        const value = req.headers[name];
        return Array.isArray(value) ? value[0] : value;
      },
      body: () => {
        bodyRead = true;
        return readBody(req, maxBodyBytes, bodyTimeoutMs);
      },
    };
    answerCallback(webhooks, exchange, settings).then(
      (answer) => {
        if (answer === null) return; // the client went away: nobody to answer
        if (answer === undefined) {
          if (next) next();
          else
            send(
              res,
              {
                status: 404,
                headers: { 'content-type': 'application/json; charset=utf-8' },
                body: '{"error":"not_found","message":"no such webhook route"}',
              },
              false,
            );
          return;
        }
        const unread = !bodyRead && !req.readableEnded && req.method !== 'GET';
        send(res, answer, answer.close === true && (bodyRead || unread));
      },
      (error: unknown) => {
        if (next) next(error);
        else
          send(
            res,
            {
              status: 500,
              headers: { 'content-type': 'application/json; charset=utf-8' },
              body: '{"error":"internal_error","message":"unexpected error"}',
            },
            true,
          );
      },
    );
  };
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ALLOW,
  type HandleResponse,
  type HttpContext,
  handleRequestNow,
  headerValue,
  isPromiseLike,
  jsonResponse,
  type Preflight,
  preflight,
  tooLarge,
} from './http.js';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_PATH } from './options.js';
import { HTTP_CONTEXT, type Webhooks } from './webhooks.js';

export interface NodeMiddlewareOptions {
  /** Mount point; serves `${path}/dlr` and `${path}/replies`. Default `/webhooks/smspartner`. */
  path?: string;
  /** Give up on a client that stops sending its body. Default 10 s (answers 408). */
  bodyTimeoutMs?: number;
}

export type NodeMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (err?: unknown) => void,
) => void;

function normalizePath(path: string): string {
  let p = path.trim();
  if (!p.startsWith('/')) p = `/${p}`;
  while (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p === '/' ? '' : p;
}

function send(res: ServerResponse, response: HandleResponse, close = false): void {
  if (res.headersSent || res.writableEnded) return;
  // No Content-Length: measured (A/B, same run), node:http then spends ~13 µs more per response.
  const headers = close ? { ...response.headers, connection: 'close' } : response.headers;
  res.writeHead(response.status, headers);
  res.end(response.body);
}

type BodyResult = { body: Buffer } | { error: 'too_large' | 'timeout' | 'aborted' };

interface BodyRead {
  readonly deadline: number;
  finish(result: BodyResult): void;
}

/**
 * The deadlines of one middleware's body reads, under a single timer. Every read gets the same
 * timeout, so insertion order is deadline order: the timer only ever looks at the front. (A timer
 * per request, created, unref'd and cleared, cost more than parsing the callback.)
 */
class BodyDeadlines {
  private readonly reads = new Set<BodyRead>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly timeoutMs: number) {}

  add(read: BodyRead): void {
    this.reads.add(read);
    if (!this.timer) this.arm(read.deadline);
  }

  delete(read: BodyRead): void {
    this.reads.delete(read); // the timer, if now useless, finds nothing and stops by itself
  }

  private arm(deadline: number): void {
    this.timer = setTimeout(() => this.expire(), Math.max(0, deadline - Date.now()));
    this.timer.unref?.();
  }

  private expire(): void {
    this.timer = undefined;
    const now = Date.now();
    for (const read of this.reads) {
      if (read.deadline > now) {
        this.arm(read.deadline);
        return;
      }
      read.finish({ error: 'timeout' }); // removes it from the set
    }
  }
}

/** Collects the body up to `limit` bytes; calls `done` once (in the tick of 'end' — no promise). */
function readBody(
  req: IncomingMessage,
  limit: number,
  deadlines: BodyDeadlines,
  done: (result: BodyResult) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let settled = false;
  const read: BodyRead = {
    deadline: Date.now() + deadlines.timeoutMs,
    finish(result) {
      if (settled) return;
      settled = true;
      deadlines.delete(read);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      if ('error' in result) req.resume(); // drain what is left instead of buffering it
      done(result);
    },
  };
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) read.finish({ error: 'too_large' });
    else chunks.push(chunk);
  };
  const onEnd = () =>
    read.finish({
      body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size),
    });
  // An aborted request ends in 'close' without 'end'. (No 'error' listener: IncomingMessage emits
  // 'error' only when someone listens, and 'close' follows it.)
  const onClose = () => {
    if (!req.complete) read.finish({ error: 'aborted' });
  };
  deadlines.add(read);
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('close', onClose);
}

function frameworkBody(req: IncomingMessage): unknown {
  const body = (req as IncomingMessage & { body?: unknown }).body;
  if (body === undefined || body === null) return undefined;
  // `{}` left by a body parser that did not match the content type: the stream is still unread.
  if (
    typeof body === 'object' &&
    !(body instanceof Uint8Array) &&
    Object.getPrototypeOf(body) === Object.prototype &&
    Object.keys(body).length === 0 &&
    !req.readableEnded
  ) {
    return undefined;
  }
  return body;
}

/**
 * `node:http` (and Connect/Express-style) middleware serving `${path}/dlr` and `${path}/replies`
 * with the exact contract of `webhooks.handle`. Other paths: `next()` or, standalone, 404. A body
 * a framework already parsed (`req.body`) is used as is; otherwise the stream is read, up to the
 * body limit (413 as soon as it is passed, without reading the rest).
 */
export function createNodeMiddleware(
  webhooks: Webhooks,
  options: NodeMiddlewareOptions = {},
): NodeMiddleware {
  const base = normalizePath(options.path ?? DEFAULT_PATH);
  const served = new Set([`${base}/dlr`, `${base}/replies`]);
  const deadlines = new BodyDeadlines(options.bodyTimeoutMs ?? 10_000);
  const context = (webhooks as Webhooks & { [HTTP_CONTEXT]?: HttpContext })[HTTP_CONTEXT];
  const limit = context?.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  return (req, res, next) => {
    const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
    const q = url.indexOf('?');
    let path = q === -1 ? url : url.slice(0, q);
    while (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
    if (!served.has(path)) {
      if (next) next();
      else send(res, jsonResponse(404, { error: 'not_found', message: 'no such webhook route' }));
      return;
    }
    const respond = (response: HandleResponse, close = false) => send(res, response, close);
    const fail = (error: unknown) => {
      if (next) next(error);
      else respond(jsonResponse(500, { error: 'internal_error', message: 'unexpected error' }));
    };

    // Path, method and token first: an unauthenticated body is never read.
    let checked: Preflight | undefined;
    if (context) {
      const pre = preflight(context, req.method, url);
      if ('status' in pre) {
        respond(pre, pre.status !== 405 && req.method !== 'GET' && !req.readableEnded);
        return;
      }
      checked = pre;
    } else if (req.method !== 'GET' && req.method !== 'POST') {
      respond(
        jsonResponse(
          405,
          { error: 'method_not_allowed', message: 'use GET or POST' },
          { allow: ALLOW },
        ),
      );
      return;
    }

    // Our own instances answer synchronously when they can; any other Webhooks through handle().
    const dispatch = (body: unknown) => {
      const request = { method: req.method ?? 'GET', url, headers: req.headers, body };
      let response: HandleResponse | Promise<HandleResponse>;
      try {
        response = context ? handleRequestNow(context, request, checked) : webhooks.handle(request);
      } catch (error) {
        fail(error);
        return;
      }
      if (isPromiseLike(response)) response.then((r) => respond(r), fail);
      else respond(response);
    };

    const existing = frameworkBody(req);
    if (existing !== undefined || req.method === 'GET') {
      dispatch(existing);
      return;
    }
    const declared = Number(headerValue(req.headers, 'content-length'));
    if (Number.isFinite(declared) && declared > limit) {
      respond(tooLarge(limit), true);
      req.resume();
      return;
    }
    readBody(req, limit, deadlines, (result) => {
      if ('error' in result) {
        if (result.error === 'too_large') respond(tooLarge(limit), true);
        else if (result.error === 'timeout') {
          respond(
            jsonResponse(408, { error: 'request_timeout', message: 'the body never finished' }),
            true,
          );
        }
        return; // aborted: nobody to answer
      }
      dispatch(result.body);
    });
  };
}

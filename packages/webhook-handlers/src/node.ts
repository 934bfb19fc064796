import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseConfigOptions } from '@smspartner-kit/core/internal';
import { z } from 'zod';
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

export interface NodeHandlerOptions {
  /** Give up on a client that stops sending its body. Default 10 s (answers 408). */
  bodyTimeoutMs?: number;
}

export interface NodeMiddlewareOptions extends NodeHandlerOptions {
  /** Mount point; serves `${path}/dlr` and `${path}/replies`. Default `/webhooks/smspartner`. */
  path?: string;
}

export const nodeMiddlewareOptionsSchema = z.strictObject({
  path: z.string().optional(),
  bodyTimeoutMs: z
    .number()
    .int('must be a whole number of milliseconds')
    .positive('must be > 0')
    .optional(),
});

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

type BodyError = 'too_large' | 'timeout' | 'aborted';

/**
 * The deadlines of one middleware's body reads, under a single timer. Every read gets the same
 * timeout, so insertion order is deadline order: the timer only ever looks at the front. (A timer
 * per request, created, unref'd and cleared, cost more than parsing the callback.)
 */
class BodyDeadlines {
  private readonly reads = new Set<CallbackExchange>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly timeoutMs: number) {}

  add(read: CallbackExchange): void {
    this.reads.add(read);
    if (!this.timer) this.arm(read.deadline);
  }

  delete(read: CallbackExchange): void {
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
      read.bodyFailed('timeout'); // removes it from the set
    }
  }
}

/** What one middleware shares with each of its requests. */
interface MiddlewareShared {
  readonly webhooks: Webhooks;
  readonly context: HttpContext | undefined;
  readonly deadlines: BodyDeadlines;
  readonly limit: number;
}

/** Where the body listeners (shared functions, called with the request as `this`) find their exchange. */
const EXCHANGE: unique symbol = Symbol('smspartner-kit.webhooks.exchange');
type ReadingRequest = IncomingMessage & { [EXCHANGE]?: CallbackExchange };

function onBodyData(this: ReadingRequest, chunk: Buffer): void {
  this[EXCHANGE]?.bodyData(chunk);
}

function onBodyEnd(this: ReadingRequest): void {
  this[EXCHANGE]?.bodyEnded();
}

/** An aborted request ends in 'close' without 'end'. (No 'error' listener: IncomingMessage emits
 * 'error' only when someone listens, and 'close' follows it.) */
function onBodyClose(this: ReadingRequest): void {
  if (!this.complete) this[EXCHANGE]?.bodyFailed('aborted');
}

/**
 * One callback request through the middleware: reads the body (up to the limit, before the
 * deadline), hands it to the contract, writes the answer. A class with shared listeners rather
 * than closures per request: creating and first-calling those showed in profiles.
 */
class CallbackExchange {
  deadline = 0;
  private chunks: Buffer[] | undefined;
  private size = 0;
  private reading = false;

  constructor(
    private readonly shared: MiddlewareShared,
    private readonly req: ReadingRequest,
    private readonly res: ServerResponse,
    private readonly next: ((err?: unknown) => void) | undefined,
    private readonly url: string,
    private readonly checked: Preflight | undefined,
  ) {}

  /** Collects the body; `dispatch` runs in the tick of 'end' — no promise. */
  readBody(): void {
    this.deadline = Date.now() + this.shared.deadlines.timeoutMs;
    this.chunks = [];
    this.reading = true;
    this.shared.deadlines.add(this);
    this.req[EXCHANGE] = this;
    this.req.on('data', onBodyData);
    this.req.on('end', onBodyEnd);
    this.req.on('close', onBodyClose);
  }

  bodyData(chunk: Buffer): void {
    this.size += chunk.length;
    if (this.size > this.shared.limit) this.bodyFailed('too_large');
    else this.chunks?.push(chunk);
  }

  bodyEnded(): void {
    const chunks = this.chunks ?? [];
    if (!this.stopReading()) return;
    this.dispatch(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, this.size));
  }

  bodyFailed(error: BodyError): void {
    if (!this.stopReading()) return;
    this.req.resume(); // drain what is left instead of buffering it
    if (error === 'too_large') this.respond(tooLarge(this.shared.limit), true);
    else if (error === 'timeout') {
      this.respond(
        jsonResponse(408, { error: 'request_timeout', message: 'the body never finished' }),
        true,
      );
    } // aborted: nobody to answer
  }

  /** Ends the read once; false if it already ended. */
  private stopReading(): boolean {
    if (!this.reading) return false;
    this.reading = false;
    this.chunks = undefined;
    this.shared.deadlines.delete(this);
    this.req[EXCHANGE] = undefined;
    this.req.off('data', onBodyData);
    this.req.off('end', onBodyEnd);
    this.req.off('close', onBodyClose);
    return true;
  }

  /** Our own instances answer synchronously when they can; any other Webhooks through handle(). */
  dispatch(body: unknown): void {
    const { context, webhooks } = this.shared;
    const req = this.req;
    let response: HandleResponse | Promise<HandleResponse>;
    try {
      response = context
        ? handleRequestNow(
            context,
            // The contract reads one header; the request's full headers object is built lazily
            // by node:http, and building it showed in profiles.
            {
              method: req.method ?? 'GET',
              url: this.url,
              headers: { 'content-type': requestHeader(req, 'content-type') },
              body,
            },
            this.checked,
          )
        : webhooks.handle({
            method: req.method ?? 'GET',
            url: this.url,
            headers: req.headers,
            body,
          });
    } catch (error) {
      this.fail(error);
      return;
    }
    if (isPromiseLike(response)) {
      response.then(
        (answer) => this.respond(answer),
        (error: unknown) => this.fail(error),
      );
    } else this.respond(response);
  }

  respond(response: HandleResponse, close = false): void {
    send(this.res, response, close);
  }

  private fail(error: unknown): void {
    if (this.next) this.next(error);
    else this.respond(jsonResponse(500, { error: 'internal_error', message: 'unexpected error' }));
  }
}

/**
 * One request header, read from `rawHeaders` when there are some (first value wins, as node:http
 * keeps it for these headers), else from `headers` (a request object that is not node's own).
 */
function requestHeader(req: IncomingMessage, name: string): string | undefined {
  const raw = req.rawHeaders;
  if (!Array.isArray(raw)) return headerValue(req.headers, name);
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = raw[i] as string;
    if (key.length === name.length && key.toLowerCase() === name) return raw[i + 1];
  }
  return undefined;
}

/**
 * The body some framework already read, or undefined when the stream is still ours to read. A
 * stream read by someone else (body-parser flags `req._body`; any reader leaves it ended or read)
 * is never read again, whatever it left in `req.body` — waiting on it would hang. An unread stream
 * with `{}` in `req.body` is Express 4's body-parser skipping a content type it does not parse.
 */
function bodyAlreadyRead(req: IncomingMessage): { body: unknown } | undefined {
  const { body, _body: parsed } = req as IncomingMessage & { body?: unknown; _body?: unknown };
  if (parsed === true || req.readableEnded || req.readableDidRead) return { body };
  if (body === undefined || body === null) return undefined;
  const skipped =
    typeof body === 'object' &&
    !(body instanceof Uint8Array) &&
    Object.getPrototypeOf(body) === Object.prototype &&
    Object.keys(body).length === 0;
  return skipped ? undefined : { body };
}

/**
 * Serves every request it is given as an SMS Partner callback, with the exact contract of
 * `webhooks.handle`: the kind comes from the URL's last segment (`…/dlr`, `…/replies`, 404
 * otherwise), the token is checked before any body is read, a body a framework already read
 * (`req.body`) is used as is, otherwise the stream is read up to the body limit (413 as soon as
 * it is passed, without reading the rest; 408 for a client that stops sending). For routers that
 * choose the routes themselves (Express: `router.all('/dlr', handler)`); errors go to `next`.
 * @throws SmsPartnerConfigError for invalid options.
 */
export function createNodeHandler(
  webhooks: Webhooks,
  options: NodeHandlerOptions = {},
): NodeMiddleware {
  const { bodyTimeoutMs = 10_000 } = parseConfigOptions(
    nodeMiddlewareOptionsSchema,
    options ?? {},
    'createNodeHandler',
  );
  return nodeHandler(webhooks, bodyTimeoutMs);
}

function nodeHandler(webhooks: Webhooks, bodyTimeoutMs: number): NodeMiddleware {
  const context = (webhooks as Webhooks & { [HTTP_CONTEXT]?: HttpContext })[HTTP_CONTEXT];
  const limit = context?.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const shared: MiddlewareShared = {
    webhooks,
    context,
    deadlines: new BodyDeadlines(bodyTimeoutMs),
    limit,
  };
  return (req, res, next) => {
    const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
    const checked = context ? preflight(context, req.method, url) : undefined;
    // Path, method and token first: an unauthenticated body is never read.
    if (checked && 'status' in checked) {
      send(res, checked, checked.status !== 405 && req.method !== 'GET' && !req.readableEnded);
      return;
    }
    if (!context && req.method !== 'GET' && req.method !== 'POST') {
      send(
        res,
        jsonResponse(
          405,
          { error: 'method_not_allowed', message: 'use GET or POST' },
          { allow: ALLOW },
        ),
      );
      return;
    }
    const exchange = new CallbackExchange(shared, req, res, next, url, checked);
    const read = bodyAlreadyRead(req);
    if (read || req.method === 'GET') {
      exchange.dispatch(read?.body);
      return;
    }
    const declared = Number(requestHeader(req, 'content-length'));
    if (Number.isFinite(declared) && declared > limit) {
      exchange.respond(tooLarge(limit), true);
      req.resume();
      return;
    }
    exchange.readBody();
  };
}

/**
 * `node:http` (and Connect/Express-style) middleware serving `${path}/dlr` and `${path}/replies`
 * with `createNodeHandler`. Other paths: `next()` or, standalone, 404.
 * @throws SmsPartnerConfigError for invalid options.
 */
export function createNodeMiddleware(
  webhooks: Webhooks,
  options: NodeMiddlewareOptions = {},
): NodeMiddleware {
  const { path, bodyTimeoutMs = 10_000 } = parseConfigOptions(
    nodeMiddlewareOptionsSchema,
    options ?? {},
    'createNodeMiddleware',
  );
  const base = normalizePath(path ?? DEFAULT_PATH);
  const served = new Set([`${base}/dlr`, `${base}/replies`]);
  const handle = nodeHandler(webhooks, bodyTimeoutMs);
  return (req, res, next) => {
    const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
    const q = url.indexOf('?');
    let path = q === -1 ? url : url.slice(0, q);
    while (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
    if (served.has(path)) handle(req, res, next);
    else if (next) next();
    else send(res, jsonResponse(404, { error: 'not_found', message: 'no such webhook route' }));
  };
}

import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toFieldIssues } from '@smspartner-kit/core/internal';
import { redactUrl } from './callbacks.js';
import { type ApiResult, apiError, ENDPOINTS, type Endpoint, SandboxEngine } from './engine.js';
import { SandboxRequestError } from './errors.js';
import { Params } from './params.js';
import { SlidingWindowLimiter } from './rate-limit.js';
import { type Format, renderAnswer } from './render.js';
import { faultSchema, resolveOptions } from './schemas.js';
import { Timers } from './timers.js';
import type {
  CallbackAttempt,
  FaultType,
  Sandbox,
  SandboxFault,
  SandboxLogger,
  SandboxMessage,
  SandboxOptions,
} from './types.js';

/** The client closed the connection before its control request was complete. */
class ClientGone extends Error {}

interface QueuedFault {
  type: FaultType;
  remaining: number;
  delayMs?: number;
}

type Body =
  | { kind: 'empty' }
  | { kind: 'data'; data: Buffer }
  | { kind: 'too_large' }
  /** The body did not arrive within `bodyTimeoutMs`. */
  | { kind: 'timeout' }
  /** The client went away before its request was complete: nobody to answer. */
  | { kind: 'aborted' };

/** Reads the whole body within `timeoutMs`; never rejects. */
function readBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<Body> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    let settled = false;
    const settle = (body: Body) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(body);
    };
    const timer = setTimeout(() => settle({ kind: 'timeout' }), timeoutMs);
    timer.unref();
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooLarge) settle({ kind: 'too_large' });
      else if (size === 0) settle({ kind: 'empty' });
      else
        settle({
          kind: 'data',
          data: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size),
        });
    });
    req.on('error', () => settle({ kind: 'aborted' }));
    req.on('close', () => {
      if (!req.complete) settle({ kind: 'aborted' });
    });
  });
}

/** 408 and close: the rest of a stalled body must not be read as the next request. */
function answerBodyTimeout(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(408, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    connection: 'close',
  });
  res.end(text, () => res.socket?.destroy());
}

/** What the control API shows of a callback URL: query values (tokens) masked, as in the logs. */
function redactMessage(message: SandboxMessage): SandboxMessage {
  return {
    ...message,
    ...(message.urlDlr ? { urlDlr: redactUrl(message.urlDlr) } : {}),
    ...(message.urlResponse ? { urlResponse: redactUrl(message.urlResponse) } : {}),
    callbacks: message.callbacks.map(redactAttempt),
  };
}

function redactAttempt(attempt: CallbackAttempt): CallbackAttempt {
  return { ...attempt, url: redactUrl(attempt.url) };
}

type ParsedBody =
  | { ok: true; value: Record<string, unknown> | URLSearchParams | undefined }
  | { ok: false; message: string };

/**
 * JSON when it says so or looks like it; form-encoded otherwise. The provider is lenient, and its
 * own examples rely on it: the PHP one posts JSON through curl without a content type, so it goes
 * out as `application/x-www-form-urlencoded`; Python's `requests.post(url, data=json.dumps(…))`
 * sends no content type at all. A body that starts like a JSON object is read as JSON whatever
 * its content type says (no form field name starts with `{`).
 */
function parseBody(body: Body, contentType: string | undefined): ParsedBody {
  if (body.kind !== 'data') return { ok: true, value: undefined };
  // A UTF-8 byte order mark (some Windows writers add one) is not part of the JSON text.
  const text = body.data.toString('utf8').replace(/^\uFEFF/, '');
  const type = (contentType ?? '').toLowerCase();
  const looksJson = /^\s*[[{"]/.test(text);
  const looksJsonObject = /^\s*\{/.test(text);
  if (
    type.includes('json') ||
    looksJsonObject ||
    (!type.includes('form-urlencoded') && looksJson)
  ) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return { ok: false, message: `malformed JSON: ${(error as Error).message}` };
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return { ok: false, message: 'the JSON body must be an object' };
    }
    return { ok: true, value: value as Record<string, unknown> };
  }
  return { ok: true, value: new URLSearchParams(text) };
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function originOf(address: AddressInfo): string {
  let host = address.address;
  if (host === '0.0.0.0') host = '127.0.0.1';
  else if (host === '::') host = '::1';
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

function makeLog(logger: SandboxLogger | undefined) {
  const call = (level: 'info' | 'warn' | 'error', message: string) => {
    try {
      logger?.[level]?.(message);
    } catch {
      // A failing logger must not take the sandbox down.
    }
  };
  return {
    info: (m: string) => call('info', m),
    warn: (m: string) => call('warn', m),
    error: (m: string) => call('error', m),
  };
}

/**
 * Starts the emulator on `host:port` (default 127.0.0.1, a free port) and resolves once it
 * listens. Options are validated (SmsPartnerConfigError names each bad field).
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const config = resolveOptions(options);
  const log = makeLog(config.logger);
  const engine = new SandboxEngine(config, log);
  const timers = new Timers();
  const held = new Set<ServerResponse>();
  let faults: QueuedFault[] = [];
  const bodyTimeoutMessage = `request body not received within ${config.bodyTimeoutMs} ms`;
  const headersTimeoutMessage = `request headers not received within ${config.headersTimeoutMs} ms`;
  const limiter = config.rateLimit && new SlidingWindowLimiter(config.rateLimit.perSecond);
  let rateLimited = 0;
  let closing: Promise<void> | undefined;

  const takeFault = (): QueuedFault | undefined => {
    const head = faults[0];
    if (!head) return undefined;
    head.remaining--;
    if (head.remaining <= 0) faults.shift();
    return head;
  };

  const injectFault = (fault: SandboxFault): void => {
    const parsed = faultSchema.safeParse(fault);
    if (!parsed.success) {
      const issues = toFieldIssues(parsed.error);
      throw new SandboxRequestError(
        400,
        'validation_error',
        `Invalid fault: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
        issues,
      );
    }
    faults.push({
      type: parsed.data.type,
      remaining: parsed.data.count,
      ...(parsed.data.delayMs === undefined ? {} : { delayMs: parsed.data.delayMs }),
    });
    log.info(`fault queued: ${parsed.data.type} × ${parsed.data.count}`);
  };

  const resetAll = (): void => {
    engine.reset();
    faults = [];
    limiter?.reset();
    rateLimited = 0;
  };

  const pendingFaults = () => faults.map((f) => ({ type: f.type, count: f.remaining }));

  async function handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    endpoint: string,
  ): Promise<void> {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > config.maxBodyBytes) {
      sendJson(
        res,
        413,
        { success: false, code: 413, message: 'request body too large' },
        {
          connection: 'close',
        },
      );
      return;
    }
    const body = await readBody(req, config.maxBodyBytes, config.bodyTimeoutMs);
    if (body.kind === 'aborted') {
      log.info(`${req.method} /v1/${endpoint}: the client closed the connection mid-request`);
      return;
    }
    if (body.kind === 'timeout') {
      log.warn(`${req.method} /v1/${endpoint} → 408 (body not received in time)`);
      answerBodyTimeout(res, { success: false, code: 408, message: bodyTimeoutMessage });
      return;
    }
    if (body.kind === 'too_large') {
      sendJson(res, 413, { success: false, code: 413, message: 'request body too large' });
      return;
    }
    if (!ENDPOINTS.has(endpoint)) {
      sendJson(res, 404, {
        success: false,
        code: 404,
        message: `unknown endpoint /v1/${endpoint}`,
      });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'POST') {
      sendJson(
        res,
        405,
        { success: false, code: 405, message: 'use GET or POST' },
        {
          allow: 'GET, POST',
        },
      );
      return;
    }
    const parsedBody = parseBody(body, req.headers['content-type']);
    const params = Params.from(url.searchParams, parsedBody.ok ? parsedBody.value : undefined);
    const format: Format = params.get('_format')?.trim().toLowerCase() === 'xml' ? 'xml' : 'json';
    if (limiter) {
      const admitted = limiter.take(config.now());
      if (!admitted.ok) {
        rateLimited++;
        log.warn(`${req.method} /v1/${endpoint} → 429 (rate limit)`);
        sendJson(
          res,
          429,
          {
            success: false,
            code: 429,
            message: `too many requests: at most ${limiter.perSecond} per second`,
          },
          { 'retry-after': String(Math.max(1, Math.ceil(admitted.retryAfterMs / 1000))) },
        );
        return;
      }
    }
    const fault = takeFault();

    if (fault?.type === 'http429') {
      const retryAfter = Math.ceil((fault.delayMs ?? 1000) / 1000);
      log.warn(`${req.method} /v1/${endpoint} → 429 (injected fault)`);
      sendJson(
        res,
        429,
        { success: false, code: 429, message: 'too many requests (sandbox fault)' },
        {
          'retry-after': String(retryAfter),
        },
      );
      return;
    }
    if (fault?.type === 'http500') {
      log.warn(`${req.method} /v1/${endpoint} → 500 (injected fault)`);
      const text = 'Internal Server Error (sandbox fault)';
      res.writeHead(500, {
        'content-type': 'text/plain; charset=utf-8',
        'content-length': text.length,
      });
      res.end(text);
      return;
    }

    const result: ApiResult = parsedBody.ok
      ? engine.handle(endpoint as Endpoint, params, fault?.type)
      : apiError(90, parsedBody.message);
    const code = result.answer.code;
    log.info(
      `${req.method} /v1/${endpoint} → ${result.status} code ${code}` +
        (fault ? ` (fault ${fault.type})` : ''),
    );
    const rendered = renderAnswer(result.answer, format);

    switch (fault?.type) {
      case 'timeout':
        // Processed, never answered: the client cannot know whether the message left.
        held.add(res);
        res.on('close', () => held.delete(res));
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'garbled': {
        const garbled = `\u0000garbled ${rendered.body.slice(0, Math.ceil(rendered.body.length / 2))}`;
        res.writeHead(200, {
          'content-type': rendered.contentType,
          'content-length': Buffer.byteLength(garbled),
        });
        res.end(garbled);
        return;
      }
      case 'slow': {
        const cancel = timers.after(fault.delayMs ?? 1000, () => {
          res.off('close', cancel);
          if (!res.destroyed) {
            res.writeHead(result.status, { 'content-type': rendered.contentType });
            res.end(rendered.body);
          }
        });
        res.on('close', cancel);
        return;
      }
      default:
        res.writeHead(result.status, {
          'content-type': rendered.contentType,
          'content-length': Buffer.byteLength(rendered.body),
        });
        res.end(rendered.body);
    }
  }

  async function readControlJson(req: IncomingMessage): Promise<Record<string, unknown>> {
    const body = await readBody(req, config.maxBodyBytes, config.bodyTimeoutMs);
    if (body.kind === 'aborted') throw new ClientGone();
    if (body.kind === 'timeout') {
      throw new SandboxRequestError(408, 'request_timeout', bodyTimeoutMessage);
    }
    if (body.kind === 'too_large') {
      throw new SandboxRequestError(413, 'too_large', 'request body too large');
    }
    if (body.kind === 'empty') return {};
    let value: unknown;
    try {
      value = JSON.parse(body.data.toString('utf8'));
    } catch (error) {
      throw new SandboxRequestError(
        400,
        'invalid_json',
        `malformed JSON: ${(error as Error).message}`,
      );
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new SandboxRequestError(400, 'invalid_json', 'the JSON body must be an object');
    }
    return value as Record<string, unknown>;
  }

  const control: Record<
    string,
    Partial<Record<string, (req: IncomingMessage, url: URL) => Promise<[number, unknown]>>>
  > = {
    health: { GET: async () => [200, { ok: true }] },
    messages: {
      GET: async (_req, url) => {
        const tag = url.searchParams.get('tag');
        const to = url.searchParams.get('to');
        const messages = engine
          .messages()
          .filter((m) => (tag === null || m.tag === tag) && (to === null || m.to === to))
          .map(redactMessage);
        return [200, { total: messages.length, dropped: engine.droppedMessages(), messages }];
      },
    },
    callbacks: {
      GET: async () => {
        const callbacks = engine.callbacks().map(redactAttempt);
        return [200, { total: callbacks.length, dropped: engine.droppedCallbacks(), callbacks }];
      },
    },
    'stop-list': {
      GET: async () => [200, { stopList: engine.stopList(), dropped: engine.droppedStops() }],
    },
    accepted: { GET: async () => [200, engine.accepted()] },
    state: {
      GET: async () => [
        200,
        {
          credits: engine.remainingCredits(),
          messages: engine.messages().length,
          droppedMessages: engine.droppedMessages(),
          callbacks: engine.callbacks().length,
          stopList: engine.stopList().length,
          accepted: engine.acceptedTotal(),
          rateLimited,
          faults: pendingFaults(),
        },
      ],
      DELETE: async () => {
        resetAll();
        log.info('state reset');
        return [200, { reset: true }];
      },
    },
    faults: {
      GET: async () => [200, { faults: pendingFaults() }],
      POST: async (req) => {
        injectFault((await readControlJson(req)) as unknown as SandboxFault);
        return [201, { faults: pendingFaults() }];
      },
      DELETE: async () => {
        const cleared = faults.length;
        faults = [];
        return [200, { cleared }];
      },
    },
    replies: {
      POST: async (req) => {
        const result = await engine.reply((await readControlJson(req)) as never);
        return [
          200,
          {
            ...result,
            ...(result.url ? { url: redactUrl(result.url) } : {}),
            attempts: result.attempts.map(redactAttempt),
          },
        ];
      },
    },
  };

  async function handleControl(req: IncomingMessage, res: ServerResponse, url: URL, name: string) {
    const routes = control[name];
    if (!routes) {
      req.resume();
      sendJson(res, 404, {
        error: 'not_found',
        message: `unknown control endpoint /__sandbox/${name}`,
      });
      return;
    }
    const route = routes[req.method ?? ''];
    if (!route) {
      req.resume();
      const allow = Object.keys(routes).join(', ');
      sendJson(res, 405, { error: 'method_not_allowed', message: `use ${allow}` }, { allow });
      return;
    }
    try {
      const [status, body] = await route(req, url);
      sendJson(res, status, body);
    } catch (error) {
      if (error instanceof ClientGone) {
        log.info(`${req.method} /__sandbox/${name}: the client closed the connection mid-request`);
        return;
      }
      if (!(error instanceof SandboxRequestError)) throw error;
      if (error.status === 408) answerBodyTimeout(res, error.toJSON());
      else sendJson(res, error.status, error.toJSON());
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    } catch {
      req.resume();
      sendJson(res, 400, { error: 'bad_request', message: 'unparseable request URL' });
      return;
    }
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path.startsWith('/v1/')) return handleApi(req, res, url, path.slice(4));
    if (path.startsWith('/__sandbox/')) return handleControl(req, res, url, path.slice(11));
    req.resume();
    if (path === '/' && req.method === 'GET') {
      sendJson(res, 200, { name: 'smspartner-sandbox', baseUrl: `${sandbox.url}/v1` });
      return;
    }
    sendJson(res, 404, { error: 'not_found', message: `nothing at ${path}; the API is under /v1` });
  }

  const server = http.createServer(
    {
      keepAliveTimeout: 5_000,
      headersTimeout: config.headersTimeoutMs,
      // Node's whole-request deadline is off: the body has its own (readBody), answered 408.
      requestTimeout: 0,
      // How often Node checks header deadlines: often enough for a short headersTimeoutMs.
      connectionsCheckingInterval: Math.min(1_000, Math.max(50, config.headersTimeoutMs / 4)),
    },
    (req, res) => {
      handle(req, res).catch((error: unknown) => {
        log.error(`internal error on ${req.method} ${req.url?.split('?')[0]}: ${String(error)}`);
        if (!res.headersSent && !res.destroyed) {
          sendJson(res, 500, {
            error: 'internal_error',
            message: 'the sandbox failed; see its log',
          });
        } else res.destroy();
      });
    },
  );
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const [status, reason, body] =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', { success: false, code: 408, message: headersTimeoutMessage }]
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? [
              431,
              'Request Header Fields Too Large',
              { error: 'bad_request', message: 'request headers too large' },
            ]
          : [400, 'Bad Request', { error: 'bad_request', message: 'malformed HTTP request' }];
    const text = JSON.stringify(body);
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
    );
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(config.port, config.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (error) => log.error(`server error: ${error.message}`));

  const address = server.address() as AddressInfo;
  const origin = originOf(address);
  const sandbox: Sandbox = {
    url: origin,
    baseUrl: `${origin}/v1`,
    port: address.port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        engine.close();
        timers.clearAll();
        faults = [];
        for (const res of held) res.socket?.destroy();
        held.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
    messages: () => engine.messages(),
    droppedMessages: () => engine.droppedMessages(),
    callbacks: () => engine.callbacks(),
    stopList: () => engine.stopList(),
    reply: (input) => engine.reply(input),
    accepted: () => engine.accepted(),
    reset: resetAll,
    injectFault,
    pendingFaults,
  };
  return sandbox;
}

import { SmsPartnerConfigError } from '@smspartner-kit/core';
import {
  createWebhooks,
  DEFAULT_MAX_BODY_BYTES,
  type Webhooks,
  type WebhooksOptions,
} from '@smspartner-kit/webhooks';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { type BodyForWebhooks, bodyWasConsumed, readRawBody } from './read-body.js';

export interface SmsPartnerWebhooksRouterOptions {
  /**
   * Prefix of the two callback routes inside the router, e.g. `'/webhooks/smspartner'` serves
   * `/webhooks/smspartner/dlr` and `/webhooks/smspartner/replies`. Default: none, so the router
   * serves `/dlr` and `/replies` wherever you mount it (`app.use('/hooks', router)`).
   */
  path?: string;
  /**
   * How long to wait for a request body the router reads itself before answering 408 and closing
   * the connection (a stalled client must not hold a request open). Default 10,000 ms, like the
   * webhooks package's own Node middleware.
   */
  bodyTimeoutMs?: number;
}

/** The router, with the `Webhooks` instance it serves so handlers can be added to it. */
export type SmsPartnerWebhooksRouter = Router & { readonly webhooks: Webhooks };

const ROUTER_OPTION_KEYS = new Set(['path', 'bodyTimeoutMs']);
const DEFAULT_BODY_TIMEOUT_MS = 10_000;
const BODY_TIMEOUT_ANSWER = {
  error: 'request_timeout',
  message: 'the request body did not arrive in time',
};

function isWebhooks(value: unknown): value is Webhooks {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<'handle' | 'on', unknown>>;
  return typeof candidate.handle === 'function' && typeof candidate.on === 'function';
}

// The webhooks package's internal HTTP context (a registered symbol, also read by its own
// createNodeMiddleware): it tells the instance's configured maxBodyBytes.
const HTTP_CONTEXT = Symbol.for('@smspartner-kit/webhooks.http-context');

/**
 * How many bytes to read from an unparsed stream: the instance's own body limit, so a body the
 * contract would accept is never cut short, and a larger one reaches it as limit + 1 bytes → 413.
 */
function bodyLimitOf(webhooks: Webhooks): number {
  const context = (webhooks as { [HTTP_CONTEXT]?: { maxBodyBytes?: unknown } })[HTTP_CONTEXT];
  const limit = context?.maxBodyBytes;
  return typeof limit === 'number' && Number.isSafeInteger(limit) && limit > 0
    ? limit
    : DEFAULT_MAX_BODY_BYTES;
}

/** Checks the router options; the prefix becomes an Express route pattern, so plain segments only. */
function routerSettings(
  options: SmsPartnerWebhooksRouterOptions | undefined,
  fallbackPath: unknown,
): { prefix: string; bodyTimeoutMs: number } {
  const given = options ?? {};
  if (typeof given !== 'object' || given === null) {
    throw new SmsPartnerConfigError('smsPartnerWebhooks options: expected an object like { path }');
  }
  for (const key of Object.keys(given)) {
    if (!ROUTER_OPTION_KEYS.has(key)) {
      throw new SmsPartnerConfigError(
        `smsPartnerWebhooks options.${key}: unknown option (known: path, bodyTimeoutMs)`,
      );
    }
  }
  const path = given.path ?? fallbackPath ?? '';
  if (typeof path !== 'string' || !/^(\/[A-Za-z0-9._~-]+)*\/?$/.test(path)) {
    throw new SmsPartnerConfigError(
      'smsPartnerWebhooks options.path: must be a plain path starting with "/" (letters, digits, . _ ~ - between slashes)',
    );
  }
  const bodyTimeoutMs = given.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  if (!Number.isSafeInteger(bodyTimeoutMs) || bodyTimeoutMs <= 0) {
    throw new SmsPartnerConfigError(
      'smsPartnerWebhooks options.bodyTimeoutMs: must be a whole number of milliseconds > 0',
    );
  }
  return { prefix: path.replace(/\/$/, ''), bodyTimeoutMs };
}

/**
 * An Express router serving the SMS Partner callbacks (`/dlr` for delivery receipts, `/replies`
 * for replies and STOPs) through `webhooks.handle`, the one HTTP contract of
 * `@smspartner-kit/webhooks`: token check, methods (405), content types (415), size (413),
 * parsing and dispatch all happen there; this router only translates Express to it and back.
 *
 * Works with or without `express.json()` / `urlencoded()` / `raw()` / `text()` mounted before it:
 * a body already read is passed on as parsed, an untouched stream is read here up to the
 * instance's `maxBodyBytes` (64 kB by default).
 */
export function smsPartnerWebhooks(
  webhooksOrOptions: Webhooks | WebhooksOptions,
  options?: SmsPartnerWebhooksRouterOptions,
): SmsPartnerWebhooksRouter {
  const given = isWebhooks(webhooksOrOptions);
  // The options' own `path` (the key the Nest module reads) applies when none is given here.
  const { prefix, bodyTimeoutMs } = routerSettings(
    options,
    given ? undefined : webhooksOrOptions?.path,
  );
  const webhooks = given ? webhooksOrOptions : createWebhooks(webhooksOrOptions);
  const limit = bodyLimitOf(webhooks);
  const router = express.Router();

  const serve = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      let body: BodyForWebhooks;
      let overLimit = false;
      if (bodyWasConsumed(req)) body = req.body as BodyForWebhooks;
      else {
        const read = await readRawBody(req, limit, bodyTimeoutMs);
        if (read.timedOut) {
          // Transport-level, before there is anything for the contract to judge: answer and hang up
          // (Express's final handler would wait for the body that never comes).
          res.status(408).set('connection', 'close').json(BODY_TIMEOUT_ANSWER);
          return;
        }
        ({ body, overLimit } = read);
      }
      const answer = await webhooks.handle({
        method: req.method,
        // The full original URL: the contract picks dlr/replies from its path and reads ?token=.
        url: req.originalUrl,
        headers: req.headers,
        body,
      });
      res.statusCode = answer.status;
      for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
      // The unread rest of an oversized body must not be parsed as the next request.
      if (overLimit) res.setHeader('connection', 'close');
      res.end(answer.body);
    } catch (error) {
      // Express 4 does not catch rejected promises from handlers: always hand errors on.
      next(error);
    }
  };
  const handler = (req: Request, res: Response, next: NextFunction): void => {
    void serve(req, res, next);
  };

  // Every method is routed: the contract, not Express, answers 405 to a PUT or DELETE.
  router.all(`${prefix}/dlr`, handler);
  router.all(`${prefix}/replies`, handler);
  return Object.assign(router, { webhooks });
}

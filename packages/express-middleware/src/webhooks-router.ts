import { SmsPartnerConfigError } from '@smspartner-kit/core';
import { createWebhooks, type Webhooks, type WebhooksOptions } from '@smspartner-kit/webhooks';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import {
  type BodyForWebhooks,
  bodyWasConsumed,
  RAW_BODY_LIMIT_BYTES,
  readRawBody,
} from './read-body.js';

export interface SmsPartnerWebhooksRouterOptions {
  /**
   * Prefix of the two callback routes inside the router, e.g. `'/webhooks/smspartner'` serves
   * `/webhooks/smspartner/dlr` and `/webhooks/smspartner/replies`. Default: none, so the router
   * serves `/dlr` and `/replies` wherever you mount it (`app.use('/hooks', router)`).
   */
  path?: string;
}

/** The router, with the `Webhooks` instance it serves so handlers can be added to it. */
export type SmsPartnerWebhooksRouter = Router & { readonly webhooks: Webhooks };

const ROUTER_OPTION_KEYS = new Set(['path']);

function isWebhooks(value: unknown): value is Webhooks {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<'handle' | 'on', unknown>>;
  return typeof candidate.handle === 'function' && typeof candidate.on === 'function';
}

/** Normalises the prefix; an Express route pattern is built from it, so only plain segments. */
function routePrefix(options: SmsPartnerWebhooksRouterOptions | undefined): string {
  if (options === undefined) return '';
  if (typeof options !== 'object' || options === null) {
    throw new SmsPartnerConfigError('smsPartnerWebhooks options: expected an object like { path }');
  }
  for (const key of Object.keys(options)) {
    if (!ROUTER_OPTION_KEYS.has(key)) {
      throw new SmsPartnerConfigError(
        `smsPartnerWebhooks options.${key}: unknown option (known: path)`,
      );
    }
  }
  const { path } = options;
  if (path === undefined) return '';
  if (typeof path !== 'string' || !/^(\/[A-Za-z0-9._~-]+)*\/?$/.test(path)) {
    throw new SmsPartnerConfigError(
      'smsPartnerWebhooks options.path: must be a plain path starting with "/" (letters, digits, . _ ~ - between slashes)',
    );
  }
  return path.replace(/\/$/, '');
}

/**
 * An Express router serving the SMS Partner callbacks (`/dlr` for delivery receipts, `/replies`
 * for replies and STOPs) through `webhooks.handle`, the one HTTP contract of
 * `@smspartner-kit/webhooks`: token check, methods (405), content types (415), size (413),
 * parsing and dispatch all happen there; this router only translates Express to it and back.
 *
 * Works with or without `express.json()` / `urlencoded()` / `raw()` / `text()` mounted before it:
 * a body already read is passed on as parsed, an untouched stream is read here (64 kB kept).
 */
export function smsPartnerWebhooks(
  webhooksOrOptions: Webhooks | WebhooksOptions,
  options?: SmsPartnerWebhooksRouterOptions,
): SmsPartnerWebhooksRouter {
  const prefix = routePrefix(options);
  const webhooks = isWebhooks(webhooksOrOptions)
    ? webhooksOrOptions
    : createWebhooks(webhooksOrOptions);
  const router = express.Router();

  const serve = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      const body: BodyForWebhooks = bodyWasConsumed(req)
        ? (req.body as BodyForWebhooks)
        : await readRawBody(req, RAW_BODY_LIMIT_BYTES);
      const answer = await webhooks.handle({
        method: req.method,
        // The full original URL: the contract picks dlr/replies from its path and reads ?token=.
        url: req.originalUrl,
        headers: req.headers,
        body,
      });
      res.statusCode = answer.status;
      for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
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

import { SmsPartnerConfigError } from '@smspartner-kit/core';
import {
  createNodeHandler,
  createWebhooks,
  type Webhooks,
  type WebhooksOptions,
} from '@smspartner-kit/webhooks';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';

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

function isWebhooks(value: unknown): value is Webhooks {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<'handle' | 'on', unknown>>;
  return typeof candidate.handle === 'function' && typeof candidate.on === 'function';
}

/**
 * Checks the router's own options; the prefix becomes an Express route pattern, so plain segments
 * only. (`bodyTimeoutMs` is checked by `createNodeHandler`, which applies it.)
 */
function routerSettings(
  options: SmsPartnerWebhooksRouterOptions | undefined,
  fallbackPath: unknown,
): { prefix: string; bodyTimeoutMs: number | undefined } {
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
  return { prefix: path.replace(/\/$/, ''), bodyTimeoutMs: given.bodyTimeoutMs };
}

/**
 * An Express router serving the SMS Partner callbacks (`/dlr` for delivery receipts, `/replies`
 * for replies and STOPs) with `createNodeHandler`, the `node:http` side of the one HTTP contract
 * of `@smspartner-kit/webhooks`: token check (before any body is read), methods (405), content
 * types (415), size (413), slow bodies (408), parsing and dispatch all happen there; this router
 * only chooses the routes.
 *
 * Works with or without `express.json()` / `urlencoded()` / `raw()` / `text()` mounted before it:
 * a body already read is passed on as parsed, an untouched stream is read up to the instance's
 * `maxBodyBytes` (64 kB by default).
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
  const handle = createNodeHandler(webhooks, bodyTimeoutMs === undefined ? {} : { bodyTimeoutMs });
  // Express 4 does not catch what a handler throws asynchronously: errors go to next().
  const handler = (req: Request, res: Response, next: NextFunction): void => handle(req, res, next);
  const router = express.Router();
  // Every method is routed: the contract, not Express, answers 405 to a PUT or DELETE.
  router.all(`${prefix}/dlr`, handler);
  router.all(`${prefix}/replies`, handler);
  return Object.assign(router, { webhooks });
}

import {
  createNodeMiddleware,
  createWebhooks,
  type NodeMiddlewareOptions,
  type Webhooks,
  type WebhooksOptions,
} from '@smspartner-kit/webhooks';
import express, { type Router } from 'express';

/**
 * The node middleware's options. `path` is relative to where the router is mounted; default `''`,
 * so `app.use('/webhooks/smspartner', router)` serves `/webhooks/smspartner/dlr` and `…/replies`.
 */
export type SmsPartnerWebhooksRouterOptions = NodeMiddlewareOptions;

/** The router, with the `Webhooks` instance it serves so handlers can be added to it. */
export type SmsPartnerWebhooksRouter = Router & { readonly webhooks: Webhooks };

function isWebhooks(value: unknown): value is Webhooks {
  const candidate = value as Partial<Record<'receive' | 'on', unknown>> | null;
  return typeof candidate?.receive === 'function' && typeof candidate.on === 'function';
}

/**
 * An Express router serving the SMS Partner callbacks (`/dlr` for delivery receipts, `/replies`
 * for replies and STOPs) with `createNodeMiddleware` of `@smspartner-kit/webhooks`: the whole
 * HTTP contract (token before body, 405, 408, 413, 415, 400, ack budget) lives there.
 * @throws SmsPartnerConfigError for bad webhooks or router options.
 */
export function smsPartnerWebhooks(
  webhooksOrOptions: Webhooks | WebhooksOptions,
  options: SmsPartnerWebhooksRouterOptions = {},
): SmsPartnerWebhooksRouter {
  const webhooks = isWebhooks(webhooksOrOptions)
    ? webhooksOrOptions
    : createWebhooks(webhooksOrOptions);
  const router = express.Router();
  router.use(createNodeMiddleware(webhooks, { path: '', ...options }));
  return Object.assign(router, { webhooks });
}

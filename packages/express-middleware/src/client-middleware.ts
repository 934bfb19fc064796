import { createClient, SmsPartnerClient, type SmsPartnerClientOptions } from '@smspartner-kit/core';
import type { RequestHandler } from 'express';
import './augment.js';

/** The middleware returned by `smsPartner()`: also exposes the one client it hands out. */
export type SmsPartnerMiddleware = RequestHandler & { readonly client: SmsPartnerClient };

// instanceof alone misses a client built by the other module format (ESM vs CJS copy of core),
// so a client is also recognised by its methods; options never carry functions named like these.
function isClient(value: unknown): value is SmsPartnerClient {
  if (value instanceof SmsPartnerClient) return true;
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<'send' | 'getCredits', unknown>>;
  return typeof candidate.send === 'function' && typeof candidate.getCredits === 'function';
}

/**
 * Puts one SMS Partner client on `req.smsPartner`.
 *
 * Pass a client you built, or client options: the client is created here, once, when the app is
 * wired (bad options throw at start-up through core's own validation), never per request.
 */
export function smsPartner(
  clientOrOptions?: SmsPartnerClient | SmsPartnerClientOptions,
): SmsPartnerMiddleware {
  const client = isClient(clientOrOptions) ? clientOrOptions : createClient(clientOrOptions);
  const middleware: RequestHandler = (req, _res, next) => {
    req.smsPartner = client;
    next();
  };
  return Object.assign(middleware, { client });
}

import { parseConfigOptions } from '@smspartner-kit/core/internal';
import { z } from 'zod';
import { DEFAULT_PATH, mountPath } from './contract.js';

export const callbackUrlsOptionsSchema = z.strictObject({
  publicUrl: z.string().refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && !url.search && !url.hash;
    } catch {
      return false;
    }
  }, 'must be an absolute http(s) URL without query or fragment, e.g. https://example.com'),
  secret: z.string().min(1, 'must not be empty'),
  path: z.string().optional(),
});

export interface CallbackUrlsOptions {
  /** Where the provider reaches your app: `https://example.com` (a path prefix is kept). */
  publicUrl: string;
  /** The token the webhooks check (`secret`, or the first of `secrets`). */
  secret: string;
  /** Where the routes are mounted (the same rule as `createNodeMiddleware`). Default `/webhooks/smspartner`. */
  path?: string;
}

/**
 * The `urlDlr` / `urlResponse` to pass to `client.send`, token included:
 * `${publicUrl}${path}/dlr?token=…` and `${publicUrl}${path}/replies?token=…`.
 * @throws SmsPartnerConfigError (the message never contains the secret).
 */
export function callbackUrls(options: CallbackUrlsOptions): {
  urlDlr: string;
  urlResponse: string;
} {
  const o = parseConfigOptions(callbackUrlsOptionsSchema, options, 'callbackUrls');
  const base = `${o.publicUrl.replace(/\/+$/, '')}${mountPath(o.path ?? DEFAULT_PATH)}`;
  const token = `?token=${encodeURIComponent(o.secret)}`;
  return { urlDlr: `${base}/dlr${token}`, urlResponse: `${base}/replies${token}` };
}

import { parseConfigOptions } from '@smspartner-kit/core/internal';
import { z } from 'zod';
import { DEFAULT_PATH } from './options.js';

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
  /** Where the routes are mounted. Default `/webhooks/smspartner`. */
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
  const {
    publicUrl,
    secret,
    path = DEFAULT_PATH,
  } = parseConfigOptions(callbackUrlsOptionsSchema, options, 'callbackUrls');
  const origin = publicUrl.replace(/\/+$/, '');
  let mount = path.trim();
  if (mount && !mount.startsWith('/')) mount = `/${mount}`;
  mount = mount.replace(/\/+$/, '');
  const token = `?token=${encodeURIComponent(secret)}`;
  return {
    urlDlr: `${origin}${mount}/dlr${token}`,
    urlResponse: `${origin}${mount}/replies${token}`,
  };
}

import { SmsPartnerConfigError } from '@smspartner-kit/core';
import { DEFAULT_WEBHOOKS_PATH } from './constants.js';
import type { SmsPartnerModuleOptions } from './options.js';

/** `webhooks.path` normalised (no trailing slash), or a typed error naming the field. */
export function normalizeWebhooksPath(path: unknown): string {
  if (path === undefined) return DEFAULT_WEBHOOKS_PATH;
  if (typeof path !== 'string' || !/^\/[A-Za-z0-9._~\-/]*$/.test(path) || path.includes('//')) {
    const rule = `must be an absolute path made of letters, digits and . _ ~ - / (like "${DEFAULT_WEBHOOKS_PATH}")`;
    throw new SmsPartnerConfigError(`webhooks.path ${rule}, got ${JSON.stringify(path)}`, [
      { field: 'webhooks.path', message: rule },
    ]);
  }
  return path.replace(/\/+$/, '');
}

/** `webhooks.controller`: a boolean or absent (served). */
export function assertControllerOption(controller: unknown): boolean | undefined {
  if (controller !== undefined && typeof controller !== 'boolean') {
    throw new SmsPartnerConfigError(
      `webhooks.controller must be a boolean, got ${JSON.stringify(controller)}`,
      [{ field: 'webhooks.controller', message: 'must be a boolean' }],
    );
  }
  return controller;
}

/** The options object itself (a forRootAsync() factory may forget to return it). */
export function assertOptionsObject(options: unknown): asserts options is SmsPartnerModuleOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    const got = options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options;
    throw new SmsPartnerConfigError(
      `SmsPartnerModule options must be an object, got ${got} (does the forRootAsync() factory return its options?)`,
      [{ field: '(options)', message: 'must be an object' }],
    );
  }
}

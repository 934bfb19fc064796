import { SmsPartnerConfigError } from '@smspartner-kit/core';
import type { NodeMiddlewareOptions, WebhooksOptions } from '@smspartner-kit/webhooks';
import type { SmsPartnerModuleOptions, SmsPartnerModuleWebhooksOptions } from './options.js';

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

/** `webhooks` split into the router's options, the route's and `controller` (a boolean or absent). */
export function splitWebhooksOptions(webhooks: SmsPartnerModuleWebhooksOptions): {
  router: WebhooksOptions;
  route: NodeMiddlewareOptions;
  controller: boolean;
} {
  const { path, maxBodyBytes, bodyTimeoutMs, ackTimeoutMs, recorder, controller, ...router } =
    webhooks;
  if (controller !== undefined && typeof controller !== 'boolean') {
    throw new SmsPartnerConfigError(
      `webhooks.controller must be a boolean, got ${JSON.stringify(controller)}`,
      [{ field: 'webhooks.controller', message: 'must be a boolean' }],
    );
  }
  const route = Object.fromEntries(
    Object.entries({ path, maxBodyBytes, bodyTimeoutMs, ackTimeoutMs, recorder }).filter(
      ([, value]) => value !== undefined,
    ),
  );
  return { router, route, controller: controller !== false };
}

/** Runs `build`, naming the fields of its SmsPartnerConfigError under `webhooks.`. */
export function underWebhooks<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (!(error instanceof SmsPartnerConfigError)) throw error;
    const issues = error.issues.map((i) => ({ field: `webhooks.${i.field}`, message: i.message }));
    throw new SmsPartnerConfigError(
      `Invalid SmsPartnerModule options: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
}

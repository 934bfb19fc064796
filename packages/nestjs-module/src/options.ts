import type { SmsPartnerClientOptions } from '@smspartner-kit/core';
import type { NodeMiddlewareOptions, WebhooksOptions } from '@smspartner-kit/webhooks';

/**
 * `webhooks` options of the module: those of `createWebhooks`, those of the route
 * (`createNodeMiddleware`: `path`, `maxBodyBytes`, `bodyTimeoutMs`, `ackTimeoutMs`) and whether to
 * serve it.
 */
export type SmsPartnerModuleWebhooksOptions = WebhooksOptions &
  NodeMiddlewareOptions & {
    /**
     * `false`: do not serve a route; mount the instance from `@InjectSmsPartnerWebhooks()` yourself
     * (e.g. with @smspartner-kit/express). Decorated handlers are still registered. Default `true`.
     */
    controller?: boolean;
  };

/** Options of `SmsPartnerModule.forRoot()` and of the `forRootAsync()` factory. */
export type SmsPartnerModuleOptions = SmsPartnerClientOptions & {
  webhooks?: SmsPartnerModuleWebhooksOptions;
};

/** What `forRootAsync({ useClass })` / `forRootAsync({ useExisting })` expects. */
export interface SmsPartnerOptionsFactory {
  create(): SmsPartnerModuleOptions | Promise<SmsPartnerModuleOptions>;
}

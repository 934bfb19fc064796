import type { SmsPartnerClientOptions } from '@smspartner-kit/core';
import type { WebhooksOptions } from '@smspartner-kit/webhooks';

/** `webhooks` options of the module: those of `createWebhooks` plus where and whether to serve them. */
export type SmsPartnerModuleWebhooksOptions = WebhooksOptions & {
  /**
   * Absolute path the module serves the callbacks under (`<path>/dlr`, `<path>/replies`).
   * Not affected by `app.setGlobalPrefix()`. Default `/webhooks/smspartner`.
   */
  path?: string;
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

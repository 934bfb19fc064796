import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { createClient, type SmsPartnerClient } from '@smspartner-kit/core';
import { createWebhooks, type Webhooks } from '@smspartner-kit/webhooks';
import { SMS_PARTNER_CLIENT, SMS_PARTNER_WEBHOOKS } from './constants.js';
import type { SmsPartnerModuleOptions } from './options.js';
import {
  SMS_PARTNER_MODULE_OPTIONS,
  SmsPartnerConfigurableModule,
} from './sms-partner.module-definition.js';
import { SmsPartnerService } from './sms-partner.service.js';
import { assertOptionsObject, splitWebhooksOptions, underWebhooks } from './validate-options.js';
import { SmsPartnerWebhooksRegistrar } from './webhooks/webhooks-registrar.js';

/** Core's client gets its own options only: `webhooks` is this module's (core rejects unknown keys). */
export function createModuleClient(options: SmsPartnerModuleOptions): SmsPartnerClient {
  assertOptionsObject(options);
  const { webhooks: _webhooks, ...clientOptions } = options;
  return createClient(clientOptions);
}

/** The module's Webhooks instance, or `null` without `webhooks` options. */
export function createModuleWebhooks(options: SmsPartnerModuleOptions): Webhooks | null {
  assertOptionsObject(options);
  if (options.webhooks == null) return null;
  // createWebhooks validates its options (secret required, unknown keys…); the route's are
  // checked by createNodeMiddleware when the registrar mounts it.
  const { router } = splitWebhooksOptions(options.webhooks);
  return underWebhooks(() => createWebhooks(router));
}

/**
 * `SmsPartnerModule.forRoot(options)` / `SmsPartnerModule.forRootAsync({ imports, useFactory,
 * inject, useClass, useExisting })`, each with an optional `isGlobal`.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: SMS_PARTNER_CLIENT,
      useFactory: createModuleClient,
      inject: [SMS_PARTNER_MODULE_OPTIONS],
    },
    {
      provide: SMS_PARTNER_WEBHOOKS,
      useFactory: createModuleWebhooks,
      inject: [SMS_PARTNER_MODULE_OPTIONS],
    },
    SmsPartnerService,
    SmsPartnerWebhooksRegistrar,
  ],
  exports: [SMS_PARTNER_CLIENT, SMS_PARTNER_WEBHOOKS, SmsPartnerService],
})
export class SmsPartnerModule extends SmsPartnerConfigurableModule {}

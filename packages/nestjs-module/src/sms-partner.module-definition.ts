import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { SmsPartnerModuleOptions } from './options.js';

/**
 * `moduleName: 'SmsPartner'` makes the options token read `SMS_PARTNER_MODULE_OPTIONS` in DI
 * errors (instead of a random id). `isGlobal` is an extra: it is not part of the options object.
 */
export const {
  ConfigurableModuleClass: SmsPartnerConfigurableModule,
  MODULE_OPTIONS_TOKEN: SMS_PARTNER_MODULE_OPTIONS,
  OPTIONS_TYPE: SMS_PARTNER_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: SMS_PARTNER_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<SmsPartnerModuleOptions>({ moduleName: 'SmsPartner' })
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: false }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();

/** Argument type of `SmsPartnerModule.forRoot()`. */
export type SmsPartnerModuleForRootOptions = typeof SMS_PARTNER_OPTIONS_TYPE;
/** Argument type of `SmsPartnerModule.forRootAsync()`. */
export type SmsPartnerModuleAsyncOptions = typeof SMS_PARTNER_ASYNC_OPTIONS_TYPE;

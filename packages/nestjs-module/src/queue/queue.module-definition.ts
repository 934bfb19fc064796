import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { SmsPartnerQueueModuleOptions } from './options.js';

/**
 * The options part of the module (`useFactory` / `useClass` / `useExisting`, with their
 * `imports` and `inject`), from Nest's builder; `moduleName` makes the token read
 * `SMS_PARTNER_QUEUE_MODULE_OPTIONS` in DI errors. `SmsPartnerQueueModule` wraps it, because
 * @nestjs/bullmq's queue registration needs the resolved options too.
 */
export const {
  ConfigurableModuleClass: SmsPartnerQueueOptionsModuleClass,
  MODULE_OPTIONS_TOKEN: SMS_PARTNER_QUEUE_MODULE_OPTIONS,
  OPTIONS_TYPE: SMS_PARTNER_QUEUE_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: SMS_PARTNER_QUEUE_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<SmsPartnerQueueModuleOptions>({ moduleName: 'SmsPartnerQueue' })
  .setClassMethodName('forRoot')
  .build();

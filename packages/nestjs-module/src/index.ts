export { SMS_PARTNER_CLIENT, SMS_PARTNER_WEBHOOKS } from './constants.js';
export {
  InjectSmsPartnerClient,
  InjectSmsPartnerWebhooks,
  OnDeliveryReceipt,
  OnInboundMessage,
  OnOptOut,
  OnSmsPartnerEvent,
} from './decorators.js';
export type {
  SmsPartnerModuleOptions,
  SmsPartnerModuleWebhooksOptions,
  SmsPartnerOptionsFactory,
} from './options.js';
export { SmsPartnerModule } from './sms-partner.module.js';
export {
  SMS_PARTNER_MODULE_OPTIONS,
  type SmsPartnerModuleAsyncOptions,
  type SmsPartnerModuleForRootOptions,
} from './sms-partner.module-definition.js';
export { SmsPartnerService } from './sms-partner.service.js';
export {
  SmsPartnerExceptionFilter,
  SmsPartnerMappedError,
} from './sms-partner-exception.filter.js';

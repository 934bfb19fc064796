// `@smspartner-kit/nestjs/queue`: the send queue of @smspartner-kit/queue on @nestjs/bullmq.
// Needs @smspartner-kit/queue, @nestjs/bullmq, bullmq and ioredis (optional peers of the package:
// the main entry never loads them).
export {
  OnSmsCampaignProgress,
  OnSmsFailed,
  OnSmsOutcomeUnknown,
  OnSmsQueueEvent,
  OnSmsReconciled,
  OnSmsSent,
} from './decorators.js';
export {
  SmsPartnerQueueHealthIndicator,
  type SmsPartnerQueueHealthOptions,
  type SmsPartnerQueueHealthResult,
} from './health.indicator.js';
export type {
  SmsPartnerQueueModuleOptions,
  SmsPartnerQueueOptionsFactory,
  SmsPartnerQueueWorkerOptions,
} from './options.js';
export {
  SmsPartnerQueueModule,
  type SmsPartnerQueueModuleAsyncOptions,
  type SmsPartnerQueueModuleForRootOptions,
} from './queue.module.js';
export { SMS_PARTNER_QUEUE_MODULE_OPTIONS } from './queue.module-definition.js';
export { SmsPartnerQueueService } from './queue.service.js';

/**
 * String tokens, as in the main entry: they read well in DI errors and stay equal across the ESM
 * and CJS builds (dual-package hazard).
 */
export const SMS_PARTNER_QUEUE_CONNECTION = 'SMS_PARTNER_QUEUE_CONNECTION';
export const SMS_PARTNER_QUEUE_NAME = 'SMS_PARTNER_QUEUE_NAME';
export const SMS_PARTNER_QUEUE_PROCESSOR = 'SMS_PARTNER_QUEUE_PROCESSOR';
/** The queue @nestjs/bullmq registered (`getQueueToken(name)`), under a fixed name. */
export const SMS_PARTNER_QUEUE_BULL_QUEUE = 'SMS_PARTNER_QUEUE_BULL_QUEUE';

/** Reflect-metadata key marking a method as a queue event handler (value: the event names). */
export const SMS_PARTNER_QUEUE_EVENT_HANDLER = 'smspartner-kit:queue-event-handler';

/**
 * Injection tokens are plain strings on purpose: they read well in Nest's DI errors, and they stay
 * equal if an app ever loads both the ESM and the CJS build of this package (dual-package hazard).
 */
export const SMS_PARTNER_CLIENT = 'SMS_PARTNER_CLIENT';
export const SMS_PARTNER_WEBHOOKS = 'SMS_PARTNER_WEBHOOKS';

/** Reflect-metadata key that marks a method as a webhook handler (value: the event names). */
export const SMS_PARTNER_WEBHOOK_HANDLER = 'smspartner-kit:webhook-handler';

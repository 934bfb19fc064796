import './augment.js';

// The types an Express app writes handlers against, so it needs no direct import of the others.
export type { SmsPartnerClient, SmsPartnerClientOptions } from '@smspartner-kit/core';
export type {
  DeliveryReceipt,
  InboundMessage,
  OptOut,
  WebhookEvent,
  Webhooks,
  WebhooksOptions,
} from '@smspartner-kit/webhooks';
export { type SmsPartnerMiddleware, smsPartner } from './client-middleware.js';
export { smsPartnerErrorHandler } from './error-handler.js';
export {
  type SmsPartnerWebhooksRouter,
  type SmsPartnerWebhooksRouterOptions,
  smsPartnerWebhooks,
} from './webhooks-router.js';

import './augment.js';

export { type SmsPartnerMiddleware, smsPartner } from './client-middleware.js';
export { smsPartnerErrorHandler } from './error-handler.js';
export {
  type SmsPartnerWebhooksRouter,
  type SmsPartnerWebhooksRouterOptions,
  smsPartnerWebhooks,
} from './webhooks-router.js';

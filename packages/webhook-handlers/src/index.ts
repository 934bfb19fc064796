// parse → route → HTTP: the three layers, and the one seam every adapter mounts.
export { WebhookHandlerError, WebhookPayloadError } from './errors.js';
export {
  createNodeMiddleware,
  type NodeMiddleware,
  type NodeMiddlewareOptions,
  nodeMiddlewareOptionsSchema,
} from './http/node.js';
export { type CallbackUrlsOptions, callbackUrls, callbackUrlsOptionsSchema } from './http/urls.js';
export {
  deliveryReceiptSchema,
  inboundMessageSchema,
  parseDeliveryReceipt,
  parseInboundMessage,
} from './parse/parse.js';
export { MemoryReassemblyStore, MemoryWebhookStore } from './router/memory-stores.js';
export { type WebhooksOptions, webhooksOptionsSchema } from './router/options.js';
export { createWebhooks, type Webhooks } from './router/webhooks.js';
export type {
  ConcatInfo,
  DeliveryReceipt,
  InboundMessage,
  Logger,
  OptOut,
  ParseOptions,
  ReassemblyStore,
  ReceiveOutcome,
  WebhookEvent,
  WebhookEventMap,
  WebhookEventName,
  WebhookKind,
  WebhookStore,
} from './types.js';

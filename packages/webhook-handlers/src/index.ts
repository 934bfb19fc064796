export type { DeliveryStatus } from '@smspartner-kit/core';
export { WebhookHandlerError, type WebhookIssue, WebhookPayloadError } from './errors.js';
export {
  type ForgeDeliveryReceiptInput,
  type ForgeInboundMessageInput,
  forgeCallbackRequest,
  forgeDeliveryReceipt,
  forgeInboundMessage,
  forgeInboundMessageParts,
  formatProviderDate,
  formatScts,
} from './forge.js';
export type { HandleRequest, HandleResponse } from './http.js';
export {
  createNodeHandler,
  createNodeMiddleware,
  type NodeHandlerOptions,
  type NodeMiddleware,
  type NodeMiddlewareOptions,
  nodeMiddlewareOptionsSchema,
} from './node.js';
export { detectOptOut, foldKeyword, isOptOutText, OPT_OUT_KEYWORDS } from './opt-out.js';
export {
  DEFAULT_DEDUPE_TTL_MS,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_PENDING,
  DEFAULT_MAX_PENDING_BYTES,
  DEFAULT_PATH,
  DEFAULT_REASSEMBLY_TIMEOUT_MS,
  DEFAULT_TIMEOUT_MS,
  type WebhooksOptions,
  webhooksOptionsSchema,
} from './options.js';
export {
  deliveryReceiptSchema,
  INBOUND_ALIASES,
  inboundMessageSchema,
  parseDeliveryReceipt,
  parseInboundMessage,
  RECEIPT_ALIASES,
} from './parse.js';
export {
  callbackPhoneSchema,
  DELIVERY_RECEIPT_FIELDS,
  type DeliveryReceiptFields,
  deliveryReceiptFieldsSchema,
  FieldProblem,
  type FieldRule,
  fieldSchema,
  INBOUND_MESSAGE_FIELDS,
  type InboundMessageFields,
  inboundMessageFieldsSchema,
  MESSAGE_ID_PATTERN,
  messageIdSchema,
} from './schemas.js';
export { DEFAULT_MAX_ENTRIES, MemoryWebhookStore, type WebhookStore } from './store.js';
export type {
  ConcatInfo,
  DeliveryReceipt,
  InboundMessage,
  Logger,
  OptOut,
  ParseOptions,
  WebhookEvent,
  WebhookEventMap,
  WebhookEventName,
  WebhookKind,
} from './types.js';
export { type CallbackUrlsOptions, callbackUrls, callbackUrlsOptionsSchema } from './urls.js';
export {
  createWebhooks,
  type Webhooks,
  type WebhooksInstance,
  type WebhooksStats,
} from './webhooks.js';

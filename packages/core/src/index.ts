export { type ClientSendParams, createClient, SmsPartnerClient } from './client.js';
export * from './errors.js';
export { type ErrorHttpBody, errorToHttp } from './http.js';
export { detectOptOut, isOptOutText, OPT_OUT_KEYWORDS } from './opt-out.js';
export {
  MAX_RESPONSE_BYTES,
  type ParseOptions,
  parseApiResponse,
  parseSendResponse,
  type SendResult,
} from './parse.js';
export { normalizePhoneNumber, phoneNumberSchema, tryNormalizePhoneNumber } from './phone.js';
export { buildSendRequest, type SendRequest } from './request.js';
export {
  type CancelResult,
  type Credits,
  type LookupResult,
  type MessageStatus,
  parseCancelResponse,
  parseCreditsResponse,
  parseLookupResponse,
  parseMessageStatusResponse,
  parseStatusesByTagResponse,
  parseStopAddResponse,
  parseStopListResponse,
  type StopListEntry,
  type TagStatus,
  type TagStatusPage,
} from './responses.js';
export {
  clientOptionsSchema,
  DEFAULT_BASE_URL,
  formatSchema,
  messageSchema,
  type RetryOptions,
  retryOptionsSchema,
  type SendParams,
  type SmsPartnerClientOptions,
  scheduledAtSchema,
  sendParamsSchema,
  tagSchema,
} from './schemas.js';
export * from './segments/index.js';
export { DELIVERY_STATUSES, type DeliveryStatus, normalizeDeliveryStatus } from './status.js';
export { loadXmlSupport } from './xml.js';

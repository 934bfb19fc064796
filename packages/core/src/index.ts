export * from './errors.js';
export { type ErrorHttpBody, errorToHttp } from './http.js';
export { normalizePhoneNumber, phoneNumberSchema } from './phone.js';
export { DELIVERY_STATUSES, type DeliveryStatus, normalizeDeliveryStatus } from './status.js';
export { PROVIDER_TIME_ZONE, parseProviderDate, toProviderSchedule } from './time.js';

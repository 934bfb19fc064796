/**
 * Segment calculator: how many SMS a text is billed as, per 3GPP TS 23.038 / 23.040 and SMS
 * Partner's replacements on sending. No `node:` imports (core is bundled for the browser).
 */
export { countSegments } from './count.js';
export { applySmsPartnerReplacements } from './replacements.js';
export { STOP_SMS_MENTION } from './stop-mention.js';
export type {
  CountSegmentsOptions,
  Encoding,
  NonGsmCharacter,
  Replacement,
  SegmentCount,
} from './types.js';

/** SMS Partner refuses a message of more than 10 parts (error 52). */
export const SMS_PARTNER_MAX_PARTS = 10;

import { normalizePhoneNumber, SmsPartnerValidationError } from '@smspartner-kit/core';
import { callingCodeOf } from './outcomes.js';

/** One entry of a `POST /v1/lookup` answer (shared API doc §2). */
export type LookupEntry =
  | {
      request: string;
      success: true;
      countryCode: string;
      prefixCode: number;
      phoneNumber: string;
      type: 'mobile' | 'landline' | 'special' | 'voip' | 'unknown';
      network: string;
      format: { e164: string; international: string; national: string; rfc3966: string };
    }
  | { request: string; success: false; code: 9; message: string };

/** French numbering plan by the first national digit; other countries are `unknown`. */
function frenchType(national: string): Extract<LookupEntry, { success: true }>['type'] {
  const first = national[0];
  if (first === '6' || first === '7') return 'mobile';
  if (first === '8') return 'special';
  if (first === '9') return 'voip';
  if (first && '12345'.includes(first)) return 'landline';
  return 'unknown';
}

function pairs(digits: string): string[] {
  return digits.match(/.{1,2}/g) ?? [];
}

/**
 * What the emulator answers for one number: deterministic, offline. French numbers get the
 * usual 2-digit grouping; other countries' digits are not grouped (the emulator carries no
 * numbering plans).
 */
export function lookupNumber(request: string): LookupEntry {
  let international: string;
  try {
    international = normalizePhoneNumber(request, 'phoneNumbers');
  } catch (error) {
    if (!(error instanceof SmsPartnerValidationError)) throw error;
    return { request, success: false, code: 9, message: error.issues[0]?.message ?? error.message };
  }
  const known = callingCodeOf(international);
  // Unknown countries: the first two digits stand for the calling code (not checked offline).
  const prefix = known?.prefix ?? international.slice(0, 2);
  const countryCode = known?.country ?? '';
  const national = international.slice(prefix.length);
  const french = prefix === '33';
  const groups = french ? [national[0] ?? '', ...pairs(national.slice(1))] : [national];
  const type = french ? frenchType(national) : 'unknown';
  return {
    request,
    success: true,
    countryCode,
    prefixCode: Number(prefix),
    phoneNumber: international,
    type,
    network: type === 'mobile' ? 'Sandbox Mobile' : '',
    format: {
      e164: `+${international}`,
      international: `+${prefix} ${groups.join(' ')}`,
      national: french ? `0${groups.join(' ')}` : national,
      rfc3966: `tel:+${prefix}-${groups.join('-')}`,
    },
  };
}

import type * as Z from 'zod/mini';
import { SmsPartnerValidationError } from './errors.js';
import { lazySchema } from './lazy-schema.js';
import { expected, z } from './zod.js';

const FRENCH_INTERNATIONAL = /^33[1-9]\d{8}$/;
const FRENCH_RULE =
  'must have 9 digits after the French country code 33 (+33 6 12 34 56 78), the first not 0';

/**
 * Shape rules, not a numbering plan (libphonenumber-js alone would blow core's 15 kB budget):
 * - separators (spaces, dots, dashes, slashes, parentheses) are ignored, and so is a `(0)` trunk
 *   prefix written after a country code (`+33 (0)6 …`);
 * - `+` or `00` introduces an international number: 7–15 digits (E.164), not starting with 0;
 * - a national number (leading single 0) is read as French: `0` + 9 digits, second digit 1–9;
 * - bare digits not starting with 0 are taken as already international (`33612345678`);
 * - French numbers (`33…`) must have exactly 9 digits after `33`, the first not 0.
 * Output: international digits without `+`, the form SMS Partner samples send.
 */
// Each rule reads as the end of one sentence whose subject is "phone number": the field is named
// by the issue's `field`, never again in its message.
function reason(input: unknown): string | { ok: string } {
  if (typeof input !== 'string') return 'must be a string';
  const trimmed = input.trim();
  if (trimmed === '') return 'is required';
  if (trimmed.length > 40) return 'is too long to be a phone number';
  const compact = trimmed.replace(/\(0\)/g, '').replace(/[\s.\-/()\u00a0]/g, '');
  if (!/^\+?\d+$/.test(compact)) {
    return 'may contain only digits, an optional leading +, spaces, dots, dashes or parentheses';
  }
  let digits: string;
  if (compact.startsWith('+')) digits = compact.slice(1);
  else if (compact.startsWith('00')) digits = compact.slice(2);
  else if (compact.startsWith('0')) {
    if (!/^0[1-9]\d{8}$/.test(compact)) {
      return 'must be 0 followed by 9 digits when written without a country code (read as French); write other countries in international form (+44…)';
    }
    digits = `33${compact.slice(1)}`;
  } else digits = compact;
  if (digits.startsWith('0')) return 'must not have a country code starting with 0';
  if (digits.length < 7 || digits.length > 15) {
    return 'must have 7 to 15 digits, country code included';
  }
  if (digits.startsWith('33') && !FRENCH_INTERNATIONAL.test(digits)) return FRENCH_RULE;
  return { ok: digits };
}

/** `'+33 6 12 34 56 78' | '0612345678' | '0033612345678'` → `'33612345678'`. */
export function normalizePhoneNumber(input: string, field = 'to'): string {
  const result = reason(input);
  if (typeof result === 'string') {
    throw new SmsPartnerValidationError(
      [{ field, message: `phone number ${result}` }],
      'Invalid phone number',
    );
  }
  return result.ok;
}

/** Normalised phone number, undefined when it cannot be one (never throws). */
export function tryNormalizePhoneNumber(input: unknown): string | undefined {
  const result = reason(input);
  return typeof result === 'string' ? undefined : result.ok;
}

/** zod schema: validates with the rules above and outputs the normalised form. */
export const phoneNumberSchema: Z.ZodMiniType<string, string> = lazySchema(() =>
  z.pipe(
    z.string(expected('a string')),
    z.transform((value: string, ctx) => {
      const result = reason(value);
      if (typeof result === 'string') {
        ctx.issues.push({ code: 'custom', message: `phone number ${result}`, input: value });
        return z.NEVER;
      }
      return result.ok;
    }),
  ),
);

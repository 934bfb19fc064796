import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SmsPartnerValidationError } from './errors.js';
import { normalizePhoneNumber, phoneNumberSchema } from './phone.js';

describe('normalizePhoneNumber', () => {
  it.each([
    ['+33 6 12 34 56 78', '33612345678'],
    ['0612345678', '33612345678'],
    ['06.12.34.56.78', '33612345678'],
    ['06-12-34-56-78', '33612345678'],
    ['0033612345678', '33612345678'],
    ['33612345678', '33612345678'],
    ['+33 (0)6 12 34 56 78', '33612345678'],
    ['+44 7911 123456', '447911123456'],
    ['+1 (415) 555-2671', '14155552671'],
    ['0032 470 12 34 56', '32470123456'],
    [' +33700000000 ', '33700000000'],
  ])('%j → %s', (input, expected) => {
    expect(normalizePhoneNumber(input)).toBe(expected);
  });

  it.each([
    ['', 'is required'],
    ['hello', 'only digits'],
    ['06 12 34', 'French'],
    ['07911 123456', 'French'],
    ['+33 06 12 34 56 78', '9 digits after the French country code'],
    ['+3361234567', '9 digits after the French country code'],
    ['+123', 'must have 7 to 15 digits, country code included'],
    ['+1234567890123456', '7 to 15 digits'],
    ['+0612345678', 'country code starting with 0'],
    ['+33 6 12 34 56 78 ext 2', 'only digits'],
  ])('rejects %j (%s)', (input, reason) => {
    let caught: unknown;
    try {
      normalizePhoneNumber(input, 'phoneNumber');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SmsPartnerValidationError);
    const error = caught as SmsPartnerValidationError;
    expect(error.issues[0]?.field).toBe('phoneNumber');
    expect(error.message).toContain(reason);
    // One sentence, the field named once (by `field`), never "to: to …" or "phone number an …".
    const message = error.issues[0]?.message ?? '';
    expect(message).toMatch(/^phone number (must|may|is) /);
    expect(message).not.toMatch(/phoneNumber/);
    expect(error.message).toBe(`Invalid phone number: phoneNumber: ${message}`);
  });

  it('rejects non-strings with a typed error', () => {
    expect(() => normalizePhoneNumber(612345678 as unknown as string)).toThrow(
      SmsPartnerValidationError,
    );
  });

  const frenchSubscriber = fc
    .tuple(fc.integer({ min: 1, max: 9 }), fc.stringMatching(/^\d{8}$/))
    .map(([a, b]) => `${a}${b}`);
  const separator = fc.constantFrom('', ' ', '.', '-');
  const spaced = (digits: string, sep: string) => digits.replace(/(\d{2})(?=\d)/g, `$1${sep}`);

  it('property: every written form of a French number gives the same digits', () => {
    fc.assert(
      fc.property(frenchSubscriber, separator, (subscriber, sep) => {
        const expected = `33${subscriber}`;
        for (const form of [
          `0${subscriber}`,
          `+33${subscriber}`,
          `0033${subscriber}`,
          `33${subscriber}`,
        ]) {
          expect(normalizePhoneNumber(spaced(form, sep))).toBe(expected);
        }
      }),
    );
  });

  it('property: bare international digits (the fast path) read as the general rules read them', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9]\d{6,14}$/), (digits) => {
        const read = (text: string) => {
          try {
            return normalizePhoneNumber(text);
          } catch (error) {
            return (error as SmsPartnerValidationError).issues;
          }
        };
        expect(read(digits)).toEqual(read(`+${digits}`)); // '+': the separator-stripping path
      }),
      { numRuns: 1000 },
    );
  });

  it('property: on any input, returns international digits or throws SmsPartnerValidationError; idempotent', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[+0-9 .()-]{0,20}$/)), (input) => {
        let out: string;
        try {
          out = normalizePhoneNumber(input);
        } catch (error) {
          expect(error).toBeInstanceOf(SmsPartnerValidationError);
          return;
        }
        expect(out).toMatch(/^[1-9]\d{6,14}$/);
        expect(normalizePhoneNumber(out)).toBe(out);
        expect(normalizePhoneNumber(`+${out}`)).toBe(out);
      }),
      { numRuns: 500 },
    );
  });
});

describe('phoneNumberSchema', () => {
  it('transforms to the normalised form', () => {
    expect(phoneNumberSchema.parse('06 12 34 56 78')).toBe('33612345678');
  });
  it('reports the rule as a zod issue', () => {
    const result = phoneNumberSchema.safeParse('abc');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('only digits');
  });
});

import { describe, expect, it } from 'vitest';
import {
  SmsPartnerApiError,
  SmsPartnerConfigError,
  SmsPartnerConnectionError,
  SmsPartnerOutcomeUnknownError,
  SmsPartnerProtocolError,
  SmsPartnerValidationError,
} from './errors.js';
import { errorToHttp } from './http.js';

describe('errorToHttp', () => {
  it('validation → 400 with issues', () => {
    const issues = [{ field: 'to', message: 'to is required' }];
    const mapped = errorToHttp(new SmsPartnerValidationError(issues));
    expect(mapped?.status).toBe(400);
    expect(mapped?.body).toMatchObject({ error: 'validation_error', issues });
  });

  it('insufficient credit (11) → 402', () => {
    const mapped = errorToHttp(new SmsPartnerApiError({ code: 11, httpStatus: 200 }));
    expect(mapped).toMatchObject({
      status: 402,
      body: { code: 11, meaning: 'insufficient credit' },
    });
  });

  it('HTTP 429 from the provider → 429', () => {
    expect(errorToHttp(new SmsPartnerApiError({ code: 0, httpStatus: 429 }))?.status).toBe(429);
  });

  it.each([2, 9, 14, 42, 43, 44, 45, 46, 47, 48, 49, 50, 52, 55])(
    'refusal code %i → 422',
    (code) => {
      const mapped = errorToHttp(new SmsPartnerApiError({ code, httpStatus: 200 }));
      expect(mapped?.status).toBe(422);
      expect(mapped?.body.code).toBe(code);
      expect(mapped?.body.meaning).toBeTypeOf('string');
    },
  );

  it.each([1, 10, 13, 20, 30, 40, 90, 96, 500, 992])('other provider code %i → 502', (code) => {
    expect(errorToHttp(new SmsPartnerApiError({ code, httpStatus: 200 }))?.status).toBe(502);
  });

  it('field errors of a provider validation error are passed on as issues', () => {
    const fieldErrors = [{ field: 'message', message: 'Le message est requis' }];
    expect(errorToHttp(new SmsPartnerApiError({ code: 9, fieldErrors }))?.body.issues).toEqual(
      fieldErrors,
    );
  });

  it('outcome unknown → 504 with tag', () => {
    const mapped = errorToHttp(
      new SmsPartnerOutcomeUnknownError('t', { tag: 'otp', to: '33612345678' }),
    );
    expect(mapped).toMatchObject({ status: 504, body: { error: 'outcome_unknown', tag: 'otp' } });
  });

  it('connection → 503, protocol → 502', () => {
    expect(errorToHttp(new SmsPartnerConnectionError('x'))?.status).toBe(503);
    expect(errorToHttp(new SmsPartnerProtocolError('x', { httpStatus: 500 }))?.status).toBe(502);
  });

  it('anything else → undefined', () => {
    for (const other of [
      new Error('x'),
      new SmsPartnerConfigError('x'),
      'str',
      undefined,
      null,
      { status: 400 },
    ]) {
      expect(errorToHttp(other)).toBeUndefined();
    }
  });
});

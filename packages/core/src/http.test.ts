import { describe, expect, it } from 'vitest';
import {
  SmsPartnerApiError,
  SmsPartnerConfigError,
  SmsPartnerConnectionError,
  SmsPartnerError,
  SmsPartnerOutcomeUnknownError,
  SmsPartnerProtocolError,
  SmsPartnerValidationError,
} from './errors.js';
import { errorToHttp } from './http.js';

/** Stands for a sibling package's input error (webhooks' WebhookPayloadError) that core does not know. */
class PayloadError extends SmsPartnerError {
  readonly issues: { field: string; message: string }[];
  constructor(issues: { field: string; message: string }[]) {
    super(`Invalid callback: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`);
    this.name = 'PayloadError';
    this.issues = issues;
  }
}

describe('errorToHttp', () => {
  it('any SmsPartnerError subclass with field issues → 400 with the fields (no class known to core)', () => {
    const issues = [{ field: 'status', message: 'is required' }];
    expect(errorToHttp(new PayloadError(issues))).toEqual({
      status: 400,
      body: { error: 'validation_error', message: 'Invalid callback: status: is required', issues },
    });
    // Not ours, or a programming error (config): left to the framework.
    expect(errorToHttp(Object.assign(new Error('x'), { issues }))).toBeUndefined();
    expect(errorToHttp(new SmsPartnerConfigError('bad options', issues))).toBeUndefined();
    const odd = Object.assign(new SmsPartnerError('odd'), { issues: ['not a field issue'] });
    expect(errorToHttp(odd)).toBeUndefined();
  });

  it('provider code 13 (no price for this number) is a refusal: 422, not 502', () => {
    expect(errorToHttp(new SmsPartnerApiError({ code: 13, httpStatus: 200 }))).toMatchObject({
      status: 422,
      body: { error: 'provider_refused', code: 13 },
    });
  });

  it('validation → 400 with issues', () => {
    const issues = [{ field: 'to', message: 'is required' }];
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

  it.each([2, 9, 13, 14, 42, 43, 44, 45, 46, 47, 48, 49, 50, 52, 55])(
    'refusal code %i → 422',
    (code) => {
      const mapped = errorToHttp(new SmsPartnerApiError({ code, httpStatus: 200 }));
      expect(mapped?.status).toBe(422);
      expect(mapped?.body.code).toBe(code);
      expect(mapped?.body.meaning).toBeTypeOf('string');
    },
  );

  it.each([1, 10, 20, 30, 40, 90, 96, 500, 992])('other provider code %i → 502', (code) => {
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

import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  PROVIDER_ERROR_MEANINGS,
  SmsPartnerApiError,
  SmsPartnerConfigError,
  SmsPartnerConnectionError,
  SmsPartnerError,
  SmsPartnerOutcomeUnknownError,
  SmsPartnerProtocolError,
  SmsPartnerValidationError,
} from './errors.js';
import { registerSecret } from './redact.js';
import { parseConfigOptions } from './schemas.js';

const KEY = 'unit-test-secret-key-4242';
registerSecret(KEY);

function allRenderings(error: Error): string[] {
  return [
    String(error),
    error.message,
    error.stack ?? '',
    JSON.stringify(error),
    inspect(error, { depth: 10, showHidden: true }),
  ];
}

describe('error hierarchy', () => {
  it('every error is an SmsPartnerError and an Error, with its own name', () => {
    const errors = [
      new SmsPartnerValidationError([{ field: 'to', message: 'bad' }]),
      new SmsPartnerApiError({ code: 10 }),
      new SmsPartnerProtocolError('html', { httpStatus: 502, body: '<html>' }),
      new SmsPartnerConnectionError('refused'),
      new SmsPartnerOutcomeUnknownError('timeout', { tag: 'otp', to: '33612345678' }),
      new SmsPartnerConfigError('bad options'),
    ];
    const names = errors.map((e) => {
      expect(e).toBeInstanceOf(SmsPartnerError);
      expect(e).toBeInstanceOf(Error);
      expect(e.stack?.startsWith(`${e.name}:`)).toBe(true);
      return e.name;
    });
    expect(names).toEqual([
      'SmsPartnerValidationError',
      'SmsPartnerApiError',
      'SmsPartnerProtocolError',
      'SmsPartnerConnectionError',
      'SmsPartnerOutcomeUnknownError',
      'SmsPartnerConfigError',
    ]);
  });

  it('ApiError carries code, meaning from the table, field errors and status', () => {
    const error = new SmsPartnerApiError({
      code: 9,
      fieldErrors: [{ field: 'message', message: 'Le message est requis' }],
      httpStatus: 400,
      raw: { success: false },
    });
    expect(error.meaning).toBe(PROVIDER_ERROR_MEANINGS[9]);
    expect(error.message).toContain('message: Le message est requis');
    expect(error.httpStatus).toBe(400);
    expect(new SmsPartnerApiError({ code: 12345 }).meaning).toBe('unknown SMS Partner error code');
  });

  it('ApiError text says a provider message once when it is worded as the meaning', () => {
    const same = new SmsPartnerApiError({
      code: 14,
      providerMessage: 'Number is on the STOP list.',
    });
    expect(same.message).toBe('SMS Partner error 14 (number is on the STOP list)');
    expect(same.providerMessage).toBe('Number is on the STOP list.');
    const other = new SmsPartnerApiError({ code: 14, providerMessage: 'Numéro en liste STOP' });
    expect(other.message).toBe(
      'SMS Partner error 14 (number is on the STOP list): "Numéro en liste STOP"',
    );
  });

  it('ValidationError message names every bad field', () => {
    const error = new SmsPartnerValidationError([
      { field: 'to', message: 'is required' },
      { field: 'tag', message: 'must be lowercase' },
    ]);
    expect(error.message).toContain('to: is required');
    expect(error.message).toContain('tag: must be lowercase');
  });

  it('the meaning table covers the documented codes', () => {
    for (const code of [
      1, 2, 4, 9, 10, 11, 13, 14, 20, 22, 23, 30, 40, 42, 43, 44, 45, 46, 47, 48, 49, 50, 52, 55,
      90, 96, 500, 992,
    ]) {
      expect(PROVIDER_ERROR_MEANINGS[code], `code ${code}`).toBeTypeOf('string');
    }
  });
});

describe('secret redaction in every error type', () => {
  const url = `https://api.smspartner.fr/v1/me?apiKey=${KEY}&_format=json`;
  const foreign = new TypeError(`fetch to ${url} failed`, {
    cause: Object.assign(new Error(`connect to ${url}`), { code: 'ECONNRESET' }),
  });
  const errors: Error[] = [
    new SmsPartnerError(`generic ${KEY}`, { cause: foreign }),
    new SmsPartnerValidationError([{ field: 'apiKey', message: `got ${KEY}` }]),
    new SmsPartnerApiError({
      code: 10,
      providerMessage: `Clé API incorrecte: ${KEY}`,
      fieldErrors: [{ field: 'x', message: KEY }],
      raw: { apiKey: KEY, echo: `{"apiKey":"${KEY}"}`, nested: [{ url }] },
    }),
    new SmsPartnerProtocolError('html', {
      httpStatus: 502,
      body: `<html>${url}</html>`,
      cause: foreign,
    }),
    new SmsPartnerConnectionError(`refused ${url}`, { cause: foreign }),
    new SmsPartnerOutcomeUnknownError(`timeout ${url}`, { tag: 'otp', cause: foreign }),
    new SmsPartnerConfigError(`bad ${KEY}`, [{ field: 'apiKey', message: KEY }]),
  ];
  it.each(errors.map((e) => [e.name, e] as const))('%s never shows the key', (_name, error) => {
    for (const text of allRenderings(error)) {
      expect(text).not.toContain(KEY);
    }
  });

  it('an unregistered key in an apiKey= query parameter is masked too', () => {
    const error = new SmsPartnerConnectionError(
      'GET https://x.test/v1/me?apiKey=never-registered-1&a=1',
    );
    expect(error.message).toContain('apiKey=***&a=1');
    expect(error.message).not.toContain('never-registered-1');
  });

  it('causes keep their code for diagnosis', () => {
    const error = new SmsPartnerConnectionError('x', { cause: foreign });
    const cause = error.cause as Error & { code?: string; cause?: Error & { code?: string } };
    expect(cause.name).toBe('TypeError');
    expect(cause.cause?.code).toBe('ECONNRESET');
  });
});

describe('parseConfigOptions', () => {
  const schema = z.strictObject({ timeoutMs: z.number().int('must be a whole number').optional() });

  it('returns the parsed options', () => {
    expect(parseConfigOptions(schema, { timeoutMs: 5 }, 'Widget')).toEqual({ timeoutMs: 5 });
  });

  it('throws SmsPartnerConfigError naming every field and rule, unknown keys with a hint', () => {
    let caught: unknown;
    try {
      parseConfigOptions(schema, { timeoutMs: 1.5, timeoutms: 2 }, 'Widget');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SmsPartnerConfigError);
    const { message, issues } = caught as SmsPartnerConfigError;
    expect(issues).toEqual([
      { field: 'timeoutMs', message: 'must be a whole number' },
      { field: 'timeoutms', message: 'unknown field "timeoutms"; did you mean "timeoutMs"?' },
    ]);
    expect(message).toBe(
      'Invalid Widget options: timeoutMs: must be a whole number; timeoutms: unknown field "timeoutms"; did you mean "timeoutMs"?',
    );
  });
});

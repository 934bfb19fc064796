import {
  errorToHttp,
  PROVIDER_ERROR_MEANINGS,
  SmsPartnerApiError,
  SmsPartnerConfigError,
  SmsPartnerConnectionError,
  SmsPartnerOutcomeUnknownError,
  SmsPartnerProtocolError,
  SmsPartnerValidationError,
} from '@smspartner-kit/core';
import express, { type ErrorRequestHandler } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smsPartnerErrorHandler } from '../src/index.js';
import { type Listening, listen } from './helpers.js';

const SECRET_KEY = 'sk-express-handler-secret-0123456789';

/** One sample of each core error, named for the route that throws it. */
const samples: Record<string, () => Error> = {
  validation: () =>
    new SmsPartnerValidationError([{ field: 'to', message: 'must be a phone number' }]),
  'api-credits': () => new SmsPartnerApiError({ code: 11, httpStatus: 200 }),
  'api-rate-limited': () => new SmsPartnerApiError({ code: 500, httpStatus: 429 }),
  'api-refused-validation': () =>
    new SmsPartnerApiError({
      code: 9,
      httpStatus: 200,
      fieldErrors: [{ field: 'message', message: 'Le message est requis' }],
    }),
  'api-stop-list': () => new SmsPartnerApiError({ code: 14, httpStatus: 200 }),
  'api-bad-key': () =>
    new SmsPartnerApiError({
      code: 10,
      httpStatus: 200,
      providerMessage: `Clé API incorrecte apiKey=${SECRET_KEY}`,
      raw: { success: false, code: 10, apiKey: SECRET_KEY },
    }),
  'outcome-unknown': () =>
    new SmsPartnerOutcomeUnknownError('send timed out after 10000 ms', {
      tag: 'order-42',
      to: '33612345678',
    }),
  connection: () => new SmsPartnerConnectionError('connect ECONNREFUSED 127.0.0.1:9'),
  protocol: () =>
    new SmsPartnerProtocolError('not an SMS Partner answer', {
      httpStatus: 502,
      body: `<html>bad gateway ?apiKey=${SECRET_KEY}</html>`,
    }),
};

describe('smsPartnerErrorHandler()', () => {
  let server: Listening;
  const reachedNext: unknown[] = [];

  beforeAll(async () => {
    const app = express();
    app.get('/throw/:kind', (req) => {
      const make = samples[req.params.kind];
      throw make ? make() : new Error(`not an SMS Partner error: ${req.params.kind}`);
    });
    if (process.env.EXPRESS_MAJOR === '4') {
      // Express 4 does not forward rejected promises: apps hand them to next() themselves.
      app.get('/reject/:kind', (req, _res, next) => {
        Promise.reject(samples[req.params.kind]!()).catch(next);
      });
    } else {
      // Express 5 forwards rejected promises: the idiomatic `await client.send()` path.
      app.get('/reject/:kind', async (req) => {
        await Promise.resolve();
        throw samples[req.params.kind]!();
      });
    }
    app.get('/config', () => {
      throw new SmsPartnerConfigError('bad options');
    });
    app.get('/after-headers', (_req, res, next) => {
      res.status(200).write('partial');
      next(samples.validation!());
    });
    app.use(smsPartnerErrorHandler());
    const downstream: ErrorRequestHandler = (err, _req, res, _next) => {
      reachedNext.push(err);
      if (res.headersSent) {
        res.end();
        return;
      }
      res.status(599).json({ downstream: true });
    };
    app.use(downstream);
    server = await listen(app);
  });
  afterAll(() => server.close());

  it.each(Object.keys(samples))('answers %s with exactly core errorToHttp', async (kind) => {
    const expected = errorToHttp(samples[kind]!())!;
    expect(expected).toBeDefined();
    for (const route of ['throw', 'reject']) {
      const res = await request(server.url).get(`/${route}/${kind}`);
      expect(res.status).toBe(expected.status);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual(expected.body);
      expect(res.text).not.toContain(SECRET_KEY);
    }
  });

  it('gives the statuses the issue asks for', async () => {
    const statusOf = async (kind: string) =>
      (await request(server.url).get(`/throw/${kind}`)).status;
    expect(await statusOf('validation')).toBe(400);
    expect(await statusOf('api-credits')).toBe(402);
    expect(await statusOf('api-rate-limited')).toBe(429);
    expect(await statusOf('api-bad-key')).toBe(502);
    expect(await statusOf('outcome-unknown')).toBe(504);
    const validation = await request(server.url).get('/throw/validation');
    expect(validation.body.issues).toEqual([{ field: 'to', message: 'must be a phone number' }]);
    const apiError = await request(server.url).get('/throw/api-bad-key');
    expect(apiError.body).toMatchObject({ code: 10, meaning: PROVIDER_ERROR_MEANINGS[10] });
    const unknown = await request(server.url).get('/throw/outcome-unknown');
    expect(unknown.body.tag).toBe('order-42');
  });

  it('passes errors core does not map to next(err), untouched', async () => {
    reachedNext.length = 0;
    const res = await request(server.url).get('/throw/something-else');
    expect(res.status).toBe(599);
    expect(reachedNext).toHaveLength(1);
    expect((reachedNext[0] as Error).message).toBe('not an SMS Partner error: something-else');

    const config = await request(server.url).get('/config');
    expect(errorToHttp(new SmsPartnerConfigError('x'))).toBeUndefined();
    expect(config.status).toBe(599);
  });

  it('leaves a response already started to the next handler', async () => {
    reachedNext.length = 0;
    const res = await request(server.url).get('/after-headers');
    expect(res.status).toBe(200);
    expect(res.text).toBe('partial');
    expect(reachedNext).toHaveLength(1);
    expect(reachedNext[0]).toBeInstanceOf(SmsPartnerValidationError);
  });

  it('has the four parameters Express needs to see an error handler', () => {
    expect(smsPartnerErrorHandler().length).toBe(4);
  });
});

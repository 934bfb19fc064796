import {
  Body,
  Controller,
  Get,
  type INestApplication,
  NotFoundException,
  Param,
  Post,
  UseFilters,
} from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import {
  errorToHttp,
  SmsPartnerApiError,
  SmsPartnerConfigError,
  SmsPartnerConnectionError,
  SmsPartnerOutcomeUnknownError,
  SmsPartnerProtocolError,
  SmsPartnerValidationError,
} from '@smspartner-kit/core';
import type { Sandbox } from '@smspartner-kit/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SmsPartnerExceptionFilter,
  SmsPartnerMappedError,
  SmsPartnerModule,
  SmsPartnerService,
} from '../src/index.js';
import { API_KEY, listen, startTestSandbox, VIRTUAL_NUMBER } from './helpers.js';

/** Each core error, the status the shared table gives it, and its `error` label. */
const TABLE: [string, () => Error, number][] = [
  [
    'validation',
    () => new SmsPartnerValidationError([{ field: 'to', message: 'not a phone number' }]),
    400,
  ],
  ['credits', () => new SmsPartnerApiError({ code: 11, httpStatus: 200 }), 402],
  ['rate-limited', () => new SmsPartnerApiError({ code: 1, httpStatus: 429 }), 429],
  ['refused-stop-list', () => new SmsPartnerApiError({ code: 14, httpStatus: 200 }), 422],
  [
    'refused-validation',
    () =>
      new SmsPartnerApiError({
        code: 9,
        fieldErrors: [{ field: 'message', message: 'Le message est requis' }],
      }),
    422,
  ],
  ['api-key', () => new SmsPartnerApiError({ code: 10, httpStatus: 200 }), 502],
  [
    'outcome-unknown',
    () => new SmsPartnerOutcomeUnknownError('no answer', { tag: 'order42', to: '33612345678' }),
    504,
  ],
  ['connection', () => new SmsPartnerConnectionError('connection refused'), 503],
  [
    'protocol',
    () => new SmsPartnerProtocolError('not JSON', { httpStatus: 200, body: '<html>' }),
    502,
  ],
];
const errors = new Map(TABLE.map(([name, make]) => [name, make]));

@Controller('throw')
class ThrowingController {
  @Get(':name')
  throw(@Param('name') name: string): never {
    if (name === 'config') throw new SmsPartnerConfigError('bad option');
    if (name === 'plain') throw new Error('boom');
    if (name === 'not-found') throw new NotFoundException('no such thing');
    const make = errors.get(name);
    if (!make) throw new Error(`unknown case ${name}`);
    throw make();
  }
}

@Controller('decorated')
@UseFilters(SmsPartnerExceptionFilter)
class DecoratedController extends ThrowingController {}

describe('SmsPartnerMappedError', () => {
  it('matches exactly what errorToHttp maps', () => {
    for (const [, make] of TABLE) expect(make() instanceof SmsPartnerMappedError).toBe(true);
    expect(new SmsPartnerConfigError('x') instanceof SmsPartnerMappedError).toBe(false);
    expect(new Error('x') instanceof SmsPartnerMappedError).toBe(false);
    expect((Object('string') as object) instanceof SmsPartnerMappedError).toBe(false);
  });
});

const registrations = [
  {
    name: 'app.useGlobalFilters(new SmsPartnerExceptionFilter())',
    prefix: '/throw',
    setup: (app: INestApplication) => app.useGlobalFilters(new SmsPartnerExceptionFilter()),
    providers: [],
  },
  {
    name: 'APP_FILTER',
    prefix: '/throw',
    setup: () => undefined,
    providers: [{ provide: APP_FILTER, useClass: SmsPartnerExceptionFilter }],
  },
  {
    name: '@UseFilters(SmsPartnerExceptionFilter)',
    prefix: '/decorated',
    setup: () => undefined,
    providers: [],
  },
];

describe.each(registrations)(
  'SmsPartnerExceptionFilter via $name',
  ({ prefix, setup, providers }) => {
    let app: INestApplication;
    let base: string;

    beforeAll(async () => {
      const moduleRef = await Test.createTestingModule({
        controllers: [ThrowingController, DecoratedController],
        providers,
      }).compile();
      app = moduleRef.createNestApplication({ logger: false });
      setup(app);
      base = await listen(app);
    });
    afterAll(() => app.close());

    it.each(TABLE)('%s → %i with the shared body', async (name, make, status) => {
      const response = await fetch(`${base}${prefix}/${name}`);
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await response.json()).toEqual(JSON.parse(JSON.stringify(errorToHttp(make())?.body)));
    });

    it('the outcome-unknown answer carries the tag', async () => {
      const body = await (await fetch(`${base}${prefix}/outcome-unknown`)).json();
      expect(body).toMatchObject({ error: 'outcome_unknown', tag: 'order42' });
    });

    it.each([
      ['config', 500],
      ['plain', 500],
      ['not-found', 404],
    ])('leaves %s errors to Nest (%i)', async (name, status) => {
      const response = await fetch(`${base}${prefix}/${name}`);
      expect(response.status).toBe(status);
      const body = (await response.json()) as { statusCode: number; error?: string };
      expect(body.statusCode).toBe(status);
      expect(body.error).not.toBe('validation_error');
    });
  },
);

@Controller('sms')
class SmsController {
  constructor(private readonly sms: SmsPartnerService) {}

  @Post()
  send(@Body() body: { to: string; message: string }) {
    return this.sms.send({ to: body.to, from: VIRTUAL_NUMBER, message: body.message });
  }
}

describe('SmsPartnerExceptionFilter on real client errors (sandbox)', () => {
  let sandbox: Sandbox;
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    sandbox = await startTestSandbox({ credits: 1 });
    const moduleRef = await Test.createTestingModule({
      imports: [SmsPartnerModule.forRoot({ apiKey: API_KEY, baseUrl: sandbox.baseUrl })],
      controllers: [SmsController],
      providers: [{ provide: APP_FILTER, useClass: SmsPartnerExceptionFilter }],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    base = await listen(app);
  });
  afterAll(async () => {
    await app.close();
    await sandbox.close();
  });

  async function post(body: unknown) {
    const response = await fetch(`${base}/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    expect(text).not.toContain(API_KEY);
    return { status: response.status, body: JSON.parse(text) as Record<string, unknown> };
  }

  it('bad input → 400 naming the field, nothing sent', async () => {
    const { status, body } = await post({ to: 'not a number', message: 'hello' });
    expect(status).toBe(400);
    expect(body.error).toBe('validation_error');
    expect(body.issues).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'to' })]));
    expect(sandbox.messages()).toHaveLength(0);
  });

  it('a number without a price → provider error 13 (a refusal) → 422 with code and meaning', async () => {
    const { status, body } = await post({ to: '33612340003', message: 'hello' });
    expect(status).toBe(422);
    expect(body).toMatchObject({ error: 'provider_refused', code: 13 });
    expect(typeof body.meaning).toBe('string');
  });

  it('sends, then runs out of credits → 402', async () => {
    const sent = await post({ to: '33612345678', message: 'hello' });
    expect(sent.status).toBe(201);
    const { status, body } = await post({ to: '33612345678', message: 'hello again' });
    expect(status).toBe(402);
    expect(body).toMatchObject({ error: 'insufficient_credit', code: 11 });
  });
});

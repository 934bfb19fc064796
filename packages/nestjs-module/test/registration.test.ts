import { Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService, registerAs } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { SmsPartnerApiError, SmsPartnerClient } from '@smspartner-kit/core';
import type { Sandbox } from '@smspartner-kit/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InjectSmsPartnerClient,
  SMS_PARTNER_CLIENT,
  SMS_PARTNER_MODULE_OPTIONS,
  SMS_PARTNER_WEBHOOKS,
  SmsPartnerModule,
  type SmsPartnerModuleOptions,
  type SmsPartnerOptionsFactory,
  SmsPartnerService,
} from '../src/index.js';
import { API_KEY, startTestSandbox } from './helpers.js';

const CREDITS = 4242;
let sandbox: Sandbox;
let options: SmsPartnerModuleOptions;

beforeAll(async () => {
  sandbox = await startTestSandbox({ credits: CREDITS });
  options = { apiKey: API_KEY, baseUrl: sandbox.baseUrl };
});
afterAll(() => sandbox.close());

type ModuleImport = Parameters<typeof Test.createTestingModule>[0]['imports'];

/** Compiles, then proves the options reached the client: a real call to the sandbox with them. */
async function expectWorkingModule(imports: ModuleImport) {
  const moduleRef = await Test.createTestingModule({ imports }).compile();
  const service = moduleRef.get(SmsPartnerService);
  const client = moduleRef.get<SmsPartnerClient>(SMS_PARTNER_CLIENT);
  expect(client).toBeInstanceOf(SmsPartnerClient);
  expect(service.client).toBe(client);
  const credits = await service.getCredits();
  expect(credits.creditSms).toBe(CREDITS);
  await moduleRef.close();
  return moduleRef;
}

@Injectable()
class SmsPartnerConfigFactory implements SmsPartnerOptionsFactory {
  create(): SmsPartnerModuleOptions {
    return options;
  }
}

@Module({ providers: [SmsPartnerConfigFactory], exports: [SmsPartnerConfigFactory] })
class SmsPartnerConfigFactoryModule {}

describe('SmsPartnerModule registration', () => {
  it('forRoot(options)', async () => {
    await expectWorkingModule([SmsPartnerModule.forRoot(options)]);
  });

  it('forRoot does not leak `isGlobal` into the options', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [SmsPartnerModule.forRoot({ ...options, isGlobal: false })],
    }).compile();
    expect(moduleRef.get(SMS_PARTNER_MODULE_OPTIONS, { strict: false })).toEqual(options);
  });

  it('forRootAsync({ useFactory, inject }) with ConfigService', async () => {
    await expectWorkingModule([
      SmsPartnerModule.forRootAsync({
        imports: [
          ConfigModule.forRoot({
            ignoreEnvFile: true,
            load: [() => ({ SMSPARTNER_API_KEY: API_KEY, SMSPARTNER_BASE_URL: sandbox.baseUrl })],
          }),
        ],
        inject: [ConfigService],
        useFactory: (config: ConfigService) => ({
          apiKey: config.getOrThrow<string>('SMSPARTNER_API_KEY'),
          baseUrl: config.getOrThrow<string>('SMSPARTNER_BASE_URL'),
        }),
      }),
    ]);
  });

  it('forRootAsync with an async factory', async () => {
    await expectWorkingModule([
      SmsPartnerModule.forRootAsync({
        useFactory: async () => {
          await new Promise((resolve) => setImmediate(resolve));
          return options;
        },
      }),
    ]);
  });

  it('forRootAsync({ useClass })', async () => {
    await expectWorkingModule([
      SmsPartnerModule.forRootAsync({ useClass: SmsPartnerConfigFactory }),
    ]);
  });

  it('forRootAsync({ useExisting }) reuses the imported provider', async () => {
    const moduleRef = await expectWorkingModule([
      SmsPartnerModule.forRootAsync({
        imports: [SmsPartnerConfigFactoryModule],
        useExisting: SmsPartnerConfigFactory,
      }),
    ]);
    expect(moduleRef.get(SmsPartnerConfigFactory, { strict: false })).toBeInstanceOf(
      SmsPartnerConfigFactory,
    );
  });

  it('forRootAsync(registerAs(...).asProvider()) with @nestjs/config', async () => {
    const smsPartnerConfig = registerAs(
      'smspartner',
      (): SmsPartnerModuleOptions => ({ apiKey: API_KEY, baseUrl: sandbox.baseUrl }),
    );
    await expectWorkingModule([
      ConfigModule.forRoot({ ignoreEnvFile: true }),
      SmsPartnerModule.forRootAsync(smsPartnerConfig.asProvider()),
    ]);
  });

  it('the options really drive the client: a wrong key is refused by the sandbox', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [SmsPartnerModule.forRoot({ ...options, apiKey: 'not-the-sandbox-key' })],
    }).compile();
    const error = await moduleRef
      .get(SmsPartnerService)
      .getCredits()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmsPartnerApiError);
    expect((error as SmsPartnerApiError).code).toBe(10);
  });

  it('provides null webhooks when none are configured', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [SmsPartnerModule.forRoot(options)],
    }).compile();
    expect(moduleRef.get(SMS_PARTNER_WEBHOOKS)).toBeNull();
  });
});

describe('isGlobal', () => {
  @Injectable()
  class Notifier {
    constructor(
      readonly sms: SmsPartnerService,
      @InjectSmsPartnerClient() readonly client: SmsPartnerClient,
    ) {}
  }
  @Module({ providers: [Notifier], exports: [Notifier] })
  class FeatureModule {}

  it.each([
    ['forRoot', () => SmsPartnerModule.forRoot({ ...options, isGlobal: true })],
    [
      'forRootAsync',
      () => SmsPartnerModule.forRootAsync({ useFactory: () => options, isGlobal: true }),
    ],
  ])('%s({ isGlobal: true }) serves modules that do not import it', async (_name, register) => {
    const moduleRef = await Test.createTestingModule({
      imports: [register(), FeatureModule],
    }).compile();
    const notifier = moduleRef.get(Notifier);
    expect(notifier.sms).toBeInstanceOf(SmsPartnerService);
    expect(notifier.client).toBe(notifier.sms.client);
    expect((await notifier.sms.getCredits()).creditSms).toBe(CREDITS);
  });

  it('is not global by default: the feature module cannot resolve SmsPartnerService', async () => {
    const compiling = Test.createTestingModule({
      imports: [SmsPartnerModule.forRoot(options), FeatureModule],
    }).compile();
    await expect(compiling).rejects.toThrow(/SmsPartnerService/);
  });
});

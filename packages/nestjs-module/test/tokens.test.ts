import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import {
  SMS_PARTNER_CLIENT,
  SMS_PARTNER_MODULE_OPTIONS,
  SmsPartnerModule,
  SmsPartnerService,
} from '../src/index.js';

async function compileError(metadata: Parameters<typeof Test.createTestingModule>[0]) {
  return Test.createTestingModule(metadata)
    .compile()
    .then(
      () => undefined,
      (error: unknown) => error as Error,
    );
}

describe('readable injection tokens', () => {
  it('the options token is SMS_PARTNER_MODULE_OPTIONS (moduleName "SmsPartner")', () => {
    expect(SMS_PARTNER_MODULE_OPTIONS).toBe('SMS_PARTNER_MODULE_OPTIONS');
    expect(SMS_PARTNER_CLIENT).toBe('SMS_PARTNER_CLIENT');
  });

  it('importing the bare module (no forRoot) names the missing options token', async () => {
    const error = await compileError({ imports: [SmsPartnerModule] });
    expect(error?.message).toContain('SMS_PARTNER_MODULE_OPTIONS');
    expect(error?.message).toContain('SmsPartnerModule');
  });

  it('providing SmsPartnerService without the module names the client token', async () => {
    @Module({ providers: [SmsPartnerService] })
    class WithoutSmsPartnerModule {}
    const error = await compileError({ imports: [WithoutSmsPartnerModule] });
    expect(error?.message).toContain('SmsPartnerService');
    expect(error?.message).toContain('SMS_PARTNER_CLIENT');
  });

  it('forRootAsync whose factory forgets to return the options fails with a clear message', async () => {
    const error = await compileError({
      imports: [SmsPartnerModule.forRootAsync({ useFactory: () => undefined as never })],
    });
    expect(error?.name).toBe('SmsPartnerConfigError');
    expect(error?.message).toMatch(/options must be an object, got undefined/);
  });
});

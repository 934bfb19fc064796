import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { ApiController } from '../src/api.controller.js';
import { backendOf, ConfigError, DEFAULT_FROM, loadConfig } from '../src/config.js';
import { MessagesService } from '../src/messages.service.js';

describe('loadConfig', () => {
  it('defaults to the sandbox on port 3000 with a generated secret', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      publicUrl: 'http://127.0.0.1:3000',
      from: DEFAULT_FROM,
      live: false,
      webhookSecretGenerated: true,
    });
    expect(config.webhookSecret.length).toBeGreaterThanOrEqual(24);
    expect(loadConfig({}).webhookSecret).not.toBe(config.webhookSecret);
    expect(config.databasePath).toMatch(/apps\/sample\/data\/?$/);
    expect(backendOf(config)).toBe('sandbox');
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      PUBLIC_URL: 'https://sms.example.com/',
      SMSPARTNER_FROM: '33700000001',
      SMSPARTNER_API_KEY: 'k',
      SMSPARTNER_LIVE: '1',
      SMSPARTNER_WEBHOOK_SECRET: 'a-secret-of-sixteen-chars',
      SMSPARTNER_BASE_URL: 'http://127.0.0.1:4010/v1/',
      DATABASE_PATH: 'memory://',
    });
    expect(config).toMatchObject({
      port: 8080,
      publicUrl: 'https://sms.example.com',
      from: '33700000001',
      apiKey: 'k',
      live: true,
      webhookSecret: 'a-secret-of-sixteen-chars',
      webhookSecretGenerated: false,
      databasePath: 'memory://',
      baseUrl: 'http://127.0.0.1:4010/v1',
      warnings: [],
    });
    expect(backendOf(config)).toBe('smspartner-live');
    expect(backendOf({ apiKey: 'k', live: false })).toBe('smspartner-sandbox');
  });

  it('accepts the old WEBHOOK_SECRET with a deprecation warning', () => {
    const old = loadConfig({ WEBHOOK_SECRET: 'an-old-secret-of-16+' });
    expect(old).toMatchObject({
      webhookSecret: 'an-old-secret-of-16+',
      webhookSecretGenerated: false,
    });
    expect(old.warnings).toEqual([
      expect.stringMatching(/WEBHOOK_SECRET is deprecated.*SMSPARTNER_WEBHOOK_SECRET/),
    ]);
    const both = loadConfig({
      WEBHOOK_SECRET: 'an-old-secret-of-16+',
      SMSPARTNER_WEBHOOK_SECRET: 'the-new-secret-of-16',
    });
    expect(both.webhookSecret).toBe('the-new-secret-of-16');
    expect(both.warnings).toEqual([expect.stringMatching(/ignored/)]);
  });

  it('names the variable and the rule on bad input', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
    expect(() => loadConfig({ PUBLIC_URL: 'ftp://x' })).toThrow(/PUBLIC_URL/);
    expect(() => loadConfig({ WEBHOOK_SECRET: 'short' })).toThrow(/WEBHOOK_SECRET/);
    expect(() => loadConfig({ SMSPARTNER_WEBHOOK_SECRET: 'short' })).toThrow(
      /SMSPARTNER_WEBHOOK_SECRET: must be at least 16/,
    );
    expect(() => loadConfig({ SMSPARTNER_BASE_URL: 'http://127.0.0.1:1/v1' })).toThrow(
      /SMSPARTNER_BASE_URL needs SMSPARTNER_API_KEY/,
    );
    expect(() => loadConfig({ SMSPARTNER_BASE_URL: 'nope', SMSPARTNER_API_KEY: 'k' })).toThrow(
      /SMSPARTNER_BASE_URL/,
    );
    expect(() => loadConfig({ SMSPARTNER_LIVE: 'maybe' })).toThrow(/SMSPARTNER_LIVE/);
  });
});

it('emits decorator metadata (Nest injects by type)', () => {
  const params: unknown[] = Reflect.getMetadata('design:paramtypes', MessagesService);
  expect(params).toHaveLength(6);
  expect(Reflect.getMetadata('design:paramtypes', ApiController)).toContain(MessagesService);
});

import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SmsPartnerApiError } from '../src/index.js';
import { json, type ProviderServer, SEND_OK, startProvider } from './provider-server.js';

const saved = { key: process.env.SMSPARTNER_API_KEY, url: process.env.SMSPARTNER_BASE_URL };
let provider: ProviderServer;

beforeEach(async () => {
  provider = await startProvider();
  process.env.SMSPARTNER_API_KEY = 'example-key-123456';
  process.env.SMSPARTNER_BASE_URL = provider.baseUrl;
});
afterEach(async () => {
  await provider.close();
  for (const [name, value] of [
    ['SMSPARTNER_API_KEY', saved.key],
    ['SMSPARTNER_BASE_URL', saved.url],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('examples/send.ts (the README example, against the built package)', () => {
  it('sends the code and returns the billed result', async () => {
    const { sendLoginCode } = await import('../examples/send.js');
    const sent = await sendLoginCode('06 12 34 56 78', '482913');
    expect(sent).toMatchObject({ messageId: '307', nbSms: 1, cost: 0.038, currency: 'EUR' });
    expect(provider.requests[0]?.json).toMatchObject({
      apiKey: 'example-key-123456',
      to: '33612345678',
      from: '33700000000',
      message: 'Votre code de connexion : 482913',
      tag: 'login-code',
    });
  });

  it('surfaces provider errors as typed errors', async () => {
    provider.answer(json(200, { success: false, code: 11, message: 'Crédit insuffisant' }));
    const { sendLoginCode } = await import('../examples/send.js');
    // The example imports the built package, so compare by name rather than by class identity.
    await expect(sendLoginCode('0612345678', '1')).rejects.toMatchObject({
      name: SmsPartnerApiError.name,
      code: 11,
    });
    expect(provider.requests).toHaveLength(1);
    provider.answer(json(200, SEND_OK));
  });
});

it('the README shows examples/send.ts verbatim (minus its first comment line)', () => {
  const example = readFileSync(new URL('../examples/send.ts', import.meta.url), 'utf8');
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const code = example.split('\n').slice(1).join('\n').trim();
  expect(code.length).toBeGreaterThan(500);
  expect(readme).toContain(code);
});

it('the root README shows the same example verbatim', () => {
  const example = readFileSync(new URL('../examples/send.ts', import.meta.url), 'utf8');
  const rootReadme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const code = example.split('\n').slice(1).join('\n').trim();
  expect(rootReadme).toContain(code);
});

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it, vi } from 'vitest';
import { provenSends } from '../examples/accepted.js';
import { quickstart } from '../examples/quickstart.js';
import { verifyAccount } from '../examples/verify-account.js';
import { startSandbox } from '../src/index.js';

it('runs the README example: send, receipt at a local webhook, status', async () => {
  const { sent, receipt, status, recorded } = await quickstart();
  expect(sent).toMatchObject({ nbSms: 1, cost: 0.038, currency: 'EUR' });
  expect(sent.messageId).toBe(recorded[0]?.messageId);
  expect(receipt).toMatchObject({
    messageId: Number(sent.messageId),
    phoneNumber: '33612345678',
    status: 'Delivered',
    tag: 'otp',
  });
  expect(status).toMatchObject({ status: 'delivered', providerStatus: 'Delivered' });
  expect(recorded).toHaveLength(1);
  expect(recorded[0]?.callbacks[0]).toMatchObject({ ok: true, statusCode: 200 });
});

it('runs the README proof example: rate limit, accepted counts, statuses by tag', async () => {
  const { sentTags, limited, accepted, lost, statuses } = await provenSends();
  // The limit is 5 in any second: the loop of 8 is refused at least once, unless it took > 1 s.
  expect(sentTags.length + limited).toBe(8);
  expect(accepted).toMatchObject({ total: sentTags.length, untracked: 0, duplicateTags: [] });
  expect(Object.keys(accepted.byTag)).toEqual(sentTags);
  expect(lost).toEqual([]);
  expect(statuses).toMatchObject([{ phoneNumber: '33612345101', status: 'delivered' }]);
});

it('runs the README contract example: skipped without a key, free calls with one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'verify-'));
  // A sandbox stands in for the provider: the suite compares it with a second, in-process one.
  const provider = await startSandbox({ apiKeys: ['account-key'], logger: false });
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    expect(await verifyAccount({}, dir)).toEqual({ skipped: 'SMSPARTNER_API_KEY is not set' });
    const env = {
      SMSPARTNER_API_KEY: 'account-key',
      SMSPARTNER_BASE_URL: provider.baseUrl,
      SMSPARTNER_FROM: '33700000000',
    };
    const result = await verifyAccount(env, dir);
    expect(result).toMatchObject({ ok: true, counts: { passed: 11, failed: 0, skipped: 2 } });
    expect(readdirSync(join(dir, 'fixtures'))).toHaveLength(11);
    expect(log.mock.calls.at(-1)?.[0]).toBe('11 passed, 0 failed, 2 skipped');
    expect(provider.messages().every((m) => m.sandbox)).toBe(true); // nothing billed
  } finally {
    log.mockRestore();
    await provider.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

it.each(['quickstart.ts', 'accepted.ts', 'verify-account.ts'])(
  'the README shows examples/%s verbatim',
  (file) => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = readFileSync(new URL(`../examples/${file}`, import.meta.url), 'utf8');
    expect(readme).toContain(example.trim());
  },
);

import { readFileSync } from 'node:fs';
import { nextMarketingSlot } from '@smspartner-kit/queue';
import { expect, it } from 'vitest';
import { quickstart } from '../examples/quickstart.js';
import { deleteUnder, describeWithRedis, onCleanup, redisUrl } from './helpers.js';

describeWithRedis('README example', () => {
  it('runs: the OTP is sent once, the repeated key is a duplicate, the promotion waits for its window', async () => {
    onCleanup(() => deleteUnder(`quickstart-${process.pid}`));
    const { otp, again, promo, status, recorded } = await quickstart(redisUrl);
    expect(again).toMatchObject({ id: otp.id, duplicate: true });
    expect(status).toMatchObject({
      id: otp.id,
      state: 'sent',
      to: '33612345678',
      reconciled: false,
    });
    expect(recorded.filter((m) => m.tag === otp.id)).toHaveLength(1);
    const slot = nextMarketingSlot(Date.now());
    if (slot > Date.now() + 60_000) expect(promo.dueAt).toBeGreaterThan(Date.now());
  });
});

it('the README shows the example file verbatim', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../examples/quickstart.ts', import.meta.url), 'utf8');
  expect(readme).toContain(example.trim());
});

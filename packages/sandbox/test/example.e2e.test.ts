import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { provenSends } from '../examples/accepted.js';
import { quickstart } from '../examples/quickstart.js';

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

it.each(['quickstart.ts', 'accepted.ts'])('the README shows examples/%s verbatim', (file) => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL(`../examples/${file}`, import.meta.url), 'utf8');
  expect(readme).toContain(example.trim());
});

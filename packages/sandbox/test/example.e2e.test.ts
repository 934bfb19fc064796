import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
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

it('the README shows the example file verbatim', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../examples/quickstart.ts', import.meta.url), 'utf8');
  expect(readme).toContain(example.trim());
});

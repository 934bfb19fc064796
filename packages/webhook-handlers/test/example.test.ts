import { createClient } from '@smspartner-kit/core';
import { startSandbox } from '@smspartner-kit/sandbox';
import { describe, expect, it, vi } from 'vitest';
import { startExample } from '../examples/node-http.js';
import { offlineExample } from '../examples/offline.js';
import { forgeDeliveryReceipt } from '../src/testing/index.js';

describe('README example (examples/node-http.ts)', () => {
  it('receives a receipt, a reply and a STOP from the sandbox over real HTTP', async () => {
    const sandbox = await startSandbox({ dlrDelayMs: 10, receiptShape: 'form' });
    const app = await startExample({ secret: 'example-secret-123', port: 0 });
    try {
      const client = createClient({ apiKey: 'example-key', baseUrl: sandbox.baseUrl });
      const sent = await client.send({
        to: '+33 6 12 34 56 78',
        from: '33700000000',
        message: 'Votre rendez-vous est confirmé. Répondez STOP pour ne plus recevoir de SMS.',
        ...app.urls,
      });
      await vi.waitFor(() => expect(app.deliveries.get(sent.messageId)?.status).toBe('delivered'));

      await sandbox.reply({ from: '33612345678', text: 'Merci !' });
      await sandbox.reply({ from: '33612345678', text: 'Stop' });
      await vi.waitFor(() => expect(app.stopList.has('33612345678')).toBe(true));
      expect(app.replies.map((r) => r.text)).toEqual(['Merci !', 'Stop']);
    } finally {
      await app.close();
      await sandbox.close();
    }
  });
});

describe('the recommended receipt pattern (examples/node-http.ts): statuses move forward only', () => {
  it('a late Waiting or Not delivered never overwrites Delivered; between non-final ones the provider date decides', async () => {
    const app = await startExample({ secret: 'pattern-secret', port: 0 });
    const post = (status: string, occurredAt: Date) =>
      fetch(app.urls.urlDlr, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(forgeDeliveryReceipt({ messageId: 'm-1', status, occurredAt })),
      }).then((response) => expect(response.status).toBe(200));
    const at = (minute: number) => new Date(Date.UTC(2025, 5, 15, 8, minute));
    try {
      await post('waiting', at(2));
      await post('waiting', at(1)); // older, arrived later: ignored
      expect(app.deliveries.get('m-1')?.occurredAt).toEqual(at(2));
      await post('delivered', at(3));
      await post('waiting', at(4)); // a late non-final receipt
      await post('not_delivered', at(5)); // a contradicting final one
      expect(app.deliveries.get('m-1')?.status).toBe('delivered');
    } finally {
      await app.close();
    }
  });
});

describe('README example examples/offline.ts', () => {
  it('parses, and routes forged payloads', async () => {
    expect(await offlineExample()).toEqual([
      '307:delivered',
      'abc:delivered',
      'Oui',
      'receipt not_delivered',
      'reply of 4 characters',
      'opt-out STOP',
      'reply of 400 characters',
    ]);
  });
});

describe('README', () => {
  it.each(['node-http.ts', 'send.ts', 'offline.ts'])('shows examples/%s verbatim', async (file) => {
    const { readFile } = await import('node:fs/promises');
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const example = await readFile(new URL(`../examples/${file}`, import.meta.url), 'utf8');
    expect(readme).toContain(`<!-- example:${file} -->\n\`\`\`ts\n${example}\`\`\``);
  });
});

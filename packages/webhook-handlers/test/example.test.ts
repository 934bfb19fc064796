import { createClient } from '@smspartner-kit/core';
import { startSandbox } from '@smspartner-kit/sandbox';
import { describe, expect, it, vi } from 'vitest';
import { startExample } from '../examples/node-http.js';

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

describe('README', () => {
  it('shows examples/node-http.ts verbatim', async () => {
    const { readFile } = await import('node:fs/promises');
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const example = await readFile(new URL('../examples/node-http.ts', import.meta.url), 'utf8');
    expect(readme).toContain(`<!-- example:node-http -->\n\`\`\`ts\n${example}\`\`\``);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { eventually, type MessageView, messageStatus, request, startTestApp } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sms-console-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('keeps messages, statuses, replies and opt-outs across a restart (file database)', async () => {
  const first = await startTestApp({ DATABASE_PATH: dir });
  let id: string;
  try {
    const sent = await request<{ provider: { messageId: string } }>(first, '/api/messages', {
      body: { to: '33612345678', message: 'survives a restart' },
    });
    expect(sent.status).toBe(201);
    id = sent.body.provider.messageId;
    expect((await messageStatus(first, id, (s) => s === 'delivered')).status).toBe('delivered');
    await request(first, '/api/sandbox/replies', { body: { from: '33612345678', text: 'STOP' } });
    await eventually(
      () => request<{ optOuts: unknown[] }>(first, '/api/opt-outs'),
      (r) => r.body.optOuts.length === 1,
    );
  } finally {
    await first.close();
  }

  const second = await startTestApp({ DATABASE_PATH: dir });
  try {
    const message = (await request<MessageView>(second, `/api/messages/${id}`)).body;
    expect(message).toMatchObject({ text: 'survives a restart', status: 'delivered' });
    expect(message.history.map((h) => h.status)).toEqual(['sent', 'delivered']);
    const replies = await request<{ replies: { text: string }[] }>(second, '/api/replies');
    expect(replies.body.replies.map((r) => r.text)).toEqual(['STOP']);
    const optOuts = await request<{ optOuts: { phoneNumber: string }[] }>(second, '/api/opt-outs');
    expect(optOuts.body.optOuts.map((o) => o.phoneNumber)).toEqual(['33612345678']);
  } finally {
    await second.close();
  }
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import {
  type BuiltApp,
  eventually,
  type MessageView,
  messageStatus,
  request,
  startBuiltApp,
  startTestApp,
} from './helpers.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'sms-console-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface SendAnswer {
  provider: { messageId: string };
}

it('keeps messages, statuses, replies and opt-outs across a restart, and refuses the opted-out number', async () => {
  const dir = tempDir();
  const first = await startTestApp({ DATABASE_PATH: dir });
  let id: string;
  try {
    const sent = await request<SendAnswer>(first, '/api/messages', {
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

  // A new in-process sandbox: its STOP list is empty, the app's own table is not.
  const second = await startTestApp({ DATABASE_PATH: dir });
  try {
    const message = (await request<MessageView>(second, `/api/messages/${id}`)).body;
    expect(message).toMatchObject({ text: 'survives a restart', status: 'delivered' });
    expect(message.history.map((h) => h.status)).toEqual(['sent', 'delivered']);
    const replies = await request<{ replies: { text: string }[] }>(second, '/api/replies');
    expect(replies.body.replies.map((r) => r.text)).toEqual(['STOP']);
    const optOuts = await request<{ optOuts: { phoneNumber: string }[] }>(second, '/api/opt-outs');
    expect(optOuts.body.optOuts.map((o) => o.phoneNumber)).toEqual(['33612345678']);

    const refused = await request<{ error: string; code: number; meaning: string }>(
      second,
      '/api/messages',
      { body: { to: '+33 6 12 34 56 78', message: 'after the restart' } },
    );
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ error: 'opted_out', code: 14 });
    expect(refused.body.meaning).toMatch(/STOP/);
    expect(second.sandbox?.messages()).toEqual([]);
  } finally {
    await second.close();
  }
});

it('the built app, restarted on its file database: a new send never reuses an id nor changes an older message', async () => {
  const dir = tempDir();
  let app: BuiltApp | undefined = await startBuiltApp({ DATABASE_PATH: dir });
  try {
    const a = await request<SendAnswer>(app, '/api/messages', {
      body: { to: '33612345678', message: 'message A' },
    });
    expect(a.status).toBe(201);
    const idA = a.body.provider.messageId;
    const before = await messageStatus(app, idA, (s) => s === 'delivered');
    expect(before.status).toBe('delivered');
    expect(await app.stop()).toBe(0);

    app = await startBuiltApp({ DATABASE_PATH: dir });
    const b = await request<SendAnswer & { error?: string }>(app, '/api/messages', {
      body: { to: '33687654321', message: 'message B' },
    });
    // Wait until the sandbox has called B's receipt back (it lands on A if the ids collided).
    const sandboxUrl = /backend .* at (http:\/\/127\.0\.0\.1:\d+)/.exec(app.output())?.[1];
    const callbacks = await eventually(
      async () =>
        (
          await request<{ callbacks: { kind: string; ok: boolean }[] }>(
            { url: `${sandboxUrl}` },
            '/__sandbox/callbacks',
          )
        ).body.callbacks,
      (list) => list.some((c) => c.kind === 'dlr' && c.ok),
    );
    expect(callbacks.some((c) => c.kind === 'dlr' && c.ok)).toBe(true);
    const after = (await request<MessageView>(app, `/api/messages/${idA}`)).body;
    expect(after).toMatchObject({ text: 'message A', to: '33612345678', status: 'delivered' });
    // B's receipt, if it names A's id, is recorded flagged and never applied.
    expect(after.history.filter((h) => h.applied)).toEqual(before.history);
    // Fails while the sandbox numbers ids from 1 again on each start (the app then answers 502
    // message_id_conflict and keeps B in its outbox); passes once the sandbox's ids are unique.
    expect(b.body.error).toBeUndefined();
    expect(b.status).toBe(201);
    expect(b.body.provider.messageId).not.toBe(idA);
    const stored = (await request<MessageView>(app, `/api/messages/${b.body.provider.messageId}`))
      .body;
    expect(stored).toMatchObject({ text: 'message B', to: '33687654321' });
  } finally {
    await app?.stop();
  }
});

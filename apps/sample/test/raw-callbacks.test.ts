import { afterAll, expect, it } from 'vitest';
import type { RunningApp } from '../src/bootstrap.js';
import { eventually, request, SECRET, startTestApp } from './helpers.js';

interface RawCallback {
  method: string;
  path: string;
  body?: string;
  status: number | null;
}

const apps: RunningApp[] = [];
afterAll(async () => {
  for (const app of apps) await app.close();
});

it('keeps the receipt of a send as it arrived, token removed, for the console pane', async () => {
  const app = await startTestApp();
  apps.push(app);
  const sent = await request<{ message: { messageId: string } }>(app, '/api/messages', {
    body: { to: '0612345678', message: 'Bonjour' },
  });
  expect(sent.status).toBe(201);
  const raw = await eventually(
    () => request<{ callbacks: RawCallback[] }>(app, '/api/callbacks/raw'),
    (r) => r.body.callbacks?.some((c) => c.path.includes('/dlr')) ?? false,
  );
  expect(raw.status).toBe(200);
  const receipt = raw.body.callbacks.find((c) => c.path.includes('/dlr'));
  expect(receipt?.status).toBeGreaterThanOrEqual(200);
  expect(receipt?.status).toBeLessThan(300);
  expect(JSON.stringify(raw.body)).toContain(sent.body.message.messageId);
  expect(JSON.stringify(raw.body)).not.toContain(SECRET);
});

it('keeps nothing when recording is off (404 says how to turn it on)', async () => {
  const app = await startTestApp({ SMSPARTNER_RECORD_CALLBACKS: '0' });
  apps.push(app);
  const raw = await request<{ error: string }>(app, '/api/callbacks/raw');
  expect(raw.status).toBe(404);
  expect(raw.body.error).toBe('not_recording');
});

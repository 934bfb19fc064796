import { countSegments } from '@smspartner-kit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type Sandbox, type SandboxOptions, startSandbox } from '../src/index.js';
import { call, type Receiver, startReceiver } from './helpers.js';

const KEY = 'k';
const FROM = '33700000000';
const TO = '33612345678';
const CLOCK = Date.parse('2026-07-14T08:30:05Z'); // summer time: 10:30:05 in Paris
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

async function setup(
  options: SandboxOptions = {},
): Promise<{ sandbox: Sandbox; receiver: Receiver }> {
  const receiver = await startReceiver();
  const sandbox = await startSandbox({ now: () => CLOCK, callbackBackoffMs: 5, ...options });
  open.push(sandbox, receiver);
  await call(`${sandbox.baseUrl}/vn/send`, {
    json: {
      apiKey: KEY,
      to: TO,
      from: FROM,
      message: 'Venez-vous ?',
      urlResponse: `${receiver.url}/replies?token=t`,
    },
  });
  return { sandbox, receiver };
}

describe('replies', () => {
  it('delivers a short reply in the long-number shape', async () => {
    const { sandbox, receiver } = await setup();
    const result = await sandbox.reply({ from: '+33 6 12 34 56 78', text: 'Oui merci' });
    const sent = sandbox.messages()[0]?.messageId;
    expect(result).toMatchObject({ inReplyTo: sent, delivered: true, optOut: false });
    const [request] = receiver.requests;
    expect(request?.method).toBe('POST');
    expect(request?.query.token).toBe('t');
    expect(request?.fields).toEqual({
      msisdn: TO,
      to: FROM,
      messageId: expect.stringMatching(UUID),
      text: 'Oui merci',
      type: 'text',
      keyword: 'OUI',
      'message-timestamp': '2026-07-14 10:30:05',
    });
    expect(sandbox.callbacks()).toMatchObject([{ kind: 'reply', messageId: sent, ok: true }]);
  });

  it('splits a long reply into concatenated parts as core’s calculator does', async () => {
    const { sandbox, receiver } = await setup();
    const text = `Oui, ${'merci beaucoup pour votre message, '.repeat(12)}à bientôt`;
    const expected = countSegments(text, { replacements: 'none' });
    expect(expected.segments).toBeGreaterThan(2);
    const result = await sandbox.reply({ from: TO, to: FROM, text });
    expect(result.delivered).toBe(true);
    expect(receiver.requests).toHaveLength(expected.segments);
    const fields = receiver.requests.map((r) => r.fields as Record<string, string>);
    const refs = new Set(fields.map((f) => f['concat-ref']));
    expect(refs.size).toBe(1);
    expect(fields.map((f) => [f.concat, f['concat-part'], f['concat-total']])).toEqual(
      expected.parts.map((_, i) => ['true', String(i + 1), String(expected.segments)]),
    );
    expect(fields.map((f) => f.text)).toEqual(expected.parts);
    expect(fields.map((f) => f.text).join('')).toBe(text);
    expect(new Set(fields.map((f) => f.messageId)).size).toBe(expected.segments);
  });

  it('marks a UCS-2 reply as unicode', async () => {
    const { sandbox, receiver } = await setup();
    await sandbox.reply({ from: TO, text: 'Super 👍' });
    expect(receiver.requests[0]?.fields.type).toBe('unicode');
  });

  it('puts the sender on the stop list on STOP, so the next send gets code 14', async () => {
    const { sandbox, receiver } = await setup();
    const answer = await call(`${sandbox.url}/__sandbox/replies`, {
      json: { from: TO, to: FROM, text: ' stop ' },
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ optOut: true, delivered: true });
    expect(receiver.requests[0]?.fields).toMatchObject({ text: ' stop ', keyword: 'STOP' });
    expect(sandbox.stopList().map((e) => e.phoneNumber)).toEqual([TO]);
    const list = await call(`${sandbox.baseUrl}/stop-sms/list?apiKey=${KEY}`);
    expect(list.json.data).toEqual([
      { id: 1, phoneNumber: `+${TO}`, createdAt: '2026-07-14 10:30:05' },
    ]);
    const refused = await call(`${sandbox.baseUrl}/vn/send`, {
      json: { apiKey: KEY, to: TO, from: FROM, message: 'Encore ?' },
    });
    expect(refused.json).toMatchObject({ success: false, code: 14 });
    const arret = await sandbox.reply({ from: TO, text: 'Arrêt' });
    expect(arret.optOut).toBe(true);
    expect((await sandbox.reply({ from: TO, text: 'Stop !' })).optOut).toBe(true);
    const notStop = await sandbox.reply({ from: TO, text: 'stop it please' });
    expect(notStop.optOut).toBe(false);
  });

  it('sends replies form-encoded when replyShape is form', async () => {
    const { sandbox, receiver } = await setup({ replyShape: 'form' });
    await sandbox.reply({ from: TO, text: 'Oui' });
    expect(receiver.requests[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(receiver.requests[0]?.fields).toMatchObject({ msisdn: TO, text: 'Oui', keyword: 'OUI' });
  });

  it('explains what is missing when there is nothing to reply to', async () => {
    const { sandbox, receiver } = await setup();
    const unknown = await call(`${sandbox.url}/__sandbox/replies`, {
      json: { from: '33699999999', text: 'Hi' },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toBe('not_found');
    const bad = await call(`${sandbox.url}/__sandbox/replies`, { json: { from: 'abc', text: '' } });
    expect(bad.status).toBe(400);
    expect((bad.json.issues as { field: string }[]).map((i) => i.field)).toContain('text');
    const badPhone = await call(`${sandbox.url}/__sandbox/replies`, {
      json: { from: 'abc', text: 'x' },
    });
    expect(badPhone.status).toBe(400);
    expect(badPhone.json.issues).toEqual([
      { field: 'from', message: expect.stringContaining('phone number') },
    ]);
    // an explicit url and virtual number need no previous message
    const direct = await sandbox.reply({
      from: '33699999999',
      to: FROM,
      text: 'Bonjour',
      url: `${receiver.url}/replies`,
    });
    expect(direct.delivered).toBe(true);
    expect(direct.inReplyTo).toBeUndefined();
    // no urlResponse: nothing is called, but the reply is built
    await call(`${sandbox.baseUrl}/vn/send`, {
      json: { apiKey: KEY, to: '33611111111', from: FROM, message: 'x' },
    });
    const silent = await sandbox.reply({ from: '33611111111', text: 'STOP' });
    expect(silent).toMatchObject({ delivered: false, optOut: true, attempts: [] });
    expect(silent.url).toBeUndefined();
  });
});

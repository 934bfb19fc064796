import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../src/bootstrap.js';
import {
  eventually,
  type MessageView,
  messageStatus,
  request,
  SECRET,
  startTestApp,
} from './helpers.js';

interface SendAnswer {
  message: MessageView;
  provider: { messageId: string; nbSms: number; cost: number; currency: string };
  predicted: { encoding: string; segments: number; remaining: number };
}
interface Reply {
  id: string;
  from: string;
  text: string;
  parts: number;
  isOptOut: boolean;
}

let app: RunningApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

describe('sending', () => {
  it('answers 201 with the provider result and the predicted segments, then turns delivered', async () => {
    const sent = await request<SendAnswer>(app, '/api/messages', {
      body: {
        to: '+33 6 12 34 56 78',
        message: 'Bonjour, votre colis arrive demain.',
        tag: 'colis',
      },
    });
    expect(sent.status).toBe(201);
    expect(sent.body.provider).toMatchObject({ nbSms: 1, currency: 'EUR' });
    expect(sent.body.provider.messageId).toMatch(/^\d+$/);
    expect(sent.body.predicted).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect(sent.body.message).toMatchObject({ to: '33612345678', status: 'sent' });

    const final = await messageStatus(app, sent.body.provider.messageId, (s) => s !== 'sent');
    expect(final.status).toBe('delivered');
    expect(final.history.map((h) => h.status)).toEqual(['sent', 'delivered']);
    // The sandbox billed what core predicted.
    expect(final.nbSms).toBe(final.predictedSegments);
  });

  it('predicts UCS-2 and the billed parts for a long message with an emoji', async () => {
    const text = `${'Un message assez long pour trois parts. '.repeat(4)}😀`;
    const sent = await request<SendAnswer>(app, '/api/messages', {
      body: { to: '0612345679', message: text },
    });
    expect(sent.status).toBe(201);
    expect(sent.body.predicted.encoding).toBe('UCS-2');
    expect(sent.body.predicted.segments).toBeGreaterThan(1);
    expect(sent.body.provider.nbSms).toBe(sent.body.predicted.segments);
  });

  it('a number ending in 0001 ends not_delivered', async () => {
    const sent = await request<SendAnswer>(app, '/api/messages', {
      body: { to: '33600000001', message: 'Hello' },
    });
    expect(sent.status).toBe(201);
    const final = await messageStatus(app, sent.body.provider.messageId, (s) => s !== 'sent');
    expect(final.status).toBe('not_delivered');
  });

  it('answers 400 with one issue per bad field, before anything is sent', async () => {
    const before = app.sandbox?.messages().length;
    const bad = await request<{ error: string; issues: { field: string; message: string }[] }>(
      app,
      '/api/messages',
      { body: { to: '12', message: '', tag: 'Has Spaces' } },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('validation_error');
    expect([...new Set(bad.body.issues.map((i) => i.field))].sort()).toEqual([
      'message',
      'tag',
      'to',
    ]);
    expect(app.sandbox?.messages().length).toBe(before);

    const missing = await request<{ issues: { field: string }[] }>(app, '/api/messages', {
      body: { message: 'hi', extra: 1 },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.issues.map((i) => i.field).sort()).toEqual(['extra', 'to'].sort());

    const malformed = await request(app, '/api/messages', { raw: '{"to":' });
    expect(malformed.status).toBe(400);
  });

  it('lists messages and answers 404 for an unknown id', async () => {
    const list = await request<{ messages: MessageView[] }>(app, '/api/messages');
    expect(list.status).toBe(200);
    expect(list.body.messages.length).toBeGreaterThanOrEqual(3);
    const missing = await request(app, '/api/messages/does-not-exist');
    expect(missing.status).toBe(404);
  });

  it('reports the credits of the account', async () => {
    const credits = await request<{ creditSms: number; balance: number; currency: string }>(
      app,
      '/api/credits',
    );
    expect(credits.status).toBe(200);
    expect(typeof credits.body.creditSms).toBe('number');
    expect(credits.body.currency).toBe('EUR');
    expect(JSON.stringify(credits.body)).not.toContain('raw');
  });
});

describe('replies and opt-outs', () => {
  const replies = () => request<{ replies: Reply[] }>(app, '/api/replies');

  it('stores a reply sent through the webhook', async () => {
    const answer = await request(app, '/api/sandbox/replies', {
      body: { from: '+33612345678', text: 'Oui merci' },
    });
    expect(answer.status).toBe(202);
    const after = await eventually(replies, (r) =>
      r.body.replies.some((x) => x.text === 'Oui merci'),
    );
    const reply = after.body.replies.find((x) => x.text === 'Oui merci');
    expect(reply).toMatchObject({ from: '33612345678', parts: 1, isOptOut: false });
  });

  it('reassembles a 3-part reply into one', async () => {
    const long = Array.from({ length: 40 }, (_, i) => `mot${i}`)
      .join(' ')
      .repeat(3)
      .slice(0, 400);
    const answer = await request<{ parts: number }>(app, '/api/sandbox/replies', {
      body: { from: '0612345678', text: long },
    });
    expect(answer.status).toBe(202);
    expect(answer.body.parts).toBe(3);
    const after = await eventually(replies, (r) => r.body.replies.some((x) => x.text === long));
    const matching = after.body.replies.filter((x) => x.text === long);
    expect(matching).toHaveLength(1);
    expect(matching[0]?.parts).toBe(3);
  });

  it('STOP → opt-out, and a later send to that number is refused with code 14', async () => {
    const number = '33698765432';
    const first = await request<SendAnswer>(app, '/api/messages', {
      body: { to: number, message: 'Promo -20% ce week-end', isStopSms: true },
    });
    expect(first.status).toBe(201);
    const stop = await request<{ optOut: boolean }>(app, '/api/sandbox/replies', {
      body: { from: number, text: 'STOP' },
    });
    expect(stop.status).toBe(202);
    expect(stop.body.optOut).toBe(true);
    const optOuts = await eventually(
      () => request<{ optOuts: { phoneNumber: string; keyword: string }[] }>(app, '/api/opt-outs'),
      (r) => r.body.optOuts.some((o) => o.phoneNumber === number),
    );
    expect(optOuts.body.optOuts.find((o) => o.phoneNumber === number)?.keyword).toBe('STOP');

    const refused = await request<{ error: string; code: number; meaning: string }>(
      app,
      '/api/messages',
      { body: { to: number, message: 'Encore une promo' } },
    );
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    expect(refused.body.code).toBe(14);
    expect(refused.body.meaning).toMatch(/stop/i);
  });

  it('validates simulated replies', async () => {
    const bad = await request<{ issues: { field: string }[] }>(app, '/api/sandbox/replies', {
      body: { from: 'abc', text: '' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i) => i.field)).toContain('text');
  });
});

describe('webhooks', () => {
  const dlr = `/webhooks/smspartner/dlr?token=${SECRET}`;

  it('answers 400 to a receipt it cannot read', async () => {
    const bad = await request(app, dlr, { body: { hello: 'world' } });
    expect(bad.status).toBe(400);
  });

  it('answers 401 to a wrong token, and does not record anything', async () => {
    const sent = await request<SendAnswer>(app, '/api/messages', {
      body: { to: '33600000002', message: 'stays waiting' },
    });
    const id = sent.body.provider.messageId;
    const wrong = await request(app, '/webhooks/smspartner/dlr?token=nope', {
      body: { messageId: id, phoneNumber: '33600000002', status: 'Delivered' },
    });
    expect(wrong.status).toBe(401);
    const missing = await request(app, '/webhooks/smspartner/replies', {
      body: { msisdn: '33612345678', to: '33700000000', messageId: 'x1', text: 'hi' },
    });
    expect(missing.status).toBe(401);
    const message = (await request<MessageView>(app, `/api/messages/${id}`)).body;
    expect(message.history.map((h) => h.status)).not.toContain('delivered');
  });

  it('keeps a receipt for an unknown message and attaches it when the message appears', async () => {
    // The sandbox's ids cannot be guessed: the send's answer arriving after its receipt is played
    // by settling an intent with the id the receipt named, as the send path does.
    const id = '9000000000000001';
    const early = await request(app, dlr, {
      body: { messageId: id, phoneNumber: '33611111111', status: 'Waiting' },
    });
    expect(early.status).toBeLessThan(300);
    expect(await app.store.countOrphanReceipts()).toBe(1);
    const opened = await app.store.openIntent({
      providerTag: 'late-e2e',
      to: '33611111111',
      from: '33700000000',
      text: 'late',
      isStopSms: false,
      encoding: 'GSM-7',
      predictedSegments: 1,
    });
    if (!('intent' in opened)) throw new Error('intent not opened');
    await app.store.settleSent(opened.intent.id, {
      messageId: id,
      nbSms: 1,
      cost: 0.038,
      currency: 'EUR',
    });
    const stored = (await request<MessageView>(app, `/api/messages/${id}`)).body;
    expect(stored.history.map((h) => h.status)).toEqual(['sent', 'waiting']);
    expect(stored.status).toBe('waiting');
    expect(await app.store.countOrphanReceipts()).toBe(0);
  });
});

describe('server-sent events', () => {
  it('streams the new message and its status change', async () => {
    const controller = new AbortController();
    const response = await fetch(`${app.url}/api/events`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    const sent = await request<SendAnswer>(app, '/api/messages', {
      body: { to: '33612340000', message: 'over SSE' },
    });
    const id = sent.body.provider.messageId;
    // Nest writes `event:`, `id:` then `data:` lines per event.
    const delivered = /event: status\n(?:id: \d+\n)?data: [^\n]*"status":"delivered"/;
    while (!delivered.test(received)) {
      const { value, done } = await reader.read();
      if (done) break;
      received += decoder.decode(value, { stream: true });
    }
    controller.abort();
    expect(received).toContain('event: message');
    expect(received).toContain(`"messageId":"${id}"`);
    expect(received).toMatch(delivered);
  });
});

describe('console', () => {
  it('serves the page and its script', async () => {
    const page = await fetch(`${app.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<textarea id="message"');
    const info = await request<{ backend: string; sandbox: boolean }>(app, '/api/info');
    expect(info.body).toMatchObject({ backend: 'sandbox', sandbox: true });
    expect(JSON.stringify(info.body)).not.toContain(SECRET);
  });
});

describe('hostile input: 4xx, nothing sent', () => {
  const sentCount = () => app.sandbox?.messages().length ?? -1;

  it('NUL or a lone surrogate in the message or tag', async () => {
    const before = sentCount();
    const bodies = [
      { to: '33612345678', message: 'hello\u0000world' },
      { to: '33612345678', message: 'hello', tag: 'a\u0000b' },
      { to: '33612345678', message: 'half an emoji \uD83D' },
      { to: '33612345678', message: '\uDE00 reversed' },
      { to: '3361234\u00005678', message: 'hello' },
    ];
    for (const body of bodies) {
      const answer = await request<{ error: string; issues: { field: string; message: string }[] }>(
        app,
        '/api/messages',
        { body },
      );
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error).toBe('validation_error');
      expect(answer.body.issues.map((i) => i.message).join(' ')).toMatch(/NUL|surrogate/);
    }
    expect(sentCount()).toBe(before);
  });

  it('bad message ids in the path are 400s, never 500s', async () => {
    for (const id of ['%00', 'a%20b', "1'%3B--", 'x'.repeat(65), '%F0%9F%98%80']) {
      const answer = await request<{ error: string }>(app, `/api/messages/${id}`);
      expect(answer.status, id).toBe(400);
      expect(answer.body.error).toBe('validation_error');
    }
  });

  it('a form post, another origin, a cross-site fetch or a foreign Host are refused', async () => {
    const before = sentCount();
    const form = await fetch(`${app.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'to=33612345678&message=forged',
    });
    expect(form.status).toBe(415);
    const plain = await fetch(`${app.url}/api/sandbox/replies`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ from: '33612345678', text: 'STOP' }),
    });
    expect(plain.status).toBe(415);
    const json = JSON.stringify({ to: '33612345678', message: 'forged' });
    const crossSite: Record<string, string>[] = [
      { origin: 'https://attacker.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of crossSite) {
      const answer = await fetch(`${app.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: json,
      });
      expect(answer.status, JSON.stringify(headers)).toBe(403);
    }
    // DNS rebinding: the browser talks to us under the attacker's name.
    const foreign = await rawRequest(app.port, 'GET', '/api/messages', {
      host: 'attacker.example',
    });
    expect(foreign.status).toBe(421);
    const foreignPost = await rawRequest(
      app.port,
      'POST',
      '/api/messages',
      {
        host: `attacker.example:${app.port}`,
        'content-type': 'application/json',
      },
      json,
    );
    expect(foreignPost.status).toBe(421);
    expect(sentCount()).toBe(before);
    // The console's own origin and loopback names are fine.
    const own = await fetch(`${app.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: app.url },
      body: JSON.stringify({ to: '33612345670', message: 'from the console' }),
    });
    expect(own.status).toBe(201);
    const local = await rawRequest(app.port, 'GET', '/api/info', { host: `localhost:${app.port}` });
    expect(local.status).toBe(200);
  });
});

describe('outbox, opt-outs and receipts', () => {
  it('each send goes out under a tag of its own (the user tag plus a unique suffix)', async () => {
    const sent = await request<SendAnswer & { message: { tag: string; providerTag: string } }>(
      app,
      '/api/messages',
      { body: { to: '33612345671', message: 'tagged', tag: 'promo' } },
    );
    expect(sent.status).toBe(201);
    expect(sent.body.message.tag).toBe('promo');
    expect(sent.body.message.providerTag).toMatch(/^promo-[a-z2-7]{8}$/);
    const atSandbox = app.sandbox
      ?.messages()
      .find((m) => m.messageId === sent.body.provider.messageId);
    expect(atSandbox?.tag).toBe(sent.body.message.providerTag);
    const long = await request<{ issues: { field: string; message: string }[] }>(
      app,
      '/api/messages',
      {
        body: { to: '33612345671', message: 'tagged', tag: 'twelve-chars' },
      },
    );
    expect(long.status).toBe(400);
    expect(long.body.issues[0]).toMatchObject({
      field: 'tag',
      message: expect.stringMatching(/11/),
    });
    const unresolved = await request<{ sends: unknown[] }>(app, '/api/sends/unresolved');
    expect(unresolved.body.sends).toEqual([]);
  });

  it('refuses a number of its own STOP list before sending, even if the provider does not know it', async () => {
    await app.store.upsertOptOut({
      phoneNumber: '33655555555',
      to: '33700000000',
      keyword: 'ARRET',
    });
    const before = app.sandbox?.messages().length;
    const refused = await request<{ error: string; code: number; message: string }>(
      app,
      '/api/messages',
      {
        body: { to: '06 55 55 55 55', message: 'promo' },
      },
    );
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ error: 'opted_out', code: 14 });
    expect(refused.body.message).toMatch(/ARRET/);
    expect(app.sandbox?.messages().length).toBe(before);
  });

  it('pages opt-outs and answers 400 to a bad page', async () => {
    const first = await request<{ optOuts: { phoneNumber: string }[]; next: string | null }>(
      app,
      '/api/opt-outs?limit=1',
    );
    expect(first.status).toBe(200);
    expect(first.body.optOuts).toHaveLength(1);
    expect(first.body.next).toEqual(expect.any(String));
    const second = await request<{ optOuts: { phoneNumber: string }[] }>(
      app,
      `/api/opt-outs?limit=1&cursor=${first.body.next}`,
    );
    expect(second.body.optOuts[0]?.phoneNumber).not.toBe(first.body.optOuts[0]?.phoneNumber);
    for (const query of [
      'limit=0',
      'limit=abc',
      'limit=501',
      'cursor=nope',
      'limit=1&limit=2',
      'x=1',
    ]) {
      expect((await request(app, `/api/opt-outs?${query}`)).status, query).toBe(400);
    }
  });

  it('a receipt naming another number is not applied; a late waiting never downgrades delivered', async () => {
    const sent = await request<SendAnswer>(app, '/api/messages', {
      body: { to: '33600000002', message: 'stays waiting at the sandbox' },
    });
    const id = sent.body.provider.messageId;
    const dlr = `/webhooks/smspartner/dlr?token=${SECRET}`;
    expect(
      (
        await request(app, dlr, {
          body: { messageId: id, phoneNumber: '33699999999', status: 'Delivered' },
        })
      ).status,
    ).toBeLessThan(300);
    const flagged = await eventually(
      async () => (await request<MessageView>(app, `/api/messages/${id}`)).body,
      (m) => m.history.some((h) => h.note !== null),
    );
    expect(flagged.status).not.toBe('delivered');
    expect(flagged.history.find((h) => h.note)?.note).toMatch(/not the recipient/);
    await request(app, dlr, {
      body: { messageId: id, phoneNumber: '33600000002', status: 'Delivered' },
    });
    await request(app, dlr, {
      body: { messageId: id, phoneNumber: '33600000002', status: 'Waiting' },
    });
    const final = await eventually(
      async () => (await request<MessageView>(app, `/api/messages/${id}`)).body,
      (m) => m.history.filter((h) => h.status === 'waiting' && !h.applied).length > 0,
    );
    expect(final.status).toBe('delivered');
  });
});

/** A request with headers fetch will not let us set (Host). */
function rawRequest(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (chunk) => {
        text += String(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

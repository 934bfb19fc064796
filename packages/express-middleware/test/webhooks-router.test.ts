import { connect } from 'node:net';
import { SmsPartnerConfigError } from '@smspartner-kit/core';
import { createWebhooks, type WebhookEvent } from '@smspartner-kit/webhooks';
import {
  callbackConformanceCases,
  forgeCallbackRequest,
  forgeDeliveryReceipt,
  forgeInboundMessage,
  isHttpCase,
} from '@smspartner-kit/webhooks/testing';
import express, { type RequestHandler } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smsPartnerWebhooks } from '../src/index.js';
import { type Listening, listen, rawRequest } from './helpers.js';

const SECRET = 'express-router-secret';
const T = `token=${SECRET}`;
const JSON_CT = { 'content-type': 'application/json' };
const FORM_CT = { 'content-type': 'application/x-www-form-urlencoded' };
const receipt = forgeDeliveryReceipt({ messageId: 1 });
const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
const json = (o: unknown) => JSON.stringify(o);
const quiet = { warn: () => {}, error: () => {} };

/** Body parsers an app may have mounted before the router, and the content types each reads. */
const MODES: Record<
  string,
  { parsers: RequestHandler[]; reads: (contentType: string) => boolean }
> = {
  'no parser': { parsers: [], reads: () => false },
  'express.json()': {
    parsers: [express.json()],
    reads: (type) => type.startsWith('application/json'),
  },
  'express.urlencoded()': {
    parsers: [express.urlencoded({ extended: false })],
    reads: (type) => type.startsWith('application/x-www-form-urlencoded'),
  },
  'express.urlencoded({ extended: true })': {
    parsers: [express.urlencoded({ extended: true })],
    reads: (type) => type.startsWith('application/x-www-form-urlencoded'),
  },
  // raw and text hand the contract the same bytes / text it would have read: statuses are exact.
  'express.raw({ type: any })': {
    parsers: [express.raw({ type: () => true })],
    reads: () => false,
  },
  'express.text({ type: any })': {
    parsers: [express.text({ type: () => true })],
    reads: () => false,
  },
  'json + urlencoded + text': {
    parsers: [express.json(), express.urlencoded({ extended: false }), express.text()],
    reads: (type) =>
      type.startsWith('application/json') ||
      type.startsWith('application/x-www-form-urlencoded') ||
      type.startsWith('text/plain'),
  },
  'a middleware that drained the stream and set no body': {
    parsers: [
      (req, _res, next) => {
        req.on('data', () => {});
        req.on('end', () => next());
      },
    ],
    reads: () => true,
  },
};

// The webhooks package's conformance kit: each case must get its 4xx from the contract and never
// reach a handler, whatever body parser the app mounted before the router.
const BAD_INPUT = callbackConformanceCases({ secret: SECRET }).filter(isHttpCase);

/**
 * Cases express.urlencoded() (its `qs` parser) rewrites before the router can see them: it drops
 * `__proto__` keys and decodes malformed percent escapes leniently, leaving a valid receipt or
 * reply. The kit marks them (`rewrittenByLenientFormParsers`) and the README says so (mount the
 * router before urlencoded() for the strict contract); the tests pin what then happens, so the
 * documented behaviour cannot change unnoticed.
 */
const QS_SANITISES = new Set(
  BAD_INPUT.filter((c) => c.rewrittenByLenientFormParsers).map((c) => c.name),
);

describe('the conformance table run below', () => {
  it('is the kit minus its framework-only cases, with exactly the documented qs exceptions', () => {
    expect(BAD_INPUT.length).toBeGreaterThanOrEqual(60);
    expect([...QS_SANITISES]).toEqual([
      '__proto__ in a form',
      '__proto__[x] qs nesting in a form',
      'invalid UTF-8 percent-encoding in a form',
    ]);
  });
});

/** One app per body-parser mode, all on one Webhooks instance whose handlers count calls. */
describe.each(Object.entries(MODES))(
  'smsPartnerWebhooks() with %s',
  (_mode, { parsers, reads }) => {
    const formParsedBefore = reads(FORM_CT['content-type']) && !_mode.startsWith('a middleware');
    const events: WebhookEvent[] = [];
    const webhooks = createWebhooks({ secret: SECRET, logger: quiet, dedupe: false });
    webhooks.onAny((event) => {
      events.push(event);
    });
    let server: Listening;

    beforeAll(async () => {
      const app = express();
      for (const parser of parsers) app.use(parser);
      app.use(smsPartnerWebhooks(webhooks, { path: '/webhooks/smspartner' }));
      // Errors a parser raised itself (its own 4xx) end up here, not in the router.
      app.use(((err, _req, res, _next) => {
        const status = (err as { status?: number }).status ?? 500;
        res.status(status).json({ error: 'parser', status });
      }) as express.ErrorRequestHandler);
      server = await listen(app);
    });
    afterAll(async () => {
      await server.close();
      webhooks.close();
    });

    const strictCases = formParsedBefore
      ? BAD_INPUT.filter((c) => !QS_SANITISES.has(c.name))
      : BAD_INPUT;
    it.each(strictCases)('$name → $status, no handler called', async (c) => {
      events.length = 0;
      const res = await rawRequest(server.url, {
        method: c.method,
        path: c.url,
        headers: c.headers,
        body: c.body,
      });
      const contentType = c.headers['content-type'] ?? '';
      const parsedBefore = c.body !== undefined && c.body.length > 0 && reads(contentType);
      // Preflight answers (token, method) never depend on the body; the rest is exact unless a
      // parser mounted before the router read this content type into its own shape.
      if (!parsedBefore || c.status === 401 || c.status === 405) {
        expect(res.status).toBe(c.status);
      } else {
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
      }
      if (c.method !== 'HEAD') expect(typeof res.json?.error).toBe('string');
      expect(events).toEqual([]);
    });

    // Only in the urlencoded modes: what qs made of the cases it rewrites (see QS_SANITISES).
    for (const c of formParsedBefore ? BAD_INPUT.filter((b) => QS_SANITISES.has(b.name)) : []) {
      it(`${c.name}: rewritten by qs before the router, never dispatched unclean`, async () => {
        events.length = 0;
        const res = await rawRequest(server.url, {
          method: c.method,
          path: c.url,
          headers: c.headers,
          body: c.body,
        });
        if (res.status === 200) {
          // qs dropped the bad part: the clean rest is a valid callback.
          expect(events).toHaveLength(1);
          const payload = events[0]?.payload;
          const raw = payload && 'raw' in payload ? payload.raw : {};
          expect(Object.keys(raw).some((key) => key.includes('__proto__'))).toBe(false);
        } else {
          expect(res.status).toBe(c.status);
          expect(events).toEqual([]);
        }
        expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
      });
    }

    // A stream drained by someone else has no body left: only query callbacks can work there.
    const drained = _mode.startsWith('a middleware');
    const goodCases = (
      [
        ['dlr', 'json'],
        ['dlr', 'form'],
        ['dlr', 'query'],
        ['replies', 'json'],
        ['replies', 'form'],
        ['replies', 'query'],
      ] as const
    ).filter(([, encoding]) => !drained || encoding === 'query');
    it.each(goodCases)(
      'serves a good %s callback sent as %s to a typed handler',
      async (kind, encoding) => {
        events.length = 0;
        const payload =
          kind === 'dlr'
            ? forgeDeliveryReceipt({ messageId: 4242, status: 'delivered' })
            : forgeInboundMessage({ messageId: 'reply-7', text: 'Oui merci' });
        const forged = forgeCallbackRequest(kind, payload, { secret: SECRET, encoding });
        let call = request(server.url)[forged.method === 'GET' ? 'get' : 'post'](forged.url);
        for (const [name, value] of Object.entries(forged.headers)) {
          if (typeof value === 'string') call = call.set(name, value);
        }
        const res = await (forged.body === undefined ? call : call.send(forged.body));
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ ok: true });
        const first = events[0];
        if (kind === 'dlr') {
          expect(first?.name).toBe('delivery-receipt');
          expect(first?.payload).toMatchObject({ messageId: '4242', status: 'delivered' });
        } else {
          expect(first?.name).toBe('inbound-message');
          expect(first?.payload).toMatchObject({ messageId: 'reply-7', text: 'Oui merci' });
        }
      },
    );
  },
);

describe('smsPartnerWebhooks() routing and options', () => {
  it('serves under the mount point when given no path, and leaves other paths to the app', async () => {
    const router = smsPartnerWebhooks({ secret: SECRET, logger: quiet });
    const seen: string[] = [];
    router.webhooks.on('delivery-receipt', (r) => {
      seen.push(r.messageId);
    });
    const app = express();
    app.use('/hooks/sms', router);
    app.use((_req, res) => {
      res.status(404).json({ from: 'app' });
    });
    const server = await listen(app);
    try {
      await request(server.url)
        .post(`/hooks/sms/dlr?${T}`)
        .type('form')
        .send(form(forgeDeliveryReceipt({ messageId: 77 })))
        .expect(200);
      expect(seen).toEqual(['77']);
      await request(server.url).post(`/hooks/sms/other?${T}`).expect(404, { from: 'app' });
      await request(server.url).post(`/dlr?${T}`).expect(404, { from: 'app' });
    } finally {
      await server.close();
      router.webhooks.close();
    }
  });

  it('never hangs on a stream someone else consumed, and answers from the contract', async () => {
    const webhooks = createWebhooks({ secret: SECRET, logger: quiet });
    const app = express();
    app.use((req, _res, next) => {
      req.resume();
      req.on('end', () => next());
    });
    app.use(smsPartnerWebhooks(webhooks));
    const server = await listen(app);
    try {
      const res = await request(server.url).post(`/dlr?${T}`).type('json').send(json(receipt));
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_payload');
    } finally {
      await server.close();
      webhooks.close();
    }
  });

  it('cuts an oversized chunked body off with the contract 413 and closes the connection', async () => {
    const webhooks = createWebhooks({ secret: SECRET, logger: quiet });
    let calls = 0;
    webhooks.onAny(() => {
      calls++;
    });
    const app = express();
    app.use(smsPartnerWebhooks(webhooks));
    const server = await listen(app);
    try {
      const res = await rawRequest(server.url, {
        method: 'POST',
        path: `/dlr?${T}`,
        headers: JSON_CT,
        body: json({ ...receipt, pad: 'z'.repeat(300_000) }),
        chunked: true,
      });
      expect(res.status).toBe(413);
      expect(res.json).toMatchObject({ error: 'payload_too_large', limit: 65_536 });
      expect(res.headers.connection).toBe('close');
      expect(calls).toBe(0);
    } finally {
      await server.close();
      webhooks.close();
    }
  });

  it('checks the token before reading any body: a wrong token is a 401 before the body arrives', async () => {
    const webhooks = createWebhooks({ secret: SECRET, logger: quiet });
    const app = express();
    app.use(smsPartnerWebhooks(webhooks, { bodyTimeoutMs: 60_000 }));
    const server = await listen(app);
    try {
      const { hostname, port } = new URL(server.url);
      // Announces 100,000 bytes and sends none: only a router that does not wait for the body
      // can answer (a reader would wait for the 60 s body deadline).
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), hostname);
        let text = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => {
          text += chunk;
          if (text.includes('\r\n\r\n')) {
            socket.destroy();
            resolve(text);
          }
        });
        socket.on('error', reject);
        socket.write(
          'POST /dlr?token=wrong HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n',
        );
      });
      expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    } finally {
      await server.close();
      webhooks.close();
    }
  });

  it('reads up to its maxBodyBytes option: a larger limit is never cut at 64 kB', async () => {
    const webhooks = createWebhooks({ secret: SECRET, logger: quiet });
    const app = express();
    app.use(smsPartnerWebhooks(webhooks, { maxBodyBytes: 200_000 }));
    const server = await listen(app);
    try {
      // 100 kB of valid JSON: read whole, it parses and the contract names the bad field; cut at
      // 64 kB it would be "not valid JSON".
      const res = await rawRequest(server.url, {
        method: 'POST',
        path: `/dlr?${T}`,
        headers: JSON_CT,
        body: json({ ...receipt, pad: 'p'.repeat(100_000) }),
      });
      expect(res.status).toBe(400);
      const issues = (res.json?.issues ?? []) as { field: string }[];
      expect(issues.map((i) => i.field)).toContain('pad');
    } finally {
      await server.close();
      webhooks.close();
    }
  });

  it('answers 408 and hangs up on a client that stops sending its body', async () => {
    const webhooks = createWebhooks({ secret: SECRET, logger: quiet });
    let calls = 0;
    webhooks.onAny(() => {
      calls++;
    });
    const app = express();
    app.use(smsPartnerWebhooks(webhooks, { bodyTimeoutMs: 150 }));
    const server = await listen(app);
    try {
      const { hostname, port } = new URL(server.url);
      const answer = await new Promise<{ text: string; closed: boolean }>((resolve, reject) => {
        const socket = connect(Number(port), hostname);
        let text = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => {
          text += chunk;
        });
        socket.on('close', () => resolve({ text, closed: true }));
        socket.on('error', reject);
        // Announces 1,000 bytes, sends 20, then goes quiet (never ends).
        socket.write(
          `POST /dlr?${T} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"messageId":"1","ph`,
        );
      });
      expect(answer.text).toMatch(/^HTTP\/1\.1 408 /);
      expect(answer.text).toContain('"error":"request_timeout"');
      expect(answer.closed).toBe(true);
      expect(calls).toBe(0);
    } finally {
      await server.close();
      webhooks.close();
    }
  });

  it('refuses bad router options with SmsPartnerConfigError', () => {
    const webhooks = createWebhooks({ secret: SECRET, logger: quiet });
    expect(() => smsPartnerWebhooks(webhooks, { prefix: '/x' } as never)).toThrow(
      SmsPartnerConfigError,
    );
    expect(() => smsPartnerWebhooks(webhooks, { path: 'no-slash' })).toThrow(/path/);
    expect(() => smsPartnerWebhooks(webhooks, { bodyTimeout: 5 } as never)).toThrow(
      /did you mean "bodyTimeoutMs"/,
    );
    expect(() => smsPartnerWebhooks(webhooks, { path: '/:param' })).toThrow(SmsPartnerConfigError);
    expect(() => smsPartnerWebhooks(webhooks, { path: '/a/../b' })).not.toThrow();
    expect(() => smsPartnerWebhooks(webhooks, { bodyTimeoutMs: 0 })).toThrow(/bodyTimeoutMs/);
    expect(() => smsPartnerWebhooks(webhooks, { bodyTimeoutMs: 1.5 })).toThrow(
      SmsPartnerConfigError,
    );
    webhooks.close();
  });

  it("lets createWebhooks' own option checks through", () => {
    expect(() => smsPartnerWebhooks({ secret: SECRET, dedupe: 'yes' } as never)).toThrow(
      SmsPartnerConfigError,
    );
  });
});

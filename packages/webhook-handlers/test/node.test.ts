import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { SmsPartnerConfigError } from '@smspartner-kit/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createNodeMiddleware,
  createWebhooks,
  type DeliveryReceipt,
  type Webhooks,
} from '../src/index.js';
import { forgeDeliveryReceipt } from '../src/testing/index.js';
import { listen, rawRequest } from './helpers.js';

const SECRET = 'node-secret';
const quiet = { warn: () => {}, error: () => {} };
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup(
  wrap?: (mw: ReturnType<typeof createNodeMiddleware>) => Parameters<typeof listen>[0],
  options?: Parameters<typeof createNodeMiddleware>[1],
) {
  const webhooks: Webhooks = createWebhooks({ secret: SECRET, logger: quiet });
  const receipts: DeliveryReceipt[] = [];
  webhooks.on('delivery-receipt', (r) => void receipts.push(r));
  const mw = createNodeMiddleware(webhooks, options);
  const server = await listen(wrap ? wrap(mw) : mw);
  cleanups.push(
    () => server.close(),
    () => webhooks.close(),
  );
  return { webhooks, receipts, port: server.port };
}

const receiptJson = () => JSON.stringify(forgeDeliveryReceipt());

/** Sends headers and part of a body, then nothing: resolves with the status and when it came. */
function stallBody(port: number): Promise<{ status: number; afterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `POST /webhooks/smspartner/dlr?token=${SECRET} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"messageId":`,
      );
    });
    let data = '';
    socket.on('data', (chunk) => {
      data += chunk.toString();
      const match = /^HTTP\/1\.1 (\d{3})/.exec(data);
      if (match) {
        resolve({ status: Number(match[1]), afterMs: Date.now() - started });
        socket.destroy();
      }
    });
    socket.on('error', reject);
  });
}

function readAll(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString()));
  });
}

describe('createNodeMiddleware', () => {
  it('standalone: other paths get a JSON 404', async () => {
    const { port } = await setup();
    const response = await rawRequest(port, { method: 'GET', path: '/health' });
    expect(response.status).toBe(404);
    expect(response.json?.error).toBe('not_found');
  });

  it('with next: other paths go to next(), ours are served', async () => {
    const next = vi.fn();
    const { port, receipts } = await setup(
      (mw) => (req, res) =>
        mw(req, res, () => {
          next();
          res.end('from next');
        }),
    );
    expect(
      (await rawRequest(port, { method: 'GET', path: '/webhooks/smspartner/other' })).text,
    ).toBe('from next');
    expect((await rawRequest(port, { method: 'GET', path: '/webhooks/smspartner' })).text).toBe(
      'from next',
    );
    const ok = await rawRequest(port, {
      method: 'POST',
      path: `/webhooks/smspartner/dlr/?token=${SECRET}`,
      headers: { 'content-type': 'application/json' },
      body: receiptJson(),
    });
    expect(ok.status).toBe(200);
    expect(next).toHaveBeenCalledTimes(2);
    expect(receipts).toHaveLength(1);
  });

  it('a custom path', async () => {
    const { port } = await setup(undefined, { path: '/hooks/sms/' });
    const ok = await rawRequest(port, {
      method: 'POST',
      path: `/hooks/sms/dlr?token=${SECRET}`,
      headers: { 'content-type': 'application/json' },
      body: receiptJson(),
    });
    expect(ok.status).toBe(200);
    expect(
      (await rawRequest(port, { method: 'GET', path: `/webhooks/smspartner/dlr?token=${SECRET}` }))
        .status,
    ).toBe(404);
  });

  it('uses an object body a framework already parsed (stream consumed) and does not hang', async () => {
    const { port, receipts } = await setup((mw) => async (req, res) => {
      (req as IncomingMessage & { body?: unknown }).body = JSON.parse(await readAll(req));
      mw(req, res);
    });
    const response = await rawRequest(port, {
      method: 'POST',
      path: `/webhooks/smspartner/dlr?token=${SECRET}`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(forgeDeliveryReceipt({ messageId: 'parsed-1' })),
    });
    expect(response.status).toBe(200);
    expect(receipts[0]?.messageId).toBe('parsed-1');
  });

  it.each(['string', 'buffer'] as const)(
    'uses a %s body a framework already read',
    async (kind) => {
      const { port, receipts } = await setup((mw) => async (req, res) => {
        const text = await readAll(req);
        (req as IncomingMessage & { body?: unknown }).body =
          kind === 'string' ? text : Buffer.from(text);
        mw(req, res);
      });
      const response = await rawRequest(port, {
        method: 'POST',
        path: `/webhooks/smspartner/dlr?token=${SECRET}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(forgeDeliveryReceipt({ messageId: `read-${kind}` })).toString(),
      });
      expect(response.status).toBe(200);
      expect(receipts[0]?.messageId).toBe(`read-${kind}`);
    },
  );

  it('reads the stream when a body parser left {} without consuming it', async () => {
    const { port, receipts } = await setup((mw) => (req, res) => {
      (req as IncomingMessage & { body?: unknown }).body = {};
      mw(req, res);
    });
    const response = await rawRequest(port, {
      method: 'POST',
      path: `/webhooks/smspartner/dlr?token=${SECRET}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(forgeDeliveryReceipt({ messageId: 'unparsed' })).toString(),
    });
    expect(response.status).toBe(200);
    expect(receipts[0]?.messageId).toBe('unparsed');
  });

  it('one mount-path rule: the path is matched against req.url, as the framework left it', async () => {
    // Express strips a router's mount point from req.url (keeping it in originalUrl): a middleware
    // mounted at /webhooks/smspartner serves path '' (the root of its mount).
    const { port, receipts } = await setup(
      (mw) => (req, res) => {
        const original = req.url ?? '';
        (req as IncomingMessage & { originalUrl?: string }).originalUrl = original;
        req.url = original.replace('/webhooks/smspartner', '') || '/';
        mw(req, res);
      },
      { path: '/' },
    );
    const response = await rawRequest(port, {
      method: 'GET',
      path: `/webhooks/smspartner/dlr?token=${SECRET}&${new URLSearchParams(forgeDeliveryReceipt({ messageId: 'mounted' }))}`,
    });
    expect(response.status).toBe(200);
    expect(receipts[0]?.messageId).toBe('mounted');
  });

  it('never waits on a stream another reader consumed without setting req.body', async () => {
    const { port } = await setup(
      (mw) => async (req, res) => {
        await readAll(req); // drained, nothing kept
        mw(req, res);
      },
      { bodyTimeoutMs: 60_000 },
    );
    const response = await rawRequest(port, {
      method: 'POST',
      path: `/webhooks/smspartner/dlr?token=${SECRET}`,
      headers: { 'content-type': 'application/json' },
      body: receiptJson(),
    });
    // Answered by the contract at once (no body reached it), not by the 60 s deadline.
    expect(response.status).toBe(400);
    expect((response.json?.issues as { field: string }[] | undefined)?.[0]?.field).toBe('body');
  });

  it('reads up to its own maxBodyBytes', async () => {
    const { port } = await setup(undefined, { maxBodyBytes: 200_000 });
    // 100 kB of valid JSON: read whole, it parses and the contract names the bad field.
    const response = await rawRequest(port, {
      method: 'POST',
      path: `/webhooks/smspartner/dlr?token=${SECRET}`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...forgeDeliveryReceipt(), pad: 'p'.repeat(100_000) }),
    });
    expect(response.status).toBe(400);
    expect(((response.json?.issues ?? []) as { field: string }[]).map((i) => i.field)).toContain(
      'pad',
    );
  });

  it('checks the token before reading a body: a wrong token with a huge body is a 401, not a 413', async () => {
    const { port } = await setup();
    const response = await rawRequest(port, {
      method: 'POST',
      path: '/webhooks/smspartner/dlr?token=wrong',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(300_000),
      chunked: true,
    });
    expect(response.status).toBe(401);
  });

  it('answers 408 when a client stops sending its body', async () => {
    const { port } = await setup(undefined, { bodyTimeoutMs: 50 });
    expect((await stallBody(port)).status).toBe(408);
  });

  it('a client that disconnects mid-body is not answered and does not crash the server', async () => {
    const { port } = await setup();
    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(
          `POST /webhooks/smspartner/dlr?token=${SECRET} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"mess`,
        );
        socket.destroy();
        resolve();
      });
    });
    const after = await rawRequest(port, {
      method: 'POST',
      path: `/webhooks/smspartner/dlr?token=${SECRET}`,
      headers: { 'content-type': 'application/json' },
      body: receiptJson(),
    });
    expect(after.status).toBe(200);
  });
});

describe('createNodeMiddleware options', () => {
  it.each([
    [{ bodyTimeoutMs: 0 }, 'bodyTimeoutMs'],
    [{ bodyTimeoutMs: 1.5 }, 'bodyTimeoutMs'],
    [{ bodyTimeoutMs: '10' }, 'bodyTimeoutMs'],
    [{ ackTimeoutMs: -1 }, 'ackTimeoutMs'],
    [{ maxBodyBytes: 0 }, 'maxBodyBytes'],
    [{ path: 5 }, 'path'],
    [{ path: 'no-leading-slash' }, 'path'],
    [{ path: '/:param' }, 'path'],
    [{ bodyTimeout: 10 }, 'bodyTimeout'],
  ])('refuses invalid options %j, naming %s', (options, field) => {
    const webhooks = createWebhooks({ secret: SECRET, logger: quiet });
    let caught: unknown;
    try {
      createNodeMiddleware(webhooks, options as never);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SmsPartnerConfigError);
    expect((caught as SmsPartnerConfigError).issues.map((i) => i.field)).toEqual([field]);
  });

  it('a typo gets a "did you mean"', () => {
    const webhooks = createWebhooks({ secret: SECRET, logger: quiet });
    expect(() => createNodeMiddleware(webhooks, { ackTimeout: 5 } as never)).toThrow(
      /did you mean "ackTimeoutMs"/,
    );
  });
});

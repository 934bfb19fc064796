import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { SmsPartnerError } from '@smspartner-kit/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Sandbox,
  type SandboxOptions,
  SandboxRequestError,
  startSandbox,
} from '../src/index.js';
import { call, eventually, startReceiver } from './helpers.js';

const KEY = 'test-key';
const FROM = '33700000000';
const TO = '33612345678';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((close) => close()));
});

async function start(options: SandboxOptions = {}) {
  const lines: { level: string; message: string }[] = [];
  const sandbox = await startSandbox({
    logger: {
      info: (message) => lines.push({ level: 'info', message }),
      warn: (message) => lines.push({ level: 'warn', message }),
      error: (message) => lines.push({ level: 'error', message }),
    },
    ...options,
  });
  cleanup.push(() => sandbox.close());
  return { sandbox, lines };
}

/** Writes raw bytes, then collects whatever comes back until the server closes the connection. */
function rawExchange(
  sandbox: Sandbox,
  chunks: string[],
): Promise<{ text: string; status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(sandbox.port, '127.0.0.1', () => {
      for (const chunk of chunks) socket.write(chunk);
    });
    let text = '';
    socket.on('data', (data) => {
      text += data.toString('utf8');
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      const body = text.slice(text.indexOf('\r\n\r\n') + 4);
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(body) as Record<string, unknown>;
      } catch {
        // not JSON
      }
      resolve({ text, status, json });
    });
  });
}

describe('the control API hides callback tokens', () => {
  it('masks query values of urlDlr, urlResponse and callback URLs, as the logs do', async () => {
    const receiver = await startReceiver();
    cleanup.push(() => receiver.close());
    const { sandbox, lines } = await start({ dlrDelayMs: 0 });
    await call(`${sandbox.baseUrl}/vn/send`, {
      json: {
        apiKey: KEY,
        to: TO,
        from: FROM,
        message: 'hello',
        urlDlr: `${receiver.url}/dlr?token=s3cret-dlr`,
        urlResponse: `${receiver.url}/replies?token=s3cret-reply`,
      },
    });
    await receiver.waitFor(1);
    await eventually(() => sandbox.callbacks()[0], 'the receipt attempt');
    const reply = await call(`${sandbox.url}/__sandbox/replies`, {
      json: { from: TO, text: 'Oui' },
    });
    expect(reply.status).toBe(200);
    const shown = [
      await call(`${sandbox.url}/__sandbox/messages`),
      await call(`${sandbox.url}/__sandbox/callbacks`),
      reply,
    ];
    for (const answer of shown) {
      expect(answer.text).not.toContain('s3cret');
      expect(answer.text).toContain('token=***');
    }
    const listed = await call(`${sandbox.url}/__sandbox/messages`);
    const [message] = listed.json.messages as Record<string, unknown>[];
    expect(message).toMatchObject({
      urlDlr: `${receiver.url}/dlr?token=***`,
      urlResponse: `${receiver.url}/replies?token=***`,
    });
    expect(lines.map((l) => l.message).join('\n')).not.toContain('s3cret');
    // In-process inspection keeps the URL as given (the test holds the secret anyway).
    expect(sandbox.messages()[0]?.urlDlr).toBe(`${receiver.url}/dlr?token=s3cret-dlr`);
    // The receiver still got its token.
    expect(receiver.requests[0]?.query.token).toBe('s3cret-dlr');
  });
});

describe('deadlines and aborted clients', () => {
  it('answers a stalled body with 408 after bodyTimeoutMs and closes the connection', async () => {
    const { sandbox, lines } = await start({ bodyTimeoutMs: 200 });
    const answer = await rawExchange(sandbox, [
      'POST /v1/vn/send HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"apiKey":',
    ]);
    expect(answer.status).toBe(408);
    expect(answer.json).toEqual({
      success: false,
      code: 408,
      message: 'request body not received within 200 ms',
    });
    expect(sandbox.messages()).toEqual([]);
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('the same on a control endpoint', async () => {
    const { sandbox } = await start({ bodyTimeoutMs: 200 });
    const answer = await rawExchange(sandbox, [
      'POST /__sandbox/faults HTTP/1.1\r\nHost: x\r\ncontent-length: 50\r\n\r\n{"type":',
    ]);
    expect(answer.status).toBe(408);
    expect(answer.json).toMatchObject({ error: 'request_timeout' });
    expect(sandbox.pendingFaults()).toEqual([]);
  });

  it('answers stalled headers with 408 after headersTimeoutMs', async () => {
    const { sandbox } = await start({ headersTimeoutMs: 300 });
    const answer = await rawExchange(sandbox, ['GET /v1/me?apiKey=k HTTP/1.1\r\nHost: x\r\n']);
    expect(answer.status).toBe(408);
    expect(answer.json).toMatchObject({ success: false, code: 408 });
  });

  it('a client that goes away mid-body is not an internal error', async () => {
    const { sandbox, lines } = await start();
    const socket = net.connect(sandbox.port, '127.0.0.1');
    await new Promise((resolve) => socket.on('connect', resolve));
    socket.write(
      'POST /v1/vn/send HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"apiKey":',
    );
    // The sandbox has the headers (it logs nothing yet); then the client leaves mid-body.
    await new Promise((resolve) => setImmediate(resolve));
    socket.destroy();
    await eventually(
      () => lines.find((l) => l.message.includes('closed the connection')),
      'the abort to be noticed',
    );
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
    // and the sandbox keeps serving
    expect((await call(`${sandbox.baseUrl}/me?apiKey=${KEY}`)).status).toBe(200);
  });
});

describe('many callbacks in flight', () => {
  it('500 concurrent receipts raise no MaxListenersExceededWarning', async () => {
    const COUNT = 500;
    const held: http.ServerResponse[] = [];
    let releaseAll: () => void = () => {};
    const allArrived = new Promise<void>((resolve) => {
      releaseAll = resolve;
    });
    // A receiver that answers nobody until every receipt is in flight at once.
    const receiver = http.createServer((req, res) => {
      req.resume();
      held.push(res);
      if (held.length === COUNT) releaseAll();
    });
    receiver.maxConnections = COUNT + 10;
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    cleanup.push(
      () =>
        new Promise((resolve) => {
          receiver.close(resolve);
          receiver.closeAllConnections();
        }),
    );
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/dlr`;
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    cleanup.push(async () => process.off('warning', onWarning));

    const { sandbox } = await start({
      dlrDelayMs: 0,
      callbackRetries: 0,
      callbackTimeoutMs: 600_000,
    });
    for (let i = 0; i < COUNT; i++) {
      await call(`${sandbox.baseUrl}/vn/send`, {
        json: { apiKey: KEY, to: TO, from: FROM, message: `m${i}`, urlDlr: url },
      });
    }
    await allArrived;
    for (const res of held) res.end('ok');
    await eventually(
      () => (sandbox.callbacks().length === COUNT ? true : undefined),
      'every attempt recorded',
      30_000,
    );
    expect(sandbox.callbacks().every((attempt) => attempt.ok)).toBe(true);
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });
});

describe('bounded stop list', () => {
  it('keeps maxStopList entries, drops the oldest, counts and logs it', async () => {
    const { sandbox, lines } = await start({ maxStopList: 3 });
    for (let i = 1; i <= 5; i++) {
      await call(`${sandbox.baseUrl}/stop-sms/add`, {
        json: { apiKey: KEY, phoneNumber: `3361234567${i}` },
      });
    }
    expect(sandbox.stopList().map((e) => e.phoneNumber)).toEqual([
      '33612345673',
      '33612345674',
      '33612345675',
    ]);
    expect((await call(`${sandbox.url}/__sandbox/stop-list`)).json).toMatchObject({ dropped: 2 });
    expect(
      lines.filter((l) => l.level === 'warn' && l.message.includes('stop list full')),
    ).toHaveLength(2);
  });
});

describe('errors', () => {
  it('SandboxRequestError is an SmsPartnerError', async () => {
    const { sandbox } = await start();
    let error: unknown;
    try {
      sandbox.injectFault({ type: 'nope' as never });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SandboxRequestError);
    expect(error).toBeInstanceOf(SmsPartnerError);
    expect(error).toMatchObject({ status: 400, error: 'validation_error' });
  });
});

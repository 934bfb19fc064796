import { createServer, type IncomingMessage } from 'node:http';
import { createClient } from '@smspartner-kit/core';
import { type Sandbox, startSandbox } from '@smspartner-kit/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, expectOneLineError, finished, lineMatching, run, start } from './helpers.js';

describe('sandbox command', () => {
  it('serves the API until Ctrl-C, then exits 0', async () => {
    const child = start(['sandbox', '--port', '0', '--json', '--price', '0.05'], cliEnv(undefined));
    const done = finished(child);
    const ready = JSON.parse(await lineMatching(child, (l) => l.startsWith('{'))) as {
      baseUrl: string;
      port: number;
    };
    expect(ready.baseUrl).toBe(`http://127.0.0.1:${ready.port}/v1`);
    const sent = await run(
      ['send', '--to', '0612345678', '-m', 'Hi', '--json'],
      cliEnv(ready.baseUrl, {}),
    );
    expect(sent.code, sent.stderr).toBe(0);
    expect(JSON.parse(sent.stdout)).toMatchObject({ messageId: expect.any(String), cost: 0.05 });
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(0);
  });

  it('a port already taken → one line, exit 2', async () => {
    const busy = await startSandbox({ logger: false });
    try {
      const r = await run(['sandbox', '--port', String(busy.port)], cliEnv(undefined));
      expectOneLineError(r, 2);
      expect(r.stderr).toContain('EADDRINUSE');
    } finally {
      await busy.close();
    }
  });
});

describe('listen command', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ dlrDelayMs: 0, logger: false });
  });
  afterAll(() => sandbox.close());

  it('prints each receipt and reply raw and parsed (ndjson), and forwards them', async () => {
    const forwarded: { url: string; body: string }[] = [];
    const app = createServer(async (req: IncomingMessage, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      forwarded.push({ url: req.url ?? '', body });
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    const appPort = (app.address() as { port: number }).port;
    const child = start(
      [
        'listen',
        '--port',
        '0',
        '--json',
        '--secret',
        'tok-123456',
        '--forward',
        `http://127.0.0.1:${appPort}/hooks`,
      ],
      cliEnv(undefined),
    );
    const done = finished(child);
    const events: Record<string, unknown>[] = [];
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      for (const line of d.split('\n').filter(Boolean)) events.push(JSON.parse(line));
    });
    const ready = JSON.parse(await lineMatching(child, (l) => l.includes('"ready"'))) as {
      port: number;
      urlDlr: string;
      urlResponse: string;
    };
    expect(ready.urlDlr).toBe(`http://127.0.0.1:${ready.port}/webhooks/smspartner/dlr?token=***`);
    const base = `http://127.0.0.1:${ready.port}/webhooks/smspartner`;
    const client = createClient({ apiKey: 'any', baseUrl: sandbox.baseUrl, from: '33700000000' });
    const { messageId } = await client.send({
      to: '0612345678',
      message: 'Hi',
      urlDlr: `${base}/dlr?token=tok-123456`,
      urlResponse: `${base}/replies?token=tok-123456`,
    });
    await sandbox.reply({ from: '33612345678', text: 'STOP' });
    const waitFor = async (test: () => boolean) => {
      while (!test()) await new Promise((r) => setTimeout(r, 20));
    };
    await waitFor(() => events.some((e) => e.event === 'opt-out') && forwarded.length >= 2);
    await waitFor(() => events.some((e) => e.event === 'delivery-receipt'));
    const receipt = events.find((e) => e.event === 'delivery-receipt') as {
      parsed: { messageId: string; status: string };
    };
    expect(receipt.parsed).toMatchObject({ messageId, status: 'delivered' });
    const requests = events.filter((e) => e.event === 'request') as { url: string; body: string }[];
    expect(
      requests.some(
        (r) => r.url === '/webhooks/smspartner/dlr?token=***' && r.body.includes(messageId),
      ),
    ).toBe(true);
    expect(events.some((e) => e.event === 'inbound-message')).toBe(true);
    expect(JSON.stringify(events)).not.toContain('tok-123456');
    expect(forwarded.map((f) => f.url.split('?')[0]).sort()).toEqual([
      '/hooks/dlr',
      '/hooks/replies',
    ]);
    // A callback without the token is answered 401 by the webhooks and still printed raw.
    const bad = await fetch(`${base}/dlr`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(401);
    child.kill('SIGTERM');
    expect((await done).code).toBe(0);
    await new Promise<void>((resolve) => app.close(() => resolve()));
  });

  it('a bad --forward URL → one line, exit 2', async () => {
    expectOneLineError(await run(['listen', '--forward', 'not a url'], cliEnv(undefined)), 2);
  });
});

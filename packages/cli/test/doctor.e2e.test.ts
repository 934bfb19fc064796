/**
 * `smspartner doctor` against fake providers on 127.0.0.1: a node:http proxy in front of a
 * second sandbox ("the provider") that may rewrite its JSON answers, as the sandbox's own
 * contract tests do.
 */
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Sandbox, startSandbox } from '@smspartner-kit/sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { API_KEY, cliEnv, run, tempDir } from './helpers.js';

type Rewrite = (endpoint: string, body: Record<string, unknown>) => Record<string, unknown>;

interface FakeProvider {
  baseUrl: string;
  provider: Sandbox;
  close(): Promise<void>;
}

async function startFakeProvider(rewrite?: Rewrite): Promise<FakeProvider> {
  const provider = await startSandbox({ apiKeys: [API_KEY], dlrDelayMs: 20, logger: false });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      try {
        const method = req.method ?? 'GET';
        const answer = await fetch(`${provider.url}${req.url ?? '/'}`, {
          method,
          headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
          ...(method === 'POST' ? { body: new Uint8Array(Buffer.concat(chunks)) } : {}),
        });
        let text = await answer.text();
        const endpoint = new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/v1\//, '');
        if (rewrite && text.startsWith('{')) {
          text = JSON.stringify(rewrite(endpoint, JSON.parse(text) as Record<string, unknown>));
        }
        res.writeHead(answer.status, {
          'content-type': answer.headers.get('content-type') ?? 'text/plain',
        });
        res.end(text);
      } catch {
        res.destroy();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    provider,
    async close() {
      await new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      });
      await provider.close();
    },
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fake(rewrite?: Rewrite) {
  const provider = await startFakeProvider(rewrite);
  cleanups.push(() => provider.close());
  return provider;
}

/** A renamed field and a number as a string. */
const drift: Rewrite = (endpoint, body) => {
  if (endpoint === 'message-status' && 'statut' in body) {
    const { statut, ...rest } = body;
    return { ...rest, status: statut };
  }
  if (endpoint === 'vn/send' && typeof body.nb_sms === 'number') {
    return { ...body, nb_sms: String(body.nb_sms) };
  }
  return body;
};

const LIVE_TO = '0611223344';

describe('smspartner doctor', () => {
  it('without an API key: one line saying what was skipped and why, exit 0', async () => {
    const r = await run(['doctor'], cliEnv(undefined));
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^doctor skipped: no API key \(set SMSPARTNER_API_KEY, /),
    ]);
    const json = await run(['doctor', '--json'], cliEnv(undefined));
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ skipped: true });
  });

  it('passes against a provider that answers like the emulator; free calls only', async () => {
    const provider = await fake();
    const r = await run(['doctor', '--live-to', LIVE_TO], cliEnv(provider.baseUrl));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('free calls only, nothing billed');
    expect(r.stdout).toContain('11 passed, 0 failed, 2 skipped');
    expect(r.stdout).toMatch(/SKIP {2}send-live +one real send is billed: pass --allow-cost/);
    expect(provider.provider.messages().every((m) => m.sandbox)).toBe(true);
    expect(`${r.stdout}${r.stderr}`).not.toContain(API_KEY);
  });

  it('--allow-cost with --live-to makes the one real send; --json is the report', async () => {
    const provider = await fake();
    const r = await run(
      ['doctor', '--allow-cost', '--live-to', LIVE_TO, '--json'],
      cliEnv(provider.baseUrl),
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ ok: true, realSend: true, counts: { failed: 0, skipped: 0 } });
    const real = provider.provider.messages().filter((m) => !m.sandbox);
    expect(real).toHaveLength(1);
    expect(r.stdout).not.toContain(API_KEY);
    expect(r.stdout.replace(/\D/g, '')).not.toContain('611223344');
  });

  it('a drifting provider: the differences are reported, exit 6, the report saved redacted', async () => {
    const provider = await fake(drift);
    const dir = tempDir();
    const r = await run(
      ['doctor', '--report', dir, '--live-to', LIVE_TO],
      cliEnv(provider.baseUrl),
    );
    expect(r.code, r.stderr).toBe(6);
    const shapes = r.stdout
      .split('\n')
      .filter((line) => line.trim().startsWith('shape'))
      .map((line) => line.trim());
    expect(shapes).toEqual([
      'shape  nb_sms: live string, emulator number',
      'shape  nb_sms: live string, emulator number',
      'shape  nb_sms: live string, emulator number',
      'shape  status: live string, emulator absent',
      'shape  statut: live absent, emulator string',
    ]);
    expect(r.stdout).toMatch(/FAIL {2}message-status +GET \/message-status/);
    expect(r.stdout).toContain('7 passed, 4 failed, 2 skipped');
    expect(r.stdout).toContain(`report saved to ${dir}`);
    const files = [
      join(dir, 'report.json'),
      ...readdirSync(join(dir, 'fixtures')).map((f) => join(dir, 'fixtures', f)),
    ];
    expect(files.length).toBeGreaterThan(10);
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).ok).toBe(false);
    for (const text of [r.stdout, r.stderr, ...files.map((f) => readFileSync(f, 'utf8'))]) {
      expect(text).not.toContain(API_KEY);
      expect(text.replace(/[ .\-()]/g, '')).not.toContain(LIVE_TO.slice(-8));
    }
  });

  it('a drifting provider with --json: the differences in the report, exit 6', async () => {
    const provider = await fake(drift);
    const r = await run(['doctor', '--json'], cliEnv(provider.baseUrl));
    expect(r.code).toBe(6);
    const report = JSON.parse(r.stdout) as {
      ok: boolean;
      steps: { step: string; differences: { path: string; live: string; emulator: string }[] }[];
    };
    expect(report.ok).toBe(false);
    expect(
      report.steps.flatMap((s) => s.differences.map((d) => `${s.step} ${d.path} ${d.live}`)),
    ).toEqual([
      'send-sandbox nb_sms string',
      'send-sandbox-stop nb_sms string',
      'send-sandbox-replacements nb_sms string',
      'message-status status string',
      'message-status statut missing',
    ]);
  });

  it('a bad setting is named by its flag and variable, exit 2, key not shown', async () => {
    const r = await run(['doctor', '--live-to', 'my phone'], cliEnv('http://127.0.0.1:9/v1'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /\nerror \[config\] Invalid doctor setting: --live-to \/ SMSPARTNER_LIVE_TO: phone number/,
    );
    expect(r.stderr).not.toContain(API_KEY);
  });
});

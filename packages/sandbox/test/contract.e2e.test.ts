/**
 * The live contract suite against fake providers on 127.0.0.1 (no internet): a node:http server
 * that forwards to a second sandbox ("the provider") and can rewrite its JSON answers.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runContract } from '../src/contract/index.js';
import { providerFixtureSchema, replayOnEmulator } from '../src/contract/requests.js';
import { compareAnswers } from '../src/contract/run.js';
import { type Sandbox, startSandbox } from '../src/index.js';
import { startReceiver } from './helpers.js';

const API_KEY = 'sk_live_Zq8WcR4uYt2Lm9Pn';
const FROM = '33755667788';
const LIVE_TO = '+33 6 11 22 33 44';
const TOKEN = 'tok_Hh5Jk7Lq9';
const CUSTOMER = '+33698765432'; // on the account's stop list: a third party's number
const launcher = fileURLToPath(new URL('../scripts/test-live.mjs', import.meta.url));

type Rewrite = (endpoint: string, body: Record<string, unknown>) => Record<string, unknown>;

interface FakeProvider {
  baseUrl: string;
  provider: Sandbox;
  close(): Promise<void>;
}

/** The "real API": a sandbox behind a node:http proxy that may rewrite JSON answers. */
async function startFakeProvider(rewrite?: Rewrite): Promise<FakeProvider> {
  const provider = await startSandbox({ apiKeys: [API_KEY], dlrDelayMs: 20, logger: false });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      forward(
        req.method ?? 'GET',
        req.url ?? '/',
        req.headers['content-type'],
        Buffer.concat(chunks),
      )
        .then(({ status, type, text }) => {
          res.writeHead(status, { 'content-type': type });
          res.end(text);
        })
        // The provider held or dropped the connection (an injected fault): so does the proxy.
        .catch(() => res.destroy());
    });
  });
  async function forward(method: string, url: string, type: string | undefined, body: Buffer) {
    const answer = await fetch(`${provider.url}${url}`, {
      method,
      headers: { 'content-type': type ?? 'application/json' },
      ...(method === 'POST' ? { body: new Uint8Array(body) } : {}),
    });
    let text = await answer.text();
    const endpoint = new URL(url, 'http://x').pathname.replace(/^\/v1\//, '');
    if (rewrite && text.startsWith('{')) {
      text = JSON.stringify(rewrite(endpoint, JSON.parse(text) as Record<string, unknown>));
    }
    return {
      status: answer.status,
      type: answer.headers.get('content-type') ?? 'text/plain',
      text,
    };
  }
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

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fake(rewrite?: Rewrite) {
  const provider = await startFakeProvider(rewrite);
  cleanups.push(() => provider.close());
  return provider;
}

function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'contract-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** `pnpm test:live` as the user runs it: the launcher script, in a child process. */
function runLauncher(args: string[], env: Record<string, string>) {
  const childEnv = { ...process.env, ...env };
  for (const name of Object.keys(childEnv)) {
    if (name.startsWith('SMSPARTNER_') && !(name in env)) delete childEnv[name];
  }
  const child = spawn(process.execPath, [launcher, ...args], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
}

/** A renamed field and a number as a string: the two drifts the suite must name. */
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

describe('runContract', () => {
  it('passes against a provider that answers like the emulator, real send included', async () => {
    const provider = await fake();
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    const report = await runContract({
      apiKey: API_KEY,
      baseUrl: provider.baseUrl,
      from: FROM,
      liveTo: LIVE_TO,
      allowCost: true,
      publicUrl: `${receiver.url}/smspartner?token=${TOKEN}`,
    });
    expect(report.steps.filter((s) => s.outcome !== 'passed')).toEqual([]);
    expect(report).toMatchObject({ ok: true, realSend: true, counts: { failed: 0, skipped: 0 } });
    expect(report.steps.map((s) => s.step)).toEqual([
      'me',
      'error-no-key',
      'lookup',
      'send-sandbox',
      'send-sandbox-stop',
      'send-sandbox-replacements',
      'send-sandbox-xml',
      'message-status',
      'bulk-status-by-tag',
      'stop-list',
      'me-after',
      'send-live',
      'message-status-live',
    ]);
    const billing = Object.fromEntries(report.steps.map((s) => [s.step, s.billing]));
    expect(billing['send-sandbox']).toMatchObject({ predicted: 1, billed: 1, ok: true });
    // the STOP mention turns the same 150 characters into 2 SMS
    expect(billing['send-sandbox-stop']).toMatchObject({
      isStopSms: true,
      predicted: 2,
      billed: 2,
      otherwise: { withoutStopMention: 1 },
    });
    // ’ « » œ are replaced: 1 GSM-7 SMS, where UCS-2 would be 2
    expect(billing['send-sandbox-replacements']).toMatchObject({
      predicted: 1,
      billed: 1,
      otherwise: { withoutReplacements: 2 },
    });
    // only the real send was debited; it reached the provider with the public URL for receipts
    expect(provider.provider.messages().filter((m) => !m.sandbox)).toHaveLength(1);
    const [receipt] = await receiver.waitFor(1);
    expect(receipt?.query.token).toBe(TOKEN);
  });

  it('runs only free calls by default: no real send without allowCost and liveTo', async () => {
    const provider = await fake();
    const report = await runContract({
      apiKey: API_KEY,
      baseUrl: provider.baseUrl,
      from: FROM,
      liveTo: LIVE_TO,
    });
    expect(report.ok).toBe(true);
    expect(report.realSend).toBe(false);
    expect(
      report.steps.filter((s) => s.outcome === 'skipped').map((s) => [s.step, s.skipReason]),
    ).toEqual([
      ['send-live', 'one real send is billed: pass --allow-cost (allowCost: true) to make it'],
      [
        'message-status-live',
        'one real send is billed: pass --allow-cost (allowCost: true) to make it',
      ],
    ]);
    expect(provider.provider.messages().every((m) => m.sandbox)).toBe(true);
    // allowCost alone is not enough either
    const noNumber = await runContract({
      apiKey: API_KEY,
      baseUrl: provider.baseUrl,
      from: FROM,
      allowCost: true,
    });
    expect(noNumber.realSend).toBe(false);
    expect(provider.provider.messages().every((m) => m.sandbox)).toBe(true);
  });

  it('reports exactly a renamed field and a number sent as a string', async () => {
    const provider = await fake(drift);
    const report = await runContract({ apiKey: API_KEY, baseUrl: provider.baseUrl, from: FROM });
    expect(report.ok).toBe(false);
    const found = report.steps.flatMap((s) =>
      s.differences.map((d) => `${s.step} ${d.path}: live ${d.live}, emulator ${d.emulator}`),
    );
    expect(found).toEqual([
      'send-sandbox nb_sms: live string, emulator number',
      'send-sandbox-stop nb_sms: live string, emulator number',
      'send-sandbox-replacements nb_sms: live string, emulator number',
      'message-status status: live string, emulator missing',
      'message-status statut: live missing, emulator string',
    ]);
    // core's parsers read both drifts: the shape check is what catches them
    expect(report.steps.every((s) => s.parser === undefined || s.parser.ok)).toBe(true);
    expect(report.steps.filter((s) => s.outcome === 'failed').map((s) => s.step)).toEqual([
      'send-sandbox',
      'send-sandbox-stop',
      'send-sandbox-replacements',
      'message-status',
    ]);
  });

  it('reports a billed count that is not countSegments’ prediction', async () => {
    const provider = await fake((endpoint, body) =>
      endpoint === 'vn/send' && body.nb_sms === 2 ? { ...body, nb_sms: 1 } : body,
    );
    const report = await runContract({ apiKey: API_KEY, baseUrl: provider.baseUrl, from: FROM });
    const stop = report.steps.find((s) => s.step === 'send-sandbox-stop');
    expect(stop?.outcome).toBe('failed');
    expect(stop?.billing).toMatchObject({ predicted: 2, billed: 1, ok: false });
    expect(stop?.problems).toEqual(['billed 1 SMS, countSegments predicted 2']);
  });

  it('stops at /me when the API does not answer or refuses the key, and says so', async () => {
    const provider = await fake();
    provider.provider.injectFault({ type: 'timeout', count: 1 });
    const silent = await runContract({
      apiKey: API_KEY,
      baseUrl: provider.baseUrl,
      from: FROM,
      timeoutMs: 300,
    });
    expect(silent.steps[0]).toMatchObject({
      step: 'me',
      outcome: 'failed',
      problems: [expect.stringMatching(/^GET \/me did not get an answer \(TimeoutError/)],
    });
    expect(silent.counts).toEqual({ passed: 0, failed: 1, skipped: 12 });
    expect(silent.steps[1]?.skipReason).toBe('the API did not answer /me');

    const refused = await runContract({
      apiKey: 'not-the-key',
      baseUrl: provider.baseUrl,
      from: FROM,
    });
    expect(refused.steps[0]?.problems[0]).toMatch(/^core's parser refused the answer: .*10/);
    expect(refused.counts).toEqual({ passed: 0, failed: 1, skipped: 12 });
    expect(refused.steps[1]?.skipReason).toBe('the API refused the account on /me (code 10)');
  });

  it('compares with a running emulator when given one', async () => {
    const provider = await fake(drift);
    const emulator = await startSandbox({ apiKeys: ['emulator-key'], logger: false });
    cleanups.push(() => emulator.close());
    const report = await runContract({
      apiKey: API_KEY,
      baseUrl: provider.baseUrl,
      from: FROM,
      emulator: { baseUrl: emulator.baseUrl, apiKey: 'emulator-key' },
    });
    expect(report.steps.filter((s) => s.outcome === 'failed').map((s) => s.step)).toEqual([
      'send-sandbox',
      'send-sandbox-stop',
      'send-sandbox-replacements',
      'message-status',
    ]);
    // the replays went to that emulator (sandboxed sends and their prepare calls)
    expect(emulator.messages().length).toBeGreaterThanOrEqual(6);
  });

  it('validates its options before any call, naming the field', async () => {
    await expect(runContract({ apiKey: ' ', liveTo: 'not a number' })).rejects.toMatchObject({
      name: 'SmsPartnerConfigError',
      issues: [
        { field: 'apiKey', message: expect.any(String) },
        { field: 'liveTo', message: expect.any(String) },
      ],
    });
  });
});

describe('pnpm test:live (scripts/test-live.mjs)', () => {
  it('without SMSPARTNER_API_KEY: one line saying why, exit 0', async () => {
    const result = await runLauncher([], {});
    expect(result).toEqual({
      code: 0,
      stdout:
        'test:live skipped: SMSPARTNER_API_KEY is not set (set it to check the kit against your SMS Partner account; free calls only unless --allow-cost)\n',
      stderr: '',
    });
  });

  it('names a bad setting by its environment variable, exit 2, key not shown', async () => {
    const result = await runLauncher([], {
      SMSPARTNER_API_KEY: API_KEY,
      SMSPARTNER_LIVE_TO: 'my phone',
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^test:live: SMSPARTNER_LIVE_TO: phone number /);
    expect(result.stderr).not.toContain(API_KEY);
  });

  it('exits non-zero and prints the readable diff when the provider drifts', async () => {
    const provider = await fake(drift);
    const dir = tempDir();
    const result = await runLauncher(['--report', dir], {
      SMSPARTNER_API_KEY: API_KEY,
      SMSPARTNER_BASE_URL: provider.baseUrl,
      SMSPARTNER_FROM: FROM,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    const shapeLines = result.stdout.split('\n').filter((line) => line.trim().startsWith('shape'));
    expect(shapeLines.map((line) => line.trim())).toEqual([
      'shape  nb_sms: live string, emulator number',
      'shape  nb_sms: live string, emulator number',
      'shape  nb_sms: live string, emulator number',
      'shape  status: live string, emulator absent',
      'shape  statut: live absent, emulator string',
    ]);
    expect(result.stdout).toMatch(/FAIL {2}message-status +GET \/message-status/);
    expect(result.stdout).toContain('7 passed, 4 failed, 2 skipped');
    // the empty-key check is saved as it was made: replayed, it still asks with an empty key
    const noKey = JSON.parse(readFileSync(join(dir, 'fixtures', 'error-no-key.json'), 'utf8'));
    expect(noKey.request.params).toEqual({ apiKey: '' });
    expect(noKey.response.body).toMatchObject({ success: false, code: 1 });
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report.ok).toBe(false);
    // each live answer saved as a fixture the fixture test can hold the emulator to
    const fixture = providerFixtureSchema.parse(
      JSON.parse(readFileSync(join(dir, 'fixtures', 'message-status.json'), 'utf8')),
    );
    const emulator = await startSandbox({ apiKeys: ['k'], logger: false });
    cleanups.push(() => emulator.close());
    const replayed = await replayOnEmulator({ baseUrl: emulator.baseUrl, apiKey: 'k' }, fixture);
    expect(
      compareAnswers(fixture.request, fixture.response.body, replayed.body).differences,
    ).toEqual([
      { path: 'status', live: 'string', emulator: 'missing' },
      { path: 'statut', live: 'missing', emulator: 'string' },
    ]);
  });

  it('never prints or saves the key, the token, or a phone number', async () => {
    // The provider echoes secrets where a careless one might: a URL with the key, the token.
    const provider = await fake((endpoint, body) =>
      endpoint === 'me'
        ? {
            ...body,
            debug: `GET /v1/me?apiKey=${API_KEY} from ${LIVE_TO}; last DLR ?token=${TOKEN}`,
          }
        : body,
    );
    await fetch(`${provider.baseUrl}/stop-sms/add`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey: API_KEY, phoneNumber: CUSTOMER }),
    });
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    const dir = tempDir();
    const result = await runLauncher(['--allow-cost', '--report', dir], {
      SMSPARTNER_API_KEY: API_KEY,
      SMSPARTNER_BASE_URL: provider.baseUrl,
      SMSPARTNER_FROM: FROM,
      SMSPARTNER_LIVE_TO: LIVE_TO,
      SMSPARTNER_PUBLIC_URL: `${receiver.url}/hooks?token=${TOKEN}`,
    });
    expect(result.stdout).toContain('free calls and ONE real (billed) send');
    const files = [
      join(dir, 'report.json'),
      ...readdirSync(join(dir, 'fixtures')).map((f) => join(dir, 'fixtures', f)),
    ];
    expect(files.length).toBeGreaterThan(10);
    const texts = [
      result.stdout,
      result.stderr,
      ...files.map((file) => readFileSync(file, 'utf8')),
    ];
    const all = texts.join('\n');
    // the run did see them: the saved answers hold the masked forms
    expect(all).toContain('+33 6 00 00 00 00');
    expect(all).toContain('"username": "***"');
    expect(all).toContain('token=***');
    for (const text of texts) {
      expect(text).not.toContain(API_KEY);
      expect(text).not.toContain(TOKEN);
      const digits = text.replace(/[ .\-()]/g, '');
      for (const phone of [LIVE_TO, FROM, CUSTOMER]) {
        expect(digits).not.toContain(phone.replace(/\D/g, '').slice(-8));
      }
      expect(text).not.toContain('SMS Partner Sandbox'); // the account holder's name
    }
  });
});

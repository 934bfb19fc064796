import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { call } from './helpers.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
};
const bin = join(root, pkg.bin['smspartner-sandbox'] as string);
const READY = /SMS Partner sandbox listening on (http:\/\/127\.0\.0\.1:\d+)/;

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function run(args: string[]) {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise<string>((resolve, reject) => {
    const onData = () => {
      const match = READY.exec(stdout);
      if (match?.[1]) {
        child.stdout.off('data', onData);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.on('exit', (code) => reject(new Error(`exited with ${code} before ready: ${stderr}`)));
  });
  return { child, ready, exited, output: () => ({ stdout, stderr }) };
}

describe('smspartner-sandbox CLI', () => {
  it('is built with a node shebang', () => {
    expect(existsSync(bin)).toBe(true);
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'serves on --port 0, then closes cleanly on %s',
    async (signal) => {
      const cli = run([
        '--port',
        '0',
        '--api-key',
        'cli-secret-key',
        '--dlr-delay',
        '10',
        '--credits',
        '5',
      ]);
      const origin = await cli.ready;
      const sent = await call(`${origin}/v1/vn/send`, {
        json: { apiKey: 'cli-secret-key', to: '0612345678', from: '33700000000', message: 'hi' },
      });
      expect(sent.json).toMatchObject({ success: true, nb_sms: 1 });
      expect(Number.isSafeInteger(sent.json.message_id)).toBe(true);
      const refused = await call(`${origin}/v1/me?apiKey=other`);
      expect(refused.json.code).toBe(10);
      const me = await call(`${origin}/v1/me?apiKey=cli-secret-key`);
      expect((me.json.credits as { creditSms: number }).creditSms).toBe(4);
      cli.child.kill(signal);
      expect(await cli.exited).toBe(0);
      const { stdout, stderr } = cli.output();
      expect(stdout).toContain('POST /v1/vn/send → 200');
      expect(`${stdout}${stderr}`).not.toContain('cli-secret-key');
    },
  );

  it.each([
    [['--port', 'abc'], '--port must be a whole number'],
    [['--port', '70000'], '--port'],
    [['--receipt-shape', 'xml'], '--receipt-shape'],
    [['--price', '-1'], '--price'],
    [['--bogus'], 'bogus'],
    [['stray'], 'stray'],
    [['--rate-limit', 'fast'], '--rate-limit must be N/s'],
    [['--rate-limit', '0/s'], '--rate-limit'],
  ])('rejects %j with exit code 2 and a message', async (args, message) => {
    const cli = run(args);
    cli.ready.catch(() => undefined);
    expect(await cli.exited).toBe(2);
    expect(cli.output().stderr).toContain(message);
    expect(cli.output().stderr).toContain('Usage: smspartner-sandbox');
  });

  it('issues ids a restarted process never repeats', async () => {
    const ids: number[] = [];
    for (let run_ = 0; run_ < 2; run_++) {
      const cli = run(['--quiet']);
      const origin = await cli.ready;
      for (let i = 0; i < 3; i++) {
        const sent = await call(`${origin}/v1/vn/send`, {
          json: { apiKey: 'k', to: '0612345678', from: '33700000000', message: `run ${run_}` },
        });
        ids.push(sent.json.message_id as number);
      }
      cli.child.kill('SIGTERM');
      expect(await cli.exited).toBe(0);
    }
    expect(new Set(ids).size).toBe(6);
    expect(Math.min(...ids.slice(3))).toBeGreaterThan(Math.max(...ids.slice(0, 3)));
  });

  it('--rate-limit N/s: never more than N admitted per second', async () => {
    const cli = run(['--quiet', '--rate-limit', '2/s']);
    const origin = await cli.ready;
    const started = performance.now();
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => call(`${origin}/v1/me?apiKey=k`)),
    );
    const elapsed = performance.now() - started;
    const admitted = answers.filter((a) => a.status === 200).length;
    // Bounded by the time the burst really took, so the check holds on a slow machine too.
    expect(admitted).toBeLessThanOrEqual(2 * (Math.floor(elapsed / 1000) + 1));
    expect(answers.every((a) => a.status === 200 || a.status === 429)).toBe(true);
    if (elapsed < 1000) expect(admitted).toBe(2);
  });

  it('prints help with exit code 0', async () => {
    const cli = run(['--help']);
    cli.ready.catch(() => undefined);
    expect(await cli.exited).toBe(0);
    expect(cli.output().stdout).toContain('--dlr-delay MS');
  });
});

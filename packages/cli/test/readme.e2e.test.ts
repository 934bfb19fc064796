import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Sandbox, startSandbox } from '@smspartner-kit/sandbox';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, run, tempDir } from './helpers.js';

// The README's examples are run as written: the quick start, the `count` capture (compared
// character for character) and the error example.
const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The fenced block right after `marker`. */
function blockAfter(marker: string): string {
  const at = README.indexOf(marker);
  if (at < 0) throw new Error(`README has no ${JSON.stringify(marker)}`);
  const match = /```\w*\n([\s\S]*?)```/.exec(README.slice(at));
  if (!match?.[1]) throw new Error(`no code block after ${JSON.stringify(marker)}`);
  return match[1];
}

/** `smspartner count "a b" --x` → ['count', 'a b', '--x'] (double quotes only, as in the README). */
function argv(line: string): string[] {
  const words = [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
  if (words[0] !== 'smspartner') throw new Error(`not a smspartner command: ${line}`);
  return words.slice(1);
}

let sandbox: Sandbox;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  sandbox = await startSandbox({ logger: false });
  env = cliEnv(sandbox.baseUrl);
});
afterAll(() => sandbox.close());

describe('README', () => {
  it('the quick start runs (the sandbox is started by the test, the exports are the env)', async () => {
    const lines = blockAfter('## Try it without an account')
      .split('\n')
      .filter((l) => l.startsWith('smspartner ') && !l.startsWith('smspartner sandbox'));
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) {
      const r = await run(argv(line), env);
      expect(r.code, `${line}\n${r.stderr}`).toBe(0);
    }
    expect(sandbox.messages()).toHaveLength(1);
  });

  it('the count capture is what count prints', async () => {
    const [command, ...expected] = blockAfter('`count`, in a terminal').trimEnd().split('\n');
    const r = await run(argv((command ?? '').replace(/^\$ /, '')), env);
    expect(r.stdout.trimEnd()).toBe(expected.join('\n'));
  });

  it('doctor without an API key prints the line shown', async () => {
    const expected = blockAfter('API key it prints one line and exits 0:');
    const r = await run(['doctor'], cliEnv(undefined));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(expected);
  });

  it('the --redis example runs (its CSV written by the test, its own queue prefix)', async (t) => {
    const line = blockAfter('#### Through a Redis queue').trim();
    const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    const redis = new Redis(redisUrl, { lazyConnect: true, retryStrategy: () => null });
    redis.on('error', () => {});
    const answers = await redis.connect().then(
      () => true,
      () => false,
    );
    if (!answers) {
      redis.disconnect();
      if (process.env.CI) throw new Error(`no Redis answers at ${redisUrl}`);
      t.skip(`no Redis answers at ${redisUrl}`);
    }
    const csv = join(tempDir(), 'rappels.csv');
    writeFileSync(csv, 'telephone,heure\n0612345601,9h30\n0612345602,14h\n');
    const prefix = `cli-readme-${process.pid}`;
    const args = argv(line).map((word) =>
      word === 'rappels.csv' ? csv : word === 'redis://127.0.0.1:6379' ? redisUrl : word,
    );
    sandbox.reset();
    const r = await run([...args, '--queue-prefix', prefix], env);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^2 sent \(2 this run\), 0 failed, 0 pending/);
    expect(
      sandbox
        .messages()
        .map((m) => m.text)
        .sort(),
    ).toEqual(['Rappel : rendez-vous demain à 14h', 'Rappel : rendez-vous demain à 9h30']);
  });

  it('the error example prints what it shows, with its exit code', async () => {
    const [command, ...rest] = blockAfter('## Errors and exit codes').trimEnd().split('\n');
    const exitLine = rest.indexOf('$ echo $?');
    const r = await run(argv((command ?? '').replace(/^\$ /, '')), env);
    expect(r.stderr.trimEnd()).toBe(rest.slice(0, exitLine).join('\n'));
    expect(String(r.code)).toBe(rest[exitLine + 1]);
  });
});

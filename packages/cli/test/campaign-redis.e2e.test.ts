/**
 * `campaign send --redis`: the built binary, a real Redis (REDIS_URL, own key prefix per test)
 * and the in-process sandbox. Skipped with a message when no Redis answers, unless CI is set.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Sandbox, startSandbox } from '@smspartner-kit/sandbox';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_KEY,
  cliEnv,
  closedPort,
  expectNoSecret,
  expectOneLineError,
  finished,
  run,
  start,
  tempDir,
} from './helpers.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisAnswers(): Promise<boolean> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

const available = await redisAnswers();
if (!available) {
  if (process.env.CI) throw new Error(`no Redis answers at ${REDIS_URL} (needed in CI)`);
  console.warn(`campaign --redis tests skipped: no Redis answers at ${REDIS_URL}`);
}

let sandbox: Sandbox;
let env: NodeJS.ProcessEnv;
const prefixes: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ dlrDelayMs: 0, logger: false, apiKeys: [API_KEY] });
  env = cliEnv(sandbox.baseUrl);
});
afterAll(async () => {
  await sandbox.close();
  if (!available) return;
  const redis = new Redis(REDIS_URL);
  for (const prefix of prefixes) {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  await redis.quit();
});

function prefix(): string {
  const p = `cli-test-${process.pid}-${prefixes.length}`;
  prefixes.push(p);
  return p;
}

function csv(numbers: string[]): string {
  const dir = tempDir();
  const file = join(dir, 'clients.csv');
  writeFileSync(file, `to,name\n${numbers.map((n, i) => `${n},Client${i}`).join('\n')}\n`);
  return file;
}

/** Numbers ending in 5xxx: the sandbox delivers them (…0001–0003 trigger its failure cases). */
const numbers = (count: number, from = 0) =>
  Array.from({ length: count }, (_, i) => `0612${String(5000 + from + i).padStart(6, '0')}`);

/** Recipient → how many times the sandbox recorded a send to it. */
function sendsPerRecipient(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of sandbox.messages()) counts.set(m.to, (counts.get(m.to) ?? 0) + 1);
  return counts;
}

describe.skipIf(!available)('campaign send --redis', () => {
  it('queues every row and sends them in-process; a re-run sends nothing again', async () => {
    sandbox.reset();
    const file = csv(numbers(12));
    const args = [
      'campaign',
      'send',
      file,
      '-m',
      'Bonjour {name}',
      '--redis',
      REDIS_URL,
      '--queue-prefix',
      prefix(),
      '--category',
      'transactional',
      '--rate',
      '50',
      '--json',
    ];
    const first = await run(args, env);
    expect(first.code, first.stdout).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      rows: 12,
      queuedThisRun: 12,
      sent: 12,
      sentThisRun: 12,
      failed: 0,
      pending: 0,
      unknownThisRun: [],
    });
    expect(sandbox.messages()).toHaveLength(12);
    expect(sandbox.messages().map((m) => m.text)).toContain('Bonjour Client3');
    expectNoSecret(first);

    const again = await run(args, env);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      sent: 12,
      sentThisRun: 0,
      pending: 0,
      queuedThisRun: 0,
      alreadyQueued: 12,
    });
    expect(sandbox.messages()).toHaveLength(12);
  });

  it('interrupted with Ctrl-C, then re-run: every row sent exactly once', async () => {
    sandbox.reset();
    const rows = numbers(30, 100);
    const file = csv(rows);
    const args = [
      'campaign',
      'send',
      file,
      '-m',
      'Promo {name}',
      '--redis',
      REDIS_URL,
      '--queue-prefix',
      prefix(),
      '--category',
      'transactional',
      '--rate',
      '5',
    ];
    const child = start(args, env);
    let exited = false;
    const done = finished(child).then((result) => {
      exited = true;
      return result;
    });
    while (sandbox.messages().length < 3 && !exited) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    const stopped = await done;
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stdout).toContain('interrupted: re-run the same command');
    expect(sandbox.messages().length).toBeLessThan(30);

    const resumed = await run([...args, '--rate', '50'], env);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/^30 sent \(\d+ this run\), 0 failed, 0 pending/);
    const counts = sendsPerRecipient();
    expect(counts.size).toBe(30);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it('a refused row is listed with its row number; exit 3', async () => {
    sandbox.reset();
    const file = csv([...numbers(3, 200), '0612340003']); // the sandbox has no price for it
    const r = await run(
      [
        'campaign',
        'send',
        file,
        '-m',
        'Hi {name}',
        '--redis',
        REDIS_URL,
        '--queue-prefix',
        prefix(),
        '--category',
        'transactional',
      ],
      env,
    );
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toMatch(/^3 sent \(3 this run\), 1 failed, 0 pending/);
    expect(r.stdout).toMatch(/refused {2}row 4 {2}33612340003 /);
  });

  it('a Redis that does not answer: one-line error, exit 2, nothing sent', async () => {
    sandbox.reset();
    const port = await closedPort();
    const r = await run(
      [
        'campaign',
        'send',
        csv(numbers(2, 300)),
        '-m',
        'Hi',
        '--redis',
        `redis://:secret-pw@127.0.0.1:${port}`,
        '--category',
        'transactional',
      ],
      env,
    );
    expectOneLineError(r, 2);
    expect(r.stderr).toContain(`Redis at redis://:***@127.0.0.1:${port} does not answer`);
    expect(r.stderr).not.toContain('secret-pw');
    expect(sandbox.messages()).toHaveLength(0);
  });

  it('--redis needs --category, and refuses --tag', async () => {
    const file = csv(numbers(1, 400));
    const noCategory = await run(['campaign', 'send', file, '-m', 'Hi', '--redis', REDIS_URL], env);
    expectOneLineError(noCategory, 2);
    expect(noCategory.stderr).toContain('--redis needs --category');
    const tag = await run(
      [
        'campaign',
        'send',
        file,
        '-m',
        'Hi',
        '--redis',
        REDIS_URL,
        '--category',
        'marketing',
        '--tag',
        'noel',
      ],
      env,
    );
    expectOneLineError(tag, 2);
    expect(tag.stderr).toContain('--redis does not go with --tag');
  });
});

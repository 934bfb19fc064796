// Shared plumbing of the benchmarks: the sandbox in this process, workers in child processes.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { SmsPartnerClient } from '@smspartner-kit/core';
import { startSandbox } from '@smspartner-kit/sandbox';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const WORKER = fileURLToPath(new URL('../test/fixtures/worker-process.mjs', import.meta.url));

export function arg(name, fallback) {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? Number(hit.split('=')[1]) : fallback;
}
export const flag = (name) => process.argv.includes(`--${name}`);

export const phone = (i) => `336${String(i).padStart(6, '0')}55`;
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const newPrefix = (name) => `bench-${name}-${randomBytes(3).toString('hex')}`;

export async function sandbox(options = {}) {
  // The history must hold every message: reconciliation looks tags up in it.
  return startSandbox({ dlrDelayMs: 3_600_000, maxMessages: 1_000_000, ...options });
}

export function directClient(sb) {
  return new SmsPartnerClient({ apiKey: 'bench', baseUrl: sb.baseUrl, from: '33700000000' });
}

export function startWorker(env) {
  const child = fork(WORKER, [], {
    env: { ...process.env, REDIS_URL, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
  });
}

export function stop(child, signal = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill(signal);
  });
}

export async function deleteUnder(prefix) {
  const redis = new Redis(REDIS_URL);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  await redis.quit();
}

/** Sends per second of a direct `client.send` loop (the sandbox's own maximum here). */
export async function directRate(sb, sends, concurrency) {
  const client = directClient(sb);
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < sends) {
        const i = next++;
        await client.send({ to: phone(i), message: 'direct', tag: `direct${i}` });
      }
    }),
  );
  return sends / ((performance.now() - start) / 1000);
}

/** Most entries in any span of `spanMs` (sliding), and in any calendar second. */
export function windows(times, spanMs = 1000) {
  const sorted = [...times].sort((a, b) => a - b);
  let sliding = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i] - sorted[j] >= spanMs) j++;
    sliding = Math.max(sliding, i - j + 1);
  }
  const perSecond = new Map();
  for (const t of sorted)
    perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
  return { sliding, calendar: Math.max(0, ...perSecond.values()) };
}

import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SmsPartnerClient } from '@smspartner-kit/core';
import type { SendClient } from '@smspartner-kit/queue';
import { type Sandbox, startSandbox } from '@smspartner-kit/sandbox';
import { Redis } from 'ioredis';
import { afterAll, describe, inject } from 'vitest';

/** '' when no Redis is available (the global setup says why the tests are skipped). */
export const redisUrl = inject('redisUrl');
export const describeWithRedis: typeof describe = describe.skipIf(!redisUrl) as typeof describe;

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});
export function onCleanup(cleanup: () => Promise<unknown>): void {
  cleanups.push(cleanup);
}

export function connect(): Redis {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  onCleanup(() => redis.quit());
  return redis;
}

/** Deletes every key under `prefix:` (a BullMQ prefix). */
export async function deleteUnder(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  await redis.quit();
}

/** A BullMQ prefix no other test uses; its keys are deleted after the file's tests. */
export function uniquePrefix(): string {
  const prefix = `test-${randomBytes(5).toString('hex')}`;
  onCleanup(() => deleteUnder(prefix));
  return prefix;
}

export async function sandbox(options: Parameters<typeof startSandbox>[0] = {}): Promise<Sandbox> {
  const started = await startSandbox({ dlrDelayMs: 600_000, maxMessages: 1_000_000, ...options });
  onCleanup(() => started.close());
  return started;
}

export const FROM = '33700000000';

export function clientFor(target: Sandbox, options: { timeoutMs?: number } = {}): SmsPartnerClient {
  return new SmsPartnerClient({
    apiKey: 'test-key',
    baseUrl: target.baseUrl,
    from: FROM,
    retry: false,
    ...options,
  });
}

/** The worker's client: sends through `send`, reconciles with the sandbox's bulk-status-by-tag. */
export function workerClient(target: Sandbox, send: SmsPartnerClient): SendClient {
  const reconciler = clientFor(target);
  return {
    send: (params) => send.send(params),
    getStatusesByTag: (tag) => reconciler.getStatusesByTag(tag),
  };
}

/** A real HTTP server that reads each request and never answers (the outcome stays unknown). */
export async function blackHole(): Promise<{ baseUrl: string; received: () => number }> {
  let received = 0;
  const server = http.createServer((req) => {
    req.resume();
    req.on('end', () => received++);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}/v1`, received: () => received };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns a value (tests never assert on time; the limit only ends a hang). */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  what: string,
  limitMs = 30_000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** Counts per tag in the sandbox's own records. */
export function tagCounts(target: Sandbox): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of target.messages()) if (m.tag) counts.set(m.tag, (counts.get(m.tag) ?? 0) + 1);
  return counts;
}

/** A valid mobile number per i (< 10⁶), never ending like the sandbox's failure numbers (…0001–0003). */
export const phone = (i: number) => `336${String(i).padStart(6, '0')}55`;

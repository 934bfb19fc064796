import type { INestApplication } from '@nestjs/common';
import { type Sandbox, type SandboxOptions, startSandbox } from '@smspartner-kit/sandbox';

/** Accepted by the sandbox; never shows up in an answer (asserted in the e2e tests). */
export const API_KEY = 'nest-test-key-3f9c1a7e';
export const WEBHOOK_SECRET = 'nest-webhook-secret-81d2';
/** The sandbox's default virtual number for examples. */
export const VIRTUAL_NUMBER = '33700000000';

export function startTestSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({ apiKeys: [API_KEY], dlrDelayMs: 0, callbackBackoffMs: 10, ...options });
}

/** `http://127.0.0.1:<port>` of a Nest app listening on an ephemeral loopback port. */
export async function listen(app: INestApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  if (!address || typeof address === 'string') throw new Error('no TCP address');
  return `http://127.0.0.1:${address.port}`;
}

/** A promise settled from outside, for handler calls that arrive over HTTP. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Collects payloads and lets a test wait for the n-th one. */
export class Inbox<T> {
  readonly items: T[] = [];
  private waiters: { count: number; resolve: (items: T[]) => void }[] = [];

  push(item: T): void {
    this.items.push(item);
    this.waiters = this.waiters.filter((w) => {
      if (this.items.length < w.count) return true;
      w.resolve([...this.items]);
      return false;
    });
  }

  /** Resolves once `count` items arrived (the test's own timeout bounds the wait). */
  waitFor(count = 1): Promise<T[]> {
    if (this.items.length >= count) return Promise.resolve([...this.items]);
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }
}

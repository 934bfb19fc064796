/**
 * vitest globalSetup shared by the Redis-backed packages: use the Redis at REDIS_URL (default
 * redis://127.0.0.1:6379); if nothing answers there and `redis-server` is on PATH, start a
 * throw-away one on a free port for this run. With neither: fail when CI is set, else skip the
 * Redis tests with a message. Tests read the URL with `inject('redisUrl')` ('' means skip).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer, Socket } from 'node:net';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

function answers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(Number(port || 6379), hostname.replace(/^\[|\]$/g, ''), () => {
      socket.write('PING\r\n');
      socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

let child: ChildProcess | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  if (await answers(url)) {
    project.provide('redisUrl', url);
    return async () => {};
  }
  const hasServer = spawnSync('redis-server', ['--version']).status === 0;
  if (hasServer) {
    const port = await freePort();
    child = spawn(
      'redis-server',
      ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    const started = `redis://127.0.0.1:${port}`;
    for (let i = 0; i < 100 && !(await answers(started)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (!(await answers(started)))
      throw new Error(`redis-server started on ${port} never answered`);
    console.log(
      `[redis] nothing answered at ${url}; started redis-server on ${started} for this run`,
    );
    project.provide('redisUrl', started);
    return async () => {
      child?.kill('SIGTERM');
    };
  }
  const message = `No Redis answers at ${url} and redis-server is not on PATH (install it: apt-get install redis-server, or set REDIS_URL)`;
  if (process.env.CI) throw new Error(message);
  console.warn(`[redis] ${message}: Redis tests are SKIPPED`);
  project.provide('redisUrl', '');
  return async () => {};
}

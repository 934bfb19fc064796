import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built binary: tests run what users run (`pnpm build` first; turbo does it). */
export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
export const API_KEY = 'test-KEY-never-printed-7f3a';
export const FROM = '33700000000';

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'smspartner-cli-'));
}

/** A clean environment: no user config, no colours, the sandbox's URL and our test key. */
export function cliEnv(
  baseUrl: string | undefined,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  const home = tempDir();
  return {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    NO_COLOR: '1',
    ...(baseUrl
      ? { SMSPARTNER_BASE_URL: baseUrl, SMSPARTNER_API_KEY: API_KEY, SMSPARTNER_FROM: FROM }
      : {}),
    ...extra,
  };
}

export function start(args: string[], env: NodeJS.ProcessEnv, input?: string): ChildProcess {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  if (input !== undefined) child.stdin?.end(input);
  else child.stdin?.end();
  return child;
}

export function finished(child: ChildProcess): Promise<Run> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  return new Promise((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export function run(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<Run> {
  return finished(start(args, env, input));
}

/** Resolves with the first stdout line matching `test` (for servers that print a ready line). */
export function lineMatching(
  child: ChildProcess,
  test: (line: string) => boolean,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (d: Buffer | string) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (test(line)) {
          child.stdout?.off('data', onData);
          resolve(line);
          return;
        }
      }
    };
    child.stdout?.on('data', onData);
    child.on('close', (code) => reject(new Error(`exited (${code}) before the expected line`)));
  });
}

/** Asserts the usual contract of a failure: one line on stderr, no stack, no API key. */
export function expectOneLineError(result: Run, code: number): void {
  if (result.code !== code) {
    throw new Error(`expected exit ${code}, got ${result.code}: ${result.stderr}`);
  }
  // Notes (e.g. send's predicted cost) may come first; the error is the one last line.
  const lines = result.stderr.trim().split('\n');
  const errors = lines.filter((line) => line.startsWith('error'));
  if (errors.length !== 1 || !/^error \[/.test(lines.at(-1) ?? '')) {
    throw new Error(`expected one final "error [" line on stderr, got:\n${result.stderr}`);
  }
  if (/\n\s+at /.test(result.stderr) || /\.js:\d+/.test(result.stderr)) {
    throw new Error(`stack trace printed:\n${result.stderr}`);
  }
}

/** A loopback port nobody listens on (bound then released). */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function expectNoSecret(result: Run): void {
  if (`${result.stdout}${result.stderr}`.includes(API_KEY))
    throw new Error('the API key was printed');
}

import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type RunningApp, startApp } from '../src/bootstrap.js';

export const SECRET = 'test-webhook-secret-0123456789';

/** The app on an ephemeral port with the in-process sandbox (fast receipts). */
export function startTestApp(env: Record<string, string> = {}): Promise<RunningApp> {
  return startApp({
    env: { PORT: '0', DATABASE_PATH: 'memory://', SMSPARTNER_WEBHOOK_SECRET: SECRET, ...env },
    logger: false,
    sandbox: { dlrDelayMs: 30 },
  });
}

export async function request<T = Record<string, unknown>>(
  app: { url: string },
  path: string,
  init: { method?: string; body?: unknown; raw?: string; contentType?: string } = {},
): Promise<{ status: number; body: T }> {
  const hasBody = init.body !== undefined || init.raw !== undefined;
  const response = await fetch(`${app.url}${path}`, {
    method: init.method ?? (hasBody ? 'POST' : 'GET'),
    headers: hasBody ? { 'content-type': init.contentType ?? 'application/json' } : {},
    ...(hasBody ? { body: init.raw ?? JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: body as T };
}

/**
 * Polls `read` until `done` holds (receipts and replies arrive asynchronously). Bounded by a
 * number of attempts, not by a timed assertion; returns the last value either way.
 */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  attempts = 200,
): Promise<T> {
  let value = await read();
  for (let i = 0; i < attempts && !done(value); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}

export interface MessageView {
  messageId: string;
  to: string;
  status: string;
  providerStatus: string | null;
  nbSms: number;
  predictedSegments: number;
  encoding: string;
  text: string;
  history: {
    status: string;
    providerStatus: string | null;
    applied: boolean;
    note: string | null;
  }[];
}

export function messageStatus(
  app: { url: string },
  messageId: string,
  until: (s: string) => boolean,
) {
  return eventually(
    async () => (await request<MessageView>(app, `/api/messages/${messageId}`)).body,
    (m) => until(m.status),
  );
}

const MAIN = new URL('../dist/main.js', import.meta.url);

export interface BuiltApp {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** Sends the signal and resolves with the exit code once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** `node dist/main.js`, as `pnpm start` runs it, on an ephemeral port; resolves once it serves. */
export async function startBuiltApp(env: Record<string, string> = {}): Promise<BuiltApp> {
  const { SMSPARTNER_API_KEY: _key, WEBHOOK_SECRET: _old, ...inherited } = process.env;
  const child = spawn(process.execPath, [fileURLToPath(MAIN)], {
    env: { ...inherited, PORT: '0', SMSPARTNER_WEBHOOK_SECRET: SECRET, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk) => {
      output += String(chunk);
      const match = /SMS console\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (match?.[1] && /started in\s+\d+ ms/.test(output)) resolve(match[1]);
    });
    void exited.then((code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
  return {
    url,
    child,
    output: () => output,
    stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

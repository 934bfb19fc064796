import { type RunningApp, startApp } from '../src/bootstrap.js';

export const SECRET = 'test-webhook-secret-0123456789';

/** The app on an ephemeral port with the in-process sandbox (fast receipts). */
export function startTestApp(env: Record<string, string> = {}): Promise<RunningApp> {
  return startApp({
    env: { PORT: '0', DATABASE_PATH: 'memory://', WEBHOOK_SECRET: SECRET, ...env },
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
  history: { status: string; providerStatus: string | null }[];
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

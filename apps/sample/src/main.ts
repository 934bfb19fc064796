import { performance } from 'node:perf_hooks';
import { startApp } from './bootstrap.js';
import { ConfigError, loadConfig } from './config.js';

const BACKENDS = {
  sandbox: 'in-process sandbox (no SMSPARTNER_API_KEY: nothing leaves this machine)',
  'smspartner-sandbox': 'SMS Partner API with sandbox=1 (nothing is sent or charged)',
  'smspartner-live': 'SMS Partner API, LIVE (messages are really sent and charged)',
} as const;

/** One line for the errors a user can fix (no stack). */
function explain(error: unknown): string | undefined {
  if (error instanceof ConfigError) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  const port = (() => {
    try {
      return loadConfig().port;
    } catch {
      return process.env.PORT;
    }
  })();
  if (code === 'EADDRINUSE') {
    return `Port ${port} (PORT) is already in use: stop the other program or choose another port, e.g. PORT=3001 pnpm start`;
  }
  if (code === 'EACCES') {
    return `Port ${port} (PORT) needs privileges this user lacks: choose a port above 1023, e.g. PORT=3000`;
  }
  if (code === 'EADDRNOTAVAIL') {
    return `HOST ${process.env.HOST} is not an address of this machine: unset HOST or use 127.0.0.1`;
  }
  return undefined;
}

try {
  const app = await startApp();
  const startedIn = Math.round(performance.now());
  for (const warning of app.config.warnings) console.warn(`warning: ${warning}`);
  const target = app.sandbox
    ? ` at ${app.sandbox.url}`
    : app.config.baseUrl
      ? ` at ${app.config.baseUrl}`
      : '';
  const lines = [
    `SMS console    ${app.url}/`,
    `backend        ${BACKENDS[app.backend]}${target}`,
    `sender         ${app.config.from}`,
    `webhooks       ${app.config.publicUrl}/webhooks/smspartner/{dlr,replies}${app.config.webhookSecretGenerated ? ' (token generated for this run; set SMSPARTNER_WEBHOOK_SECRET to keep it)' : ''}`,
    `database       ${app.config.databasePath}`,
    ...(app.interruptedSends > 0
      ? [
          `unknown sends  ${app.interruptedSends} left open by the last run (see /api/sends/unresolved)`,
        ]
      : []),
    `started in     ${startedIn} ms`,
  ];
  console.log(lines.join('\n'));
  const stop = () => {
    void app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('stop failed:', error instanceof Error ? error.message : error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  const line = explain(error);
  console.error(line ?? error);
  process.exit(1);
}

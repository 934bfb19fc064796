import { performance } from 'node:perf_hooks';
import { startApp } from './bootstrap.js';
import { ConfigError } from './config.js';

const BACKENDS = {
  sandbox: 'in-process sandbox (no SMSPARTNER_API_KEY: nothing leaves this machine)',
  'smspartner-sandbox': 'SMS Partner API with sandbox=1 (nothing is sent or charged)',
  'smspartner-live': 'SMS Partner API, LIVE (messages are really sent and charged)',
} as const;

try {
  const app = await startApp();
  const startedIn = Math.round(performance.now());
  const lines = [
    `SMS console    ${app.url}/`,
    `backend        ${BACKENDS[app.backend]}${app.sandbox ? ` at ${app.sandbox.url}` : ''}`,
    `sender         ${app.config.from}`,
    `webhooks       ${app.config.publicUrl}/webhooks/smspartner/{dlr,replies}${app.config.webhookSecretGenerated ? ' (token generated for this run; set WEBHOOK_SECRET to keep it)' : ''}`,
    `database       ${app.config.databasePath}`,
    `started in     ${startedIn} ms`,
  ];
  console.log(lines.join('\n'));
  const stop = () => {
    void app.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}

// Starts examples/app.ts. Settings come from the environment; without PUBLIC_URL the callback
// URLs point at this process's own loopback address, so receipts arrive locally (the sandbox).
import { createApp } from './app.js';

const port = Number(process.env.PORT ?? 3000);
const setting = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
};

createApp({
  apiKey: setting('SMSPARTNER_API_KEY'),
  from: setting('SMSPARTNER_FROM'),
  baseUrl: process.env.SMSPARTNER_BASE_URL,
  publicUrl: process.env.PUBLIC_URL ?? `http://127.0.0.1:${port}`,
  webhookSecret: setting('SMSPARTNER_WEBHOOK_SECRET'),
}).listen(port, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${port}`));

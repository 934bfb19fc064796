// Sends one SMS whose receipt and replies come back to examples/node-http.ts. Settings come from
// the environment; PUBLIC_URL defaults to the server's own loopback address (a local sandbox:
// SMSPARTNER_BASE_URL=http://127.0.0.1:<port>/v1).
import { createClient } from '@smspartner-kit/core';
import { startExample } from './node-http.js';

const secret = process.env.SMSPARTNER_WEBHOOK_SECRET;
if (!secret) throw new Error('set SMSPARTNER_WEBHOOK_SECRET');

const client = createClient(); // SMSPARTNER_API_KEY, SMSPARTNER_BASE_URL
const app = await startExample({ secret, publicUrl: process.env.PUBLIC_URL });
const sent = await client.send({
  to: process.env.TO ?? '0612345678',
  from: process.env.SMSPARTNER_FROM,
  message: 'Hello',
  ...app.urls,
});
console.log(
  `sent ${sent.messageId}; receipts and replies arrive at ${app.urls.urlDlr.split('?')[0]}`,
);

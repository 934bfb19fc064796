// Quick start: an Express app that sends an SMS from a route, receives its delivery receipt and
// replies on typed handlers, and answers SMS Partner errors with proper HTTP statuses.
// (Run by test/example.test.ts against the sandbox; examples/main.ts starts it.)

import {
  type DeliveryReceipt,
  type InboundMessage,
  smsPartner,
  smsPartnerErrorHandler,
  smsPartnerWebhooks,
} from '@smspartner-kit/express';
import { callbackUrls } from '@smspartner-kit/webhooks';
import express from 'express';

export interface AppConfig {
  apiKey: string;
  /** Your virtual number, e.g. '33700000000'. */
  from: string;
  /** Base URL of this app as SMS Partner reaches it (the callback URLs are built on it). */
  publicUrl: string;
  /** The secret token put in the callback URLs and checked on each callback. */
  webhookSecret: string;
  /** Omit in production; the sandbox's URL in tests. */
  baseUrl?: string;
  onReceipt?: (receipt: DeliveryReceipt) => void;
  onReply?: (message: InboundMessage) => void;
}

export function createApp(config: AppConfig): express.Express {
  const app = express();

  // GET/POST /webhooks/smspartner/dlr and /webhooks/smspartner/replies, token-checked. Mounted
  // before any body parser: the router reads the callback bodies itself.
  const webhooks = smsPartnerWebhooks({ secret: config.webhookSecret });
  webhooks.webhooks.on('delivery-receipt', (receipt) => config.onReceipt?.(receipt));
  webhooks.webhooks.on('inbound-message', (message) => config.onReply?.(message));
  app.use('/webhooks/smspartner', webhooks);

  // One client for the whole app, on req.smsPartner.
  app.use(smsPartner({ apiKey: config.apiKey, from: config.from, baseUrl: config.baseUrl }));

  const urls = callbackUrls({ publicUrl: config.publicUrl, secret: config.webhookSecret });
  app.post('/notify', express.json(), async (req, res) => {
    const sent = await req.smsPartner.send({ to: req.body.to, message: req.body.message, ...urls });
    res.status(201).json({ messageId: sent.messageId, nbSms: sent.nbSms });
  });

  // Validation → 400, no credit → 402, provider refusal → 422, outcome unknown → 504…
  app.use(smsPartnerErrorHandler());
  return app;
}

// Receiving SMS Partner delivery receipts and replies with plain node:http.
// (Run by test/example.test.ts against the sandbox; the README shows this file.)
import { createServer, type Server } from 'node:http';
import {
  callbackUrls,
  createNodeMiddleware,
  createWebhooks,
  type DeliveryReceipt,
  type InboundMessage,
} from '@smspartner-kit/webhooks';

export interface ExampleApp {
  server: Server;
  /** Pass these to client.send({ ..., urlDlr, urlResponse }). */
  urls: { urlDlr: string; urlResponse: string };
  /** Your database, in miniature: the latest status of each message. */
  deliveries: Map<string, DeliveryReceipt>;
  replies: InboundMessage[];
  stopList: Set<string>;
  close(): Promise<void>;
}

/** Statuses after which nothing changes: a late receipt never overwrites them. */
const FINAL = new Set(['delivered', 'not_delivered', 'expired', 'rejected', 'failed']);

/**
 * Whether `next` may replace `current`: statuses move forward only. A final status stays; between
 * receipts, the provider's date decides, then arrival (the provider does not keep order).
 */
function supersedes(next: DeliveryReceipt, current: DeliveryReceipt | undefined): boolean {
  if (!current) return true;
  if (FINAL.has(current.status)) return false;
  if (FINAL.has(next.status)) return true;
  const [a, b] = [next.occurredAt?.getTime(), current.occurredAt?.getTime()];
  return a === undefined || b === undefined || a >= b;
}

export async function startExample(options: {
  secret: string;
  port?: number;
  /** Where the provider reaches this server; default its own loopback address. */
  publicUrl?: string;
}): Promise<ExampleApp> {
  const deliveries = new Map<string, DeliveryReceipt>();
  const replies: InboundMessage[] = [];
  const stopList = new Set<string>();

  const webhooks = createWebhooks({ secret: options.secret });

  // Upsert by messageId, forward only: a receipt for a message this process never saw (sent
  // before a restart, or arriving before the send call returned) is stored all the same.
  webhooks.on('delivery-receipt', async (receipt) => {
    if (supersedes(receipt, deliveries.get(receipt.messageId))) {
      deliveries.set(receipt.messageId, receipt);
    }
  });
  webhooks.on('inbound-message', (message) => {
    replies.push(message); // long replies arrive here once, joined
  });
  webhooks.on('opt-out', (optOut) => {
    stopList.add(optOut.phoneNumber); // "STOP", "Arrêt", "unsubscribe"…
  });
  webhooks.onError((error) => {
    // The provider got a 500 and retries (the claim was released), or, after a 202, this is the
    // only trace: keep error.event somewhere durable.
    console.error(`handlers failed for ${error.event.name}:`, error.errors);
  });

  const server = createServer(createNodeMiddleware(webhooks)); // serves /webhooks/smspartner/{dlr,replies}
  await new Promise<void>((resolve) => server.listen(options.port ?? 3000, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const publicUrl = options.publicUrl ?? `http://127.0.0.1:${port}`;

  return {
    server,
    urls: callbackUrls({ publicUrl, secret: options.secret }),
    deliveries,
    replies,
    stopList,
    close: async () => {
      await webhooks.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

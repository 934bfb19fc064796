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
  /** Your database, in miniature. */
  deliveries: Map<string, DeliveryReceipt>;
  replies: InboundMessage[];
  stopList: Set<string>;
  close(): Promise<void>;
}

export async function startExample(options: {
  secret: string;
  port?: number;
  publicUrl?: string;
}): Promise<ExampleApp> {
  const deliveries = new Map<string, DeliveryReceipt>();
  const replies: InboundMessage[] = [];
  const stopList = new Set<string>();

  const webhooks = createWebhooks({ secret: options.secret });

  // Upsert by messageId: a receipt for a message this process never saw (sent before a
  // restart, or arriving before the send call returned) is stored all the same.
  webhooks.on('delivery-receipt', async (receipt) => {
    deliveries.set(receipt.messageId, receipt);
  });
  webhooks.on('inbound-message', (message) => {
    replies.push(message); // long replies arrive here once, joined
  });
  webhooks.on('opt-out', (optOut) => {
    stopList.add(optOut.phoneNumber); // "STOP", "Arrêt", "unsubscribe"…
  });
  webhooks.onError((error) => {
    // The provider got a 500 (or a 202 if the handler was slow) and may retry.
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
    close: () =>
      new Promise<void>((resolve) => {
        webhooks.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

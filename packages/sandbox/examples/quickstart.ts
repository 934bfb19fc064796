import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from '@smspartner-kit/core';
import { startSandbox } from '@smspartner-kit/sandbox';

/** Send an SMS through the sandbox and receive its delivery receipt on a local webhook. */
export async function quickstart() {
  // 1. Your app's webhook: here a bare node:http server that collects receipts.
  let onReceipt: (receipt: Record<string, unknown>) => void = () => {};
  const receiptArrived = new Promise<Record<string, unknown>>((resolve) => {
    onReceipt = resolve;
  });
  const app = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      onReceipt(JSON.parse(body));
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;

  // 2. The sandbox on a free port, and the real client pointed at it.
  const sandbox = await startSandbox({ dlrDelayMs: 50 });
  const client = createClient({
    apiKey: 'any-non-empty-key',
    baseUrl: sandbox.baseUrl,
    from: '33700000000',
  });

  try {
    const sent = await client.send({
      to: '+33 6 12 34 56 78',
      message: 'Votre code : 1234',
      tag: 'otp',
      urlDlr: `${appUrl}/webhooks/smspartner/dlr`,
    });
    // → { messageId: '1764688000000001', nbSms: 1, cost: 0.038, currency: 'EUR', raw: {…} }

    const receipt = await receiptArrived;
    // → { messageId: 1764688000000001, phoneNumber: '33612345678', status: 'Delivered', date: '…', tag: 'otp' }

    const status = await client.getMessageStatus({
      messageId: sent.messageId,
      phoneNumber: '33612345678',
    });
    // → { status: 'delivered', providerStatus: 'Delivered', … }

    return { sent, receipt, status, recorded: sandbox.messages() };
  } finally {
    await sandbox.close();
    await new Promise((resolve) => app.close(resolve));
  }
}

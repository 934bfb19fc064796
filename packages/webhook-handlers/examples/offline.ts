// Parsing and handling callbacks without HTTP: the pure parsers, and forged payloads for tests.
// (Run by test/example.test.ts; the README shows this file.)
import {
  createWebhooks,
  parseDeliveryReceipt,
  parseInboundMessage,
} from '@smspartner-kit/webhooks';
import {
  forgeDeliveryReceipt,
  forgeInboundMessage,
  forgeInboundMessageParts,
} from '@smspartner-kit/webhooks/testing';

export async function offlineExample(): Promise<string[]> {
  const seen: string[] = [];

  // The pure parsers: any accepted shape → one typed value (or a WebhookPayloadError).
  const receipt = parseDeliveryReceipt({
    message_id: 307,
    number: '+33 6 12 34 56 78',
    statut: 'Delivered',
    date: '2015-02-07 22:39:46',
  });
  const vonage = parseDeliveryReceipt(
    'msisdn=33612345678&messageId=abc&status=delivered&scts=2401151030&err-code=0',
  );
  const reply = parseInboundMessage(
    new URLSearchParams('msisdn=33612345678&messageId=r1&text=Oui'),
  );
  seen.push(
    `${receipt.messageId}:${receipt.status}`,
    `${vonage.messageId}:${vonage.status}`,
    reply.text,
  );

  // The router without HTTP or token, fed with forged payloads.
  const webhooks = createWebhooks({ secret: 'test-secret' });
  webhooks.on('delivery-receipt', (r) => void seen.push(`receipt ${r.status}`));
  webhooks.on('inbound-message', (m) => void seen.push(`reply of ${m.text.length} characters`));
  webhooks.on('opt-out', (o) => void seen.push(`opt-out ${o.keyword}`));
  await webhooks.receive('dlr', forgeDeliveryReceipt({ status: 'not_delivered', shape: 'vonage' }));
  await webhooks.receive('replies', forgeInboundMessage({ text: 'STOP' }));
  for (const part of forgeInboundMessageParts({ text: 'x'.repeat(400) })) {
    await webhooks.receive('replies', part);
  }
  await webhooks.close();
  return seen;
}

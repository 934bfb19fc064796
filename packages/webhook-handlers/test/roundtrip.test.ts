import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createNodeMiddleware,
  createWebhooks,
  type DeliveryReceipt,
  type InboundMessage,
  parseDeliveryReceipt,
} from '../src/index.js';
import {
  forgeCallbackRequest,
  forgeDeliveryReceipt,
  forgeInboundMessage,
} from '../src/testing/index.js';
import { listen, rawRequest } from './helpers.js';

const SECRET = 'round-trip';
const encodings = ['json', 'form', 'query'] as const;
const shapes = ['status-api', 'vonage'] as const;
const when = new Date('2025-06-15T08:42:17.000Z'); // 10:42:17 in Paris (summer time)

function typed<T extends { raw: unknown }>(event: T): Omit<T, 'raw'> {
  const { raw: _raw, ...rest } = event;
  return rest;
}

describe('every accepted shape round-trips to the same typed event', () => {
  const webhooks = createWebhooks({ secret: SECRET, dedupe: false, logger: { warn: () => {} } });
  const receipts: DeliveryReceipt[] = [];
  const replies: InboundMessage[] = [];
  webhooks.on('delivery-receipt', (r) => void receipts.push(r));
  webhooks.on('inbound-message', (m) => void replies.push(m));
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    server = await listen(createNodeMiddleware(webhooks));
  });
  afterAll(async () => {
    await server.close();
  });

  for (const shape of shapes) {
    const payload = forgeDeliveryReceipt({
      shape,
      messageId: 4242,
      phoneNumber: '+33 6 12 34 56 78',
      status: 'not_delivered',
      occurredAt: when,
      errorCode: shape === 'vonage' ? '1' : undefined,
    });
    const expected: Omit<DeliveryReceipt, 'raw'> = {
      messageId: '4242',
      phoneNumber: '33612345678',
      status: 'not_delivered',
      operatorStatus: shape === 'vonage' ? 'UNDELIV' : 'Not delivered',
      // scts carries minutes only
      occurredAt: shape === 'vonage' ? new Date('2025-06-15T08:42:00.000Z') : when,
      ...(shape === 'vonage' ? { errorCode: '1' } : {}),
    };

    it(`${shape}: parseDeliveryReceipt of the object`, () => {
      expect(typed(parseDeliveryReceipt(payload))).toEqual(expected);
    });

    for (const encoding of encodings) {
      it(`${shape} × ${encoding}: receive and createNodeMiddleware over HTTP give the same receipt`, async () => {
        receipts.length = 0;
        const request = forgeCallbackRequest('dlr', payload, { secret: SECRET, encoding });
        expect(await webhooks.receive('dlr', payload)).toBe('dispatched');
        const response = await rawRequest(server.port, {
          method: request.method,
          path: request.url,
          headers: request.headers as Record<string, string>,
          body: request.body,
        });
        expect(response.status).toBe(200);
        expect(receipts).toHaveLength(2);
        for (const receipt of receipts) {
          expect(typed(receipt)).toEqual(expected);
          expect({ ...receipt.raw }).toEqual(payload);
        }
      });
    }
  }

  it('number ids in JSON and string ids in forms are the same receipt', async () => {
    receipts.length = 0;
    await webhooks.receive('dlr', {
      message_id: 307,
      number: '0612345678',
      statut: 'Delivered',
      date: 1700000000,
    });
    await webhooks.receive(
      'dlr',
      'message_id=307&number=0612345678&statut=Delivered&date=1700000000',
    );
    expect(typed(receipts[0] as DeliveryReceipt)).toEqual(typed(receipts[1] as DeliveryReceipt));
    expect(receipts[0]?.messageId).toBe('307');
  });

  for (const encoding of encodings) {
    it(`reply × ${encoding} round-trips`, async () => {
      replies.length = 0;
      const payload = forgeInboundMessage({
        messageId: 'abc-123',
        text: 'Oui, à demain !',
        receivedAt: when,
      });
      const request = forgeCallbackRequest('replies', payload, { secret: SECRET, encoding });
      const response = await rawRequest(server.port, {
        method: request.method,
        path: request.url,
        headers: request.headers as Record<string, string>,
        body: request.body,
      });
      expect(response.status).toBe(200);
      expect(replies.map(typed)).toEqual([
        {
          messageId: 'abc-123',
          from: '33612345678',
          to: '33700000000',
          text: 'Oui, à demain !',
          keyword: 'OUI,',
          receivedAt: when,
          isOptOut: false,
        },
      ]);
    });
  }

  it('a multipart/form-data body (PHP curl with an array of fields) is read like a form', async () => {
    receipts.length = 0;
    replies.length = 0;
    const payload = forgeDeliveryReceipt({
      messageId: 'mp-1',
      status: 'delivered',
      occurredAt: when,
    });
    const data = new FormData();
    for (const [key, value] of Object.entries(payload)) data.append(key, String(value));
    const response = await fetch(
      `http://127.0.0.1:${server.port}/webhooks/smspartner/dlr?token=${SECRET}`,
      {
        method: 'POST',
        body: data,
      },
    );
    expect(response.status).toBe(200);
    expect(typed(receipts[0] as DeliveryReceipt)).toEqual(typed(parseDeliveryReceipt(payload)));

    const reply = new FormData();
    for (const [key, value] of Object.entries(
      forgeInboundMessage({ messageId: 'mp-2', text: 'Ligne 1\r\nLigne 2 — é' }),
    )) {
      reply.append(key, String(value));
    }
    const answer = await fetch(
      `http://127.0.0.1:${server.port}/webhooks/smspartner/replies?token=${SECRET}`,
      {
        method: 'POST',
        body: reply,
      },
    );
    expect(answer.status).toBe(200);
    expect(replies[0]?.text).toBe('Ligne 1\r\nLigne 2 — é');
  });

  it('an ISO-8859-1 form body is decoded', async () => {
    replies.length = 0;
    const body = Buffer.from(
      'msisdn=33612345678&to=33700000000&messageId=l1&text=Arr%EAt',
      'latin1',
    );
    const response = await rawRequest(server.port, {
      method: 'POST',
      path: `/webhooks/smspartner/replies?token=${SECRET}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=ISO-8859-1' },
      body,
    });
    expect(response.status).toBe(200);
    expect(replies[0]).toMatchObject({ text: 'Arrêt', isOptOut: true });
  });

  it('a POST with an empty body and the fields in the query is read from the query', async () => {
    receipts.length = 0;
    const query = new URLSearchParams(forgeDeliveryReceipt({ messageId: 99 })).toString();
    const response = await rawRequest(server.port, {
      method: 'POST',
      path: `/webhooks/smspartner/dlr?token=${SECRET}&${query}`,
    });
    expect(response.status).toBe(200);
    expect(receipts[0]?.messageId).toBe('99');
  });
});

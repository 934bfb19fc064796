import { afterAll, beforeAll, expect, it } from 'vitest';
import { Store } from '../src/store.js';

let store: Store;
beforeAll(async () => {
  store = await Store.open('memory://');
});
afterAll(async () => {
  await store?.close();
});

const message = (messageId: string) => ({
  messageId,
  to: '33612345678',
  from: '33700000000',
  text: 'hello',
  encoding: 'GSM-7',
  predictedSegments: 1,
  nbSms: 1,
  cost: 0.038,
  currency: 'EUR',
});

it('records a message, then its receipts in order', async () => {
  await store.insertMessage(message('10'));
  await store.recordReceipt({
    messageId: '10',
    phoneNumber: '33612345678',
    status: 'waiting',
    raw: {},
  });
  const outcome = await store.recordReceipt({
    messageId: '10',
    phoneNumber: '33612345678',
    status: 'delivered',
    providerStatus: 'Delivered',
    occurredAt: new Date('2026-01-02T03:04:05Z'),
    raw: { status: 'Delivered' },
  });
  expect(outcome).toMatchObject({ message: { status: 'delivered', providerStatus: 'Delivered' } });
  const stored = await store.getMessage('10');
  expect(stored?.history.map((h) => h.status)).toEqual(['sent', 'waiting', 'delivered']);
  expect(stored?.history[2]?.occurredAt).toBe('2026-01-02T03:04:05.000Z');
  expect(stored?.cost).toBe(0.038);
});

it('keeps an orphan receipt and attaches it when the message appears', async () => {
  const outcome = await store.recordReceipt({
    messageId: '20',
    phoneNumber: '33612345678',
    status: 'not_delivered',
    raw: { status: 'Not delivered' },
  });
  expect(outcome).toEqual({ orphan: true });
  expect(await store.getMessage('20')).toBeUndefined();
  expect(await store.countOrphanReceipts()).toBe(1);
  const inserted = await store.insertMessage(message('20'));
  expect(inserted.status).toBe('not_delivered');
  expect((await store.getMessage('20'))?.history.map((h) => h.status)).toEqual([
    'sent',
    'not_delivered',
  ]);
  expect(await store.countOrphanReceipts()).toBe(0);
});

it('stores a reply once, and one opt-out per number', async () => {
  const reply = {
    id: 'r1',
    from: '33612345678',
    to: '33700000000',
    text: 'STOP',
    parts: 1,
    incomplete: false,
    isOptOut: true,
  };
  expect(await store.insertReply(reply)).toMatchObject({ id: 'r1', text: 'STOP' });
  expect(await store.insertReply(reply)).toBeUndefined();
  expect(await store.listReplies()).toHaveLength(1);
  await store.upsertOptOut({ phoneNumber: '33612345678', to: '33700000000', keyword: 'STOP' });
  await store.upsertOptOut({ phoneNumber: '33612345678', to: '33700000000', keyword: 'ARRET' });
  const optOuts = await store.listOptOuts();
  expect(optOuts).toHaveLength(1);
  expect(optOuts[0]?.keyword).toBe('ARRET');
});

it('treats SQL-looking text as data', async () => {
  const text = "'); DROP TABLE messages; --";
  await store.insertMessage({ ...message('30'), text });
  expect((await store.getMessage('30'))?.text).toBe(text);
  expect((await store.listMessages()).length).toBeGreaterThanOrEqual(3);
});

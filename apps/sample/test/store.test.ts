import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MessageStatus, movesForward, type SendAnswer, Store } from '../src/store.js';

let store: Store;
beforeAll(async () => {
  store = await Store.open('memory://', { maxOrphanReceipts: 5 });
});
afterAll(async () => {
  await store?.close();
});

let tags = 0;
const intent = (to = '33612345678', text = 'hello') => ({
  providerTag: `t-${++tags}`,
  to,
  from: '33700000000',
  text,
  isStopSms: false,
  encoding: 'GSM-7',
  predictedSegments: 1,
});
const answer = (messageId: string): SendAnswer => ({
  messageId,
  nbSms: 1,
  cost: 0.038,
  currency: 'EUR',
});

/** Records a send the way the app does: intent first, then the provider's answer. */
async function openIntent(i: ReturnType<typeof intent>) {
  const opened = await store.openIntent(i);
  if (!('intent' in opened)) throw new Error(`not opened: ${JSON.stringify(opened)}`);
  return opened.intent;
}

async function recordSent(messageId: string, to = '33612345678', text = 'hello') {
  const open = await openIntent(intent(to, text));
  return { intent: open, outcome: await store.settleSent(open.id, answer(messageId)) };
}

const receipt = (
  messageId: string,
  status: MessageStatus,
  extra: Record<string, unknown> = {},
) => ({
  messageId,
  phoneNumber: '33612345678',
  status,
  raw: {},
  ...extra,
});

it('records receipts of a batch in one transaction, in order, orphans included', async () => {
  await recordSent('15');
  const outcomes = await store.recordReceipts([
    receipt('15', 'waiting'),
    receipt('not-yet-15', 'waiting'),
    receipt('15', 'delivered'),
  ]);
  // Each outcome shows the message as the batch left it.
  expect(outcomes).toMatchObject([
    { applied: true, message: { status: 'delivered' } },
    { orphan: true },
    { applied: true, message: { status: 'delivered' } },
  ]);
  expect((await store.getMessage('15'))?.history.map((h) => h.status)).toEqual([
    'sent',
    'waiting',
    'delivered',
  ]);
});

it('records a message, then its receipts in order', async () => {
  await recordSent('10');
  await store.recordReceipt(receipt('10', 'waiting'));
  const outcome = await store.recordReceipt(
    receipt('10', 'delivered', {
      providerStatus: 'Delivered',
      occurredAt: new Date('2026-01-02T03:04:05Z'),
      raw: { status: 'Delivered' },
    }),
  );
  expect(outcome).toMatchObject({
    message: { status: 'delivered', providerStatus: 'Delivered' },
    applied: true,
  });
  const stored = await store.getMessage('10');
  expect(stored?.history.map((h) => h.status)).toEqual(['sent', 'waiting', 'delivered']);
  expect(stored?.history[2]?.occurredAt).toBe('2026-01-02T03:04:05.000Z');
  expect(stored?.cost).toBe(0.038);
});

it('never lets a new send overwrite a message with the same id: the intent is a conflict', async () => {
  await recordSent('11', '33612345678', 'first message');
  await store.recordReceipt(receipt('11', 'delivered'));
  const second = await recordSent('11', '33687654321', 'second message');
  expect(second.outcome).toEqual({ conflict: { messageId: '11' } });
  const kept = await store.getMessage('11');
  expect(kept).toMatchObject({ text: 'first message', to: '33612345678', status: 'delivered' });
  expect(kept?.history.map((h) => h.status)).toEqual(['sent', 'delivered']);
  expect(await store.getIntent(second.intent.id)).toMatchObject({
    state: 'conflict',
    messageId: '11',
    text: 'second message',
  });
});

describe('statuses move forward only', () => {
  it('a final status is final; a late waiting is recorded, not applied', async () => {
    await recordSent('12');
    await store.recordReceipt(receipt('12', 'delivered'));
    const late = await store.recordReceipt(receipt('12', 'waiting'));
    expect(late).toMatchObject({ applied: false, message: { status: 'delivered' } });
    const lateFinal = await store.recordReceipt(receipt('12', 'not_delivered'));
    expect(lateFinal).toMatchObject({ applied: false, message: { status: 'delivered' } });
    const history = (await store.getMessage('12'))?.history ?? [];
    expect(history.map((h) => [h.status, h.applied])).toEqual([
      ['sent', true],
      ['delivered', true],
      ['waiting', false],
      ['not_delivered', false],
    ]);
    expect(history[2]?.note).toMatch(/late/);
  });

  it('between non-final statuses the provider date decides', async () => {
    await recordSent('13');
    await store.recordReceipt(
      receipt('13', 'waiting', {
        providerStatus: 'B',
        occurredAt: new Date('2026-01-02T10:00:00Z'),
      }),
    );
    const older = await store.recordReceipt(
      receipt('13', 'unknown', {
        providerStatus: 'A',
        occurredAt: new Date('2026-01-02T09:00:00Z'),
      }),
    );
    expect(older).toMatchObject({
      applied: false,
      message: { status: 'waiting', providerStatus: 'B' },
    });
  });

  it('property: whatever the order, the first final status in arrival order stays', () => {
    const statuses = fc.constantFrom<MessageStatus>(
      'waiting',
      'unknown',
      'delivered',
      'not_delivered',
      'expired',
    );
    fc.assert(
      fc.property(
        fc.array(fc.record({ status: statuses, at: fc.option(fc.integer({ min: 0, max: 100 })) }), {
          maxLength: 12,
        }),
        (receipts) => {
          let current: { status: string; statusAt: Date | null } = {
            status: 'sent',
            statusAt: null,
          };
          const firstFinal = receipts.find((r) => !['waiting', 'unknown'].includes(r.status));
          for (const r of receipts) {
            const occurredAt = r.at === null ? undefined : new Date(r.at * 1000);
            if (movesForward(current, { status: r.status, occurredAt })) {
              current = { status: r.status, statusAt: occurredAt ?? current.statusAt };
            }
          }
          if (firstFinal) expect(current.status).toBe(firstFinal.status);
        },
      ),
      { numRuns: 300, interruptAfterTimeLimit: 5_000 },
    );
  });
});

it('refuses a receipt whose number is not the recipient (recorded, flagged, not applied)', async () => {
  await recordSent('14', '33611111111');
  const outcome = await store.recordReceipt({
    ...receipt('14', 'delivered'),
    phoneNumber: '33622222222',
  });
  expect(outcome).toMatchObject({ applied: false, message: { status: 'sent' } });
  const history = (await store.getMessage('14'))?.history ?? [];
  expect(history.at(-1)?.note).toMatch(/33622222222.*not the recipient/);
  // The same number written differently is the recipient.
  const ok = await store.recordReceipt({
    ...receipt('14', 'delivered'),
    phoneNumber: '+33611111111',
  });
  expect(ok).toMatchObject({ applied: true, message: { status: 'delivered' } });
});

it('keeps an orphan receipt, attaches it when the message appears, and keeps a bounded number', async () => {
  const before = await store.countOrphanReceipts();
  const outcome = await store.recordReceipt(receipt('20', 'not_delivered'));
  expect(outcome).toEqual({ orphan: true });
  expect(await store.getMessage('20')).toBeUndefined();
  expect(await store.countOrphanReceipts()).toBe(before + 1);
  const { outcome: inserted } = await recordSent('20');
  expect(inserted).toMatchObject({ message: { status: 'not_delivered' } });
  expect((await store.getMessage('20'))?.history.map((h) => h.status)).toEqual([
    'sent',
    'not_delivered',
  ]);
  expect(await store.countOrphanReceipts()).toBe(before);
  for (let i = 0; i < 8; i++) await store.recordReceipt(receipt(`orphan-${i}`, 'waiting'));
  expect(await store.countOrphanReceipts()).toBe(5);
});

it('marks sends a previous run left open as unknown, and settles them at most once', async () => {
  const open = await openIntent(intent());
  expect(await store.listUnresolvedSends()).toEqual([]);
  expect((await store.listUnresolvedSends({ inFlight: true })).map((i) => i.id)).toContain(open.id);
  expect(await store.markInterruptedSends()).toBe(1);
  expect(await store.getIntent(open.id)).toMatchObject({ state: 'unknown' });
  // Found later (reconciliation): stored as sent with the status read then.
  const found = await store.settleSent(open.id, {
    ...answer('30'),
    status: { status: 'delivered', providerStatus: 'Delivered' },
  });
  expect(found).toMatchObject({ message: { messageId: '30', status: 'delivered' } });
  expect(await store.settleSent(open.id, answer('30'))).toMatchObject({
    message: { messageId: '30' },
  });
  await store.settleUnknown(open.id, 'late');
  expect(await store.getIntent(open.id)).toMatchObject({ state: 'sent' });
  expect(await store.openIntent({ ...intent(), providerTag: open.providerTag })).toEqual({
    tagTaken: true,
  });
});

it('stores a reply once, one opt-out per number, and pages opt-outs', async () => {
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
  expect((await store.listOptOuts()).optOuts).toHaveLength(1);
  expect((await store.findOptOut('33612345678'))?.keyword).toBe('ARRET');
  expect(await store.findOptOut('33600000000')).toBeUndefined();
  expect(await store.openIntent(intent('33612345678'))).toMatchObject({
    optedOut: { keyword: 'ARRET' },
  });

  const same = new Date('2026-03-01T00:00:00Z');
  for (let i = 0; i < 7; i++) {
    await store.upsertOptOut({
      phoneNumber: `3361000000${i}`,
      to: '33700000000',
      keyword: 'STOP',
      receivedAt: i < 4 ? same : new Date(same.getTime() - i * 1000),
    });
  }
  const seen: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 10; page++) {
    const result = await store.listOptOuts({ limit: 3, cursor });
    expect(result.optOuts.length).toBeLessThanOrEqual(3);
    seen.push(...result.optOuts.map((o) => o.phoneNumber));
    if (!result.next) break;
    cursor = result.next;
  }
  expect(seen).toHaveLength(8);
  expect(new Set(seen).size).toBe(8);
  await expect(store.listOptOuts({ cursor: 'nope' })).rejects.toThrow(/cursor/);
});

it('treats SQL-looking text as data', async () => {
  const text = "'); DROP TABLE messages; --";
  await recordSent('40', '33612345679', text);
  expect((await store.getMessage('40'))?.text).toBe(text);
  expect((await store.listMessages()).length).toBeGreaterThanOrEqual(3);
});

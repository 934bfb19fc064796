// RSS while 1,000,000 distinct receipts go through `receive` with the default stores (bounds as
// createWebhooks sets them): the dedupe store stops at 100,000 claims and memory stops growing
// with it; then 200,000 reply parts that never complete stay within the reassembly bounds.
import { createWebhooks, MemoryReassemblyStore, MemoryWebhookStore } from '../dist/index.js';
import { forgeInboundMessage } from '../dist/testing.js';

const claims = new MemoryWebhookStore();
const parts = new MemoryReassemblyStore();
const webhooks = createWebhooks({
  secret: 'memory',
  dedupe: { store: claims },
  reassemble: { store: parts },
  logger: { warn: () => {}, error: () => {} },
});
let receipts = 0;
let replies = 0;
let incomplete = 0;
webhooks.on('delivery-receipt', () => {
  receipts++;
});
webhooks.on('inbound-message', (m) => {
  replies++;
  if (m.incomplete) incomplete++;
});

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
function report(label) {
  globalThis.gc?.();
  const m = process.memoryUsage();
  const { groups, bytes } = parts.pending;
  console.log(
    `${label.padEnd(34)} RSS ${mb(m.rss).padStart(7)}  heap used ${mb(m.heapUsed).padStart(6)}  dedupe claims ${String(claims.size).padStart(7)}  pending replies ${groups} (${bytes} B)`,
  );
}

report('start');
const TOTAL = 1_000_000;
const started = performance.now();
for (let i = 1; i <= TOTAL; i++) {
  await webhooks.receive('dlr', {
    messageId: String(i),
    phoneNumber: '33612345678',
    status: 'Delivered',
    date: '2025-06-15 10:42:17',
  });
  if (i % 250_000 === 0) report(`after ${i.toLocaleString('en')} receipts`);
}
console.log(
  `receive(): ${Math.round(TOTAL / ((performance.now() - started) / 1000)).toLocaleString('en')} receipts/s (parse + dedupe + dispatch, no HTTP)`,
);
const base = forgeInboundMessage({ text: 'x'.repeat(150) });
const PARTS = 200_000;
for (let i = 1; i <= PARTS; i++) {
  if (i % 1000 === 0) await new Promise((resolve) => setImmediate(resolve)); // let evictions emit
  await webhooks.receive('replies', {
    ...base,
    messageId: `part-${i}`,
    concat: 'true',
    'concat-ref': String(i),
    'concat-total': '2',
    'concat-part': '1',
  });
}
await new Promise((resolve) => setTimeout(resolve, 100));
report(`after ${PARTS.toLocaleString('en')} orphan reply parts`);
console.log(
  `dispatched ${receipts.toLocaleString('en')} receipts; ${replies.toLocaleString('en')} replies emitted early as incomplete (${incomplete.toLocaleString('en')}), none dropped`,
);
await webhooks.close();

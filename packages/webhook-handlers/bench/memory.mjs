// RSS while 1,000,000 distinct receipts go through `receive` with the default stores: the dedupe
// store stops at 100,000 keys and memory stops growing with it.
import { createWebhooks, forgeInboundMessage } from '../dist/index.js';

const webhooks = createWebhooks({ secret: 'memory', logger: { warn: () => {}, error: () => {} } });
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
  const s = webhooks.stats();
  const m = process.memoryUsage();
  console.log(
    `${label.padEnd(34)} RSS ${mb(m.rss).padStart(7)}  heap used ${mb(m.heapUsed).padStart(6)} / ${mb(m.heapTotal).padStart(6)}  external ${mb(m.external).padStart(5)}  dedupe keys ${String(s.dedupeEntries).padStart(7)}  pending replies ${s.pendingReplies} (${s.pendingBytes} B)`,
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
  await webhooks.receive('replies', {
    ...base,
    messageId: `part-${i}`,
    concat: 'true',
    'concat-ref': String(i),
    'concat-total': '2',
    'concat-part': '1',
  });
}
report(`after ${PARTS.toLocaleString('en')} orphan reply parts`);
console.log(
  `dispatched ${receipts.toLocaleString('en')} receipts; ${replies.toLocaleString('en')} replies emitted early as incomplete (${incomplete.toLocaleString('en')}), none dropped`,
);
webhooks.close();

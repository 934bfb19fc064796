#!/usr/bin/env node
// Bursts of sends while the receipts come back: every accepted send stored once, every receipt
// applied, nothing lost.
//   node apps/sample/bench/burst.mjs [--bursts 2000,5000] [--concurrency 50] [--baseline 2000]
// The baseline: that many sends straight to the sandbox with a receiver that does no work (0: none).
// (after `pnpm turbo run build --filter=@smspartner-kit/sample...`)
import { parseArgs } from 'node:util';
import { burstRun } from './scenarios.mjs';

const { values } = parseArgs({
  options: {
    bursts: { type: 'string', default: '2000,5000' },
    concurrency: { type: 'string', default: '50' },
    baseline: { type: 'string', default: '2000' },
  },
});
const result = await burstRun({
  bursts: values.bursts.split(',').map(Number),
  concurrency: Number(values.concurrency),
  baseline: Number(values.baseline),
  // Every callback attempt kept for inspection (default 10,000: a burst with retries makes more).
  sandboxArgs: ['--max-messages', '100000'],
});
console.log(JSON.stringify(result, null, 2));
process.exit(result.every((r) => r.baseline || r.check.ok) ? 0 : 1);

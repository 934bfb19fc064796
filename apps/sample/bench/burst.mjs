#!/usr/bin/env node
// Bursts of sends while the receipts come back: every accepted send stored once, every receipt
// applied, nothing lost.
//   node apps/sample/bench/burst.mjs [--bursts 2000,5000] [--concurrency 50] [--no-baseline]
// The baseline: the first burst straight to the sandbox with a receiver that does no work.
// (after `pnpm turbo run build --filter=@smspartner-kit/sample...`)
import { parseArgs } from 'node:util';
import { burstRun } from './scenarios.mjs';

const { values } = parseArgs({
  options: {
    bursts: { type: 'string', default: '2000,5000' },
    concurrency: { type: 'string', default: '50' },
    baseline: { type: 'boolean', default: true },
  },
});
const result = await burstRun({
  bursts: values.bursts.split(',').map(Number),
  concurrency: Number(values.concurrency),
  baseline: values.baseline,
});
console.log(JSON.stringify(result, null, 2));
process.exit(result.every((r) => r.baseline || r.check.ok) ? 0 : 1);

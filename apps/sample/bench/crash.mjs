#!/usr/bin/env node
// Stops the app under load, restarts it, and checks that nothing was lost or sent twice.
//   node apps/sample/bench/crash.mjs sigterm [--after 600] [--concurrency 50]
//   node apps/sample/bench/crash.mjs kill9   [--after 300] [--concurrency 50]
// (after `pnpm turbo run build --filter=@smspartner-kit/sample...`)
import { parseArgs } from 'node:util';
import { crashRun } from './scenarios.mjs';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { after: { type: 'string' }, concurrency: { type: 'string', default: '50' } },
});
const mode = positionals[0] ?? 'sigterm';
if (!['sigterm', 'kill9'].includes(mode)) throw new Error('mode: sigterm or kill9');
const after = Number(values.after ?? (mode === 'sigterm' ? 600 : 300));
const result = await crashRun({ mode, after, concurrency: Number(values.concurrency) });
console.log(JSON.stringify(result, null, 2));
process.exit(result.check.ok ? 0 : 1);

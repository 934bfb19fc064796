// What deduplication costs in the server, and what keeping keys off the JS heap saves: the same
// middleware with dedupe off, with the default store, and with key strings in Maps (the baseline),
// in alternating rounds of the run.mjs client. Reports each server's CPU time per request
// (its least disturbed round) and the stores' extra cost over no dedupe. Run after `pnpm build`.
import { postReceipts as load, startServer as start, serverStats as stats } from './harness.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const SECONDS = Number(process.env.BENCH_ROUND_SECONDS ?? 2);
const MODES = ['no-dedupe', 'middleware', 'map-store'];

const servers = await Promise.all(MODES.map(start));
try {
  for (const server of servers) await load(server.port, 1); // warm-up
  const cpu = Object.fromEntries(MODES.map((mode) => [mode, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const server of servers) {
      const before = await stats(server.child);
      await load(server.port, SECONDS);
      const after = await stats(server.child);
      cpu[server.mode].push(
        (after.cpuMicros - before.cpuMicros) / (after.requests - before.requests),
      );
    }
  }
  // The machine's other load only ever adds time: the fastest round is the least disturbed one.
  const fastest = (values) => Math.min(...values);
  const base = fastest(cpu['no-dedupe']);
  for (const mode of MODES) {
    const m = fastest(cpu[mode]);
    console.log(
      `${mode.padEnd(11)} server CPU ${m.toFixed(1)} µs/request in its fastest round (rounds ${cpu[mode].map((v) => v.toFixed(0)).join(' ')})` +
        (mode === 'no-dedupe' ? '' : `; dedupe adds ${(m - base).toFixed(1)} µs`),
    );
  }
  const extra = (mode) => Math.max(0.1, fastest(cpu[mode]) - base);
  console.log(
    `key strings in Maps: ${(extra('map-store') / extra('middleware')).toFixed(1)}× the default store's extra cost`,
  );
} finally {
  for (const server of servers) server.child.kill();
}

// Requests/s through createNodeMiddleware vs a bare node:http handler answering 200 (same run,
// same client, same distinct receipts), then RSS after 1,000,000 distinct receipts through the
// default stores. Run after `pnpm build`: `pnpm bench`.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { postReceipts as run, startServer as start, serverStats as stats } from './harness.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const DURATION = Number(process.env.BENCH_DURATION ?? 12);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);

const only = process.env.BENCH_ONLY; // 'http' | 'memory' | undefined (both)
if (only !== 'memory') await httpBench();
if (only !== 'http') await memoryBench();

async function httpBench() {
  const bare = await start('bare');
  const middleware = await start('middleware');
  try {
    await run(bare.port, 2); // warm-up both
    await run(middleware.port, 2);
    const before = { bare: await stats(bare.child), middleware: await stats(middleware.child) };
    // Alternating short rounds, so a change in machine load hits both sides alike; the median
    // of the per-round ratios is reported.
    const rounds = [];
    for (let i = 0; i < ROUNDS; i++) {
      const b = await run(bare.port, DURATION / ROUNDS);
      const m = await run(middleware.port, DURATION / ROUNDS);
      rounds.push({
        bare: b.requests.average,
        middleware: m.requests.average,
        ratio: m.requests.average / b.requests.average,
        non2xx: m.non2xx + b.non2xx,
        errors: m.errors + b.errors,
      });
    }
    const bareRps = rounds.reduce((s, r) => s + r.bare, 0) / rounds.length;
    const mwRps = rounds.reduce((s, r) => s + r.middleware, 0) / rounds.length;
    const ratios = rounds.map((r) => r.ratio).sort((a, b) => a - b);
    const median = ratios[Math.floor(ratios.length / 2)];
    const server = await stats(middleware.child);
    const bareAfter = await stats(bare.child);
    // CPU time per request in each server process: what the handler costs, whatever the load.
    const perRequest = (after, start) =>
      (after.cpuMicros - start.cpuMicros) / (after.requests - start.requests);
    const bareCpu = perRequest(bareAfter, before.bare);
    const mwCpu = perRequest(server, before.middleware);
    console.log(
      `bare node:http handler        ${bareRps.toFixed(0)} req/s  (server CPU ${bareCpu.toFixed(1)} µs/request)`,
    );
    console.log(
      `createNodeMiddleware (dedupe) ${mwRps.toFixed(0)} req/s  (server CPU ${mwCpu.toFixed(1)} µs/request; ${server.received} receipts dispatched, non-2xx ${rounds.reduce((s, r) => s + r.non2xx, 0)}, errors ${rounds.reduce((s, r) => s + r.errors, 0)})`,
    );
    console.log(`server CPU per request, bare / middleware: ${(bareCpu / mwCpu).toFixed(2)}`);
    console.log(
      `ratio middleware / bare       median ${median.toFixed(2)} of ${ROUNDS} alternating rounds (${ratios.map((r) => r.toFixed(2)).join(' ')}); means ${(mwRps / bareRps).toFixed(2)}  (target ≥ 0.80)`,
    );
  } finally {
    bare.child.kill();
    middleware.child.kill();
  }
}

// Memory: 1,000,000 distinct receipts, then 200,000 reply parts that never complete.
async function memoryBench() {
  await new Promise((resolve, reject) => {
    const child = fork(`${here}memory.mjs`, [], { execArgv: ['--expose-gc'], stdio: 'inherit' });
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`memory bench exited ${code}`)),
    );
  });
}

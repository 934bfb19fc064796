// `pnpm bench` (after `pnpm build`): requests/s through our createNodeMiddleware serving SMS
// Partner receipts vs @octokit/webhooks' createNodeMiddleware serving GitHub-signed deliveries of
// similar size — same run, same autocannon client, each server in its own process, alternating
// rounds, the median ratio reported — then memory over 1,000,000 distinct receipts.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { githubDeliveries, receipts } from './payloads.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const DURATION = Number(process.env.BENCH_DURATION ?? 30);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const POOL = 400_000; // more than one round sends: every receipt is new to the dedupe store

function start(mode) {
  return new Promise((resolve, reject) => {
    const child = fork(`${here}server.mjs`, [mode], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.once('message', (message) => resolve({ child, port: message.port }));
    child.once('error', reject);
  });
}

function stats(child) {
  return new Promise((resolve) => {
    child.once('message', resolve);
    child.send('stats');
  });
}

/** autocannon for `seconds`, each request the next of `pool` (never repeated within a run). */
function load(port, pool, seconds) {
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [{ setupRequest: (req) => ({ ...req, ...pool.next() }) }],
  });
}

function cycle(items) {
  let at = 0;
  return { next: () => items[at++ % items.length] };
}

async function httpBench() {
  const ours = { ...(await start('ours')), pool: cycle(receipts(POOL)) };
  const octokit = { ...(await start('octokit')), pool: cycle(githubDeliveries(POOL)) };
  try {
    for (const side of [ours, octokit]) await load(side.port, side.pool, 2); // warm-up
    const before = { ours: await stats(ours.child), octokit: await stats(octokit.child) };
    const rounds = [];
    for (let i = 0; i < ROUNDS; i++) {
      const o = await load(octokit.port, octokit.pool, DURATION / ROUNDS / 2);
      const s = await load(ours.port, ours.pool, DURATION / ROUNDS / 2);
      rounds.push({ ours: s, octokit: o, ratio: s.requests.average / o.requests.average });
    }
    const after = { ours: await stats(ours.child), octokit: await stats(octokit.child) };
    const mean = (pick) => rounds.reduce((sum, r) => sum + pick(r), 0) / rounds.length;
    const cpu = (side) =>
      (after[side].cpuMicros - before[side].cpuMicros) /
      (after[side].requests - before[side].requests);
    const failures = (side) => rounds.reduce((n, r) => n + r[side].non2xx + r[side].errors, 0);
    const ratios = rounds.map((r) => r.ratio).sort((a, b) => a - b);
    const median = (ratios[(ratios.length - 1) >> 1] + ratios[ratios.length >> 1]) / 2;
    console.log(
      `Node ${process.version}, ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${DURATION / ROUNDS / 2} s each`,
    );
    for (const side of ['octokit', 'ours']) {
      const name =
        side === 'ours'
          ? 'smspartner-kit createNodeMiddleware'
          : '@octokit/webhooks createNodeMiddleware';
      console.log(
        `${name.padEnd(40)} ${mean((r) => r[side].requests.average)
          .toFixed(0)
          .padStart(
            6,
          )} req/s  server CPU ${cpu(side).toFixed(1)} µs/request  dispatched ${after[side].received - before[side].received}  non-2xx/errors ${failures(side)}`,
      );
    }
    console.log(
      `ratio ours / octokit: median ${median.toFixed(2)} (rounds ${ratios.map((r) => r.toFixed(2)).join(' ')}); server CPU octokit / ours ${(cpu('octokit') / cpu('ours')).toFixed(2)}`,
    );
  } finally {
    ours.child.kill();
    octokit.child.kill();
  }
}

const only = process.env.BENCH_ONLY; // 'http' | 'memory' | undefined (both)
if (only !== 'memory') await httpBench();
if (only !== 'http') {
  await new Promise((resolve, reject) => {
    const child = fork(`${here}memory.mjs`, [], { execArgv: ['--expose-gc'], stdio: 'inherit' });
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`memory bench exited ${code}`)),
    );
  });
}

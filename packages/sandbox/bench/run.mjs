// Throughput and memory of the sandbox, loopback only, bounded in time.
//   1. sends/s with keep-alive (autocannon, 10 connections) against the sandbox and, in the same
//      run, against a bare node:http server answering the same JSON: the ratio is the claim
//      (alternating rounds; medians reported).
//   2. RSS of the sandbox process before and after 200,000 sends (history bounded at 10,000).
// Servers run in child processes so the load generator does not share their event loop.
import { fork } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TOTAL_SENDS = Number(process.env.BENCH_SENDS ?? 200_000);
const MAX_MEMORY_PHASE_MS = 180_000;
const CONNECTIONS = 10;
const serverScript = fileURLToPath(new URL('./server.mjs', import.meta.url));
const body = JSON.stringify({
  apiKey: 'bench-key',
  to: '33612345678',
  from: '33700000000',
  message: 'Votre code de connexion est 123456. Il expire dans 10 minutes.',
  tag: 'bench',
});

function start(kind) {
  const child = fork(serverScript, [kind], { execArgv: ['--expose-gc'], stdio: 'inherit' });
  const next = () =>
    new Promise((resolve, reject) => {
      const onExit = (code) => reject(new Error(`${kind} server exited with code ${code}`));
      child.once('exit', onExit);
      child.once('message', (message) => {
        child.off('exit', onExit);
        resolve(message);
      });
    });
  return next().then(({ port }) => ({
    url: `http://127.0.0.1:${port}/v1/vn/send`,
    memory: () => {
      const reply = next();
      child.send('memory');
      return reply;
    },
    stop: () => {
      child.send('exit');
      return new Promise((resolve) => child.once('exit', resolve));
    },
  }));
}

function load(url, options) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        connections: CONNECTIONS,
        pipelining: 1,
        ...options,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    if (options.amount) {
      const guard = setTimeout(() => instance.stop(), MAX_MEMORY_PHASE_MS);
      instance.on('done', () => clearTimeout(guard));
    }
  });
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function rate(server, label) {
  const result = await load(server.url, { duration: SECONDS });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${label}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  }
  return result.requests.average;
}

// Rounds alternate baseline and sandbox so a burst of load elsewhere on the machine hits both.
const bareServer = await start('bare');
const sandboxServer = await start('sandbox');
const rounds = [];
try {
  await load(bareServer.url, { duration: 1 }); // warm-up
  await load(sandboxServer.url, { duration: 1 });
  for (let round = 0; round < ROUNDS; round++) {
    const bare = await rate(bareServer, 'baseline');
    const sandboxRate = await rate(sandboxServer, 'sandbox');
    rounds.push({ bare, sandbox: sandboxRate, ratio: sandboxRate / bare });
  }
} finally {
  await bareServer.stop();
  await sandboxServer.stop();
}
const [load1] = os.loadavg();
console.log(
  `sends/s, keep-alive, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s (load average ${load1.toFixed(1)} on ${os.cpus().length} CPUs):`,
);
for (const [i, r] of rounds.entries()) {
  console.log(
    `  round ${i + 1}: baseline ${Math.round(r.bare)} req/s, sandbox ${Math.round(r.sandbox)} sends/s, ratio ${r.ratio.toFixed(2)}`,
  );
}
const sandboxMedian = median(rounds.map((r) => r.sandbox));
console.log(
  `  median: baseline ${Math.round(median(rounds.map((r) => r.bare)))} req/s, sandbox ${Math.round(sandboxMedian)} sends/s, ratio ${median(rounds.map((r) => r.ratio)).toFixed(2)}`,
);
console.log(
  `  target ≥ 2,000 sends/s: ${sandboxMedian >= 2000 ? 'met' : 'NOT MET (is the machine busy? see the load average)'}`,
);

const sandbox = await start('sandbox');
try {
  await load(sandbox.url, { amount: 20_000 }); // warm-up and fill the bounded history
  const checkpoints = [await sandbox.memory()];
  const started = Date.now();
  let sent = 0;
  // Two halves, so the figures show whether RSS keeps growing or has levelled off.
  for (const amount of [TOTAL_SENDS / 2, TOTAL_SENDS / 2]) {
    const result = await load(sandbox.url, { amount });
    if (result.non2xx > 0 || result.errors > 0) {
      throw new Error(`memory phase: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
    }
    sent += result.requests.total;
    checkpoints.push(await sandbox.memory());
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `\nmemory over ${sent} more sends (${seconds.toFixed(1)} s, maxMessages 10,000), after GC:`,
  );
  checkpoints.forEach((c, i) => {
    const label = ['before', `after ${sent / 2}`, `after ${sent}`][i];
    console.log(
      `  ${label.padEnd(13)} RSS ${mb(c.memory.rss)}  heap ${mb(c.memory.heapUsed)}  kept ${c.messages.kept}, dropped ${c.messages.dropped}`,
    );
  });
  const [before, , after] = checkpoints;
  console.log(
    `  RSS growth ${mb(after.memory.rss - before.memory.rss)} (${((after.memory.rss / before.memory.rss - 1) * 100).toFixed(1)} %), heap growth ${mb(after.memory.heapUsed - before.memory.heapUsed)}`,
  );
} finally {
  await sandbox.stop();
}

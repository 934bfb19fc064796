// Throughput and memory of the sandbox, loopback only, bounded in time.
//   1. sends/s with keep-alive (autocannon, 10 connections) against the sandbox and, in the same
//      run, against a bare node:http server answering the same JSON: the ratio is the claim.
//   2. RSS of the sandbox process before and after 200,000 sends (history bounded at 10,000).
// Servers run in child processes so the load generator does not share their event loop.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
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
  const next = () => new Promise((resolve) => child.once('message', resolve));
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

async function throughput(kind) {
  const server = await start(kind);
  try {
    await load(server.url, { duration: 1 }); // warm-up
    const result = await load(server.url, { duration: SECONDS });
    if (result.non2xx > 0 || result.errors > 0) {
      throw new Error(`${kind}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
    }
    return result.requests.average;
  } finally {
    await server.stop();
  }
}

const bare = await throughput('bare');
const sandboxRate = await throughput('sandbox');
console.log(`sends/s, keep-alive, ${CONNECTIONS} connections, ${SECONDS} s each:`);
console.log(`  bare node:http baseline  ${Math.round(bare)} req/s`);
console.log(`  sandbox /v1/vn/send      ${Math.round(sandboxRate)} sends/s`);
console.log(`  ratio sandbox/baseline   ${(sandboxRate / bare).toFixed(2)}`);
console.log(`  target ≥ 2,000 sends/s:  ${sandboxRate >= 2000 ? 'met' : 'NOT MET'}`);

const sandbox = await start('sandbox');
try {
  await load(sandbox.url, { amount: 20_000 }); // warm-up and fill the bounded history
  const before = await sandbox.memory();
  const started = Date.now();
  const result = await load(sandbox.url, { amount: TOTAL_SENDS });
  const seconds = (Date.now() - started) / 1000;
  const after = await sandbox.memory();
  console.log(
    `\nmemory over ${result.requests.total} more sends (${seconds.toFixed(1)} s, maxMessages 10,000):`,
  );
  console.log(
    `  RSS before ${mb(before.memory.rss)}  heap ${mb(before.memory.heapUsed)}  kept ${before.messages.kept}, dropped ${before.messages.dropped}`,
  );
  console.log(
    `  RSS after  ${mb(after.memory.rss)}  heap ${mb(after.memory.heapUsed)}  kept ${after.messages.kept}, dropped ${after.messages.dropped}`,
  );
  console.log(
    `  RSS growth ${mb(after.memory.rss - before.memory.rss)} (${((after.memory.rss / before.memory.rss - 1) * 100).toFixed(1)} %)`,
  );
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`memory phase: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  }
} finally {
  await sandbox.stop();
}

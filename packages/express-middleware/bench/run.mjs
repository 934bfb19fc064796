// req/s of the webhook router vs a bare Express route answering 200, same run, same request.
// Prints the ratio (target >= 0.8). Run after `pnpm build`: `pnpm --filter @smspartner-kit/express bench`.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONNECTIONS = 32;

const child = fork(fileURLToPath(new URL('./server.mjs', import.meta.url)));
child.once('exit', (code) => {
  if (code) {
    console.error(`bench server exited with code ${code} (is the package built?)`);
    process.exit(1);
  }
});
const ports = await new Promise((resolve) => child.once('message', resolve));

// A delivery receipt as SMS Partner would POST it (JSON), with the URL token.
const body = JSON.stringify({
  messageId: '307',
  phoneNumber: '33612345678',
  status: 'Delivered',
  date: '2026-01-15 10:00:00',
});
const path = `/webhooks/smspartner/dlr?token=${ports.secret}`;

function run(port) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}${path}`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        connections: CONNECTIONS,
        duration: DURATION_S,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

// Warm both servers (JIT) before measuring; then alternate so drift hits both alike.
await run(ports.bare);
await run(ports.routed);
const bareRates = [];
const routedRates = [];
let non2xx = 0;
for (let round = 0; round < ROUNDS; round++) {
  const bare = await run(ports.bare);
  const routed = await run(ports.routed);
  bareRates.push(bare.requests.average);
  routedRates.push(routed.requests.average);
  non2xx += routed.non2xx + routed.errors;
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const bareMedian = median(bareRates);
const routedMedian = median(routedRates);
child.send('count');
const { received } = await new Promise((resolve) => child.once('message', resolve));
child.send('stop');
child.disconnect();

const ratio = routedMedian / bareMedian;
console.log(`bare Express route      : ${bareMedian.toFixed(0)} req/s (median of ${ROUNDS})`);
console.log(`smsPartnerWebhooks dlr  : ${routedMedian.toFixed(0)} req/s (median of ${ROUNDS})`);
console.log(`receipts dispatched     : ${received}; non-2xx or errors on the router: ${non2xx}`);
console.log(`ratio router/bare       : ${ratio.toFixed(2)} (target >= 0.80)`);
if (non2xx > 0) {
  console.error('the router answered non-2xx: the measured path is not the success path');
  process.exitCode = 1;
}

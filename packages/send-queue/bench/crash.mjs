// Exactly once under crashes: N sends, W worker processes, one SIGKILLed and replaced every few
// seconds; optionally the sandbox's faults (timeouts after accepting, resets). Counts from the
// sandbox's own records. Usage: node bench/crash.mjs [--sends=20000] [--workers=4] [--kill-every=3000] [--faults]
import { createSendQueue } from '../dist/index.js';
import {
  arg,
  deleteUnder,
  flag,
  newPrefix,
  phone,
  REDIS_URL,
  sandbox,
  sleep,
  startWorker,
  stop,
} from './lib.mjs';

const SENDS = arg('sends', 20_000);
const WORKERS = arg('workers', 4);
const KILL_EVERY = arg('kill-every', 3000);
const FAULTS = flag('faults');

const sb = await sandbox();
const prefix = newPrefix('crash');
// Every finished job is kept until the end, to check each one (the default keeps 10,000).
const keep = { age: 86_400, count: 10_000_000 };
const queue = createSendQueue({
  connection: REDIS_URL,
  prefix,
  backoffMs: 200,
  keepSent: keep,
  keepFailed: keep,
});
const env = {
  PREFIX: prefix,
  BASE_URL: sb.baseUrl,
  TIMEOUT_MS: '2000',
  CONCURRENCY: '20',
  // a killed worker's jobs come back after LOCK_MS (BullMQ's default is 30 s)
  LOCK_MS: '5000',
  STALLED_MS: '2000',
};
const workers = await Promise.all(Array.from({ length: WORKERS }, () => startWorker(env)));

const start = performance.now();
const ids = [];
for (let i = 0; i < SENDS; i += 500) {
  const batch = Array.from({ length: Math.min(500, SENDS - i) }, (_, k) =>
    queue.enqueue({ to: phone(i + k), message: `crash test ${i + k}` }),
  );
  for (const job of await Promise.all(batch)) ids.push(job.id);
}
console.log(`queued ${SENDS} in ${((performance.now() - start) / 1000).toFixed(1)} s`);

let kills = 0;
let done = false;
const killer = (async () => {
  while (!done) {
    await sleep(KILL_EVERY);
    if (done) break;
    const index = Math.floor(Math.random() * workers.length);
    await stop(workers[index], 'SIGKILL');
    kills++;
    if (FAULTS) {
      sb.injectFault({ type: Math.random() < 0.5 ? 'timeout' : 'reset', count: 3 });
    }
    workers[index] = await startWorker(env);
  }
})();

for (;;) {
  const c = await queue.counts();
  if ((c.completed ?? 0) + (c.failed ?? 0) >= SENDS) break;
  await sleep(1000);
}
done = true;
await killer;
const seconds = (performance.now() - start) / 1000;

const accepted = sb.accepted();
let sent = 0;
let reconciled = 0;
let deadLettered = 0;
let deadButSent = 0;
let sentTwice = 0;
const reasons = new Map();
for (const id of ids) {
  const s = await queue.getSend(id);
  if (s.state === 'sent') {
    sent++;
    if (s.reconciled) reconciled++;
    if (accepted.byTag[id] !== 1) sentTwice++;
  } else if (s.state === 'failed') {
    deadLettered++;
    if (accepted.byTag[id]) deadButSent++;
    const code = s.reason?.split(':')[0] ?? '?';
    reasons.set(code, (reasons.get(code) ?? 0) + 1);
  }
}
const lost = SENDS - sent - deadLettered;
console.log(
  JSON.stringify({
    sends: SENDS,
    workers: WORKERS,
    faults: FAULTS,
    kills,
    seconds: Number(seconds.toFixed(1)),
    sent,
    reconciled,
    deadLettered,
    reasons: Object.fromEntries(reasons),
    duplicateTagsInSandbox: accepted.duplicateTags.length,
    sentButNotOnce: sentTwice,
    deadLetteredButSent: deadButSent,
    lost,
    acceptedBySandbox: accepted.total,
  }),
);
await Promise.all(workers.map((w) => stop(w)));
await queue.close();
await sb.close();
await deleteUnder(prefix);
process.exit(accepted.duplicateTags.length === 0 && lost === 0 && deadButSent === 0 ? 0 : 1);

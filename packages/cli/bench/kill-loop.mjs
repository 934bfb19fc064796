// 10,000-row campaign killed with SIGKILL at random moments and re-run until it completes, against
// the sandbox (in this process). Checks that every row was sent exactly once or is listed as
// unknown-outcome (0 lost, 0 twice), and measures throughput as ratios to baselines taken in the
// same run. Usage: node bench/kill-loop.mjs [rows=10000] [seed] [maxKillMs=15000]   (after `pnpm build`)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@smspartner-kit/core';
import { startSandbox } from '@smspartner-kit/sandbox';
import { parse } from 'csv-parse/sync';

// CLI_BIN: a copy of the build, so that rebuilding during a long run does not pull the rug.
const CLI = process.env.CLI_BIN ?? fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const ROWS = Number(process.argv[2] ?? 10_000);
const SEED = Number(process.argv[3] ?? Date.now() % 1_000_000);
const MAX_KILL_MS = Number(process.argv[4] ?? 15_000);
const BASELINE_ROWS = 2_000;

function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const next = random(SEED);
const number = (i) => `06${String(10_000_000 + i * 10 + 5).padStart(8, '0')}`;
const dir = mkdtempSync(join(tmpdir(), 'smspartner-kill-'));

function writeCsv(name, rows) {
  const path = join(dir, name);
  const lines = ['phone,firstname'];
  for (let i = 1; i <= rows; i++) lines.push(`${number(i)},Name${i}`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const sandbox = await startSandbox({
  dlrDelayMs: 3_600_000,
  logger: false,
  maxMessages: ROWS * 2 + BASELINE_ROWS * 3,
});
const env = {
  PATH: process.env.PATH,
  HOME: dir,
  XDG_CONFIG_HOME: join(dir, '.config'),
  NO_COLOR: '1',
  SMSPARTNER_BASE_URL: sandbox.baseUrl,
  SMSPARTNER_API_KEY: 'bench-key',
  SMSPARTNER_FROM: '33700000000',
};
const campaignArgs = (path) => [
  'campaign',
  'send',
  path,
  '-m',
  'Bonjour {firstname}',
  '--tag',
  'bench',
  '--rate',
  '100000',
  '--json',
];

function runCli(args, killAfterMs) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer =
      killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

// Baseline 1: the bare client, sequential sends, no journal (what the CLI adds on top is the journal).
const client = createClient({ apiKey: 'bench-key', baseUrl: sandbox.baseUrl, from: '33700000000' });
let t = performance.now();
for (let i = 1; i <= BASELINE_ROWS; i++)
  await client.send({ to: number(i), message: `Bonjour Name${i}`, tag: 'base' });
const bareRate = BASELINE_ROWS / ((performance.now() - t) / 1000);

// Baseline 2: the CLI, uninterrupted, same rows.
const basePath = writeCsv('baseline.csv', BASELINE_ROWS);
t = performance.now();
const base = await runCli(campaignArgs(basePath));
const cliRate = BASELINE_ROWS / ((performance.now() - t) / 1000);
if (base.code !== 0) throw new Error(`baseline campaign failed: ${base.code}`);

// The kill loop.
sandbox.reset();
const path = writeCsv('recipients.csv', ROWS);
let kills = 0;
let runs = 0;
t = performance.now();
for (;;) {
  runs++;
  // Kill between 0.3 s (sometimes before the first send) and 0.3 s + MAX_KILL_MS into a run.
  const r = await runCli(campaignArgs(path), 300 + Math.floor(next() * MAX_KILL_MS));
  if (r.signal === 'SIGKILL') {
    kills++;
    continue;
  }
  if (r.code !== 0 && r.code !== 4) throw new Error(`run ${runs} exited ${r.code}: ${r.stderr}`);
  break;
}
const loopSeconds = (performance.now() - t) / 1000;

const final = JSON.parse((await runCli(campaignArgs(path))).stdout);
const counts = new Map();
for (const m of sandbox.messages()) counts.set(m.to, (counts.get(m.to) ?? 0) + 1);
const results = parse(readFileSync(`${path}.results.csv`, 'utf8'), { columns: true });
let sentOnce = 0;
let unknownSent = 0;
let unknownNotSent = 0;
let twice = 0;
let lost = 0;
for (const row of results) {
  const n = counts.get(row.to) ?? 0;
  if (n > 1) twice++;
  if (row.status === 'sent') {
    if (n === 1) sentOnce++;
    else lost++;
  } else if (row.status === 'unknown') {
    if (n === 1) unknownSent++;
    else unknownNotSent++;
  } else lost++;
}
await sandbox.close();

const out = {
  seed: SEED,
  maxKillMs: MAX_KILL_MS,
  rows: ROWS,
  runs,
  kills,
  sentOnce,
  unknownListed: final.unknown.length,
  unknownThatHadGone: unknownSent,
  unknownThatHadNot: unknownNotSent,
  sentTwice: twice,
  lost,
  loopSeconds: Number(loopSeconds.toFixed(1)),
  bareClientSendsPerSecond: Math.round(bareRate),
  cliSendsPerSecond: Math.round(cliRate),
  cliToBareRatio: Number((cliRate / bareRate).toFixed(2)),
};
console.log(JSON.stringify(out, null, 2));
if (
  twice > 0 ||
  lost > 0 ||
  results.length !== ROWS ||
  sentOnce + unknownSent + unknownNotSent !== ROWS
) {
  console.error(
    `FAILED (seed ${SEED}): replay with node bench/kill-loop.mjs ${ROWS} ${SEED} ${MAX_KILL_MS}`,
  );
  process.exit(1);
}

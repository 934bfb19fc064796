// The burst and crash scenarios, run at full size by burst.mjs / crash.mjs and small by the tests.
import { rmSync } from 'node:fs';
import { createServer } from 'node:http';
import {
  check,
  load,
  readDatabase,
  recipient,
  startAppProcess,
  startSandboxProcess,
  tempDatabase,
  until,
} from './lib.mjs';

/** Waits until the app has finished reconciling the sends a previous run left unknown. */
async function reconciled(app) {
  const info = await until(
    async () => (await fetch(`${app.url}/api/info`)).json(),
    (i) => i.reconciliation?.running === false,
  );
  return info.reconciliation.report;
}

/**
 * Loads the app until `after` sends were acknowledged, then SIGTERM (graceful stop) or SIGKILL;
 * restarts it on the same database and sandbox, lets it reconcile, stops it, and checks.
 */
export async function crashRun({ mode, after, concurrency = 50, restart = true }) {
  const sandbox = await startSandboxProcess();
  const dir = tempDatabase();
  let app;
  try {
    app = await startAppProcess({ dir, sandbox });
    let stopped = false;
    const started = performance.now();
    const run = await load({
      url: app.url,
      total: 1_000_000,
      concurrency,
      stopOnNetworkError: () => stopped,
      onAck: (n) => {
        if (!stopped && n >= after) {
          stopped = true;
          void app.kill(mode === 'sigterm' ? 'SIGTERM' : 'SIGKILL');
        }
      },
    });
    const exit = await app.exited;
    const loadMs = Math.round(performance.now() - started);
    let restarted = null;
    if (restart) {
      const again = await startAppProcess({ dir, sandbox });
      const interrupted = /unknown sends\s+(\d+)/.exec(again.banner)?.[1];
      const reconciliation = await reconciled(again);
      const unresolved = (await (await fetch(`${again.url}/api/sends/unresolved`)).json()).sends
        .length;
      restarted = {
        interruptedAtRestart: interrupted === undefined ? 0 : Number(interrupted),
        reconciliation,
        unresolvedAfterRestart: unresolved,
        secondExit: await again.kill('SIGTERM'),
      };
    }
    const database = await readDatabase(dir);
    const sandboxMessages = await sandbox.messages();
    return {
      mode,
      after,
      concurrency,
      loadMs,
      attempted: run.attempted,
      httpFailures: Object.fromEntries(run.failures.http),
      networkFailures: run.failures.network,
      exit,
      ...restarted,
      check: check({ sandboxMessages, database, acked: run.acked }),
    };
  } finally {
    await app?.kill('SIGKILL');
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs each burst (`bursts[i]` sends at `concurrency`) on one app, waits for every receipt the
 * sandbox sends to be answered, stops the app gracefully and checks the database.
 */
export async function burstRun({ bursts, concurrency = 50, sandboxArgs = [], baseline = 0 }) {
  const sandbox = await startSandboxProcess(sandboxArgs);
  const dir = tempDatabase();
  const results = [];
  let app;
  try {
    // The baseline's messages are not the app's: left out of the app's checks and figures.
    let baselineIds = new Set();
    if (baseline > 0) {
      const run = await noopBaseline(sandbox, baseline, concurrency);
      baselineIds = run.ids;
      results.push({ baseline: run.report });
    }
    const appMessages = async () =>
      (await sandbox.messages()).filter((m) => !baselineIds.has(m.messageId));
    app = await startAppProcess({ dir, sandbox });
    let start = 0;
    for (const total of bursts) {
      const t0 = performance.now();
      const run = await load({
        url: app.url,
        total,
        concurrency,
        start,
      });
      const sendMs = Math.round(performance.now() - t0);
      start += total;
      // Every receipt answered, or given up by the sandbox after its retries.
      const ids = new Set((await appMessages()).map((m) => m.messageId));
      const callbacks = await until(
        () => sandbox.callbacks(),
        (list) => finalDlrs(list.filter((c) => ids.has(c.messageId))).size >= ids.size,
        600,
        1000,
      );
      const settleMs = Math.round(performance.now() - t0);
      const stats = callbackStats(callbacks, ids);
      await app.kill('SIGTERM');
      const database = await readDatabase(dir);
      const sandboxMessages = await appMessages();
      results.push({
        sends: total,
        concurrency,
        sendMs,
        sendsPerSecond: Math.round((total / sendMs) * 1000),
        receiptsSettledMs: settleMs,
        callbacks: stats,
        receiptsGivenUp: stats.givenUp,
        httpFailures: Object.fromEntries(run.failures.http),
        networkFailures: run.failures.network,
        check: check({ sandboxMessages, database, acked: run.acked, receipts: true }),
      });
      app = await startAppProcess({ dir, sandbox });
    }
    await app.kill('SIGTERM');
    return results;
  } finally {
    await app?.kill('SIGKILL');
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Callback figures of the sandbox's receipts, per attempt. */
function callbackStats(callbacks, ids) {
  const dlr = callbacks.filter((c) => c.kind === 'dlr' && ids.has(c.messageId));
  const durations = dlr.map((c) => c.durationMs).sort((a, b) => a - b);
  const final = [...finalDlrs(dlr).values()];
  return {
    attempts: dlr.length,
    failedAttempts: dlr.filter((c) => !c.ok).length,
    givenUp: final.filter((c) => !c.ok).length,
    ms: {
      p50: durations[Math.floor(durations.length * 0.5)],
      p99: durations[Math.floor(durations.length * 0.99)],
      max: durations.at(-1),
    },
  };
}

/**
 * The baseline: the same burst sent straight to the sandbox with a receiver that answers every
 * receipt at once (node:http, no work). What the sandbox's callbacks look like when the receiver
 * costs nothing.
 */
async function noopBaseline(sandbox, total, concurrency) {
  const server = createServer((req, res) => {
    req.resume();
    res.end('ok');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const urlDlr = `http://127.0.0.1:${server.address().port}/dlr`;
  const ids = new Set();
  let next = 0;
  const t0 = performance.now();
  async function worker() {
    while (next < total) {
      const i = next++;
      const response = await fetch(`${sandbox.baseUrl}/vn/send`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          apiKey: 'bench',
          to: recipient(1_000_000 + i),
          from: '33700000000',
          message: `baseline ${i}`,
          urlDlr,
          sandbox: 1,
        }),
      });
      const body = await response.json();
      if (body.message_id !== undefined) ids.add(String(body.message_id));
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const sendMs = Math.round(performance.now() - t0);
  const callbacks = await until(
    () => sandbox.callbacks(),
    (list) => finalDlrs(list.filter((c) => ids.has(c.messageId))).size >= ids.size,
    600,
    1000,
  );
  server.close();
  return {
    ids,
    report: { sends: total, accepted: ids.size, sendMs, callbacks: callbackStats(callbacks, ids) },
  };
}

/** Per message, its last receipt attempt once the sandbox is done with it (ok, or out of retries). */
function finalDlrs(callbacks) {
  const done = new Map();
  for (const c of callbacks) {
    if (c.kind !== 'dlr') continue;
    if (c.ok || c.attempt === c.maxAttempts) done.set(c.messageId, c);
  }
  return done;
}

// Small versions of bench/crash.mjs and bench/burst.mjs: the built app and a sandbox in its own
// process (it must outlive the app), a few processes each, hence the long time limits. The burst
// runs with SAMPLE_BURST_TEST=1 (bench/burst.mjs runs it at full size).
import { expect, it } from 'vitest';
import { burstRun, crashRun } from '../bench/scenarios.mjs';

const SLOW = 240_000;

it(
  'SIGTERM under load: in-flight sends finish, nothing lost or sent twice, nothing left unknown',
  async () => {
    const result = await crashRun({ mode: 'sigterm', after: 30, concurrency: 10, restart: false });
    expect(result.exit).toEqual({ code: 0, signal: null });
    expect(result.check).toMatchObject({ lost: 0, sentTwice: 0, ackedMissing: 0, phantom: 0 });
    expect(result.check.states.unknown ?? 0).toBe(0);
    expect(result.check.states.sending ?? 0).toBe(0);
    expect(result.check.ok).toBe(true);
  },
  SLOW,
);

it(
  'kill -9 under load, then a restart: every SMS the sandbox has is recorded, sent or recovered by tag',
  async () => {
    const result = await crashRun({ mode: 'kill9', after: 30, concurrency: 10 });
    expect(result.exit.signal).toBe('SIGKILL');
    expect(result.check).toMatchObject({ lost: 0, sentTwice: 0, ackedMissing: 0, phantom: 0 });
    // The sends cut off mid-flight were looked up under their own tag at restart: found (stored,
    // or confirmed sent without an id) or not found (the request never left: still unknown).
    expect(result.reconciliation?.checked).toBe(result.interruptedAtRestart);
    const { recovered = 0, confirmed = 0, unresolved = 0 } = result.reconciliation ?? {};
    expect(recovered + confirmed + unresolved).toBe(result.interruptedAtRestart);
    expect(result.check.states.sending ?? 0).toBe(0);
    expect(result.check.ok).toBe(true);
  },
  SLOW,
);

it.runIf(process.env.SAMPLE_BURST_TEST === '1')(
  'a burst: every accepted send stored once and every receipt applied',
  async () => {
    const [result] = await burstRun({ bursts: [100], concurrency: 20 });
    expect(result?.check).toMatchObject({ lost: 0, sentTwice: 0, receiptsNotApplied: 0 });
    expect(result?.check.ok).toBe(true);
  },
  SLOW,
);

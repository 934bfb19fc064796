// Small versions of bench/crash.mjs and bench/burst.mjs (the built app and a sandbox process).
import { expect, it } from 'vitest';
import { burstRun, crashRun } from '../bench/scenarios.mjs';

it('SIGTERM under load: in-flight sends finish, nothing lost or sent twice, nothing left unknown', async () => {
  const result = await crashRun({ mode: 'sigterm', after: 30, concurrency: 10 });
  expect(result.exit).toEqual({ code: 0, signal: null });
  expect(result.check).toMatchObject({ lost: 0, sentTwice: 0, ackedMissing: 0, phantom: 0 });
  expect(result.check.states.unknown ?? 0).toBe(0);
  expect(result.check.ok).toBe(true);
});

it('kill -9 under load, then a restart: every SMS the sandbox has is recorded, sent or recovered by tag', async () => {
  const result = await crashRun({ mode: 'kill9', after: 30, concurrency: 10 });
  expect(result.exit.signal).toBe('SIGKILL');
  expect(result.check).toMatchObject({ lost: 0, sentTwice: 0, ackedMissing: 0, phantom: 0 });
  // The sends cut off mid-flight were found again under their own tag at restart.
  expect(result.reconciliation.recovered).toBe(result.interruptedAtRestart ?? 0);
  expect(result.unresolvedAfterRestart).toBe(result.reconciliation.unresolved);
  expect(result.check.ok).toBe(true);
});

it('a burst: every accepted send stored once and every receipt applied', async () => {
  const [result] = await burstRun({ bursts: [100], concurrency: 20 });
  expect(result?.check).toMatchObject({ lost: 0, sentTwice: 0, receiptsNotApplied: 0 });
  expect(result?.check.ok).toBe(true);
});

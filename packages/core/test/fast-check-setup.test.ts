import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapedCounterexample, failureReport } from './fast-check-setup.js';

// A property that fails on any string holding a combining accent: its counterexample prints as
// a plain `é` unless escaped.
const noCombiningMark = fc.property(
  fc.string({ unit: fc.constantFrom('a', 'e', '\u0301', '\ud83d') }),
  (text) => !text.includes('\u0301'),
);

function thrown(run: () => void): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected fc.assert to throw');
}

describe('property failure reports (test/fast-check-setup.ts)', () => {
  it('are on for every property: bounded time, interruption is a failure', () => {
    expect(fc.readConfigureGlobal()).toMatchObject({
      interruptAfterTimeLimit: expect.any(Number),
      markInterruptAsFailure: true,
      reporter: expect.any(Function),
    });
  });

  it('print the seed, the path, a replay command and the escaped counterexample', () => {
    const error = thrown(() => fc.assert(noCombiningMark));
    const seed = /seed: (-?\d+), path: "([\d:]+)"/.exec(error.message);
    expect(seed, error.message).not.toBeNull();
    expect(error.message).toContain('counterexample (escaped): ["\\u0301"]');
    expect(error.message).toMatch(
      /replay exactly: FC_SEED=-?\d+ FC_PATH='[\d:]+' pnpm --filter @smspartner-kit\/core exec vitest run 'test\/fast-check-setup\.test\.ts' -t '.*print the seed/,
    );
    // The printed seed and path replay exactly that counterexample, at once.
    const replay = fc.check(noCombiningMark, {
      seed: Number(seed?.[1]),
      path: seed?.[2],
      endOnFailure: true,
    });
    expect(replay.counterexample).toEqual(['\u0301']);
    expect(replay.numRuns).toBe(1);
  });

  it('escape every unit outside printable ASCII, lone surrogates included', () => {
    expect(escapedCounterexample(['e\u0301', '\ud83d', 'ok', '😀', '\n'])).toBe(
      '["e\\u0301","\\ud83d","ok","\\uD83D\\uDE00","\\n"]',
    );
  });

  it('say when a property was interrupted, with what replays it', () => {
    const message = failureReport(
      {
        failed: true,
        interrupted: true,
        numRuns: 12,
        numShrinks: 0,
        seed: 7,
        counterexample: null,
        counterexamplePath: null,
        errorInstance: null,
      } as unknown as fc.RunDetails<unknown>,
      { file: 'src/x.test.ts', name: 'x' },
    );
    expect(message).toContain('Property interrupted after');
    expect(message).toContain('counted as a failure');
    expect(message).toContain(
      "FC_SEED=7 pnpm --filter @smspartner-kit/core exec vitest run 'src/x.test.ts' -t 'x'",
    );
  });
});

/**
 * Every property test of core (vitest `setupFiles`): runs stay random, a failure prints what
 * replays it exactly, and shrinking cannot run away with the test run.
 *
 * - A failure throws a message with the seed, the counterexample path, the command that replays
 *   exactly that case (`FC_SEED=… FC_PATH=… pnpm vitest run <file> -t <test>`), and the
 *   counterexample with every character outside printable ASCII escaped (`e` + U+0301 prints as
 *   `e\u0301`, not as `é`; a lone surrogate is visible).
 * - A property is interrupted after PROPERTY_TIME_LIMIT_MS (generation and shrinking together)
 *   and the interruption counts as a failure: the best counterexample found so far is printed.
 */
import fc from 'fast-check';
import { expect } from 'vitest';

const PROPERTY_TIME_LIMIT_MS = 20_000;

/** `fc.stringify`, with every UTF-16 unit outside printable ASCII as `\uXXXX`. */
export function escapedCounterexample(value: unknown): string {
  return fc
    .stringify(value)
    .replace(
      /[^\x20-\x7e]/g,
      (unit) => `\\u${unit.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`,
    );
}

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** The message a failed property throws (exported for its own test). */
export function failureReport(
  details: fc.RunDetails<unknown>,
  test?: { file?: string; name?: string },
): string {
  const { seed, counterexamplePath, counterexample, numRuns, numShrinks, interrupted } = details;
  const replay = [
    `FC_SEED=${seed}`,
    counterexamplePath === null ? '' : `FC_PATH=${shellQuote(counterexamplePath)}`,
    'pnpm --filter @smspartner-kit/core exec vitest run',
    test?.file ? shellQuote(test.file) : '',
    test?.name ? `-t ${shellQuote(test.name)}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const lines = [
    interrupted
      ? `Property interrupted after ${PROPERTY_TIME_LIMIT_MS} ms (${numRuns} runs, ${numShrinks} shrinks): counted as a failure`
      : `Property failed after ${numRuns} runs and ${numShrinks} shrinks`,
    `seed: ${seed}, path: ${JSON.stringify(counterexamplePath)}`,
    `replay exactly: ${replay}`,
    `  (in code: fc.assert(property, { seed: ${seed}, path: ${JSON.stringify(counterexamplePath)}, endOnFailure: true }))`,
  ];
  if (counterexample !== null) {
    lines.push(`counterexample (escaped): ${escapedCounterexample(counterexample)}`);
  }
  const error = details.errorInstance;
  if (error !== null && error !== undefined) {
    lines.push(`error: ${error instanceof Error ? error.message : String(error)}`);
  }
  return lines.join('\n');
}

const replaySeed = process.env.FC_SEED;
const replayPath = process.env.FC_PATH;

// `path` is not in fast-check's GlobalParameters type, but the runner reads it from there too.
fc.configureGlobal({
  interruptAfterTimeLimit: PROPERTY_TIME_LIMIT_MS,
  markInterruptAsFailure: true,
  reporter(details) {
    if (!details.failed) return;
    const state = expect.getState();
    const file = state.testPath?.replace(/^.*?\/packages\/core\//, '');
    const message = failureReport(details, { file, name: state.currentTestName });
    throw Object.assign(new Error(message), { cause: details.errorInstance });
  },
  // FC_SEED (and FC_PATH) replay one printed failure: run a single test with them (-t).
  ...(replaySeed === undefined
    ? {}
    : {
        seed: Number(replaySeed),
        ...(replayPath === undefined ? {} : { path: replayPath, endOnFailure: true }),
      }),
} as fc.GlobalParameters);

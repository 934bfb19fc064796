/**
 * Cold import of `@smspartner-kit/core` against `@smspartner-kit/core/segments` (core's own
 * code alone: the floor), ESM `import` and CommonJS `require`. Each sample is a fresh node
 * process timing its own import (performance.now() around it, so Node's start-up is not in it);
 * entries alternate within each round so a slow spell of the machine hits both alike.
 *
 *   node bench/cold-import.mjs                 # build core first (pnpm build); 9 rounds
 *   COLD_IMPORT_ROUNDS=15 node bench/cold-import.mjs
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

const PROBES = {
  esm: (specifier) => [
    '--input-type=module',
    '-e',
    `const t = performance.now(); await import(${JSON.stringify(specifier)}); process.stdout.write(String(performance.now() - t));`,
  ],
  cjs: (specifier) => [
    '-e',
    `const t = performance.now(); require(${JSON.stringify(specifier)}); process.stdout.write(String(performance.now() - t));`,
  ],
};

function sample(kind, specifier) {
  const out = execFileSync(process.execPath, PROBES[kind](specifier), {
    cwd: packageDir, // the package resolves itself by name through its exports map
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return Number(out.toString());
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * `rounds` alternating samples of each entry in each module system.
 * Returns `{ esm: { core, segments, ratio }, cjs: { … } }` (medians in ms).
 */
export function measureColdImports({ rounds = 9, entries } = {}) {
  const targets = entries ?? {
    core: '@smspartner-kit/core',
    segments: '@smspartner-kit/core/segments',
  };
  const result = {};
  for (const kind of ['esm', 'cjs']) {
    const times = Object.fromEntries(Object.keys(targets).map((name) => [name, []]));
    const names = Object.keys(targets);
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 ? [...names].reverse() : names;
      for (const name of order) times[name].push(sample(kind, targets[name]));
    }
    const medians = Object.fromEntries(names.map((name) => [name, median(times[name])]));
    result[kind] = { ...medians, ratio: medians.core / medians.segments };
  }
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rounds = Number(process.env.COLD_IMPORT_ROUNDS ?? 9);
  const result = measureColdImports({ rounds });
  console.log(`\ncold import, ${rounds} alternating fresh processes per entry (median, ms):\n`);
  console.log(
    '| module system | `@smspartner-kit/core/segments` | `@smspartner-kit/core` | ratio (target ≤ 1.5×) |',
  );
  console.log('|---|---|---|---|');
  for (const [kind, { segments, core, ratio }] of Object.entries(result)) {
    const label = kind === 'esm' ? 'ESM `import`' : 'CommonJS `require`';
    console.log(
      `| ${label} | ${segments.toFixed(1)} | ${core.toFixed(1)} | ${ratio.toFixed(2)}× |`,
    );
  }
}

/**
 * Cold import of `@smspartner-kit/core` against `@smspartner-kit/core/segments` (the segment
 * calculator alone), ESM `import` and CommonJS `require`. Each sample is a fresh node process
 * measuring its own import, so Node's start-up is not in it: the CPU time the process spent
 * (`process.cpuUsage()`, all threads — what the import costs, and steady on a busy machine) and
 * the wall time (`performance.now()`, which also counts waiting for a core). Entries alternate
 * within each round so a slow spell of the machine hits both alike; medians are compared.
 *
 *   node bench/cold-import.mjs                 # build core first (pnpm build); 9 rounds
 *   COLD_IMPORT_ROUNDS=15 node bench/cold-import.mjs
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** The probe a child process runs: its own CPU and wall time around loading `specifier`. */
function timed(load) {
  return `const c = process.cpuUsage(); const t = performance.now(); ${load}; const w = performance.now() - t; const u = process.cpuUsage(c); process.stdout.write(JSON.stringify({ cpu: (u.user + u.system) / 1000, wall: w }));`;
}

const PROBES = {
  esm: (specifier) => [
    '--input-type=module',
    '-e',
    timed(`await import(${JSON.stringify(specifier)})`),
  ],
  cjs: (specifier) => ['-e', timed(`require(${JSON.stringify(specifier)})`)],
};

function sample(kind, specifier) {
  const out = execFileSync(process.execPath, PROBES[kind](specifier), {
    cwd: packageDir, // the package resolves itself by name through its exports map
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(out.toString());
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * `rounds` alternating samples of each entry in each module system. Returns, per module system,
 * the medians in ms and the ratios core / segments: `{ esm: { cpu: { core, segments, ratio },
 * wall: { … } }, cjs: { … } }`.
 */
export function measureColdImports({ rounds = 9 } = {}) {
  const targets = { core: '@smspartner-kit/core', segments: '@smspartner-kit/core/segments' };
  const names = Object.keys(targets);
  const result = {};
  for (const kind of ['esm', 'cjs']) {
    const samples = Object.fromEntries(names.map((name) => [name, []]));
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 ? [...names].reverse() : names;
      for (const name of order) samples[name].push(sample(kind, targets[name]));
    }
    result[kind] = {};
    for (const measure of ['cpu', 'wall']) {
      const core = median(samples.core.map((s) => s[measure]));
      const segments = median(samples.segments.map((s) => s[measure]));
      result[kind][measure] = { core, segments, ratio: core / segments };
    }
  }
  return result;
}

export function coldImportTable(result) {
  const lines = [
    '| module system | measure | `@smspartner-kit/core/segments` | `@smspartner-kit/core` | ratio (target ≤ 1.5×) |',
    '|---|---|---|---|---|',
  ];
  for (const [kind, measures] of Object.entries(result)) {
    const label = kind === 'esm' ? 'ESM `import`' : 'CommonJS `require`';
    for (const [measure, { segments, core, ratio }] of Object.entries(measures)) {
      const what = measure === 'cpu' ? 'CPU time' : 'wall time';
      lines.push(
        `| ${label} | ${what} | ${segments.toFixed(1)} ms | ${core.toFixed(1)} ms | ${ratio.toFixed(2)}× |`,
      );
    }
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rounds = Number(process.env.COLD_IMPORT_ROUNDS ?? 9);
  const result = measureColdImports({ rounds });
  console.log(`\ncold import, ${rounds} alternating fresh processes per entry, medians:\n`);
  console.log(coldImportTable(result));
}

/**
 * `pnpm size` in core: budgets of the BUILT package (run `pnpm build` first).
 *  - core's own code, minified + gzipped (esbuild bundle of dist/index.js, zod and
 *    fast-xml-parser external): budget 15 kB. zod and fast-xml-parser on top are reported apart.
 *  - cold `import` of dist/index.js in a fresh node process, median of several runs: budget 25 ms.
 * Exits non-zero when a budget is exceeded.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const OWN_BUDGET_BYTES = 15_000;
const IMPORT_BUDGET_MS = 25;
const IMPORT_RUNS = Number(process.env.SIZE_IMPORT_RUNS ?? 9);

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = fileURLToPath(new URL('../dist/index.js', import.meta.url));
if (!existsSync(entry)) {
  console.error(`${entry} is missing: build core first (pnpm build).`);
  process.exit(1);
}

// esbuild is not a dependency of core: take the copy tsup (a root devDependency) uses.
const require = createRequire(import.meta.url);
const esbuild = createRequire(realpathSync(require.resolve('tsup')))('esbuild');

async function minGzip({ external = [], stdin, loader = 'js' } = {}) {
  const result = await esbuild.build({
    ...(stdin
      ? { stdin: { contents: stdin, resolveDir: root, loader } }
      : { entryPoints: [entry] }),
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    target: 'es2022',
    external,
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  return { min: code.length, gz: gzipSync(code, { level: 9 }).length };
}

const own = await minGzip({ external: ['zod', 'fast-xml-parser'] });
const withZod = await minGzip({ external: ['fast-xml-parser'] });
const all = await minGzip();
// The segment calculator alone, from its sources (dist/index.js is one file whose top-level zod
// schemas a bundler must keep, so tree-shaking it would not isolate the calculator).
const segmentsOnly = await minGzip({
  stdin: "export * from './src/segments/index.ts';",
  loader: 'ts',
});

// Cold import: a fresh process each time; the time is measured inside it around import().
function coldImportMs(specifier) {
  const probe = `const t = performance.now(); await import(${JSON.stringify(specifier)}); process.stdout.write(String(performance.now() - t));`;
  const times = [];
  for (let run = 0; run < IMPORT_RUNS; run++) {
    let out;
    try {
      out = execFileSync(process.execPath, ['--input-type=module', '-e', probe], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      const reason = String(error.stderr ?? error.message)
        .split('\n')
        .find((l) => /Error/.test(l));
      console.error(`import(${specifier}) failed in a child process: ${reason ?? error.message}`);
      process.exit(1);
    }
    times.push(Number(out.toString()));
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], min: times[0], max: times.at(-1) };
}
const coreImport = coldImportMs(new URL('../dist/index.js', import.meta.url).href);
// Context, so a slow machine or a heavy dependency shows as such.
const floorImport = coldImportMs('data:text/javascript,export default 1');
const zodImport = coldImportMs('zod');
const xmlImport = coldImportMs('fast-xml-parser');
const medianMs = coreImport.median;

const kB = (bytes) => `${(bytes / 1000).toFixed(2)} kB`;
const rows = [
  [
    "core's own code (zod, fast-xml-parser external)",
    kB(own.min),
    kB(own.gz),
    `≤ ${kB(OWN_BUDGET_BYTES)}`,
  ],
  [
    '  of which the segment calculator (its sources alone)',
    kB(segmentsOnly.min),
    kB(segmentsOnly.gz),
    '',
  ],
  ['zod on top', kB(withZod.min - own.min), kB(withZod.gz - own.gz), ''],
  ['fast-xml-parser on top', kB(all.min - withZod.min), kB(all.gz - withZod.gz), ''],
  ['everything bundled', kB(all.min), kB(all.gz), ''],
];
console.log('\n@smspartner-kit/core — size (esbuild --minify, gzip -9) and cold import');
console.table(rows.map(([what, min, gz, budget]) => ({ what, min: min, 'min+gz': gz, budget })));
const ms = ({ median, min, max }) =>
  `median ${median.toFixed(1)} ms (min ${min.toFixed(1)}, max ${max.toFixed(1)})`;
console.log(`cold import, ${IMPORT_RUNS} fresh node processes each:`);
console.log(
  `  dist/index.js (with zod + fast-xml-parser): ${ms(coreImport)}; budget < ${IMPORT_BUDGET_MS} ms`,
);
console.log(
  `  for context — zod alone: ${ms(zodImport)}; fast-xml-parser alone: ${ms(xmlImport)}; an empty module: ${ms(floorImport)}`,
);

const failures = [];
if (own.gz > OWN_BUDGET_BYTES) failures.push(`own code ${kB(own.gz)} > ${kB(OWN_BUDGET_BYTES)}`);
if (medianMs >= IMPORT_BUDGET_MS)
  failures.push(`cold import ${medianMs.toFixed(1)} ms ≥ ${IMPORT_BUDGET_MS} ms`);
if (failures.length > 0) {
  console.error(`\nOVER BUDGET: ${failures.join('; ')}`);
  process.exit(1);
}
console.log('\nWithin budget.');

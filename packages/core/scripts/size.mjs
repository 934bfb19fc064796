/**
 * `pnpm size` in core: budgets of the BUILT package (run `pnpm build` first). Exits non-zero when
 * one is exceeded.
 *  - core's own code (its sources bundled, zod and fast-xml-parser external), minified + gzipped:
 *    ≤ 15 kB.
 *  - a browser app importing createClient + countSegments + parseSendResponse from the built
 *    package, bundled by esbuild WITH its dependencies (minified, gzipped), counting what the app
 *    loads at start (fast-xml-parser is a chunk loaded on the first XML answer): ≤ 30 kB.
 *  - cold import of `@smspartner-kit/core` as a ratio to `@smspartner-kit/core/segments`, CPU
 *    time of fresh processes (see bench/cold-import.mjs), ESM and CommonJS: ≤ IMPORT_RATIO_GUARD.
 *    Never an absolute time: machines differ, ratios measured in one run do not.
 */
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { measureColdImports } from '../bench/cold-import.mjs';

const OWN_BUDGET_BYTES = 15_000;
const APP_BUDGET_BYTES = 30_000;
/** The target is 1.5× (met: ~1.45×, bench/RESULTS.md); short runs swing ±0.3×, so the guard is looser. */
const IMPORT_RATIO_GUARD = Number(process.env.IMPORT_RATIO_GUARD ?? 2.0);
const IMPORT_ROUNDS = Number(process.env.SIZE_IMPORT_ROUNDS ?? 7);

const root = fileURLToPath(new URL('..', import.meta.url));
try {
  readFileSync(join(root, 'dist/index.js'));
} catch {
  console.error('dist/index.js is missing: build core first (pnpm build).');
  process.exit(1);
}

// esbuild is not a dependency of core: take the copy tsup (a root devDependency) uses.
const require = createRequire(import.meta.url);
const esbuild = createRequire(realpathSync(require.resolve('tsup')))('esbuild');

const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;

/** Minified bundle of `contents`; with splitting, only what the entry loads at start counts. */
async function bundle(contents, { external = [], loader = 'js' } = {}) {
  const outdir = mkdtempSync(join(tmpdir(), 'core-size-'));
  try {
    const result = await esbuild.build({
      stdin: { contents, resolveDir: root, loader, sourcefile: 'app.js' },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      splitting: true,
      outdir,
      external,
      metafile: true,
      write: false,
      // Resolve the package as an app would (through its exports map to dist), not through this
      // package's tsconfig paths (which point the package name at src for type checking).
      tsconfigRaw: '{}',
      logLevel: 'silent',
    });
    const files = new Map(result.outputFiles.map((f) => [f.path, f.contents]));
    const outputs = result.metafile.outputs;
    const entry = Object.keys(outputs).find((name) => outputs[name].entryPoint);
    // The entry and its static imports: dynamic imports load later, if ever.
    const atStart = new Set();
    const visit = (name) => {
      if (atStart.has(name)) return;
      atStart.add(name);
      for (const item of outputs[name].imports)
        if (item.kind === 'import-statement' && !item.external) visit(item.path);
    };
    visit(entry);
    let min = 0;
    let zipped = 0;
    for (const name of atStart) {
      const code =
        files.get(join(process.cwd(), name)) ??
        files.get(name) ??
        [...files].find(([p]) => p.endsWith(name.split('/').pop()))?.[1];
      min += code.length;
      zipped += gz(code);
    }
    const lazy = Object.keys(outputs).filter(
      (name) => !atStart.has(name) && !name.endsWith('.map'),
    );
    return { min, gz: zipped, lazyChunks: lazy.length };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const own = await bundle("export * from './src/index.ts';", {
  loader: 'ts',
  external: ['zod', 'zod/*', 'fast-xml-parser'],
});
const segmentsOnly = await bundle("export * from './src/segments/index.ts';", { loader: 'ts' });
const app = await bundle(
  "import { createClient, countSegments, parseSendResponse } from '@smspartner-kit/core';\nglobalThis.app = { createClient, countSegments, parseSendResponse };",
);

const kB = (bytes) => `${(bytes / 1000).toFixed(2)} kB`;
console.log('\n@smspartner-kit/core — size (esbuild --minify, gzip -9)');
console.table([
  {
    what: "core's own code (zod, fast-xml-parser external)",
    min: kB(own.min),
    'min+gz': kB(own.gz),
    budget: `≤ ${kB(OWN_BUDGET_BYTES)}`,
  },
  {
    what: '  of which the segment calculator',
    min: kB(segmentsOnly.min),
    'min+gz': kB(segmentsOnly.gz),
    budget: '',
  },
  {
    what: `browser app: createClient + countSegments + parseSendResponse, with deps (+${app.lazyChunks} lazy chunk: XML)`,
    min: kB(app.min),
    'min+gz': kB(app.gz),
    budget: `≤ ${kB(APP_BUDGET_BYTES)}`,
  },
]);

const cold = measureColdImports({ rounds: IMPORT_ROUNDS });
console.log(`cold import, CPU time, median of ${IMPORT_ROUNDS} alternating fresh processes:`);
for (const [kind, { cpu }] of Object.entries(cold)) {
  console.log(
    `  ${kind}: core ${cpu.core.toFixed(1)} ms / segments ${cpu.segments.toFixed(1)} ms = ${cpu.ratio.toFixed(2)}× (guard ≤ ${IMPORT_RATIO_GUARD}×, target 1.5×)`,
  );
}

const failures = [];
if (own.gz > OWN_BUDGET_BYTES) failures.push(`own code ${kB(own.gz)} > ${kB(OWN_BUDGET_BYTES)}`);
if (app.gz > APP_BUDGET_BYTES) failures.push(`browser app ${kB(app.gz)} > ${kB(APP_BUDGET_BYTES)}`);
for (const [kind, { cpu }] of Object.entries(cold)) {
  if (cpu.ratio > IMPORT_RATIO_GUARD) {
    failures.push(`${kind} cold import ${cpu.ratio.toFixed(2)}× > ${IMPORT_RATIO_GUARD}×`);
  }
}
if (failures.length > 0) {
  console.error(`\nOVER BUDGET: ${failures.join('; ')}`);
  process.exit(1);
}
console.log('\nWithin budget.');

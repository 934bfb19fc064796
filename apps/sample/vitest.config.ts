import swc from 'unplugin-swc';
import { testConfig } from '../../vitest.base.js';

// esbuild (vite's default) drops decorator metadata; swc emits it like the tsup build does.
// Each test file boots its own PGlite (a few seconds of WASM start-up): files run one at a time
// so two boots do not fight for the two cores. Tests that start the built app (a few seconds each
// on a quiet machine) get minutes: on a shared 2-core machine under load one start took 75 s.
export default testConfig({
  plugins: [swc.vite()],
  test: { testTimeout: 180_000, hookTimeout: 120_000, fileParallelism: false },
});

import swc from 'unplugin-swc';
import { testConfig } from '../../vitest.base.js';

// esbuild (vite's default) drops decorator metadata; swc emits it like the tsup build does.
// Each test file boots its own PGlite (a few seconds of WASM start-up): files run one at a time
// so two boots do not fight for the two cores.
export default testConfig({
  plugins: [swc.vite()],
  test: { testTimeout: 60_000, hookTimeout: 120_000, fileParallelism: false },
});

import swc from 'unplugin-swc';
import { testConfig } from '../../vitest.base.js';

// esbuild (vite's default) drops decorator metadata; swc emits it like the build does.
export default testConfig({
  plugins: [swc.vite()],
});

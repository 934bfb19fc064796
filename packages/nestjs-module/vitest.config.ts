import swc from 'unplugin-swc';
import { testConfig } from '../../vitest.base.js';

// esbuild (vite's default) drops decorator metadata; swc emits it like the build does.
// The queue tests use the Redis set-up shared by every Redis-backed package (REDIS_URL, or a
// throw-away redis-server; skipped without either, failing when CI is set).
export default testConfig({
  plugins: [swc.vite()],
  test: { globalSetup: ['../redis-store/test/redis-global-setup.ts'] },
});

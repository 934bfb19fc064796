import { fileURLToPath } from 'node:url';
import { testConfig } from '../../vitest.base.js';

export default testConfig({
  resolve: {
    alias: {
      '@smspartner-kit/queue': fileURLToPath(new URL('./src/index.ts', import.meta.url)),
    },
  },
  // One Redis set-up for every Redis-backed package: use REDIS_URL, or start a throw-away server.
  test: { globalSetup: ['../redis-store/test/redis-global-setup.ts'] },
});

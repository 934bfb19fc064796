import { fileURLToPath } from 'node:url';
import { testConfig } from '../../vitest.base.js';

export default testConfig({
  resolve: {
    alias: {
      '@smspartner-kit/redis': fileURLToPath(new URL('./src/index.ts', import.meta.url)),
    },
  },
  test: { globalSetup: ['./test/redis-global-setup.ts'] },
});

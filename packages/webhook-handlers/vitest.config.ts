import { fileURLToPath } from 'node:url';
import { testConfig } from '../../vitest.base.js';

export default testConfig({
  // examples/ import the package by name, as users do; tests run them against the sources.
  resolve: {
    alias: {
      '@smspartner-kit/webhooks/testing': fileURLToPath(
        new URL('./src/testing/index.ts', import.meta.url),
      ),
      '@smspartner-kit/webhooks': fileURLToPath(new URL('./src/index.ts', import.meta.url)),
    },
  },
});

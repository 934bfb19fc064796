import { fileURLToPath } from 'node:url';
import { testConfig } from '../../vitest.base.js';

export default testConfig({
  resolve: {
    // examples/ import the package by its published name, as a user would
    alias: {
      '@smspartner-kit/sandbox/contract': fileURLToPath(
        new URL('./src/contract/index.ts', import.meta.url),
      ),
      '@smspartner-kit/sandbox': fileURLToPath(new URL('./src/index.ts', import.meta.url)),
    },
  },
});

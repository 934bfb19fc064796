import { fileURLToPath } from 'node:url';
import { testConfig } from '../../vitest.base.js';

export default testConfig({
  resolve: {
    // examples/ import the package by its published name; tests run them against the source.
    alias: { '@smspartner-kit/express': fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
  },
});

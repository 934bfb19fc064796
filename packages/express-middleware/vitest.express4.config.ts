import { fileURLToPath } from 'node:url';
import { testConfig } from '../../vitest.base.js';

/**
 * The same adapter tests against Express 4.21 (devDependency `express4: npm:express@4.21.2`):
 * every `import 'express'`, the package source's included, resolves to Express 4 here, as it
 * would in an Express 4 app where the peer dependency is Express 4.
 */
export default testConfig({
  resolve: {
    alias: [
      {
        find: /^express$/,
        replacement: fileURLToPath(new URL('./node_modules/express4/index.js', import.meta.url)),
      },
    ],
  },
  test: {
    include: [
      'test/client-middleware.test.ts',
      'test/error-handler.test.ts',
      'test/webhooks-router.test.ts',
      'test/e2e.test.ts',
      'test/express-version.test.ts',
    ],
    env: { EXPRESS_MAJOR: '4' },
  },
});

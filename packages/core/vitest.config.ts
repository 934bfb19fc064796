import { testConfig } from '../../vitest.base.js';

export default testConfig({
  // fast-check: replayable failure reports, bounded property time (see the file).
  test: { setupFiles: ['./test/fast-check-setup.ts'] },
});

import { testConfig } from '../../vitest.base.js';

// Tests drive the built binary (dist/cli.js) as a subprocess: `pnpm build` first (turbo does).
export default testConfig();

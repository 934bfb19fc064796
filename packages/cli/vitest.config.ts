import { testConfig } from '../../vitest.base.js';

// Tests drive the built binary (dist/cli.js) as a subprocess: `pnpm build` first (turbo does).
// Test files mostly wait on child processes, so they run side by side even on 2 cores.
export default testConfig({ test: { maxWorkers: 4 } });

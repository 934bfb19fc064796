import { defineConfig } from 'tsup';

// A binary, not a library: one ESM file (cli.ts keeps its `#!/usr/bin/env node` line), no types.
export default defineConfig({
  entry: ['src/cli.ts'],
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  splitting: false,
});

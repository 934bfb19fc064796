import { defineConfig } from 'tsup';

// A binary, not a library: ESM, every dependency bundled in (startup costs half the CPU of
// resolving node_modules at each run, and `npx` installs one package). cli.ts keeps its
// `#!/usr/bin/env node` line. Lazily imported modules (sandbox, webhooks, prompts, progress bar)
// stay in their own chunks, loaded only by the commands that use them.
export default defineConfig({
  entry: ['src/cli.ts'],
  format: ['esm'],
  dts: false,
  sourcemap: false,
  clean: true,
  target: 'node20',
  platform: 'node',
  splitting: true,
  noExternal: [/.*/],
  // Bundled CommonJS dependencies (cli-table3, cli-progress) call require().
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});

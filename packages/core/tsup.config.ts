import { fileURLToPath } from 'node:url';
import type { Options } from 'tsup';
import { libraryBuild } from '../../tsup.base.js';

type Plugin = NonNullable<Options['esbuildPlugins']>[number];

const zodMiniSource = fileURLToPath(new URL('./src/zod-mini.ts', import.meta.url));

/**
 * Where src/zod.ts's `require('zod/mini')` goes. CommonJS: `./zod-mini.cjs` (the `zod-mini`
 * entry, zod bundled in), a real `require` made when the first schema is built, so that loading
 * core does not even compile zod. ES modules cannot load a file synchronously: there zod is
 * bundled in and esbuild evaluates it (behind a lazy initialiser) when the first schema is built.
 */
const zodMini: Plugin = {
  name: 'zod-mini-on-first-use',
  setup(build) {
    // tsup builds CommonJS with splitting as ES modules, then converts them: the build is told
    // apart by the `import.meta.url` definition esbuildOptions below gives the CommonJS build only.
    const cjs = build.initialOptions.define?.['import.meta.url'] === 'undefined';
    build.onResolve({ filter: /^zod\/mini$/ }, () =>
      cjs ? { path: './zod-mini.cjs', external: true } : { path: zodMiniSource },
    );
  },
};

// `segments` is its own entry so a browser bundle that only counts segments does not pull in
// zod, the parsers or the client. `internal` is the sibling packages' plumbing. Splitting keeps
// ONE copy of each module across entries: an error class thrown by `internal` must be the one
// `instanceof` checks against from the main entry. zod (the zod/mini functions core uses) is
// bundled in and loaded on first use (above; README, "Cold start and size"); fast-xml-parser stays
// external and is loaded on the first XML answer.
export default libraryBuild({
  entry: {
    index: 'src/index.ts',
    segments: 'src/segments/index.ts',
    internal: 'src/internal.ts',
    'zod-mini': 'src/zod-mini.ts',
  },
  splitting: true,
  noExternal: ['zod'],
  minify: true,
  keepNames: true, // class names survive: Nest DI messages and design:paramtypes, error.constructor.name
  esbuildPlugins: [zodMini],
  esbuildOptions(options, context) {
    // The CommonJS build reads XML through `require`; `import.meta.url` is only for ESM.
    if (context.format === 'cjs')
      options.define = { ...options.define, 'import.meta.url': 'undefined' };
  },
});

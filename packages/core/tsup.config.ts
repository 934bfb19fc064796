import { libraryBuild } from '../../tsup.base.js';

// `segments` is its own entry so a browser bundle that only counts segments does not pull in
// zod, the parsers or the client. `internal` is the sibling packages' plumbing. Splitting keeps
// ONE copy of each module across entries: an error class thrown by `internal` must be the one
// `instanceof` checks against from the main entry.
//
// zod (zod/mini, tree-shaken) is bundled in: importing core must not load zod's module graph
// (see README, "Cold start"). fast-xml-parser stays external and is loaded on first XML answer.
export default libraryBuild({
  entry: { index: 'src/index.ts', segments: 'src/segments/index.ts', internal: 'src/internal.ts' },
  splitting: true,
  noExternal: ['zod'],
  esbuildOptions(options, context) {
    // The CommonJS build reads XML through `require`; `import.meta.url` is only for ESM.
    if (context.format === 'cjs')
      options.define = { ...options.define, 'import.meta.url': 'undefined' };
  },
});

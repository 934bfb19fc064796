import { libraryBuild } from '../../tsup.base.js';

// `segments` is its own entry so a browser bundle that only counts segments does not pull in
// zod, the parsers or the client. `internal` is the sibling packages' plumbing. Splitting keeps
// ONE copy of each module across entries: an error class thrown by `internal` must be the one
// `instanceof` checks against from the main entry.
export default libraryBuild({
  entry: { index: 'src/index.ts', segments: 'src/segments/index.ts', internal: 'src/internal.ts' },
  splitting: true,
});

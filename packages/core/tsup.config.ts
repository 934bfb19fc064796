import { libraryBuild } from '../../tsup.base.js';

// `segments` is its own entry so a browser bundle that only counts segments does not pull in
// zod, the parsers or the client.
export default libraryBuild({
  entry: { index: 'src/index.ts', segments: 'src/segments/index.ts' },
});

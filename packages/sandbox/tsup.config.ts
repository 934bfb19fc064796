import { libraryBuild } from '../../tsup.base.js';

// cli.ts starts with a `#!/usr/bin/env node` line, which esbuild keeps in dist/cli.js.
export default libraryBuild({ entry: ['src/index.ts', 'src/cli.ts'] });

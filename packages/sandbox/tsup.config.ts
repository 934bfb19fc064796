import { libraryBuild } from '../../tsup.base.js';

// cli.ts and contract-cli.ts start with a `#!/usr/bin/env node` line, which esbuild keeps.
export default libraryBuild({
  entry: {
    index: 'src/index.ts',
    cli: 'src/cli.ts',
    contract: 'src/contract/index.ts',
    'contract-cli': 'src/contract-cli.ts',
  },
});

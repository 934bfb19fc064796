// `pnpm bench`: the cross-instance scenario (two processes, shared Redis stores).
import { execFileSync } from 'node:child_process';

execFileSync(process.execPath, ['bench/across-instances.mjs', '--n=1000'], { stdio: 'inherit' });

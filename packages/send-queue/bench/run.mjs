// `pnpm bench`: the three scenarios at a size that runs in a few minutes on a laptop; pass the
// big sizes to each script directly (see bench/RESULTS.md for the commands and figures).
import { execFileSync } from 'node:child_process';

const run = (script, args) => {
  console.log(`\n$ node bench/${script} ${args.join(' ')}`);
  execFileSync(process.execPath, [`bench/${script}`, ...args], { stdio: 'inherit' });
};
run('crash.mjs', ['--sends=2000', '--workers=4', '--kill-every=3000']);
run('crash.mjs', ['--sends=2000', '--workers=4', '--kill-every=3000', '--faults']);
run('rate-limit.mjs', ['--limit=200', '--workers=4', '--sends=2000']);
run('campaign.mjs', ['--recipients=10000', '--workers=4']);

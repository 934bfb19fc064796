// `pnpm test:live`: runs the built contract runner, building this package (and core) first
// only when its dist is missing; the build's output is shown only if it fails.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const runner = fileURLToPath(new URL('../dist/contract-cli.js', import.meta.url));
if (!existsSync(runner)) {
  const build = spawnSync(
    'pnpm',
    ['turbo', 'run', 'build', '--filter=@smspartner-kit/sandbox...', '--output-logs=errors-only'],
    {
      cwd: fileURLToPath(new URL('../../..', import.meta.url)),
      encoding: 'utf8',
      shell: process.platform === 'win32',
    },
  );
  if (build.status !== 0) {
    process.stderr.write(`${build.stdout ?? ''}${build.stderr ?? ''}test:live: the build failed\n`);
    process.exit(1);
  }
}
await import(runner);

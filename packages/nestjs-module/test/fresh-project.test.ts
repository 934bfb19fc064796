import { fileURLToPath } from 'node:url';
import { type Sandbox, startSandbox } from '@smspartner-kit/sandbox';
import { afterAll, expect, it } from 'vitest';
import * as fresh from '../../../scripts/fresh-project.mjs';

// The README as a stranger uses it: a project outside the workspace, the kit from packed tarballs,
// exactly the README's install lines (from the npm registry), its files compiled by strict tsc with the
// decorator options the README names,
// then run against the sandbox: a send from the app's route, and its receipt accepted by the app.
const readmePath = fileURLToPath(new URL('../README.md', import.meta.url));
let sandbox: Sandbox | undefined;
let program: fresh.RunningProgram | undefined;

afterAll(async () => {
  await program?.stop();
  await sandbox?.close();
});

it('the README quick start, built from the packed tarballs, sends and gets its receipt', async () => {
  const emulator = await startSandbox({ host: '127.0.0.1', dlrDelayMs: 50 });
  sandbox = emulator;
  const { dir } = await fresh.freshProjectFromReadme({
    readmePath,
    compilerOptions: { experimentalDecorators: true, emitDecoratorMetadata: true },
  });
  const run = await fresh.sendThroughQuickStart({
    dir,
    env: {
      SMSPARTNER_API_KEY: 'fresh-project-key',
      SMSPARTNER_FROM: '33700000000',
      SMSPARTNER_WEBHOOK_SECRET: 'fresh-project-secret-0123456789',
      SMSPARTNER_BASE_URL: emulator.baseUrl,
    },
    route: '/codes',
    body: { phone: '0612345678' },
    receiptAccepted: (messageId) =>
      emulator.callbacks().some((c) => c.kind === 'dlr' && c.messageId === messageId && c.ok),
  });
  program = run.program;
  expect(run.status).toBe(201);
}, 300_000);

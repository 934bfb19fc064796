import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { Context } from '../output.js';
import { integerIn, positiveDecimal } from '../parsers.js';

interface SandboxFlags {
  port: number;
  host: string;
  price?: number;
  dlrDelay?: number;
  quiet?: boolean;
}

/** Resolves on the first SIGINT/SIGTERM. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

export function registerSandbox(program: Command, ctxOf: (cmd: Command) => Context): void {
  program
    .command('sandbox')
    .summary('run the offline SMS Partner emulator (@smspartner-kit/sandbox)')
    .description(
      'Run the offline SMS Partner emulator: same endpoints under /v1, delivery receipts to your urlDlr, a STOP list, nothing leaves the machine. Ctrl-C stops it.',
    )
    .option('-p, --port <port>', 'port (0 = a free one)', integerIn(0, 65535), 4010)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--price <amount>', 'price of one SMS part', positiveDecimal)
    .option('--dlr-delay <ms>', 'delay before the delivery receipt', integerIn(0, 3_600_000))
    .option('-q, --quiet', 'log nothing but the ready line')
    .addHelpText(
      'after',
      `
Examples:
  $ smspartner sandbox
  $ smspartner sandbox --port 0 --json          # prints {"url","baseUrl","port"} once ready
  $ SMSPARTNER_BASE_URL=http://127.0.0.1:4010/v1 SMSPARTNER_API_KEY=test smspartner credits`,
    )
    .action(async (flags: SandboxFlags, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const log = (line: string) => {
        if (!flags.quiet && !ctx.json) process.stderr.write(`${ctx.c.dim(line)}\n`);
      };
      const { startSandbox } = await import('@smspartner-kit/sandbox'); // loaded on use
      const sandbox = await startSandbox({
        port: flags.port,
        host: flags.host,
        ...(flags.price !== undefined ? { price: flags.price } : {}),
        ...(flags.dlrDelay !== undefined ? { dlrDelayMs: flags.dlrDelay } : {}),
        logger: { info: log, warn: log, error: log },
      }).catch((error: NodeJS.ErrnoException) => {
        if (
          error.code === 'EADDRINUSE' ||
          error.code === 'EACCES' ||
          error.code === 'EADDRNOTAVAIL'
        ) {
          throw new UsageError(`cannot listen on ${flags.host}:${flags.port} (${error.code})`);
        }
        throw error;
      });
      if (ctx.json) {
        process.stdout.write(
          `${JSON.stringify({ url: sandbox.url, baseUrl: sandbox.baseUrl, port: sandbox.port })}\n`,
        );
      } else {
        ctx.print(`SMS Partner sandbox listening on ${ctx.c.bold(sandbox.url)}`);
        ctx.print(`use: SMSPARTNER_BASE_URL=${sandbox.baseUrl} SMSPARTNER_API_KEY=any-key`);
        ctx.print(ctx.c.dim('Ctrl-C to stop'));
      }
      await untilSignal();
      await sandbox.close();
      ctx.note('sandbox stopped');
    });
}

import type { Command } from 'commander';
import { clientFrom } from '../config.js';
import type { Context } from '../output.js';
import { table } from '../table.js';

export function registerLookup(program: Command, ctxOf: (cmd: Command) => Context): void {
  program
    .command('lookup')
    .summary('number type, network and formats (free; ≤ 500 per request, chunked)')
    .argument('<numbers...>', 'phone numbers')
    .addHelpText(
      'after',
      `
Examples:
  $ smspartner lookup 0612345678 +33700000000
  $ smspartner lookup 0612345678 --json`,
    )
    .action(async (numbers: string[], _flags: unknown, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const results = await clientFrom(ctx.settings()).lookup(numbers);
      if (ctx.json) {
        ctx.emit(results);
        return;
      }
      ctx.print(
        table(
          ['number', 'valid', 'international', 'type', 'network', 'country'],
          results.map((r) => [
            r.request,
            r.valid ? 'yes' : ctx.c.red('no'),
            r.format?.international ?? r.phoneNumber ?? '',
            r.type ?? '',
            r.network ?? '',
            r.countryCode ?? '',
          ]),
        ),
      );
    });
}

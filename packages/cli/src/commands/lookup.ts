import type { Command } from 'commander';
import { clientFrom } from '../config.js';
import { UsageError } from '../errors.js';
import type { Context } from '../output.js';
import { table } from '../table.js';

type LookupRow = Record<string, unknown>;

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
      const client = clientFrom(ctx.settings()) as unknown as {
        lookup?: (numbers: string[]) => Promise<LookupRow[]>;
      };
      if (typeof client.lookup !== 'function') {
        throw new UsageError('lookup needs a newer @smspartner-kit/core (client.lookup)');
      }
      const results = await client.lookup(numbers);
      if (ctx.json) {
        ctx.emit(results);
        return;
      }
      const cell = (v: unknown) => (v === undefined || v === null ? '' : String(v));
      ctx.print(
        table(
          ['request', 'ok', 'number', 'type', 'network', 'country'],
          results.map((r) => [
            cell(r.request),
            r.success === false ? 'no' : 'yes',
            cell(r.phoneNumber),
            cell(r.type),
            cell(r.network),
            cell(r.countryCode),
          ]),
        ),
      );
    });
}

import type { Command } from 'commander';
import { clientFrom } from '../config.js';
import { UsageError } from '../errors.js';
import type { Context } from '../output.js';
import { table } from '../table.js';

type CtxOf = (cmd: Command) => Context;

const iso = (date: Date | undefined) => (date ? date.toISOString() : '');

export function registerCredits(program: Command, ctxOf: CtxOf): void {
  program
    .command('credits')
    .summary('show the SMS credits and balance of the account')
    .addHelpText(
      'after',
      `
Examples:
  $ smspartner credits
  $ smspartner credits --json | jq .creditSms`,
    )
    .action(async (_flags: unknown, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const credits = await clientFrom(ctx.settings()).getCredits();
      if (ctx.json) {
        ctx.emit(credits);
        return;
      }
      ctx.print(`SMS credits   ${ctx.c.bold(String(credits.creditSms))}`);
      ctx.print(`eco credits   ${credits.creditSmsEco}`);
      ctx.print(`HLR credits   ${credits.creditHlr}`);
      ctx.print(`to send       ${credits.toSend}`);
      ctx.print(`balance       ${credits.balance} ${credits.currency}`);
    });
}

export function registerStatus(program: Command, ctxOf: CtxOf): void {
  program
    .command('status')
    .summary('delivery status of a message (or of every message with a tag)')
    .argument('[messageId]', 'the id printed by "send"')
    .option('--to <number>', 'the recipient of that message (required with a message id)')
    .option('--tag <tag>', 'every message sent with this tag')
    .addHelpText(
      'after',
      `
Examples:
  $ smspartner status 1234 --to 0612345678
  $ smspartner status --tag soldes
  $ smspartner status 1234 --to 0612345678 --json`,
    )
    .action(async (messageId: string | undefined, flags: { to?: string; tag?: string }, cmd) => {
      const ctx = ctxOf(cmd as Command);
      if (flags.tag !== undefined) {
        if (messageId !== undefined)
          throw new UsageError('give either a message id or --tag, not both');
        await statusByTag(ctx, flags.tag);
        return;
      }
      if (messageId === undefined) throw new UsageError('give a message id (with --to) or --tag');
      if (flags.to === undefined)
        throw new UsageError('--to <number> is required with a message id');
      const status = await clientFrom(ctx.settings()).getMessageStatus({
        messageId,
        phoneNumber: flags.to,
      });
      if (ctx.json) {
        ctx.emit(status);
        return;
      }
      const colour =
        status.status === 'delivered'
          ? ctx.c.green
          : status.status === 'failed'
            ? ctx.c.red
            : ctx.c.yellow;
      ctx.print(
        `${status.messageId}  ${status.phoneNumber}  ${colour(status.status)} (${status.providerStatus})${status.date ? `  ${iso(status.date)}` : ''}${status.cost !== undefined ? `  ${status.cost} ${status.currency ?? ''}` : ''}${status.stopSms ? '  STOP' : ''}`,
      );
    });
}

async function statusByTag(ctx: Context, tag: string): Promise<void> {
  const statuses = await clientFrom(ctx.settings()).getStatusesByTag(tag);
  if (ctx.json) {
    ctx.emit(statuses);
    return;
  }
  ctx.print(
    table(
      ['message id', 'number', 'status', 'provider status', 'date'],
      statuses.map((s) => [
        s.messageId ?? '',
        s.phoneNumber,
        s.status,
        s.providerStatus,
        iso(s.date),
      ]),
    ),
  );
  ctx.print(`${statuses.length} message(s) with tag ${tag}`);
}

export function registerCancel(program: Command, ctxOf: CtxOf): void {
  program
    .command('cancel')
    .summary('cancel a scheduled SMS (at least 5 minutes before it goes)')
    .argument('<messageId>', 'the id printed by "send --at …"')
    .addHelpText(
      'after',
      `
Examples:
  $ smspartner cancel 1234
  $ smspartner cancel 1234 --json`,
    )
    .action(async (messageId: string, _flags: unknown, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const result = await clientFrom(ctx.settings()).cancelScheduled(messageId);
      if (ctx.json) ctx.emit({ messageId, cancelled: result.cancelled, message: result.message });
      else
        ctx.print(
          `${ctx.c.green('✔ cancelled')} ${messageId}${result.message ? `  (${result.message})` : ''}`,
        );
    });
}

export function registerStopList(program: Command, ctxOf: CtxOf): void {
  const stop = program
    .command('stop-list')
    .summary('list, add or remove numbers on the STOP list')
    .addHelpText(
      'after',
      `
Examples:
  $ smspartner stop-list                 # same as "stop-list list"
  $ smspartner stop-list add 0612345678
  $ smspartner stop-list remove 42       # the id shown by "list"
  $ smspartner stop-list list --json`,
    );
  const list = async (_flags: unknown, cmd: Command) => {
    const ctx = ctxOf(cmd);
    const entries = await clientFrom(ctx.settings()).stopList.list();
    if (ctx.json) {
      ctx.emit(entries);
      return;
    }
    ctx.print(
      table(
        ['id', 'number', 'added'],
        entries.map((e) => [e.id, e.phoneNumber, iso(e.createdAt)]),
      ),
    );
    ctx.print(`${entries.length} number(s) on the STOP list`);
  };
  stop.action(list);
  stop
    .command('list')
    .summary('show every number on the STOP list')
    .addHelpText('after', '\nExample:\n  $ smspartner stop-list list --json')
    .action(list);
  stop
    .command('add')
    .summary('add a number to the STOP list')
    .argument('<number>', 'the phone number')
    .addHelpText('after', '\nExample:\n  $ smspartner stop-list add +33612345678')
    .action(async (number: string, _flags: unknown, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const { stopId } = await clientFrom(ctx.settings()).stopList.add(number);
      if (ctx.json) ctx.emit({ stopId, phoneNumber: number });
      else ctx.print(`${ctx.c.green('✔ added')} ${number} (id ${stopId})`);
    });
  stop
    .command('remove')
    .summary('remove an entry from the STOP list by its id')
    .argument('<id>', 'the id shown by "stop-list list"')
    .addHelpText('after', '\nExample:\n  $ smspartner stop-list remove 42')
    .action(async (id: string, _flags: unknown, cmd: Command) => {
      const ctx = ctxOf(cmd);
      await clientFrom(ctx.settings()).stopList.remove(id);
      if (ctx.json) ctx.emit({ removed: id });
      else ctx.print(`${ctx.c.green('✔ removed')} ${id}`);
    });
}

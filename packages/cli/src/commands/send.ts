import {
  type ClientSendParams,
  SmsPartnerValidationError,
  sendParamsSchema,
} from '@smspartner-kit/core';
import { parseProviderDate, toFieldIssues } from '@smspartner-kit/core/internal';
import type { Command } from 'commander';
import { clientFrom } from '../config.js';
import { CancelledError, UsageError } from '../errors.js';
import { type Context, money } from '../output.js';
import { positiveDecimal } from '../parsers.js';
import { countJson, countOf } from './count.js';

interface SendFlags {
  to: string;
  message: string;
  from?: string;
  tag?: string;
  at?: string;
  stopMention?: boolean;
  urlDlr?: string;
  urlResponse?: string;
  price?: number;
  dryRun?: boolean;
  yes?: boolean;
}

/** `2026-12-24 09:30` (Europe/Paris wall time) or an ISO date with an offset. */
export function parseAt(value: string): Date {
  const text = value.trim();
  const withSeconds = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}$/.test(text)
    ? `${text.replace('T', ' ')}:00`
    : text;
  const date = parseProviderDate(withSeconds);
  if (!date || !/[-/]/.test(text)) {
    throw new UsageError(
      `--at ${JSON.stringify(value)} is not a date: use "YYYY-MM-DD HH:MM" (Paris time), e.g. "2026-12-24 09:30"`,
    );
  }
  return date;
}

/** Core's own send schema, run before any network call (and without needing an API key). */
export function validateSend(params: Record<string, unknown>): void {
  const parsed = sendParamsSchema.safeParse(params);
  if (!parsed.success) {
    throw new SmsPartnerValidationError(
      toFieldIssues(parsed.error, Object.keys(sendParamsSchema.shape)),
      'Invalid send parameters',
    );
  }
}

export async function confirmOrCancel(question: string): Promise<void> {
  const { confirm, isCancel } = await import('@clack/prompts'); // loaded on use
  const answer = await confirm({ message: question, initialValue: false });
  if (isCancel(answer) || answer !== true) throw new CancelledError('cancelled: nothing was sent');
}

export function registerSend(program: Command, ctxOf: (cmd: Command) => Context): void {
  program
    .command('send')
    .summary('send one SMS')
    .description(
      'Send one SMS from your long number. Shows the predicted cost, asks for confirmation in a terminal (skip with --yes; never asked when stdin/stdout is not a terminal), then prints the message id, the SMS billed and the cost.',
    )
    .requiredOption('--to <number>', 'recipient: 0612345678, +33612345678 or 33612345678')
    .requiredOption('-m, --message <text>', 'the text')
    .option('--from <number>', 'your virtual number (default: SMSPARTNER_FROM or config "from")')
    .option('--tag <tag>', 'lowercase tag (≤ 20 characters) to find the message again')
    .option('--at <datetime>', 'send later: "YYYY-MM-DD HH:MM", Paris time, on a 5-minute step')
    .option('--stop-mention', 'append the STOP mention (mandatory for commercial SMS)')
    .option('--url-dlr <url>', 'where SMS Partner posts the delivery receipt')
    .option('--url-response <url>', 'where SMS Partner posts replies')
    .option('--price <amount>', 'price of one SMS, for the predicted cost', positiveDecimal)
    .option('--dry-run', 'validate and show the predicted cost, send nothing')
    .option('-y, --yes', 'do not ask for confirmation')
    .addHelpText(
      'after',
      `
Examples:
  $ smspartner send --to 0612345678 --message "Votre code : 482913"
  $ smspartner send --to +33612345678 -m "Soldes ce week-end" --stop-mention --tag soldes --yes
  $ smspartner send --to 0612345678 -m "Rappel RDV demain 10h" --at "2026-12-24 09:30" --json
  $ smspartner send --to 0612345678 -m "Test" --dry-run

Exit codes: 0 sent · 2 invalid input · 3 refused by SMS Partner · 4 outcome unknown (may have
been sent: check with "smspartner status" before resending) · 5 SMS Partner unreachable · 130 cancelled`,
    )
    .action(async (flags: SendFlags, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const settings = ctx.settings({ from: flags.from, price: flags.price });
      const params: ClientSendParams & { from?: string } = {
        to: flags.to,
        message: flags.message,
        ...(settings.from ? { from: settings.from } : {}),
        ...(flags.tag !== undefined ? { tag: flags.tag } : {}),
        ...(flags.stopMention ? { isStopSms: true } : {}),
        ...(flags.urlDlr ? { urlDlr: flags.urlDlr } : {}),
        ...(flags.urlResponse ? { urlResponse: flags.urlResponse } : {}),
        ...(flags.at !== undefined ? { scheduledAt: parseAt(flags.at) } : {}),
      };
      if (!settings.from) {
        throw new SmsPartnerValidationError(
          [
            {
              field: 'from',
              message:
                'from is required: pass --from, set SMSPARTNER_FROM, or put "from" in the config file',
            },
          ],
          'Invalid send parameters',
        );
      }
      validateSend(params as Record<string, unknown>);
      const count = countOf(flags.message, { stopMention: flags.stopMention });
      const cost = settings.price === undefined ? undefined : count.segments * settings.price;
      const predicted = {
        segments: count.segments,
        encoding: count.encoding,
        ...(cost === undefined ? {} : { cost, currency: settings.currency }),
      };
      const { c } = ctx;
      const costText = money(cost, settings.currency);
      ctx.note(
        `${c.dim('to')} ${flags.to}  ${c.dim('predicted')} ${c.bold(`${count.segments} SMS`)} (${count.encoding})${costText ? ` ≈ ${costText}` : ''}${params.scheduledAt ? `  ${c.dim('at')} ${params.scheduledAt.toISOString()}` : ''}`,
      );
      if (flags.dryRun) {
        if (ctx.json) ctx.emit({ dryRun: true, predicted, count: countJson(count) });
        else ctx.print(c.yellow('dry run: nothing sent'));
        return;
      }
      const client = clientFrom(settings);
      if (ctx.interactive && !flags.yes) {
        await confirmOrCancel(`Send ${count.segments} SMS to ${flags.to}?`);
      }
      const result = await client.send(params);
      if (ctx.json) {
        ctx.emit({
          messageId: result.messageId,
          nbSms: result.nbSms,
          cost: result.cost,
          currency: result.currency,
          predicted,
        });
        return;
      }
      ctx.print(
        `${c.green('✔ sent')}  id ${c.bold(result.messageId)}  ${result.nbSms} SMS billed  cost ${money(result.cost, result.currency)}`,
      );
      if (result.nbSms !== count.segments) {
        ctx.note(
          c.yellow(`note: predicted ${count.segments} SMS, SMS Partner billed ${result.nbSms}`),
        );
      }
    });
}

import { createHash } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import {
  SmsPartnerApiError,
  type SmsPartnerClient,
  SmsPartnerConnectionError,
  SmsPartnerOutcomeUnknownError,
} from '@smspartner-kit/core';
import { type Command, InvalidArgumentError } from 'commander';
import { Journal, type RowResult, type RowState } from '../campaign/journal.js';
import { type InvalidRow, loadRecipients, type Recipient } from '../campaign/recipients.js';
import { runRedisCampaign } from '../campaign/redis.js';
import { clientFrom } from '../config.js';
import { classify, EXIT, UsageError } from '../errors.js';
import { type Context, money } from '../output.js';
import { positiveDecimal, positiveRate } from '../parsers.js';
import { table } from '../table.js';
import { confirmOrCancel } from './send.js';

interface CampaignFlags {
  message: string;
  from?: string;
  tag?: string;
  stopMention?: boolean;
  phoneColumn?: string;
  rate: number;
  journal?: string;
  results?: string;
  skipInvalid?: boolean;
  price?: number;
  reconcile?: boolean;
  resendMissing?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  redis?: string;
  queuePrefix?: string;
  category?: 'marketing' | 'transactional';
}

/** Refusals about this one recipient: final for the row, the campaign goes on. */
const RECIPIENT_CODES = new Set([2, 9, 13, 14, 42, 43, 52, 55]);
const MAX_RATE_LIMIT_RETRIES = 5;
/** Consecutive unknown outcomes after which the network is presumed down: stop, do not pile up. */
const MAX_CONSECUTIVE_UNKNOWN = 3;

/** The provider's answer to a send, when this campaign got one. */
const billed = (s: RowState) =>
  s.state === 'sent' && s.result.r === 'sent' ? s.result : undefined;
/** Sums of prices without float noise (0.114, not 0.11399999999999999). */
const clip = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;
const round = (amount: number) => Math.round(amount * 1e6) / 1e6;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function fingerprint(bytes: Buffer, flags: CampaignFlags, from: string): string {
  const hash = createHash('sha256');
  hash.update(bytes);
  for (const part of [flags.message, from, flags.tag ?? '', flags.stopMention ? '1' : '0']) {
    hash.update('\0');
    hash.update(part);
  }
  return hash.digest('hex');
}

/** Written to a temporary file then renamed: a crash never leaves half a results file. */
async function writeResults(
  path: string,
  recipients: Recipient[],
  invalid: InvalidRow[],
  stateOf: (row: number) => RowState,
): Promise<void> {
  const rows: (string | number)[][] = [];
  for (const r of recipients) {
    const s = stateOf(r.row);
    if (s.state === 'sent' && s.result.r === 'found') {
      const note = `found by --reconcile (${s.result.status})`;
      rows.push([r.row, r.to, 'sent', s.result.id, '', '', '', '', note]);
    } else if (s.state === 'sent') {
      const b = billed(s);
      rows.push([r.row, r.to, 'sent', s.result.id, b?.n ?? '', b?.c ?? '', b?.cur ?? '', '', '']);
    } else if (s.state === 'refused')
      rows.push([r.row, r.to, 'refused', '', '', '', '', s.result.code, s.result.why]);
    else if (s.state === 'unknown') rows.push([r.row, r.to, 'unknown', '', '', '', '', '', s.why]);
    else rows.push([r.row, r.to, 'pending', '', '', '', '', '', s.lastError ?? 'not sent yet']);
  }
  for (const bad of invalid)
    rows.push([bad.row, bad.to, 'invalid', '', '', '', '', '', bad.reason]);
  rows.sort((a, b) => (a[0] as number) - (b[0] as number));
  const { stringify } = await import('csv-stringify/sync');
  const text = stringify(rows, {
    header: true,
    columns: [
      'row',
      'to',
      'status',
      'message_id',
      'nb_sms',
      'cost',
      'currency',
      'error_code',
      'error',
    ],
  });
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

export function registerCampaign(program: Command, ctxOf: (cmd: Command) => Context): void {
  const campaign = program
    .command('campaign')
    .summary('send a message to every recipient of a CSV file')
    .addHelpText(
      'after',
      '\nExample:\n  $ smspartner campaign send clients.csv --message "Bonjour {firstname}" --tag noel',
    );
  campaign
    .command('send')
    .summary('send a templated message to every row of a CSV, resumably')
    .description(
      `Validate every row first (nothing is sent if one is bad, unless --skip-invalid), show the total segments and cost, then send at --rate per second with a progress bar. Every send is journaled (fsync'd intent before, result after): re-running the same command after Ctrl-C or a crash sends only what was not sent, and lists — never resends — the rows whose outcome is unknown. A results CSV is written at the end.`,
    )
    .argument(
      '<csv>',
      'recipients: a header line, a phone column (to/phone/mobile/number…), any other columns',
    )
    .requiredOption(
      '-m, --message <template>',
      'the text; {column} is replaced by that column of the row',
    )
    .option('--from <number>', 'your virtual number (default: SMSPARTNER_FROM or config "from")')
    .option('--tag <tag>', 'lowercase tag (≤ 20 characters), to reconcile with "status --tag"')
    .option('--stop-mention', 'append the STOP mention (mandatory for commercial SMS)')
    .option('--phone-column <name>', 'the column holding the numbers (default: detected)')
    .option('--rate <n>', 'messages per second at most', positiveRate, 10)
    .option('--journal <file>', 'journal file (default: <csv>.journal)')
    .option('--results <file>', 'results CSV (default: <csv>.results.csv)')
    .option('--skip-invalid', 'send to the valid rows even if some are invalid')
    .option('--price <amount>', 'price of one SMS, for the predicted cost', positiveDecimal)
    .option(
      '--reconcile',
      'look up unknown outcomes under --tag (status by tag): found ones count as sent',
    )
    .option(
      '--resend-missing',
      'with --reconcile: send again the unknown rows the tag does not list',
    )
    .option(
      '--redis <url>',
      'send through @smspartner-kit/queue on this Redis (e.g. redis://127.0.0.1:6379); needs --category',
    )
    .option(
      '--category <category>',
      'with --redis: marketing (waits for the legal window) or transactional',
      (value: string) => {
        if (value !== 'marketing' && value !== 'transactional')
          throw new InvalidArgumentError('expected marketing or transactional');
        return value;
      },
    )
    .option('--queue-prefix <prefix>', "with --redis: the queue's Redis key prefix (default bull)")
    .option('--dry-run', 'validate and show the cost, send nothing, write nothing')
    .option('-y, --yes', 'do not ask for confirmation')
    .addHelpText(
      'after',
      `
Examples:
  $ smspartner campaign send clients.csv --message "Bonjour {firstname}, -20% ce week-end" --stop-mention --tag soldes
  $ smspartner campaign send clients.csv -m "Bonjour {firstname}" --dry-run
  $ smspartner campaign send clients.csv -m "Bonjour {firstname}" --skip-invalid --rate 5 --yes --json
  $ smspartner campaign send clients.csv -m "Bonjour {firstname}" --tag soldes --reconcile
  $ smspartner campaign send clients.csv -m "Bonjour {firstname}" --redis redis://127.0.0.1:6379 --category marketing

With --redis, the rows go through @smspartner-kit/queue (a worker runs in this process until the
campaign is done); re-running resumes the same campaign. Re-run the same command to resume. Exit codes: 0 all sent · 2 invalid rows/input (nothing sent)
· 3 some rows refused · 4 some outcomes unknown (listed; reconcile, never resent) · 5 unreachable
· 130 interrupted`,
    )
    .action(async (csvPath: string, flags: CampaignFlags, cmd: Command) => {
      const ctx = ctxOf(cmd);
      process.exitCode = await runCampaign(ctx, csvPath, flags);
    });
}

async function runCampaign(ctx: Context, csvPath: string, flags: CampaignFlags): Promise<number> {
  const { c } = ctx;
  const settings = ctx.settings({ from: flags.from, price: flags.price });
  if (!settings.from)
    throw new UsageError(
      'no sender: pass --from, set SMSPARTNER_FROM, or put "from" in the config file',
    );
  const loaded = loadRecipients(csvPath, {
    template: flags.message,
    from: settings.from,
    ...(flags.tag !== undefined ? { tag: flags.tag } : {}),
    ...(flags.stopMention ? { stopMention: true } : {}),
    ...(flags.phoneColumn !== undefined ? { phoneColumn: flags.phoneColumn } : {}),
  });
  const { valid, invalid } = loaded;
  if (invalid.length > 0) {
    const shown = invalid.slice(0, 20);
    ctx.note(c.red(`${invalid.length} invalid row(s) of ${valid.length + invalid.length}:`));
    if (!ctx.json)
      ctx.note(
        table(
          ['row', 'line', 'number', 'problem'],
          shown.map((b) => [b.row, b.line, b.to, clip(b.reason, 90)]),
        ),
      );
    if (invalid.length > shown.length) ctx.note(`… and ${invalid.length - shown.length} more`);
    if (!flags.skipInvalid) {
      throw new UsageError(
        `${invalid.length} invalid row(s) in ${csvPath}: nothing sent (fix them, or pass --skip-invalid)`,
        { invalid },
      );
    }
  }
  if (valid.length === 0) throw new UsageError(`no valid row in ${csvPath}: nothing to send`);
  if (flags.redis !== undefined) {
    if (!flags.category)
      throw new UsageError('--redis needs --category marketing or --category transactional');
    for (const [set, name] of [
      [flags.tag, '--tag (the queue tags each SMS itself)'],
      [flags.reconcile, '--reconcile (the queue reconciles unknown outcomes itself)'],
      [flags.journal, '--journal (Redis holds the campaign)'],
      [flags.results, '--results (not written with --redis)'],
    ] as const) {
      if (set !== undefined) throw new UsageError(`--redis does not go with ${name}`);
    }
  } else if (flags.category !== undefined || flags.queuePrefix !== undefined) {
    throw new UsageError('--category and --queue-prefix go with --redis');
  }

  const journalPath = flags.journal ?? `${csvPath}.journal`;
  const resultsPath = flags.results ?? `${csvPath}.results.csv`;
  const print = fingerprint(loaded.bytes, flags, settings.from);
  const client: SmsPartnerClient | undefined = flags.dryRun ? undefined : clientFrom(settings);
  const journal = flags.dryRun || flags.redis ? undefined : Journal.open(journalPath, print);
  const stateOf = (row: number): RowState => journal?.stateOf(row) ?? { state: 'pending' };

  if (flags.resendMissing && !flags.reconcile)
    throw new UsageError('--resend-missing goes with --reconcile');
  if (flags.reconcile && client && journal) {
    if (flags.tag === undefined) throw new UsageError("--reconcile needs the campaign's --tag");
    const unknown = valid.filter((r) => stateOf(r.row).state === 'unknown');
    if (unknown.length > 0) {
      // Numbers are unique within a campaign (duplicates are invalid rows), so number → row.
      const listed = new Map(
        (await client.getStatusesByTag(flags.tag)).map((s) => [s.phoneNumber, s]),
      );
      let found = 0;
      for (const r of unknown) {
        const status = listed.get(r.to);
        if (status) {
          journal.result(r.row, {
            r: 'found',
            id: status.messageId ?? '',
            status: status.providerStatus,
          });
          found++;
        } else if (flags.resendMissing) {
          journal.result(r.row, {
            r: 'not-sent',
            code: 'reconciled',
            why: `not listed under tag ${flags.tag}`,
          });
        }
      }
      ctx.note(
        `reconciled ${unknown.length} unknown outcome(s) with tag ${flags.tag}: ${found} found (sent), ${unknown.length - found} not listed${flags.resendMissing ? ' (sent again now)' : ' (left unknown; --resend-missing sends them)'}`,
      );
    }
  }
  const todo = valid.filter((r) => stateOf(r.row).state === 'pending');
  const done = valid.length - todo.length;
  const unknownBefore = valid.filter((r) => stateOf(r.row).state === 'unknown');
  const segments = todo.reduce((sum, r) => sum + r.segments, 0);
  const cost = settings.price === undefined ? undefined : segments * settings.price;
  ctx.note(
    `${c.bold(String(todo.length))} to send (${c.bold(`${segments} SMS`)}${cost !== undefined ? ` ≈ ${money(cost, settings.currency)}` : ''}) at ≤ ${flags.rate}/s` +
      (done > 0 ? c.dim(` — ${done} already handled by ${journalPath}`) : ''),
  );
  if (unknownBefore.length > 0) {
    ctx.note(
      c.yellow(
        `${unknownBefore.length} row(s) may have been sent by an earlier run and will NOT be resent (see ${resultsPath}, status "unknown")`,
      ),
    );
  }
  if (flags.dryRun) {
    if (ctx.json)
      ctx.emit({
        dryRun: true,
        toSend: todo.length,
        segments,
        cost: cost === undefined ? undefined : round(cost),
        invalid,
      });
    else ctx.print(c.yellow('dry run: nothing sent, nothing written'));
    return EXIT.ok;
  }
  if (todo.length > 0 && ctx.interactive && !flags.yes) {
    await confirmOrCancel(`Send ${segments} SMS to ${todo.length} recipient(s)?`);
  }
  if (client && flags.redis !== undefined && flags.category) {
    return runRedisCampaign(ctx, {
      redisUrl: flags.redis,
      ...(flags.queuePrefix ? { prefix: flags.queuePrefix } : {}),
      campaignId: `csv-${print.slice(0, 40)}`,
      category: flags.category,
      from: settings.from,
      stopMention: flags.stopMention === true,
      rate: flags.rate,
      client,
      recipients: todo,
    });
  }
  if (!client || !journal) throw new Error('unreachable');

  // First Ctrl-C: finish (and journal) the send in flight, then stop. Second: quit now — the
  // journal already holds the intent, so the in-flight row is listed as unknown next time.
  let stopping = false;
  const onSigint = () => {
    if (stopping) process.exit(EXIT.interrupted);
    stopping = true;
    bar?.stop();
    ctx.note(c.yellow('stopping after the send in flight… (Ctrl-C again to quit now)'));
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);

  const showBar = !ctx.json && process.stderr.isTTY === true && todo.length > 0;
  // cli-progress is CommonJS: its classes hang off the default export.
  const SingleBar = showBar ? (await import('cli-progress')).default.SingleBar : undefined;
  const bar = SingleBar
    ? new SingleBar({
        format: `${c.cyan('{bar}')} {percentage}% | {value}/{total} | sent {sent} refused {refused} unknown {unknown} | ETA {eta_formatted}`,
        barCompleteChar: '█',
        barIncompleteChar: '░',
        hideCursor: true,
        stream: process.stderr,
      })
    : undefined;
  const tally = { sent: 0, refused: 0, unknown: 0 };
  bar?.start(todo.length, 0, tally);

  const interval = 1000 / flags.rate;
  let nextAt = Date.now();
  let consecutiveUnknown = 0;
  let abort: unknown;
  try {
    for (const recipient of todo) {
      if (stopping) break;
      let result: RowResult | undefined;
      for (let attempt = 0; result === undefined; attempt++) {
        const wait = nextAt - Date.now();
        if (wait > 0) await sleep(wait);
        nextAt = Math.max(nextAt + interval, Date.now());
        journal.intent(recipient.row, recipient.to);
        try {
          const sent = await client.send({
            to: recipient.to,
            message: recipient.message,
            from: settings.from,
            ...(flags.tag !== undefined ? { tag: flags.tag } : {}),
            ...(flags.stopMention ? { isStopSms: true } : {}),
          });
          result = {
            r: 'sent',
            id: sent.messageId,
            n: sent.nbSms,
            c: sent.cost,
            cur: sent.currency,
          };
          consecutiveUnknown = 0;
        } catch (error) {
          if (
            error instanceof SmsPartnerApiError &&
            error.code === 429 &&
            attempt < MAX_RATE_LIMIT_RETRIES &&
            !stopping
          ) {
            journal.result(recipient.row, { r: 'not-sent', code: 429, why: error.meaning });
            await sleep(Math.min(30_000, 1000 * 2 ** attempt));
            continue;
          }
          if (error instanceof SmsPartnerApiError && RECIPIENT_CODES.has(error.code)) {
            result = { r: 'refused', code: error.code, why: error.meaning };
          } else if (
            error instanceof SmsPartnerApiError ||
            error instanceof SmsPartnerConnectionError
          ) {
            const c2 = classify(error);
            journal.result(recipient.row, {
              r: 'not-sent',
              code: c2.code ?? c2.kind,
              why: c2.message,
            });
            abort = error;
            break;
          } else if (error instanceof SmsPartnerOutcomeUnknownError) {
            result = { r: 'unknown', why: classify(error).message };
            consecutiveUnknown++;
          } else {
            // Anything else after the intent: we cannot prove it did not go.
            journal.result(recipient.row, { r: 'unknown', why: classify(error).message });
            abort = error;
            break;
          }
        }
      }
      if (abort !== undefined) break;
      if (result === undefined) continue;
      journal.result(recipient.row, result);
      if (result.r === 'sent') tally.sent++;
      else if (result.r === 'refused') tally.refused++;
      else if (result.r === 'unknown') tally.unknown++;
      bar?.increment(1, tally);
      if (consecutiveUnknown >= MAX_CONSECUTIVE_UNKNOWN) {
        abort = new SmsPartnerOutcomeUnknownError(
          `${MAX_CONSECUTIVE_UNKNOWN} sends in a row got no answer: stopped; check the network, then re-run`,
        );
        break;
      }
    }
  } finally {
    bar?.stop();
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    journal.close();
  }

  await writeResults(resultsPath, valid, invalid, stateOf);
  const states = valid.map((r) => ({ r, s: stateOf(r.row) }));
  const count = (state: RowState['state']) => states.filter((x) => x.s.state === state).length;
  const unknownRows = states
    .filter((x) => x.s.state === 'unknown')
    .map((x) => ({ row: x.r.row, to: x.r.to }));
  const summary = {
    rows: valid.length + invalid.length,
    invalid: invalid.length,
    sent: count('sent'),
    sentThisRun: tally.sent,
    refused: count('refused'),
    unknown: unknownRows,
    pending: count('pending'),
    billedSms: states.reduce((sum, x) => sum + (billed(x.s)?.n ?? 0), 0),
    cost: round(states.reduce((sum, x) => sum + (billed(x.s)?.c ?? 0), 0)),
    interrupted: stopping,
    journal: journalPath,
    results: resultsPath,
  };
  const exitCode =
    abort !== undefined
      ? classify(abort).exitCode
      : stopping
        ? EXIT.interrupted
        : unknownRows.length > 0
          ? EXIT.unknownOutcome
          : summary.refused > 0
            ? EXIT.refused
            : EXIT.ok;
  if (ctx.json) {
    ctx.emit({ ...summary, ...(abort !== undefined ? { error: classify(abort) } : {}) });
  } else {
    ctx.print(
      `${c.green(`${summary.sent} sent`)} (${tally.sent} this run), ${summary.refused ? c.red(`${summary.refused} refused`) : '0 refused'}, ${unknownRows.length ? c.yellow(`${unknownRows.length} unknown`) : '0 unknown'}, ${summary.pending} pending, ${summary.invalid} invalid — ${summary.billedSms} SMS billed`,
    );
    if (unknownRows.length > 0) {
      ctx.print(
        c.yellow(
          `may have been sent (never resent; reconcile${flags.tag ? ` with: smspartner status --tag ${flags.tag}` : ' with smspartner status'}):`,
        ),
      );
      for (const u of unknownRows.slice(0, 50)) ctx.print(`  row ${u.row}  ${u.to}`);
      if (unknownRows.length > 50)
        ctx.print(`  … ${unknownRows.length - 50} more in ${resultsPath}`);
    }
    if (stopping)
      ctx.print(
        c.yellow(
          `interrupted: re-run the same command to send the ${summary.pending} pending row(s)`,
        ),
      );
    ctx.print(c.dim(`results: ${resultsPath}   journal: ${journalPath}`));
  }
  if (abort !== undefined && !ctx.json) {
    const classified = classify(abort);
    process.stderr.write(
      `error [${classified.kind}${classified.code !== undefined ? ` ${classified.code}` : ''}] ${classified.message}\n`,
    );
  }
  return exitCode;
}

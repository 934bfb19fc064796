import path from 'node:path';
import { loadXmlSupport, SmsPartnerConfigError } from '@smspartner-kit/core';
import type { Command } from 'commander';
import { EXIT } from '../errors.js';
import type { Context } from '../output.js';

interface DoctorFlags {
  from?: string;
  liveTo?: string;
  publicUrl?: string;
  allowCost?: boolean;
  report?: string;
}

/** runContract's option → how a user of this command sets it (for error messages). */
const SETTING: Record<string, string> = {
  apiKey: '--api-key / SMSPARTNER_API_KEY',
  baseUrl: '--base-url / SMSPARTNER_BASE_URL',
  from: '--from / SMSPARTNER_FROM',
  liveTo: '--live-to / SMSPARTNER_LIVE_TO',
  publicUrl: '--public-url / SMSPARTNER_PUBLIC_URL',
};

export const DOCTOR_SKIPPED =
  'doctor skipped: no API key (set SMSPARTNER_API_KEY, pass --api-key, or put "apiKey" in the config file to check the kit against your SMS Partner account; free calls only unless --allow-cost)';

export function registerDoctor(program: Command, ctxOf: (cmd: Command) => Context): void {
  program
    .command('doctor')
    .summary('check the kit against your SMS Partner account (free calls only by default)')
    .description(
      "Runs the live contract suite of @smspartner-kit/sandbox against the API: each answer must be read by core's parsers, have the emulator's shape, and (for sends) bill what countSegments predicts. Free calls only (sends use sandbox=1) unless --allow-cost and --live-to are both given, which makes ONE real, billed send to that number. Without an API key it says so and exits 0.",
    )
    .option('--from <number>', 'your virtual number (default: SMSPARTNER_FROM or config "from")')
    .option('--live-to <number>', 'your own mobile, for the one real send (SMSPARTNER_LIVE_TO)')
    .option(
      '--public-url <url>',
      'urlDlr/urlResponse of the real send, to capture the receipt (SMSPARTNER_PUBLIC_URL)',
    )
    .option('--allow-cost', 'allow the one real (billed) send to --live-to')
    .option('--report <dir>', 'save report.json and fixtures/ there (redacted), for a bug report')
    .addHelpText(
      'after',
      `
Exit codes: 0 every check passed (or no API key: skipped) · 6 a check failed · 2 bad setting.

Examples:
  $ smspartner doctor
  $ smspartner doctor --report ./smspartner-report      # attach that folder to a bug report
  $ smspartner doctor --live-to 0612345678 --allow-cost --public-url https://my.tunnel/hooks
  $ smspartner doctor --json`,
    )
    .action(async (flags: DoctorFlags, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const settings = ctx.settings(flags.from ? { from: flags.from } : {});
      if (!settings.apiKey) {
        if (ctx.json) ctx.emit({ skipped: true, reason: DOCTOR_SKIPPED });
        else process.stdout.write(`${DOCTOR_SKIPPED}\n`);
        return;
      }
      const env = (name: string) => process.env[name]?.trim() || undefined;
      // loaded on use: the contract suite brings the emulator and an XML parser
      const { formatContractReport, runContract, writeContractReport } = await import(
        '@smspartner-kit/sandbox/contract'
      );
      // core reads XML answers with a runtime require() of fast-xml-parser, which a bundled
      // binary cannot resolve; the awaited import is bundled in.
      await loadXmlSupport();
      ctx.note(`checking ${settings.baseUrl ?? 'https://api.smspartner.fr/v1'}…`);
      let report: Awaited<ReturnType<typeof runContract>>;
      try {
        report = await runContract({
          apiKey: settings.apiKey,
          baseUrl: settings.baseUrl,
          from: settings.from,
          liveTo: flags.liveTo ?? env('SMSPARTNER_LIVE_TO'),
          publicUrl: flags.publicUrl ?? env('SMSPARTNER_PUBLIC_URL'),
          allowCost: flags.allowCost ?? false,
        });
      } catch (error) {
        if (error instanceof SmsPartnerConfigError) {
          const issues = error.issues.map((i) => `${SETTING[i.field] ?? i.field}: ${i.message}`);
          throw new SmsPartnerConfigError(`Invalid doctor setting: ${issues.join('; ')}`, [
            ...error.issues,
          ]);
        }
        throw error;
      }
      const saved = flags.report ? path.resolve(flags.report) : undefined;
      if (saved) await writeContractReport(report, saved);
      if (ctx.json) {
        ctx.emit({ ...report, ...(saved ? { savedTo: saved } : {}) });
      } else {
        for (const line of formatContractReport(report)) ctx.print(colour(ctx, line));
        if (saved) {
          ctx.print(
            `report saved to ${saved} (report.json and fixtures/; API key, tokens and phone numbers redacted): attach it to a bug report`,
          );
        } else if (!report.ok) {
          ctx.print(ctx.c.dim('re-run with --report DIR to save the answers for a bug report'));
        }
      }
      if (!report.ok) process.exitCode = EXIT.contract;
    });
}

function colour(ctx: Context, line: string): string {
  if (line.startsWith('  PASS')) return line.replace('PASS', ctx.c.green('PASS'));
  if (line.startsWith('  FAIL')) return line.replace('FAIL', ctx.c.red('FAIL'));
  if (line.startsWith('  SKIP')) return line.replace('SKIP', ctx.c.dim('SKIP'));
  return line;
}

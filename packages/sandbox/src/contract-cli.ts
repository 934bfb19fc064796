#!/usr/bin/env node
/**
 * `pnpm test:live`: the live contract suite against your SMS Partner account. Free calls only
 * unless SMSPARTNER_LIVE_TO is set and --allow-cost is passed. Exit 0: passed or skipped (no key);
 * 1: a check failed; 2: bad usage.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SmsPartnerConfigError } from '@smspartner-kit/core';
import { formatContractReport, runContract, writeContractReport } from './contract/index.js';
import { createRedactor } from './contract/redact.js';

const USAGE = `Usage: pnpm test:live [--allow-cost] [--report DIR]

Checks the kit against the real SMS Partner API with your key: core's parsers, the emulator's
answer shapes and the billed SMS count. Free calls only (sends use sandbox=1) unless you pass
--allow-cost AND set SMSPARTNER_LIVE_TO, which makes ONE real, billed send to that number.

Environment:
  SMSPARTNER_API_KEY     your API key (required; never printed or saved)
  SMSPARTNER_FROM        your virtual number (the sends need it)
  SMSPARTNER_BASE_URL    default https://api.smspartner.fr/v1
  SMSPARTNER_LIVE_TO     your own mobile number, for the one real send
  SMSPARTNER_PUBLIC_URL  public URL for that send's urlDlr/urlResponse

Options:
  --allow-cost   allow the one real send (needs SMSPARTNER_LIVE_TO)
  --report DIR   where to save report.json and fixtures/ (default ./smspartner-contract-<time>)
  -h, --help     show this help`;

/** runContract's option → the setting a user of this runner gave. */
const SETTINGS: Record<string, string> = {
  apiKey: 'SMSPARTNER_API_KEY',
  baseUrl: 'SMSPARTNER_BASE_URL',
  from: 'SMSPARTNER_FROM',
  liveTo: 'SMSPARTNER_LIVE_TO',
  publicUrl: 'SMSPARTNER_PUBLIC_URL',
};

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let values: { 'allow-cost'?: boolean; report?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        'allow-cost': { type: 'boolean' },
        report: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const apiKey = env.SMSPARTNER_API_KEY?.trim();
  if (!apiKey) {
    process.stdout.write(
      'test:live skipped: SMSPARTNER_API_KEY is not set (set it to check the kit against your SMS Partner account; free calls only unless --allow-cost)\n',
    );
    return 0;
  }
  const redactor = createRedactor({
    apiKey,
    urls: [env.SMSPARTNER_PUBLIC_URL],
    phoneNumbers: [env.SMSPARTNER_LIVE_TO, env.SMSPARTNER_FROM],
  });
  const setting = (name: string) => env[name]?.trim() || undefined;
  let report: Awaited<ReturnType<typeof runContract>>;
  try {
    report = await runContract({
      apiKey,
      baseUrl: setting('SMSPARTNER_BASE_URL'),
      from: setting('SMSPARTNER_FROM'),
      liveTo: setting('SMSPARTNER_LIVE_TO'),
      publicUrl: setting('SMSPARTNER_PUBLIC_URL'),
      allowCost: values['allow-cost'] ?? false,
    });
  } catch (error) {
    if (error instanceof SmsPartnerConfigError) {
      for (const issue of error.issues) {
        const name = SETTINGS[issue.field] ?? issue.field;
        process.stderr.write(`test:live: ${name}: ${redactor.text(issue.message)}\n`);
      }
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`test:live: ${redactor.text(message)}\n`);
    return 1;
  }
  process.stdout.write(`${formatContractReport(report).join('\n')}\n`);
  const stamp = report.startedAt.replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  // pnpm runs the script in the package folder; INIT_CWD is where the user typed the command.
  const dir = path.resolve(
    env.INIT_CWD ?? process.cwd(),
    values.report ?? `smspartner-contract-${stamp}`,
  );
  try {
    await writeContractReport(report, dir);
    process.stdout.write(
      `Report saved to ${dir} (report.json and fixtures/; API key, tokens and phone numbers redacted): attach it to a bug report.\n`,
    );
  } catch (error) {
    process.stderr.write(`test:live: could not save the report: ${(error as Error).message}\n`);
    return 1;
  }
  return report.ok ? 0 : 1;
}

main(process.argv.slice(2), process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `test:live failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);

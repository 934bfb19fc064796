#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { sandboxOptionsSchema } from './schemas.js';
import { startSandbox } from './server.js';
import type { SandboxOptions } from './types.js';

const USAGE = `Usage: smspartner-sandbox [options]

Offline emulator of the SMS Partner API (base URL: http://HOST:PORT/v1).

Options:
  -p, --port N               port to listen on (0 = a free one; default 0)
      --host H               interface (default 127.0.0.1)
      --api-key K            accepted API key (repeatable; default: any non-empty key)
      --dlr-delay MS         delay before the delivery receipt (default 200)
      --price EUR            price of one SMS part (default 0.038)
      --credits N            SMS credits of the account (default 1000000)
      --max-messages N       messages kept for inspection (default 10000)
      --receipt-shape S      json | form | query | vonage (default json)
      --reply-shape S        json | form | query (default json)
      --callback-retries N   retries of a failed callback (default 3)
      --rate-limit N/s       at most N API requests per second; HTTP 429 beyond (default: none)
      --tag-page-size N      statuses per page of bulk-status-by-tag (default 500)
  -q, --quiet                log nothing but the ready line
  -h, --help                 show this help`;

const FLAGS: Record<string, string> = {
  port: '--port',
  host: '--host',
  apiKeys: '--api-key',
  dlrDelayMs: '--dlr-delay',
  price: '--price',
  credits: '--credits',
  maxMessages: '--max-messages',
  receiptShape: '--receipt-shape',
  replyShape: '--reply-shape',
  callbackRetries: '--callback-retries',
  rateLimit: '--rate-limit',
  tagStatusPageSize: '--tag-page-size',
};

class UsageError extends Error {}

function integerFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) {
    throw new UsageError(`${flag} must be a whole number (got ${JSON.stringify(value)})`);
  }
  return Number(value);
}

function decimalFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(value.trim())) {
    throw new UsageError(`${flag} must be a non-negative number (got ${JSON.stringify(value)})`);
  }
  return Number(value);
}

function rateFlag(value: string | undefined): { perSecond: number } | undefined {
  if (value === undefined) return undefined;
  const match = /^\s*(\d+)\s*(?:\/\s*s)?\s*$/.exec(value);
  if (!match) {
    throw new UsageError(`--rate-limit must be N/s, e.g. 200/s (got ${JSON.stringify(value)})`);
  }
  return { perSecond: Number(match[1]) };
}

function parseCli(argv: string[]): { options: SandboxOptions; quiet: boolean } | 'help' {
  let values: ReturnType<typeof parse>['values'];
  function parse() {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        'api-key': { type: 'string', multiple: true },
        'dlr-delay': { type: 'string' },
        price: { type: 'string' },
        credits: { type: 'string' },
        'max-messages': { type: 'string' },
        'receipt-shape': { type: 'string' },
        'reply-shape': { type: 'string' },
        'callback-retries': { type: 'string' },
        'rate-limit': { type: 'string' },
        'tag-page-size': { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  }
  try {
    values = parse().values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help';
  const candidate: Record<string, unknown> = {
    port: integerFlag('--port', values.port),
    host: values.host,
    apiKeys: values['api-key'],
    dlrDelayMs: integerFlag('--dlr-delay', values['dlr-delay']),
    price: decimalFlag('--price', values.price),
    credits: integerFlag('--credits', values.credits),
    maxMessages: integerFlag('--max-messages', values['max-messages']),
    receiptShape: values['receipt-shape'],
    replyShape: values['reply-shape'],
    callbackRetries: integerFlag('--callback-retries', values['callback-retries']),
    rateLimit: rateFlag(values['rate-limit']),
    tagStatusPageSize: integerFlag('--tag-page-size', values['tag-page-size']),
  };
  for (const key of Object.keys(candidate)) if (candidate[key] === undefined) delete candidate[key];
  const checked = sandboxOptionsSchema.safeParse(candidate);
  if (!checked.success) {
    const lines = checked.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      return `${FLAGS[key] ?? key}: ${issue.message}`;
    });
    throw new UsageError(lines.join('\n'));
  }
  return { options: checked.data as SandboxOptions, quiet: values.quiet ?? false };
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseCli>;
  try {
    parsed = parseCli(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`smspartner-sandbox: ${error.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (parsed === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const stamp = () => new Date().toISOString();
  const logger = parsed.quiet
    ? false
    : {
        info: (m: string) => process.stdout.write(`${stamp()} ${m}\n`),
        warn: (m: string) => process.stdout.write(`${stamp()} WARN ${m}\n`),
        error: (m: string) => process.stderr.write(`${stamp()} ERROR ${m}\n`),
      };
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  try {
    sandbox = await startSandbox({ ...parsed.options, logger });
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    process.stderr.write(`smspartner-sandbox: cannot start: ${err.code ?? ''} ${err.message}\n`);
    process.exit(1);
  }
  process.stdout.write(`SMS Partner sandbox listening on ${sandbox.url}\n`);
  process.stdout.write(`API base URL: ${sandbox.baseUrl}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (!parsed.quiet) process.stdout.write(`${stamp()} ${signal}: closing\n`);
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`smspartner-sandbox: ${String(error)}\n`);
  process.exit(1);
});

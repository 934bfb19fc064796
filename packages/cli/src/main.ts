import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import {
  registerCancel,
  registerCredits,
  registerStatus,
  registerStopList,
} from './commands/account.js';
import { registerCampaign } from './commands/campaign.js';
import { registerCount } from './commands/count.js';
import { registerListen } from './commands/listen.js';
import { registerLookup } from './commands/lookup.js';
import { registerSandbox } from './commands/sandbox.js';
import { registerSend } from './commands/send.js';
import type { GlobalFlags } from './config.js';
import { classify, EXIT, formatErrorLine } from './errors.js';
import { type Context, createContext } from './output.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/** Values that must never reach the terminal, whatever an error message contains. */
function secretsIn(argv: string[]): string[] {
  const secrets = [process.env.SMSPARTNER_API_KEY, process.env.SMSPARTNER_WEBHOOK_SECRET];
  argv.forEach((arg, i) => {
    if ((arg === '--api-key' || arg === '--secret') && argv[i + 1]) secrets.push(argv[i + 1]);
    const m = /^--(?:api-key|secret)=(.+)$/.exec(arg);
    if (m) secrets.push(m[1]);
  });
  return secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4);
}

function redactAll(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('***');
  return out;
}

export function buildProgram(): Command {
  const program = new Command('smspartner');
  program
    .description(
      'SMS Partner from the command line: count, send, status, credits, STOP list, CSV campaigns, a local sandbox and a webhook listener.',
    )
    .version(version, '-v, --version')
    .option('--api-key <key>', 'API key (default: SMSPARTNER_API_KEY, then the config file)')
    .option(
      '--base-url <url>',
      'API base URL (default: SMSPARTNER_BASE_URL, then config, then https://api.smspartner.fr/v1)',
    )
    .option('--config <file>', 'config file (JSON; default: ~/.config/smspartner/config.json)')
    .option('--json', 'print one JSON document on stdout (for scripts)')
    .option('--no-color', 'no colours')
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      `
Configuration: flags > environment (SMSPARTNER_API_KEY, SMSPARTNER_BASE_URL, SMSPARTNER_FROM)
> config file {"apiKey", "baseUrl", "from", "price", "currency"}. The API key is never printed.

Examples:
  $ smspartner count "Bonjour Zoé !"
  $ smspartner send --to 0612345678 --message "Votre code : 482913"
  $ smspartner campaign send clients.csv --message "Bonjour {firstname}" --tag noel
  $ smspartner sandbox --port 4010        # then SMSPARTNER_BASE_URL=http://127.0.0.1:4010/v1

Exit codes: 0 ok · 1 internal error · 2 invalid input or configuration · 3 refused by SMS Partner
· 4 outcome unknown (may have been sent) · 5 SMS Partner unreachable · 130 interrupted/cancelled`,
    );
  const ctxOf = (cmd: Command): Context => createContext(cmd.optsWithGlobals<GlobalFlags>());
  registerCount(program, ctxOf);
  registerSend(program, ctxOf);
  registerCredits(program, ctxOf);
  registerStatus(program, ctxOf);
  registerCancel(program, ctxOf);
  registerStopList(program, ctxOf);
  registerLookup(program, ctxOf);
  registerCampaign(program, ctxOf);
  registerSandbox(program, ctxOf);
  registerListen(program, ctxOf);
  return program;
}

/** Runs the CLI; resolves to the exit code. Every failure is one line on stderr, never a stack. */
export async function main(argv: string[]): Promise<number> {
  const secrets = secretsIn(argv);
  const json = argv.includes('--json');
  const program = buildProgram();
  const configure = (cmd: Command) => {
    cmd.exitOverride();
    cmd.configureOutput({
      outputError: (text, write) =>
        write(
          `${redactAll(text.replace(/^error: /, 'error [usage] ').trim(), secrets)} (see --help)\n`,
        ),
    });
    for (const sub of cmd.commands) configure(sub);
  };
  configure(program);
  try {
    await program.parseAsync(argv);
    // A command that finished with a partial failure (campaign) sets process.exitCode itself.
    return typeof process.exitCode === 'number' ? (process.exitCode as number) : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; help shown for a missing subcommand is a usage error.
      if (error.exitCode === 0) return EXIT.ok;
      if (json) {
        const message = redactAll(error.message.replace(/^error: /, ''), secrets);
        const body = { error: { kind: 'usage', message, exitCode: EXIT.validation } };
        process.stdout.write(`${JSON.stringify(body)}\n`);
      }
      return EXIT.validation;
    }
    const classified = classify(error);
    classified.message = redactAll(classified.message, secrets);
    process.stderr.write(`${formatErrorLine(classified)}\n`);
    if (json) {
      const { exitCode, ...rest } = classified;
      process.stdout.write(`${JSON.stringify({ error: { ...rest, exitCode } })}\n`);
    }
    return classified.exitCode;
  }
}

import { countSegments, type SegmentCount } from '@smspartner-kit/core';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { Colors, Context } from '../output.js';
import { readStdin } from '../stdin.js';

export interface CountFlags {
  stopMention?: boolean;
  replacements?: boolean;
}

export function countOf(text: string, flags: CountFlags): SegmentCount {
  return countSegments(text, {
    replacements: flags.replacements === false ? 'none' : 'smspartner',
    isStopSms: flags.stopMention === true,
  });
}

/** The original text with every character the provider replaces shown in yellow. */
function highlightReplaced(text: string, count: SegmentCount, c: Colors): string {
  let out = '';
  let at = 0;
  for (const r of count.replacements) {
    if (r.index >= text.length) break; // the STOP mention, appended after the text
    out += text.slice(at, r.index) + c.yellow(c.underline(text.slice(r.index, r.index + r.length)));
    at = r.index + r.length;
  }
  return out + text.slice(at);
}

/** The billed text with every UCS-2-forcing character in red. */
function highlightNonGsm(count: SegmentCount, c: Colors): string {
  const sent = count.text;
  let out = '';
  let at = 0;
  for (const ch of count.nonGsmCharacters) {
    out += sent.slice(at, ch.index) + c.red(c.bold(ch.char));
    at = ch.index + ch.char.length;
  }
  return out + sent.slice(at);
}

const visible = (text: string) => text.replace(/\n/g, '⏎\n');

export function printCount(ctx: Context, original: string, count: SegmentCount): void {
  const { c } = ctx;
  const label = (s: string) => c.dim(s.padEnd(10));
  ctx.print(
    `${label('encoding')}${count.encoding === 'GSM-7' ? c.green('GSM-7') : c.yellow('UCS-2')}`,
  );
  ctx.print(
    `${label('segments')}${c.bold(String(count.segments))} SMS (${count.unitsPerSegment} ${count.encoding === 'GSM-7' ? 'characters' : 'UTF-16 units'} per SMS${count.segments > 1 ? ' part' : ''})`,
  );
  ctx.print(`${label('units')}${count.units} used, ${count.remaining} left in the last SMS`);
  if (count.replacements.length > 0) {
    const list = count.replacements
      .map((r) => `${JSON.stringify(r.from)}→${JSON.stringify(r.to)}`)
      .join(', ');
    ctx.print(`${label('replaced')}${c.yellow(list)}`);
  }
  if (count.nonGsmCharacters.length > 0) {
    const list = count.nonGsmCharacters
      .map((ch) => `${ch.char} (U+${ch.codePoint.toString(16).toUpperCase().padStart(4, '0')})`)
      .join(', ');
    ctx.print(`${label('UCS-2 by')}${c.red(list)}`);
  }
  if (count.replacements.length > 0) {
    ctx.print(c.dim('your text (replaced characters underlined):'));
    ctx.print(`  ${visible(highlightReplaced(original, count, c)).replace(/\n/g, '\n  ')}`);
  }
  ctx.print(c.dim('as billed:'));
  ctx.print(`  ${visible(highlightNonGsm(count, c)).replace(/\n/g, '\n  ')}`);
}

export function countJson(count: SegmentCount) {
  return {
    encoding: count.encoding,
    segments: count.segments,
    units: count.units,
    unitsPerSegment: count.unitsPerSegment,
    remaining: count.remaining,
    text: count.text,
    parts: count.parts,
    replacements: count.replacements,
    nonGsmCharacters: count.nonGsmCharacters,
  };
}

export function registerCount(program: Command, ctxOf: (cmd: Command) => Context): void {
  program
    .command('count')
    .summary('count the SMS a text is billed as')
    .description(
      "Count the SMS a text is billed as, after SMS Partner's character replacements: encoding, segments, units left, the replaced and UCS-2-forcing characters highlighted, and the text as billed. Reads stdin when no text is given.",
    )
    .argument('[text]', 'the message (omit to read stdin)')
    .option('--stop-mention', 'count the STOP mention appended to commercial SMS')
    .option('--no-replacements', "count the text as is, without SMS Partner's replacements")
    .addHelpText(
      'after',
      `
Examples:
  $ smspartner count "Bonjour Zoé, votre commande est prête"
  $ smspartner count --stop-mention "Soldes -50% ce week-end"
  $ echo "Hello 👋" | smspartner count --json`,
    )
    .action(async (text: string | undefined, flags: CountFlags, cmd: Command) => {
      const ctx = ctxOf(cmd);
      let input = text;
      if (input === undefined) {
        if (process.stdin.isTTY)
          throw new UsageError('no text: pass it as an argument or on stdin');
        input = (await readStdin()).replace(/\r?\n$/, '');
      }
      if (input === '') throw new UsageError('the text is empty');
      const count = countOf(input, flags);
      if (ctx.json) ctx.emit(countJson(count));
      else printCount(ctx, input, count);
    });
}

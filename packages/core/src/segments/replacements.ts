import { CR, EURO, LF } from './alphabet.js';
import type { Replacement } from './types.js';

/**
 * SMS Partner's replacement table (shared API doc §4), applied literally before counting: it even
 * replaces some GSM-7 characters (ä ö ñ ü Ä Ö Ñ Ü § and the extension brackets). Targets are all
 * GSM-7 basic characters, so the text as sent is a fixed point of the table.
 */
const PROVIDER_TABLE: ReadonlyArray<readonly [from: string, to: string]> = [
  ['ą', 'à'],
  ['ÿ', 'y'],
  ['ç', 'Ç'],
  ['ûüµ', 'u'],
  ['ïî', 'i'],
  ['ôöó', 'o'],
  ['ëê', 'e'],
  ['äáâã', 'a'],
  ['œ', 'oe'],
  ['ñ', 'n'],
  ['[{', '('],
  [']}', ')'],
  ['ÄÀÁÂÃ', 'A'],
  ['ÈÊË', 'E'],
  ['Î', 'I'],
  ['ÜÙÚÛ', 'U'],
  ['Ý', 'Y'],
  ['ÖÔ', 'O'],
  ['Ñ', 'N'],
  ['°', '.'],
  // The published targets render as curly quotes; ASCII is the evident intent (UNCONFIRMED).
  ['’`‘“', "'"],
  ['«»', '"'],
  ['^~|\\¨§', ''],
];

/** What a line break (`\r\n`, `\n` or a lone `\r`) is sent as; the provider counts it as 2. */
export const LINE_BREAK_TOKEN = ':br:';
/** What `€` is sent as; the provider counts it as 2 (a GSM-7 escape pair). */
export const EURO_TOKEN = ':euro:';

let targets: Map<number, string> | undefined;

/** What SMS Partner sends instead of each character it changes ('' = removed). */
function providerTargets(): Map<number, string> {
  if (targets) return targets;
  targets = new Map([
    [LF, LINE_BREAK_TOKEN],
    [CR, LINE_BREAK_TOKEN],
    [EURO, EURO_TOKEN],
  ]);
  for (const [fromChars, to] of PROVIDER_TABLE) {
    for (let i = 0; i < fromChars.length; i++) targets.set(fromChars.charCodeAt(i), to);
  }
  return targets;
}

/**
 * Applies SMS Partner's replacements: the provider table, every line break (`\r\n` as ONE break,
 * lone `\n`, lone `\r`) → `:br:`, `€` → `:euro:`. Returns the text as sent and what changed where
 * (`index`/`length` in the original text). Literal `:br:` / `:euro:` already in the text are left
 * as they are (nothing changes) but the provider reads them as tokens too.
 */
export function applySmsPartnerReplacements(text: string): {
  text: string;
  replacements: Replacement[];
} {
  if (typeof text !== 'string') {
    throw new TypeError('applySmsPartnerReplacements: text must be a string');
  }
  const map = providerTargets();
  const replacements: Replacement[] = [];
  let sent = '';
  let copiedUpTo = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const to = map.get(code);
    if (to === undefined) continue;
    const length = code === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
    sent += text.slice(copiedUpTo, i) + to;
    replacements.push({ index: i, length, from: text.slice(i, i + length), to });
    i += length - 1;
    copiedUpTo = i + 1;
  }
  if (replacements.length === 0) return { text, replacements };
  return { text: sent + text.slice(copiedUpTo), replacements };
}

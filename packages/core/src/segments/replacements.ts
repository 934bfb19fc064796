import { COLON, CR, EURO, gsmClassTable, LF, REPLACED_BY_NOTHING, SPECIAL } from './alphabet.js';
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
let smsPartnerClasses: Uint8Array | undefined;

/** Target of each character of the provider table ('' = removed). */
export function providerTargets(): Map<number, string> {
  if (targets) return targets;
  const map = new Map<number, string>();
  for (const [fromChars, to] of PROVIDER_TABLE) {
    for (let i = 0; i < fromChars.length; i++) map.set(fromChars.charCodeAt(i), to);
  }
  targets = map;
  return map;
}

/** GSM classes with every character SMS Partner changes, and `:`, marked SPECIAL or REPLACED_*. */
export function smsPartnerClassTable(): Uint8Array {
  if (smsPartnerClasses) return smsPartnerClasses;
  const table = gsmClassTable().slice();
  for (const [code, to] of providerTargets()) table[code] = REPLACED_BY_NOTHING + to.length;
  table[LF] = SPECIAL;
  table[CR] = SPECIAL;
  table[EURO] = SPECIAL;
  table[COLON] = SPECIAL;
  smsPartnerClasses = table;
  return table;
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
  const table = smsPartnerClassTable();
  const map = providerTargets();
  const replacements: Replacement[] = [];
  let sent = '';
  let copiedUpTo = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (table[code]! < SPECIAL || code === COLON) continue;
    let length = 1;
    let to: string;
    if (code === LF) {
      to = LINE_BREAK_TOKEN;
    } else if (code === CR) {
      to = LINE_BREAK_TOKEN;
      if (text.charCodeAt(i + 1) === LF) length = 2;
    } else if (code === EURO) {
      to = EURO_TOKEN;
    } else {
      to = map.get(code) ?? '';
    }
    sent += text.slice(copiedUpTo, i) + to;
    replacements.push({ index: i, length, from: text.slice(i, i + length), to });
    i += length - 1;
    copiedUpTo = i + 1;
  }
  if (replacements.length === 0) return { text, replacements };
  return { text: sent + text.slice(copiedUpTo), replacements };
}

/**
 * GSM 03.38 default alphabet and extension table (3GPP TS 23.038 §6.2.1), and the per-UTF-16-unit
 * class tables the counting passes read. Tables are built on first use so importing core stays cheap.
 */

/** The 127 printable characters of the basic table, in code order 0x00–0x7F (ESC 0x1B left out). */
export const GSM_BASIC_CHARACTERS =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** Extension table: each costs ESC + the character = 2 septets. Form feed (0x0A) is one of them. */
export const GSM_EXTENSION_CHARACTERS = '\f^{}\\[~]|€';

/** GSM basic: 1 septet, 1 UCS-2 unit. */
export const PLAIN = 0;
/** GSM extension: 2 septets (escape pair, never split), 1 UCS-2 unit. */
export const EXTENSION = 1;
/** Outside GSM-7 (BMP, not a surrogate): forces UCS-2, 1 unit. */
export const NON_GSM = 2;
/** High surrogate: with a following low surrogate, an atomic pair of 2 units. Alone: 1 unit. */
export const HIGH_SURROGATE = 3;
/** Low surrogate (alone: 1 unit). */
export const LOW_SURROGATE = 4;
/** Line break, `€` (sent as tokens) or `:` (may start a token): handled one by one. */
export const SPECIAL = 5;
/**
 * Provider table characters, by the length of what they become (0, 1 or 2 plain GSM characters):
 * `kind - REPLACED_BY_ONE` is the change in units, so the passes need no lookup.
 */
export const REPLACED_BY_NOTHING = 6;
export const REPLACED_BY_ONE = 7;
export const REPLACED_BY_TWO = 8;

export const LF = 0x0a;
export const CR = 0x0d;
export const COLON = 0x3a;
export const EURO = 0x20ac;

let gsmClasses: Uint8Array | undefined;

/** Class of every UTF-16 unit under plain GSM 03.38 rules (no provider replacements). */
export function gsmClassTable(): Uint8Array {
  if (gsmClasses) return gsmClasses;
  const table = new Uint8Array(0x10000).fill(NON_GSM);
  for (let i = 0; i < GSM_BASIC_CHARACTERS.length; i++) {
    table[GSM_BASIC_CHARACTERS.charCodeAt(i)] = PLAIN;
  }
  for (let i = 0; i < GSM_EXTENSION_CHARACTERS.length; i++) {
    table[GSM_EXTENSION_CHARACTERS.charCodeAt(i)] = EXTENSION;
  }
  table.fill(HIGH_SURROGATE, 0xd800, 0xdc00);
  table.fill(LOW_SURROGATE, 0xdc00, 0xe000);
  gsmClasses = table;
  return table;
}

/** True when the UTF-16 unit is in the GSM 03.38 basic or extension table. */
export function isGsmUnit(code: number): boolean {
  const kind = gsmClassTable()[code];
  return kind === PLAIN || kind === EXTENSION;
}

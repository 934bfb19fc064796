/**
 * GSM 03.38 default alphabet and extension table (3GPP TS 23.038 §6.2.1), and the per-UTF-16-unit
 * class table the counting reads. Tables are built on first use so importing core stays cheap.
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
/** Outside GSM-7: forces UCS-2. */
export const NON_GSM = 2;

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
  gsmClasses = table;
  return table;
}

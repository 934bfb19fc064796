import { COLON, EXTENSION, gsmClassTable } from './alphabet.js';
import { EURO_TOKEN, LINE_BREAK_TOKEN } from './replacements.js';

export const GSM_PART = 153;
export const UCS_PART = 67;
/** Code units read past a cut so the segmenter sees what follows it (GB9/GB11 need one). */
const LOOKAHEAD = 16;

let segmenter: Intl.Segmenter | null | undefined;

function graphemeSegmenter(): Intl.Segmenter | null {
  if (segmenter === undefined) {
    segmenter =
      typeof Intl !== 'undefined' && typeof Intl.Segmenter === 'function'
        ? new Intl.Segmenter(undefined, { granularity: 'grapheme' })
        : null;
  }
  return segmenter;
}

/**
 * The item at `i` (atomic: never split), packed as `length * 4 + cost` so the loop allocates
 * nothing: length in code units (1, 2, 4 or 6), cost in units (1 or 2).
 */
function itemAt(sent: string, i: number, gsm: boolean, tokens: boolean, table: Uint8Array): number {
  const code = sent.charCodeAt(i);
  if (tokens && code === COLON) {
    if (sent.startsWith(LINE_BREAK_TOKEN, i)) return LINE_BREAK_TOKEN.length * 4 + 2;
    if (sent.startsWith(EURO_TOKEN, i)) return EURO_TOKEN.length * 4 + 2;
    return 4 + 1;
  }
  if (gsm) return table[code] === EXTENSION ? 4 + 2 : 4 + 1;
  if (code >= 0xd800 && code <= 0xdbff) {
    const next = sent.charCodeAt(i + 1);
    if (next >= 0xdc00 && next <= 0xdfff) return 2 * 4 + 2;
  }
  return 4 + 1;
}

/** Septets (GSM-7) or UTF-16 units (UCS-2) of the text as sent. */
export function unitsOf(sent: string, gsm: boolean, tokens: boolean): number {
  const table = gsmClassTable();
  let units = 0;
  for (let i = 0; i < sent.length; ) {
    const item = itemAt(sent, i, gsm, tokens, table);
    units += item & 3;
    i += item >> 2;
  }
  return units;
}

/**
 * Moves a cut back to the start of the grapheme cluster it falls in. Only the current part (plus a
 * few units after the cut) is given to Intl.Segmenter, which is quadratic on long strings in
 * Node 20. Keeps the cut when the cluster began at or before the part start (longer than a part).
 */
function graphemeCut(
  sent: string,
  partStart: number,
  cut: number,
  itemStarts: Set<number>,
): number {
  const segments = graphemeSegmenter();
  if (!segments) return cut;
  const window = sent.slice(partStart, Math.min(sent.length, cut + LOOKAHEAD));
  const boundaries: number[] = [];
  for (const { index } of segments.segment(window)) {
    const boundary = partStart + index;
    if (boundary > cut) break;
    boundaries.push(boundary);
  }
  if (boundaries[boundaries.length - 1] === cut) return cut;
  for (let k = boundaries.length - 1; k >= 0; k--) {
    const boundary = boundaries[k]!;
    if (boundary <= partStart) break;
    if (itemStarts.has(boundary)) return boundary;
  }
  return cut;
}

/**
 * Splits the text as sent into parts of at most 153 septets / 67 units, never splitting an escape
 * pair, a surrogate pair or a `:br:` / `:euro:` token, nor (with `graphemeSafe`) a grapheme cluster
 * that fits in a part. Call only for texts that need more than one SMS.
 */
export function splitIntoParts(
  sent: string,
  gsm: boolean,
  tokens: boolean,
  graphemeSafe: boolean,
): { parts: string[]; lastPartUnits: number } {
  const table = gsmClassTable();
  const limit = gsm ? GSM_PART : UCS_PART;
  const parts: string[] = [];
  const itemStarts = new Set<number>();
  let partStart = 0;
  let fill = 0;
  let i = 0;
  while (i < sent.length) {
    const item = itemAt(sent, i, gsm, tokens, table);
    const cost = item & 3;
    if (fill + cost > limit) {
      const cut = graphemeSafe ? graphemeCut(sent, partStart, i, itemStarts) : i;
      parts.push(sent.slice(partStart, cut));
      itemStarts.clear();
      partStart = cut;
      fill = 0;
      i = cut;
      continue;
    }
    if (graphemeSafe) itemStarts.add(i);
    fill += cost;
    i += item >> 2;
  }
  if (partStart < sent.length) parts.push(sent.slice(partStart));
  return { parts, lastPartUnits: fill };
}

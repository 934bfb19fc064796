import {
  COLON,
  CR,
  EXTENSION,
  gsmClassTable,
  HIGH_SURROGATE,
  LF,
  LOW_SURROGATE,
  NON_GSM,
  PLAIN,
  REPLACED_BY_NOTHING,
  REPLACED_BY_ONE,
  SPECIAL,
} from './alphabet.js';
import {
  applySmsPartnerReplacements,
  EURO_TOKEN,
  LINE_BREAK_TOKEN,
  smsPartnerClassTable,
} from './replacements.js';
import { splitIntoParts } from './split.js';
import { STOP_SMS_MENTION } from './stop-mention.js';
import type {
  CountSegmentsOptions,
  Encoding,
  NonGsmCharacter,
  Replacement,
  SegmentCount,
} from './types.js';

export const GSM_SINGLE = 160;
export const GSM_PART = 153;
export const UCS_SINGLE = 70;
export const UCS_PART = 67;

const DONE = 0;
const NOT_GSM = 1;
/** A `:` whose token status depends on replaced characters: count the text as sent instead. */
const AMBIGUOUS = 2;

// Results of the last pass. Module variables, so the hot path allocates nothing.
let passUnits = 0;
let passSegments = 0;
let passRemaining = 0;
let passChanged = false;

/**
 * Length in the original text of a literal token (`:br:` → 4, `:euro:` → 6) starting at `i`, 0 when
 * there is none, -1 when a character the provider changes sits where the token would be (the text
 * as sent decides then).
 */
function literalTokenAt(text: string, i: number, table: Uint8Array): number {
  let br = true;
  let euro = true;
  for (let j = 1; j < 6; j++) {
    const code = text.charCodeAt(i + j);
    if (code !== COLON && table[code]! >= SPECIAL) return -1;
    if (br) {
      if (code !== LINE_BREAK_TOKEN.charCodeAt(j)) br = false;
      else if (j === 3) return 4;
    }
    if (euro) {
      if (code !== EURO_TOKEN.charCodeAt(j)) euro = false;
      else if (j === 5) return 6;
    }
    if (!br && !euro) return 0;
  }
  return 0;
}

/** Sets the pass results from the total units and the part simulation of atomic items. */
function finish(units: number, boundary: number, parts: number, single: number, part: number) {
  passUnits = units;
  if (units <= single) {
    passSegments = units === 0 ? 0 : 1;
    passRemaining = single - units;
    return;
  }
  let end = boundary;
  let count = parts;
  while (units > end) {
    end += part;
    count++;
  }
  passSegments = count;
  passRemaining = end - units;
}

/**
 * GSM-7 pass. Plain characters only move the unit position (units = index + delta); the parts are
 * simulated only at atomic 2-unit items (escape pairs, tokens), which is all that can move a cut.
 */
function gsmPass(text: string, table: Uint8Array): number {
  const n = text.length;
  let delta = 0;
  let boundary = GSM_PART;
  let parts = 1;
  let changed = false;
  for (let i = 0; i < n; i++) {
    // Tight scan over plain characters: the common case, kept free of anything else.
    while (i < n && table[text.charCodeAt(i)] === PLAIN) i++;
    if (i === n) break;
    const kind = table[text.charCodeAt(i)]!;
    if (kind >= REPLACED_BY_NOTHING) {
      // Provider table: 0, 1 or 2 plain GSM characters, none atomic.
      changed = true;
      delta += kind - REPLACED_BY_ONE;
      continue;
    }
    let length = 1;
    if (kind === SPECIAL) {
      const code = text.charCodeAt(i);
      if (code === COLON) {
        length = literalTokenAt(text, i, table);
        if (length < 0) return AMBIGUOUS;
        if (length === 0) continue;
      } else if (code === CR) {
        changed = true;
        if (text.charCodeAt(i + 1) === LF) length = 2;
      } else {
        changed = true; // LF or €
      }
    } else if (kind !== EXTENSION) {
      return NOT_GSM;
    }
    // An atomic 2-septet item starting at unit `unit`.
    const unit = i + delta;
    while (unit >= boundary) {
      boundary += GSM_PART;
      parts++;
    }
    if (unit + 2 > boundary) {
      boundary = unit + GSM_PART;
      parts++;
    }
    delta += 2 - length;
    i += length - 1;
  }
  passChanged = changed;
  finish(n + delta, boundary, parts, GSM_SINGLE, GSM_PART);
  return DONE;
}

/** UCS-2 pass: the same simulation, with surrogate pairs and tokens as the atomic items. */
function ucsPass(text: string, table: Uint8Array): number {
  const n = text.length;
  let delta = 0;
  let boundary = UCS_PART;
  let parts = 1;
  let changed = false;
  for (let i = 0; i < n; i++) {
    while (i < n && table[text.charCodeAt(i)]! <= NON_GSM) i++;
    if (i === n) break;
    const kind = table[text.charCodeAt(i)]!;
    let length = 2;
    if (kind === HIGH_SURROGATE) {
      const next = text.charCodeAt(i + 1); // NaN at the end of the text: not a low surrogate
      if (!(next >= 0xdc00 && next <= 0xdfff)) continue; // lone high surrogate: 1 unit
    } else if (kind === LOW_SURROGATE) {
      continue; // lone low surrogate: 1 unit
    } else if (kind >= REPLACED_BY_NOTHING) {
      changed = true;
      delta += kind - REPLACED_BY_ONE;
      continue;
    } else {
      const code = text.charCodeAt(i);
      length = 1;
      if (code === COLON) {
        length = literalTokenAt(text, i, table);
        if (length < 0) return AMBIGUOUS;
        if (length === 0) continue;
      } else if (code === CR) {
        changed = true;
        if (text.charCodeAt(i + 1) === LF) length = 2;
      } else {
        changed = true; // LF or €
      }
    }
    const unit = i + delta;
    while (unit >= boundary) {
      boundary += UCS_PART;
      parts++;
    }
    if (unit + 2 > boundary) {
      boundary = unit + UCS_PART;
      parts++;
    }
    delta += 2 - length;
    i += length - 1;
  }
  passChanged = changed;
  finish(n + delta, boundary, parts, UCS_SINGLE, UCS_PART);
  return DONE;
}

/** Every character of `sent` outside GSM 03.38 (surrogate pairs as one character). */
export function findNonGsmCharacters(sent: string): NonGsmCharacter[] {
  const table = gsmClassTable();
  const found: NonGsmCharacter[] = [];
  for (let i = 0; i < sent.length; i++) {
    const kind = table[sent.charCodeAt(i)]!;
    if (kind <= EXTENSION) continue;
    const codePoint = sent.codePointAt(i)!;
    const char = String.fromCodePoint(codePoint);
    found.push({ index: i, char, codePoint });
    i += char.length - 1;
  }
  return found;
}

function describe(found: NonGsmCharacter[]): string {
  const shown = found.slice(0, 10).map((c) => {
    const hex = c.codePoint.toString(16).toUpperCase().padStart(4, '0');
    return `${JSON.stringify(c.char)} (U+${hex}) at index ${c.index}`;
  });
  const more = found.length > 10 ? ` and ${found.length - 10} more` : '';
  return shown.join(', ') + more;
}

const OPTION_KEYS = new Set(['replacements', 'encoding', 'graphemeSafe', 'isStopSms']);

// Options of the current call, in module variables: no allocation when none are given.
let optSmsPartner = true;
let optEncoding: 'auto' | Encoding = 'auto';
let optGraphemeSafe = false;
let optStopSms = false;

function readOptions(options: CountSegmentsOptions | undefined): void {
  optSmsPartner = true;
  optEncoding = 'auto';
  optGraphemeSafe = false;
  optStopSms = false;
  if (options === undefined) return;
  if (options === null || typeof options !== 'object') {
    throw new TypeError('countSegments: options must be an object');
  }
  for (const key in options) {
    if (!OPTION_KEYS.has(key)) {
      throw new TypeError(
        `countSegments: unknown option ${JSON.stringify(key)} (expected replacements, encoding, graphemeSafe, isStopSms)`,
      );
    }
  }
  const { replacements, encoding, graphemeSafe, isStopSms } = options;
  if (replacements !== undefined && replacements !== 'smspartner' && replacements !== 'none') {
    throw new RangeError(
      `countSegments: options.replacements must be 'smspartner' or 'none' (got ${JSON.stringify(replacements)})`,
    );
  }
  if (
    encoding !== undefined &&
    encoding !== 'auto' &&
    encoding !== 'GSM-7' &&
    encoding !== 'UCS-2'
  ) {
    throw new RangeError(
      `countSegments: options.encoding must be 'auto', 'GSM-7' or 'UCS-2' (got ${JSON.stringify(encoding)})`,
    );
  }
  if (graphemeSafe !== undefined && typeof graphemeSafe !== 'boolean') {
    throw new TypeError('countSegments: options.graphemeSafe must be a boolean');
  }
  if (isStopSms !== undefined && typeof isStopSms !== 'boolean') {
    throw new TypeError('countSegments: options.isStopSms must be a boolean');
  }
  optSmsPartner = replacements !== 'none';
  optEncoding = encoding ?? 'auto';
  optGraphemeSafe = graphemeSafe ?? false;
  optStopSms = isStopSms ?? false;
}

/**
 * Counts the SMS a text is billed as (3GPP TS 23.038 / 23.040), after SMS Partner's replacements
 * by default. Linear time; `parts`, `text`, `replacements` and `nonGsmCharacters` are computed on
 * first read. Forcing `encoding: 'GSM-7'` on a text with characters outside GSM 03.38 throws a
 * RangeError naming them (with a `nonGsmCharacters` property). With `isStopSms`, the text counted
 * (and shown in `text` / `parts`) is the message followed by `STOP_SMS_MENTION`.
 */
export function countSegments(text: string, options?: CountSegmentsOptions): SegmentCount {
  if (typeof text !== 'string') throw new TypeError('countSegments: text must be a string');
  readOptions(options);
  if (optStopSms) text += STOP_SMS_MENTION;
  const smsPartner = optSmsPartner;
  const wanted = optEncoding;
  const graphemeSafe = optGraphemeSafe;
  const table = smsPartner ? smsPartnerClassTable() : gsmClassTable();
  let applied: { text: string; replacements: Replacement[] } | undefined;
  let source = text;
  let encoding: Encoding = 'UCS-2';
  if (wanted !== 'UCS-2') {
    let outcome = gsmPass(source, table);
    if (outcome === AMBIGUOUS) {
      applied = applySmsPartnerReplacements(text);
      source = applied.text;
      outcome = gsmPass(source, table);
    }
    if (outcome === DONE) {
      encoding = 'GSM-7';
    } else if (wanted === 'GSM-7') {
      // Indices in the text as sent, like SegmentCount.nonGsmCharacters.
      const sent = smsPartner ? (applied ?? applySmsPartnerReplacements(text)).text : text;
      const found = findNonGsmCharacters(sent);
      const error = new RangeError(
        `countSegments: the text cannot be sent as GSM-7; ${found.length} character(s) are outside GSM 03.38: ${describe(found)}`,
      );
      throw Object.assign(error, { nonGsmCharacters: found });
    }
  }
  if (encoding === 'UCS-2' && ucsPass(source, table) === AMBIGUOUS) {
    applied = applySmsPartnerReplacements(text);
    source = applied.text;
    ucsPass(source, table);
  }
  const changed = applied ? applied.replacements.length > 0 : passChanged;
  return new SegmentCountResult(
    text,
    smsPartner,
    changed,
    applied,
    encoding,
    passUnits,
    passSegments,
    passRemaining,
    graphemeSafe,
  );
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * The result: plain fields computed by the counting pass, and `text`, `replacements`, `parts`,
 * `nonGsmCharacters` as getters computed on first read (so a caller that only wants the count
 * pays for nothing else). `toJSON` and Node's inspect show every field.
 */
class SegmentCountResult implements SegmentCount {
  readonly encoding: Encoding;
  readonly segments: number;
  readonly units: number;
  readonly unitsPerSegment: number;
  readonly remaining: number;
  #original: string;
  #smsPartner: boolean;
  #changed: boolean;
  #graphemeSafe: boolean;
  #applied: { text: string; replacements: Replacement[] } | undefined;
  #parts: string[] | undefined;
  #nonGsm: NonGsmCharacter[] | undefined;

  constructor(
    original: string,
    smsPartner: boolean,
    changed: boolean,
    applied: { text: string; replacements: Replacement[] } | undefined,
    encoding: Encoding,
    units: number,
    segments: number,
    remaining: number,
    graphemeSafe: boolean,
  ) {
    this.#original = original;
    this.#smsPartner = smsPartner;
    this.#changed = changed;
    this.#graphemeSafe = graphemeSafe;
    this.#applied = applied;
    this.#parts = undefined;
    this.#nonGsm = undefined;
    const gsm = encoding === 'GSM-7';
    if (graphemeSafe && segments > 1) {
      const split = splitIntoParts(this.text, gsm, smsPartner, true);
      this.#parts = split.parts;
      segments = split.parts.length;
      remaining = (gsm ? GSM_PART : UCS_PART) - split.lastPartUnits;
    }
    this.encoding = encoding;
    this.segments = segments;
    this.units = units;
    this.unitsPerSegment = gsm
      ? segments > 1
        ? GSM_PART
        : GSM_SINGLE
      : segments > 1
        ? UCS_PART
        : UCS_SINGLE;
    this.remaining = remaining;
  }

  #replaced(): { text: string; replacements: Replacement[] } {
    this.#applied ??= this.#changed
      ? applySmsPartnerReplacements(this.#original)
      : { text: this.#original, replacements: [] };
    return this.#applied;
  }

  get text(): string {
    return this.#changed ? this.#replaced().text : this.#original;
  }

  get replacements(): Replacement[] {
    return this.#replaced().replacements;
  }

  get parts(): string[] {
    if (this.#parts === undefined) {
      const sent = this.text;
      this.#parts =
        this.segments <= 1
          ? sent === ''
            ? []
            : [sent]
          : splitIntoParts(sent, this.encoding === 'GSM-7', this.#smsPartner, this.#graphemeSafe)
              .parts;
    }
    return this.#parts;
  }

  get nonGsmCharacters(): NonGsmCharacter[] {
    this.#nonGsm ??= this.encoding === 'GSM-7' ? [] : findNonGsmCharacters(this.text);
    return this.#nonGsm;
  }

  toJSON(): SegmentCount {
    return {
      encoding: this.encoding,
      segments: this.segments,
      units: this.units,
      unitsPerSegment: this.unitsPerSegment,
      remaining: this.remaining,
      parts: this.parts,
      text: this.text,
      replacements: this.replacements,
      nonGsmCharacters: this.nonGsmCharacters,
    };
  }

  [INSPECT](): SegmentCount {
    return this.toJSON();
  }
}

import {
  COLON,
  CR,
  EXTENSION,
  gsmClassTable,
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

/** What one counting pass found. */
interface Pass {
  units: number;
  segments: number;
  remaining: number;
  /** Whether the provider's replacements change the text. */
  changed: boolean;
}

/** The text has a character outside GSM-7 (GSM pass only). */
const NOT_GSM = 1;
/** A `:` whose token status depends on replaced characters: count the text as sent instead. */
const AMBIGUOUS = 2;

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

/**
 * One pass in GSM-7 septets or UCS-2 units. Ordinary characters only move the unit position
 * (units = index + delta); the parts are simulated only at atomic 2-unit items (escape pairs,
 * surrogate pairs, tokens), which is all that can move a cut.
 */
function countPass(text: string, table: Uint8Array, gsm: boolean): Pass | number {
  const single = gsm ? GSM_SINGLE : UCS_SINGLE;
  const part = gsm ? GSM_PART : UCS_PART;
  // One unit each: GSM basic characters; in UCS-2, every other BMP character too.
  const ordinary = gsm ? PLAIN : NON_GSM;
  const n = text.length;
  let delta = 0;
  let boundary = part;
  let parts = 1;
  let changed = false;
  for (let i = 0; i < n; i++) {
    const kind = table[text.charCodeAt(i)]!;
    if (kind <= ordinary) continue;
    if (kind >= REPLACED_BY_NOTHING) {
      // Provider table: 0, 1 or 2 plain GSM characters, none atomic.
      changed = true;
      delta += kind - REPLACED_BY_ONE;
      continue;
    }
    // An atomic 2-unit item, `length` code units long in the text.
    let length = 1;
    if (kind === SPECIAL) {
      const code = text.charCodeAt(i);
      if (code === COLON) {
        length = literalTokenAt(text, i, table);
        if (length < 0) return AMBIGUOUS;
        if (length === 0) continue;
      } else {
        changed = true; // a line break or €
        if (code === CR && text.charCodeAt(i + 1) === LF) length = 2;
      }
    } else if (gsm) {
      if (kind !== EXTENSION) return NOT_GSM;
    } else {
      const next = text.charCodeAt(i + 1); // NaN at the end of the text: not a low surrogate
      // A lone surrogate is one unit.
      if (kind === LOW_SURROGATE || !(next >= 0xdc00 && next <= 0xdfff)) continue;
      length = 2;
    }
    const unit = i + delta;
    while (unit >= boundary) {
      boundary += part;
      parts++;
    }
    if (unit + 2 > boundary) {
      boundary = unit + part;
      parts++;
    }
    delta += 2 - length;
    i += length - 1;
  }
  const units = n + delta;
  if (units <= single) {
    return { units, segments: units === 0 ? 0 : 1, remaining: single - units, changed };
  }
  while (units > boundary) {
    boundary += part;
    parts++;
  }
  return { units, segments: parts, remaining: boundary - units, changed };
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

function checkOptions(options: CountSegmentsOptions | undefined): CountSegmentsOptions {
  if (options === undefined) return {};
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
  for (const name of ['graphemeSafe', 'isStopSms'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'boolean') {
      throw new TypeError(`countSegments: options.${name} must be a boolean`);
    }
  }
  return options;
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
  const { replacements, encoding: wanted, graphemeSafe = false, isStopSms } = checkOptions(options);
  if (isStopSms) text += STOP_SMS_MENTION;
  const smsPartner = replacements !== 'none';
  const table = smsPartner ? smsPartnerClassTable() : gsmClassTable();
  let applied: Applied | undefined;
  // A pass over the text as sent, when the original leaves a token ambiguous.
  const count = (gsm: boolean) => {
    const outcome = countPass(text, table, gsm);
    if (outcome !== AMBIGUOUS) return outcome;
    applied ??= applySmsPartnerReplacements(text);
    return countPass(applied.text, table, gsm);
  };
  let pass = wanted === 'UCS-2' ? NOT_GSM : count(true);
  const encoding: Encoding = typeof pass === 'number' ? 'UCS-2' : 'GSM-7';
  if (typeof pass === 'number' && wanted === 'GSM-7') {
    // Indices in the text as sent, like SegmentCount.nonGsmCharacters.
    const sent = smsPartner ? (applied ?? applySmsPartnerReplacements(text)).text : text;
    const found = findNonGsmCharacters(sent);
    const error = new RangeError(
      `countSegments: the text cannot be sent as GSM-7; ${found.length} character(s) are outside GSM 03.38: ${describe(found)}`,
    );
    throw Object.assign(error, { nonGsmCharacters: found });
  }
  if (typeof pass === 'number') pass = count(false) as Pass;
  if (applied) pass.changed = applied.replacements.length > 0;
  return new SegmentCountResult(text, smsPartner, applied, encoding, pass, graphemeSafe);
}

type Applied = { text: string; replacements: Replacement[] };

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
  #applied: Applied | undefined;
  #parts: string[] | undefined;
  #nonGsm: NonGsmCharacter[] | undefined;

  constructor(
    original: string,
    smsPartner: boolean,
    applied: Applied | undefined,
    encoding: Encoding,
    pass: Pass,
    graphemeSafe: boolean,
  ) {
    this.#original = original;
    this.#smsPartner = smsPartner;
    this.#changed = pass.changed;
    this.#graphemeSafe = graphemeSafe;
    this.#applied = applied;
    let { segments, remaining } = pass;
    const gsm = encoding === 'GSM-7';
    const part = gsm ? GSM_PART : UCS_PART;
    if (graphemeSafe && segments > 1) {
      const split = splitIntoParts(this.text, gsm, smsPartner, true);
      this.#parts = split.parts;
      segments = split.parts.length;
      remaining = part - split.lastPartUnits;
    }
    this.encoding = encoding;
    this.segments = segments;
    this.units = pass.units;
    this.unitsPerSegment = segments > 1 ? part : gsm ? GSM_SINGLE : UCS_SINGLE;
    this.remaining = remaining;
  }

  #replaced(): Applied {
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

import { EXTENSION, gsmClassTable } from './alphabet.js';
import { applySmsPartnerReplacements } from './replacements.js';
import { GSM_PART, splitIntoParts, UCS_PART, unitsOf } from './split.js';
import { STOP_SMS_MENTION } from './stop-mention.js';
import type {
  CountSegmentsOptions,
  Encoding,
  NonGsmCharacter,
  Replacement,
  SegmentCount,
} from './types.js';

const GSM_SINGLE = 160;
const UCS_SINGLE = 70;

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

/** The allowed values of each option. */
const OPTION_VALUES: Record<string, readonly unknown[]> = {
  replacements: ['smspartner', 'none'],
  encoding: ['auto', 'GSM-7', 'UCS-2'],
  graphemeSafe: [true, false],
  isStopSms: [true, false],
};

function checkOptions(options: CountSegmentsOptions | undefined): CountSegmentsOptions {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object') {
    throw new TypeError('countSegments: options must be an object');
  }
  for (const key in options) {
    const allowed = Object.hasOwn(OPTION_VALUES, key) ? OPTION_VALUES[key] : undefined;
    if (!allowed) {
      throw new TypeError(
        `countSegments: unknown option ${JSON.stringify(key)} (expected ${Object.keys(OPTION_VALUES).join(', ')})`,
      );
    }
    const value = options[key as keyof CountSegmentsOptions];
    if (value === undefined || allowed.includes(value)) continue;
    if (typeof allowed[0] === 'boolean') {
      throw new TypeError(`countSegments: options.${key} must be a boolean`);
    }
    const quoted = allowed.map((item) => `'${item}'`);
    throw new RangeError(
      `countSegments: options.${key} must be ${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)} (got ${JSON.stringify(value)})`,
    );
  }
  return options;
}

/**
 * Counts the SMS a text is billed as (3GPP TS 23.038 / 23.040), after SMS Partner's replacements
 * by default, counted on the text as sent. Linear time. Forcing `encoding: 'GSM-7'` on a text with characters outside GSM 03.38 throws a
 * RangeError naming them (with a `nonGsmCharacters` property). With `isStopSms`, the text counted
 * (and shown in `text` / `parts`) is the message followed by `STOP_SMS_MENTION`.
 */
export function countSegments(text: string, options?: CountSegmentsOptions): SegmentCount {
  if (typeof text !== 'string') throw new TypeError('countSegments: text must be a string');
  const { replacements, encoding: wanted, graphemeSafe = false, isStopSms } = checkOptions(options);
  if (isStopSms) text += STOP_SMS_MENTION;
  const smsPartner = replacements !== 'none';
  // Everything is counted on the text as sent.
  const applied: Applied = smsPartner
    ? applySmsPartnerReplacements(text)
    : { text, replacements: [] };
  const sent = applied.text;
  const table = gsmClassTable();
  let gsm = wanted !== 'UCS-2';
  for (let i = 0; gsm && i < sent.length; i++) gsm = table[sent.charCodeAt(i)]! <= EXTENSION;
  if (!gsm && wanted === 'GSM-7') {
    const found = findNonGsmCharacters(sent);
    const error = new RangeError(
      `countSegments: the text cannot be sent as GSM-7; ${found.length} character(s) are outside GSM 03.38: ${describe(found)}`,
    );
    throw Object.assign(error, { nonGsmCharacters: found });
  }
  return new SegmentCountResult(applied, gsm, smsPartner, graphemeSafe);
}

type Applied = { text: string; replacements: Replacement[] };

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * The result: the counts as plain fields, and `text`, `replacements`, `parts`, `nonGsmCharacters`
 * as getters (so `{...count}` copies the counts only; `nonGsmCharacters` is found on first read).
 * `toJSON` and Node's inspect show every field.
 */
class SegmentCountResult implements SegmentCount {
  readonly encoding: Encoding;
  readonly segments: number;
  readonly units: number;
  readonly unitsPerSegment: number;
  readonly remaining: number;
  #applied: Applied;
  #parts: string[];
  #nonGsm: NonGsmCharacter[] | undefined;

  constructor(applied: Applied, gsm: boolean, smsPartner: boolean, graphemeSafe: boolean) {
    const sent = applied.text;
    const units = unitsOf(sent, gsm, smsPartner);
    const single = gsm ? GSM_SINGLE : UCS_SINGLE;
    const part = gsm ? GSM_PART : UCS_PART;
    let remaining = single - units;
    if (units > single) {
      const split = splitIntoParts(sent, gsm, smsPartner, graphemeSafe);
      this.#parts = split.parts;
      remaining = part - split.lastPartUnits;
    } else {
      this.#parts = sent === '' ? [] : [sent];
    }
    this.#applied = applied;
    this.encoding = gsm ? 'GSM-7' : 'UCS-2';
    this.segments = this.#parts.length;
    this.units = units;
    this.unitsPerSegment = units > single ? part : single;
    this.remaining = remaining;
  }

  get text(): string {
    return this.#applied.text;
  }

  get replacements(): Replacement[] {
    return this.#applied.replacements;
  }

  get parts(): string[] {
    return this.#parts;
  }

  get nonGsmCharacters(): NonGsmCharacter[] {
    this.#nonGsm ??= this.encoding === 'GSM-7' ? [] : findNonGsmCharacters(this.text);
    return this.#nonGsm;
  }

  toJSON(): SegmentCount {
    return {
      ...this, // the eager fields
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

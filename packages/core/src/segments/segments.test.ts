import { describe, expect, it } from 'vitest';
import {
  applySmsPartnerReplacements,
  countSegments,
  type SegmentCount,
  SMS_PARTNER_MAX_PARTS,
  STOP_SMS_MENTION,
} from './index.js';

const FAMILY = '👨‍👩‍👧‍👦'; // 4 emoji + 3 ZWJ = 11 UTF-16 units, one grapheme cluster
const FLAG_FR = '🇫🇷'; // 2 regional indicators = 4 units
const THUMBS_UP_MEDIUM = '👍🏽'; // emoji + skin tone modifier = 4 units

/** UTF-16 units of every part but the last. */
const sumBefore = (parts: string[]) =>
  parts.slice(0, -1).reduce((total, part) => total + part.length, 0);

function summary(result: SegmentCount) {
  return {
    encoding: result.encoding,
    segments: result.segments,
    units: result.units,
    unitsPerSegment: result.unitsPerSegment,
    remaining: result.remaining,
  };
}

describe('GSM-7 boundaries (160 / 153)', () => {
  it('160 GSM characters are one SMS, 161 are two', () => {
    expect(summary(countSegments('a'.repeat(160)))).toEqual({
      encoding: 'GSM-7',
      segments: 1,
      units: 160,
      unitsPerSegment: 160,
      remaining: 0,
    });
    const two = countSegments('a'.repeat(161));
    expect(summary(two)).toEqual({
      encoding: 'GSM-7',
      segments: 2,
      units: 161,
      unitsPerSegment: 153,
      remaining: 145,
    });
    expect(two.parts.map((p) => p.length)).toEqual([153, 8]);
  });

  it('153 × 2 fills two parts exactly; one more starts a third', () => {
    expect(summary(countSegments('b'.repeat(306)))).toMatchObject({ segments: 2, remaining: 0 });
    const three = countSegments('b'.repeat(307));
    expect(summary(three)).toMatchObject({ segments: 3, remaining: 152 });
    expect(three.parts.map((p) => p.length)).toEqual([153, 153, 1]);
  });

  it('an extension character costs 2 septets', () => {
    expect(countSegments('{}', { replacements: 'none' }).units).toBe(4);
    expect(countSegments(`${'a'.repeat(158)}{`, { replacements: 'none' }).segments).toBe(1);
    expect(countSegments(`${'a'.repeat(159)}{`, { replacements: 'none' }).segments).toBe(2);
  });

  it('never splits an escape pair: the part before it holds 152 septets', () => {
    const text = `${'a'.repeat(152)}{${'a'.repeat(10)}`;
    const result = countSegments(text, { replacements: 'none' });
    expect(result.units).toBe(164);
    expect(result.segments).toBe(2);
    expect(result.parts).toEqual(['a'.repeat(152), `{${'a'.repeat(10)}`]);
    expect(result.remaining).toBe(153 - 12);
    // One character earlier, the pair fits exactly at the end of the first part.
    const fits = countSegments(`${'a'.repeat(151)}€${'a'.repeat(10)}`, { replacements: 'none' });
    expect(fits.parts[0]).toBe(`${'a'.repeat(151)}€`);
  });

  it('a pair pushed over a cut can add a part', () => {
    // 306 septets would be 2 parts, but the pair at septet 153 moves: 152 + 153 + 1.
    const text = `${'a'.repeat(152)}|${'a'.repeat(152)}`;
    const result = countSegments(text, { replacements: 'none' });
    expect(result.units).toBe(306);
    expect(result.segments).toBe(3);
    expect(result.parts.map((p) => p.length)).toEqual([152, 152, 1]);
    expect(result.parts[1]?.startsWith('|')).toBe(true);
  });

  it('lowercase ç, tab and no-break space are not GSM-7; form feed is an extension character', () => {
    for (const char of ['ç', '\t', '\u00a0']) {
      const result = countSegments(`abc${char}`, { replacements: 'none' });
      expect(result.encoding).toBe('UCS-2');
      expect(result.nonGsmCharacters).toEqual([{ index: 3, char, codePoint: char.codePointAt(0) }]);
    }
    expect(countSegments('Ç', { replacements: 'none' }).encoding).toBe('GSM-7');
    const formFeed = countSegments('a\fb', { replacements: 'none' });
    expect(formFeed.encoding).toBe('GSM-7');
    expect(formFeed.units).toBe(4);
    expect(countSegments('a\fb').units).toBe(4);
  });

  it('an empty text is 0 segments with no parts', () => {
    const result = countSegments('');
    expect(summary(result)).toEqual({
      encoding: 'GSM-7',
      segments: 0,
      units: 0,
      unitsPerSegment: 160,
      remaining: 160,
    });
    expect(result.parts).toEqual([]);
  });
});

describe('UCS-2 boundaries (70 / 67)', () => {
  it('70 units are one SMS, 71 are two', () => {
    expect(summary(countSegments('ж'.repeat(70)))).toEqual({
      encoding: 'UCS-2',
      segments: 1,
      units: 70,
      unitsPerSegment: 70,
      remaining: 0,
    });
    const two = countSegments('ж'.repeat(71));
    expect(summary(two)).toMatchObject({ segments: 2, unitsPerSegment: 67, remaining: 63 });
    expect(two.parts.map((p) => p.length)).toEqual([67, 4]);
  });

  it('an emoji counts 2 units and is never split at a cut', () => {
    expect(countSegments('😀').units).toBe(2);
    const text = `${'ж'.repeat(66)}😀${'ж'.repeat(4)}`;
    const result = countSegments(text);
    expect(result.units).toBe(72);
    expect(result.parts).toEqual(['ж'.repeat(66), `😀${'ж'.repeat(4)}`]);
    expect(result.remaining).toBe(67 - 6);
  });

  it('a lone surrogate counts 1 unit, is reported and does not crash', () => {
    for (const lone of ['\ud83d', '\ude00']) {
      const result = countSegments(`ab${lone}c`);
      expect(summary(result)).toMatchObject({ encoding: 'UCS-2', units: 4, segments: 1 });
      expect(result.nonGsmCharacters).toEqual([
        { index: 2, char: lone, codePoint: lone.charCodeAt(0) },
      ]);
      expect(result.parts).toEqual([`ab${lone}c`]);
    }
    const reversed = countSegments(`${'ж'.repeat(66)}\ude00\ud83d${'ж'.repeat(3)}`);
    expect(reversed.parts.map((p) => p.length)).toEqual([67, 4]);
  });

  it('segments always equal the parts at every UCS-2 boundary, with lone surrogates and pairs', () => {
    // The regression: a lone high surrogate at the very end was read as half of a pair.
    expect(summary(countSegments(`${'a'.repeat(133)}\ud83d`))).toMatchObject({
      segments: 2,
      units: 134,
    });
    expect(summary(countSegments(`${'a'.repeat(200)}\ud83d`))).toMatchObject({
      segments: 3,
      units: 201,
    });
    const HIGH = '\ud83d';
    const LOW = '\ude00';
    const PAIR = '😀';
    const endings = [HIGH, LOW, PAIR, HIGH + HIGH, LOW + HIGH, PAIR + HIGH, HIGH + PAIR, LOW + LOW];
    const boundaries = [70, ...Array.from({ length: 10 }, (_, k) => 67 * (k + 1))];
    let checked = 0;
    for (const boundary of boundaries) {
      for (let n = boundary - 4; n <= boundary + 1; n++) {
        for (const ending of endings) {
          for (const text of [
            'a'.repeat(n) + ending,
            ending + 'a'.repeat(n),
            `${'a'.repeat(n)}${ending}b`,
          ]) {
            const result = countSegments(text);
            const where = JSON.stringify(text.replace(/a+/, (a) => `a×${a.length}`));
            const units = text.length; // every unit of these texts costs 1, a pair 2
            expect(result.encoding, where).toBe('UCS-2');
            expect(result.units, where).toBe(units);
            expect(result.segments, where).toBe(result.parts.length);
            expect(result.parts.join(''), where).toBe(text);
            const limit = result.segments > 1 ? 67 : 70;
            for (const part of result.parts) expect(part.length, where).toBeLessThanOrEqual(limit);
            // No pair is split across parts.
            const pairsSplit = result.parts
              .slice(1)
              .filter(
                (part, k) =>
                  /^[\udc00-\udfff]/.test(part) && /[\ud800-\udbff]$/.test(result.parts[k] ?? ''),
              );
            expect(pairsSplit, where).toEqual([]);
            expect(result.remaining, where).toBe(limit - (units - sumBefore(result.parts)));
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(boundaries.length * 6 * endings.length * 3);
  });

  it('a single GSM text can be forced to UCS-2', () => {
    const result = countSegments('a'.repeat(100), { encoding: 'UCS-2' });
    expect(summary(result)).toMatchObject({ encoding: 'UCS-2', segments: 2, units: 100 });
    expect(result.nonGsmCharacters).toEqual([]);
  });
});

describe('graphemeSafe', () => {
  it('keeps a ZWJ family whole across parts', () => {
    const text = `${'ж'.repeat(60)}${FAMILY}${'ж'.repeat(10)}`;
    const plain = countSegments(text);
    expect(plain.parts[0]?.endsWith(FAMILY)).toBe(false);
    expect(plain.parts[1]?.startsWith(FAMILY)).toBe(false);
    const safe = countSegments(text, { graphemeSafe: true });
    expect(safe.parts).toEqual(['ж'.repeat(60), `${FAMILY}${'ж'.repeat(10)}`]);
    expect(safe.segments).toBe(2);
    expect(safe.remaining).toBe(67 - 21);
  });

  it('keeps a flag and a skin-toned emoji whole', () => {
    for (const cluster of [FLAG_FR, THUMBS_UP_MEDIUM]) {
      const text = `${'ж'.repeat(65)}${cluster}жж`;
      expect(countSegments(text).parts[0]).toBe(`${'ж'.repeat(65)}${cluster.slice(0, 2)}`);
      expect(countSegments(text, { graphemeSafe: true }).parts).toEqual([
        'ж'.repeat(65),
        `${cluster}жж`,
      ]);
    }
  });

  it('pairs flags from the start of a run', () => {
    const text = `${'ж'.repeat(20)}${FLAG_FR.repeat(15)}`; // 20 + 60 units
    const parts = countSegments(text, { graphemeSafe: true }).parts;
    expect(parts).toEqual([`${'ж'.repeat(20)}${FLAG_FR.repeat(11)}`, FLAG_FR.repeat(4)]);
  });

  it('can add a part', () => {
    const text = `${'ж'.repeat(60)}${FAMILY}${'ж'.repeat(59)}`; // 130 units
    expect(countSegments(text).segments).toBe(2);
    expect(countSegments(text, { graphemeSafe: true }).segments).toBe(3);
  });

  it('falls back to code points for a cluster longer than a part', () => {
    const text = `e${'\u0301'.repeat(100)}`; // one cluster of 101 units
    const safe = countSegments(text, { graphemeSafe: true });
    expect(safe.parts.map((p) => p.length)).toEqual([67, 34]);
    expect(safe.parts).toEqual(countSegments(text).parts);
  });

  it('changes nothing for a single SMS', () => {
    expect(countSegments(FAMILY.repeat(6), { graphemeSafe: true }).parts).toEqual([
      FAMILY.repeat(6),
    ]);
  });

  it('keeps \\r\\n together in GSM-7 without replacements', () => {
    const text = `${'a'.repeat(152)}\r\n${'a'.repeat(10)}`;
    expect(countSegments(text, { replacements: 'none' }).parts[0]).toBe(`${'a'.repeat(152)}\r`);
    expect(countSegments(text, { replacements: 'none', graphemeSafe: true }).parts[0]).toBe(
      'a'.repeat(152),
    );
  });
});

describe("SMS Partner's replacements (default)", () => {
  // The provider table, transcribed from the API doc §4 independently of the implementation.
  const TABLE: Array<[string, string]> = [
    ['ą', 'à'],
    ['ÿ', 'y'],
    ['ç', 'Ç'],
    ['û', 'u'],
    ['ü', 'u'],
    ['µ', 'u'],
    ['ï', 'i'],
    ['î', 'i'],
    ['ô', 'o'],
    ['ö', 'o'],
    ['ó', 'o'],
    ['ë', 'e'],
    ['ê', 'e'],
    ['ä', 'a'],
    ['á', 'a'],
    ['â', 'a'],
    ['ã', 'a'],
    ['œ', 'oe'],
    ['ñ', 'n'],
    ['[', '('],
    ['{', '('],
    [']', ')'],
    ['}', ')'],
    ['Ä', 'A'],
    ['À', 'A'],
    ['Á', 'A'],
    ['Â', 'A'],
    ['Ã', 'A'],
    ['È', 'E'],
    ['Ê', 'E'],
    ['Ë', 'E'],
    ['Î', 'I'],
    ['Ü', 'U'],
    ['Ù', 'U'],
    ['Ú', 'U'],
    ['Û', 'U'],
    ['Ý', 'Y'],
    ['Ö', 'O'],
    ['Ô', 'O'],
    ['Ñ', 'N'],
    ['°', '.'],
    ['’', "'"],
    ['`', "'"],
    ['‘', "'"],
    ['“', "'"],
    ['«', '"'],
    ['»', '"'],
    ['^', ''],
    ['~', ''],
    ['|', ''],
    ['\\', ''],
    ['¨', ''],
    ['§', ''],
  ];

  it.each(TABLE)('%j is sent as %j', (from, to) => {
    const result = countSegments(`x${from}y`);
    expect(result.text).toBe(`x${to}y`);
    expect(result.replacements).toEqual([{ index: 1, length: 1, from, to }]);
    expect(result.encoding).toBe('GSM-7');
    expect(result.units).toBe(2 + to.length);
    expect(applySmsPartnerReplacements(from)).toEqual({
      text: to,
      replacements: [{ index: 0, length: 1, from, to }],
    });
  });

  it('passes é è ù ì ò É Ç à and the rest of GSM-7 through unchanged', () => {
    const text = 'éèùìòÉÇà @£$¥ØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!"#¤%&\'()*+,-./0-9:;<=>?¡¿ AZaz';
    const result = countSegments(text);
    expect(result.text).toBe(text);
    expect(result.replacements).toEqual([]);
    expect(result.units).toBe(text.length);
  });

  it('leaves characters outside GSM-7 that the table does not cover (UCS-2, reported)', () => {
    const result = countSegments('Merci ” í 😀');
    expect(result.encoding).toBe('UCS-2');
    expect(result.nonGsmCharacters.map((c) => c.char)).toEqual(['”', 'í', '😀']);
  });

  it('sends a line break as :br: counting 2 (\\r\\n is ONE line break; a lone \\r is one too)', () => {
    for (const lineBreak of ['\n', '\r\n', '\r']) {
      const result = countSegments(`a${lineBreak}b`);
      expect(result.text).toBe('a:br:b');
      expect(result.units).toBe(4);
      expect(result.replacements).toEqual([
        { index: 1, length: lineBreak.length, from: lineBreak, to: ':br:' },
      ]);
    }
    expect(countSegments('a\n\r\nb').text).toBe('a:br::br:b');
    expect(countSegments('a\r\rb').text).toBe('a:br::br:b');
  });

  it('sends € as :euro: counting 2', () => {
    const result = countSegments('5€');
    expect(result.text).toBe('5:euro:');
    expect(summary(result)).toMatchObject({ encoding: 'GSM-7', units: 3 });
    expect(result.replacements).toEqual([{ index: 1, length: 1, from: '€', to: ':euro:' }]);
  });

  it('counts the tokens 2 in UCS-2 too', () => {
    expect(countSegments('ж\n€').units).toBe(5);
    expect(countSegments('ж\n€').text).toBe('ж:br::euro:');
  });

  it('never splits a token across parts', () => {
    const result = countSegments(`${'a'.repeat(152)}\n${'a'.repeat(10)}`);
    expect(result.units).toBe(164);
    expect(result.parts).toEqual(['a'.repeat(152), `:br:${'a'.repeat(10)}`]);
    const euro = countSegments(`${'ж'.repeat(66)}€жжж`);
    expect(euro.parts).toEqual(['ж'.repeat(66), ':euro:жжж']);
  });

  it('counts literal :br: and :euro: in the text as the provider reads them', () => {
    const result = countSegments('a:br:b:euro:c');
    expect(result.units).toBe(7);
    expect(result.replacements).toEqual([]);
    expect(countSegments('a:br:b', { replacements: 'none' }).units).toBe(6);
  });

  it('reads tokens in the text as sent, left to right', () => {
    // Removing ^ makes a token; a line break after ":br" completes one, leaving "br:" as text.
    expect(countSegments(':b^r:').text).toBe(':br:');
    expect(countSegments(':b^r:').units).toBe(2);
    expect(countSegments(':br\n').text).toBe(':br:br:');
    expect(countSegments(':br\n').units).toBe(5);
    expect(countSegments(':êuro:').units).toBe(2);
  });

  it('reports replacements at their index in the original text, non-GSM characters in the text as sent', () => {
    const result = countSegments('œ\r\n😀');
    expect(result.text).toBe('oe:br:😀');
    expect(result.replacements).toEqual([
      { index: 0, length: 1, from: 'œ', to: 'oe' },
      { index: 1, length: 2, from: '\r\n', to: ':br:' },
    ]);
    expect(result.nonGsmCharacters).toEqual([{ index: 6, char: '😀', codePoint: 0x1f600 }]);
  });

  it("replacements: 'none' sends the text as it is", () => {
    const result = countSegments('a\nç€', { replacements: 'none' });
    expect(result.text).toBe('a\nç€');
    expect(result.replacements).toEqual([]);
    expect(summary(result)).toMatchObject({ encoding: 'UCS-2', units: 4 });
    expect(countSegments('a\n€', { replacements: 'none' }).units).toBe(4);
  });
});

describe('options and errors', () => {
  it('forcing GSM-7 on a text with other characters throws a RangeError naming them', () => {
    let caught: unknown;
    try {
      countSegments('Hé í 😀', { encoding: 'GSM-7' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RangeError);
    const error = caught as RangeError & { nonGsmCharacters: unknown };
    expect(error.message).toContain('"í" (U+00ED) at index 3');
    expect(error.message).toContain('"😀" (U+1F600) at index 5');
    expect(error.nonGsmCharacters).toEqual([
      { index: 3, char: 'í', codePoint: 0xed },
      { index: 5, char: '😀', codePoint: 0x1f600 },
    ]);
    // Indices are in the text as sent: 'œ' became 'oe' before the 'í'.
    expect(() => countSegments('œí', { encoding: 'GSM-7' })).toThrow(/"í" \(U\+00ED\) at index 2/);
    expect(countSegments('Hé', { encoding: 'GSM-7' }).encoding).toBe('GSM-7');
    // After replacement ç is Ç, which GSM-7 has.
    expect(countSegments('ç', { encoding: 'GSM-7' }).text).toBe('Ç');
  });

  it('rejects bad options and non-string text, naming the option', () => {
    const bad = (options: unknown) => () => countSegments('a', options as never);
    expect(bad({ encoding: 'gsm' })).toThrow(/options\.encoding/);
    expect(bad({ replacements: 'all' })).toThrow(/options\.replacements/);
    expect(bad({ graphemeSafe: 'yes' })).toThrow(/options\.graphemeSafe/);
    expect(bad({ isStopSms: 1 })).toThrow(/options\.isStopSms/);
    expect(bad({ encodig: 'UCS-2' })).toThrow(/unknown option "encodig"/);
    expect(bad(null)).toThrow(TypeError);
    expect(() => countSegments(42 as never)).toThrow(TypeError);
    expect(() => applySmsPartnerReplacements(undefined as never)).toThrow(TypeError);
  });

  it('serialises every field, lazy ones included', () => {
    const json = JSON.parse(JSON.stringify(countSegments('a\nb')));
    expect(json).toEqual({
      encoding: 'GSM-7',
      segments: 1,
      units: 4,
      unitsPerSegment: 160,
      remaining: 156,
      parts: ['a:br:b'],
      text: 'a:br:b',
      replacements: [{ index: 1, length: 1, from: '\n', to: ':br:' }],
      nonGsmCharacters: [],
    });
  });

  it('exports the provider part limit', () => {
    expect(SMS_PARTNER_MAX_PARTS).toBe(10);
    expect(countSegments('a'.repeat(153 * 10)).segments).toBe(SMS_PARTNER_MAX_PARTS);
    expect(countSegments('a'.repeat(153 * 10 + 1)).segments).toBe(SMS_PARTNER_MAX_PARTS + 1);
  });
});

describe('isStopSms: the STOP mention the provider appends', () => {
  it('is counted after the message: 25 GSM-7 units (its line break is sent as :br:)', () => {
    expect(STOP_SMS_MENTION).toBe('\nSTOP SMS: repondez STOP');
    expect(countSegments(STOP_SMS_MENTION).units).toBe(25);
    const plain = countSegments('a'.repeat(135));
    const stop = countSegments('a'.repeat(135), { isStopSms: true });
    expect(plain.segments).toBe(1);
    expect(stop.units).toBe(160);
    expect(stop.segments).toBe(1);
    expect(countSegments('a'.repeat(136), { isStopSms: true }).segments).toBe(2);
    expect(stop.text).toBe(`${'a'.repeat(135)}:br:STOP SMS: repondez STOP`);
    expect(stop.parts.join('')).toBe(stop.text);
  });

  it('a 150-character message is 1 SMS alone and 2 with the mention (what the provider bills)', () => {
    const message = 'x'.repeat(150);
    expect(countSegments(message).segments).toBe(1);
    expect(countSegments(message, { isStopSms: true }).segments).toBe(2);
    expect(countSegments(message, { isStopSms: false }).segments).toBe(1);
  });

  it('applies with the other options: UCS-2 messages and no replacements', () => {
    const ucs = countSegments('😀'.repeat(10), { isStopSms: true });
    expect(ucs.encoding).toBe('UCS-2');
    expect(ucs.units).toBe(20 + 25);
    expect(countSegments('a', { isStopSms: true, replacements: 'none' }).units).toBe(1 + 24);
  });
});

describe('the segment example of the core README', () => {
  it('gives the documented result', () => {
    const count = countSegments('Ça coûte 5€\nMerci !');
    expect(JSON.parse(JSON.stringify(count))).toEqual({
      encoding: 'GSM-7',
      segments: 1,
      units: 21,
      unitsPerSegment: 160,
      remaining: 139,
      text: 'Ça coute 5:euro::br:Merci !',
      parts: ['Ça coute 5:euro::br:Merci !'],
      replacements: [
        { index: 5, length: 1, from: 'û', to: 'u' },
        { index: 10, length: 1, from: '€', to: ':euro:' },
        { index: 11, length: 1, from: '\n', to: ':br:' },
      ],
      nonGsmCharacters: [],
    });
    // Spread copies the eager fields only (documented).
    expect(Object.keys({ ...count })).toEqual([
      'encoding',
      'segments',
      'units',
      'unitsPerSegment',
      'remaining',
    ]);
  });
});

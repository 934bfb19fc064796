import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applySmsPartnerReplacements, type CountSegmentsOptions, countSegments } from './index.js';

// An independent reference model, written from the standard rather than from the implementation.
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENSION = new Set('\f^{}\\[~]|€');
const isGsm = (char: string) => GSM_BASIC.has(char) || GSM_EXTENSION.has(char);
const TOKENS = [':br:', ':euro:'];

/** Items of the text as sent: [start, end, cost], tokens read left to right. */
function items(sent: string, gsm: boolean, tokens: boolean): Array<[number, number, number]> {
  const list: Array<[number, number, number]> = [];
  let i = 0;
  while (i < sent.length) {
    const token = tokens ? TOKENS.find((t) => sent.startsWith(t, i)) : undefined;
    if (token) {
      list.push([i, i + token.length, 2]);
      i += token.length;
      continue;
    }
    const char = String.fromCodePoint(sent.codePointAt(i)!);
    const cost = gsm ? (GSM_EXTENSION.has(char) ? 2 : 1) : char.length;
    list.push([i, i + char.length, cost]);
    i += char.length;
  }
  return list;
}

const unitsOf = (sent: string, gsm: boolean, tokens: boolean) =>
  items(sent, gsm, tokens).reduce((sum, [, , cost]) => sum + cost, 0);

/** Greedy reference: how many parts, never splitting an item. */
function referenceSegments(sent: string, gsm: boolean, tokens: boolean): number {
  const total = unitsOf(sent, gsm, tokens);
  if (total === 0) return 0;
  if (total <= (gsm ? 160 : 70)) return 1;
  const limit = gsm ? 153 : 67;
  let parts = 1;
  let fill = 0;
  for (const [, , cost] of items(sent, gsm, tokens)) {
    if (fill + cost > limit) {
      parts++;
      fill = 0;
    }
    fill += cost;
  }
  return parts;
}

const FAMILY = '👨‍👩‍👧‍👦';
const pieces = {
  gsm: [...'abcdefghijklmnopqrstuvwxyz ABCXYZ0123456789.,!?@£$¥èéùìòÇØøÅåΔ_ΦΓÆæßÉ¡¿àÑ'],
  extension: [...'\f^{}\\[~]|€'],
  provider: [
    ...['\n', '\r', '\r\n', ':', ':', ':br:', ':euro:', 'b', 'r', 'e', 'u', 'o', ':b', ':eu'],
    ...'êûôœ§¨«»’‘“`°çñÄÖÜäöüÃµÿą',
  ],
  other: [
    ...['ж', 'í', '”', '\t', '\u00a0', '中', '😀', '👍🏽', FAMILY, '🇫🇷', '🇫', '\u200d'],
    ...['\u0301', '\ufe0f', '\ud83d', '\ude00', '\ud83d\ud83d', 'e\u0301'],
  ],
};
const piece = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...pieces.gsm) },
  { weight: 2, arbitrary: fc.constantFrom(...pieces.extension) },
  { weight: 3, arbitrary: fc.constantFrom(...pieces.provider) },
  { weight: 2, arbitrary: fc.constantFrom(...pieces.other) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) },
);
/** Texts of 0 to ~600 units, rich in cut-sensitive characters; some runs are long and GSM-only. */
const text = fc.oneof(
  fc.array(piece, { maxLength: 400, size: 'max' }).map((a) => a.join('')),
  fc
    .tuple(
      fc.array(fc.constantFrom(...pieces.gsm), { maxLength: 320, size: 'max' }),
      fc.array(piece, { maxLength: 60, size: 'max' }),
    )
    .map(([a, b]) => a.join('') + b.join('')),
  fc.string({ unit: 'binary', maxLength: 300, size: 'max' }),
  // GSM-7 in both modes or only after replacement, long enough to need several parts.
  fc
    .array(
      fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...pieces.gsm) },
        { weight: 2, arbitrary: fc.constantFrom(...pieces.extension) },
        { weight: 2, arbitrary: fc.constantFrom(...pieces.provider) },
      ),
      { minLength: 100, maxLength: 500, size: 'max' },
    )
    .map((a) => a.join('')),
  // Where tokens and replacements meet: ':b^r:', ':br\n', ':êuro:'...
  fc
    .array(fc.constantFrom(...':::bbrreuuo^|\n€êûô§'), { maxLength: 40, size: 'max' })
    .map((a) => a.join('')),
);

const OPTIONS: CountSegmentsOptions[] = [
  {},
  { graphemeSafe: true },
  { replacements: 'none' },
  { replacements: 'none', graphemeSafe: true },
  { encoding: 'UCS-2' },
];

const RUNS = { numRuns: 400 };

describe('countSegments invariants (fast-check)', () => {
  it('parts joined are the text as sent; parts respect limits; segments === parts.length', () => {
    fc.assert(
      fc.property(text, (input) => {
        for (const options of OPTIONS) {
          const tokens = options.replacements !== 'none';
          const sent = tokens ? applySmsPartnerReplacements(input).text : input;
          const result = countSegments(input, options);
          const gsm = result.encoding === 'GSM-7';
          const allGsm = [...sent].every(isGsm);
          expect(result.encoding).toBe(allGsm && options.encoding !== 'UCS-2' ? 'GSM-7' : 'UCS-2');
          expect(result.text).toBe(sent);
          expect(result.parts.join('')).toBe(sent);
          expect(result.segments).toBe(result.parts.length);
          expect(result.units).toBe(unitsOf(sent, gsm, tokens));
          const partUnits = result.parts.map((part) => unitsOf(part, gsm, tokens));
          expect(partUnits.reduce((a, b) => a + b, 0)).toBe(result.units);
          const limit = result.segments > 1 ? (gsm ? 153 : 67) : gsm ? 160 : 70;
          expect(result.unitsPerSegment).toBe(limit);
          for (const units of partUnits) {
            expect(units).toBeGreaterThan(0);
            expect(units).toBeLessThanOrEqual(limit);
          }
          expect(result.remaining).toBe(limit - (partUnits.at(-1) ?? 0));
          if (!options.graphemeSafe) {
            expect(result.segments).toBe(referenceSegments(sent, gsm, tokens));
          } else {
            const plain = countSegments(input, { ...options, graphemeSafe: false });
            expect(result.segments).toBeGreaterThanOrEqual(plain.segments);
            expect(result.units).toBe(plain.units);
          }
          // No cut inside a surrogate pair or a token (escape pairs: the per-part septet
          // count above already charges 2, so a split pair would show as an over-full part).
          const itemStarts = new Set(items(sent, gsm, tokens).map(([start]) => start));
          let cut = 0;
          for (const part of result.parts.slice(0, -1)) {
            cut += part.length;
            expect(itemStarts.has(cut)).toBe(true);
          }
        }
      }),
      RUNS,
    );
  });

  it('reports exactly the characters outside GSM-7, at their index in the text as sent', () => {
    fc.assert(
      fc.property(text, (input) => {
        const result = countSegments(input);
        const expected = [...result.text].filter((char) => !isGsm(char));
        if (result.encoding === 'GSM-7') expect(expected).toEqual([]);
        expect(result.nonGsmCharacters.map((c) => c.char)).toEqual(expected);
        for (const { index, char, codePoint } of result.nonGsmCharacters) {
          expect(result.text.slice(index, index + char.length)).toBe(char);
          expect(codePoint).toBe(char.codePointAt(0));
        }
      }),
      RUNS,
    );
  });

  it('forcing GSM-7 gives the auto count, or a RangeError listing what auto reports', () => {
    fc.assert(
      fc.property(text, fc.constantFrom('smspartner', 'none'), (input, replacements) => {
        const auto = countSegments(input, { replacements });
        let forced: ReturnType<typeof countSegments> | undefined;
        let error: unknown;
        try {
          forced = countSegments(input, { replacements, encoding: 'GSM-7' });
        } catch (caught) {
          error = caught;
        }
        if (auto.encoding === 'GSM-7') {
          expect(forced?.segments).toBe(auto.segments);
          expect(forced?.units).toBe(auto.units);
        } else {
          expect(error).toBeInstanceOf(RangeError);
          expect((error as { nonGsmCharacters: unknown }).nonGsmCharacters).toEqual(
            auto.nonGsmCharacters,
          );
        }
      }),
      RUNS,
    );
  });

  it('counts the original and the text as sent alike (the text as sent is a fixed point)', () => {
    fc.assert(
      fc.property(text, (input) => {
        const { text: sent, replacements } = applySmsPartnerReplacements(input);
        expect(applySmsPartnerReplacements(sent)).toEqual({ text: sent, replacements: [] });
        const a = countSegments(input);
        const b = countSegments(sent);
        expect([b.encoding, b.units, b.segments, b.remaining]).toEqual([
          a.encoding,
          a.units,
          a.segments,
          a.remaining,
        ]);
        // Replacement records rebuild the text as sent from the original.
        let rebuilt = '';
        let at = 0;
        for (const r of replacements) {
          expect(input.slice(r.index, r.index + r.length)).toBe(r.from);
          rebuilt += input.slice(at, r.index) + r.to;
          at = r.index + r.length;
        }
        expect(rebuilt + input.slice(at)).toBe(sent);
      }),
      RUNS,
    );
  });

  it('is stable under concatenation of GSM-only strings, as GSM 03.38 says', () => {
    const basic = fc
      .array(fc.constantFrom(...GSM_BASIC), { maxLength: 400, size: 'max' })
      .map((a) => a.join(''));
    const gsm = fc
      .array(fc.constantFrom(...GSM_BASIC, ...GSM_EXTENSION), { maxLength: 400, size: 'max' })
      .map((a) => a.join(''));
    const none = { replacements: 'none' } as const;
    fc.assert(
      fc.property(basic, basic, (a, b) => {
        // Basic characters: 1 septet each, 160 in one SMS, then 153 per part.
        const units = a.length + b.length;
        const result = countSegments(a + b, none);
        expect(result.units).toBe(units);
        expect(result.segments).toBe(units === 0 ? 0 : units <= 160 ? 1 : Math.ceil(units / 153));
      }),
      RUNS,
    );
    fc.assert(
      fc.property(gsm, gsm, (a, b) => {
        const ab = countSegments(a + b, none);
        const [ra, rb] = [countSegments(a, none), countSegments(b, none)];
        expect(ab.encoding).toBe('GSM-7');
        expect(ab.units).toBe(ra.units + rb.units);
        expect(ab.segments).toBe(referenceSegments(a + b, true, false));
        expect(ab.segments).toBeGreaterThanOrEqual(Math.max(ra.segments, rb.segments));
        // Moving escape pairs off a cut loses at most one septet per part.
        expect(ab.segments).toBeLessThanOrEqual(Math.ceil(ab.units / 152));
      }),
      RUNS,
    );
  });

  it('with graphemeSafe, cuts fall on grapheme boundaries unless a cluster outgrows a part', () => {
    const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    fc.assert(
      fc.property(text, (input) => {
        const result = countSegments(input, { graphemeSafe: true, encoding: 'UCS-2' });
        const clusters = [...segmenter.segment(result.text)];
        if (clusters.some(({ segment }) => segment.length > 60)) return;
        const boundaries = new Set(clusters.map(({ index }) => index));
        let cut = 0;
        for (const part of result.parts.slice(0, -1)) {
          cut += part.length;
          expect(boundaries.has(cut)).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('never throws on arbitrary UTF-16, lone surrogates included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 300, size: 'max' }),
        fc.constantFrom(...OPTIONS),
        (codes, options) => {
          const result = countSegments(String.fromCharCode(...codes), options);
          expect(result.parts.join('')).toBe(result.text);
        },
      ),
      RUNS,
    );
  });
});

import { countSegments } from '@smspartner-kit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { highlightHtml, highlightsFor } from '../src/web/highlight.js';

const marked = (text: string) =>
  highlightsFor(text, countSegments(text)).map((h) => [h.kind, text.slice(h.start, h.end)]);

describe('console highlights', () => {
  it('marks replaced characters and UCS-2 forcing ones at their typed positions', () => {
    expect(marked('Prête à 12€ 😀 ok')).toEqual([
      ['repl', 'ê'],
      ['repl', '€'],
      ['ucs2', '😀'],
    ]);
    // œ becomes two characters: positions after it still map back.
    expect(marked('œuf Ж')).toEqual([
      ['repl', 'œ'],
      ['ucs2', 'Ж'],
    ]);
    expect(marked('plain GSM text')).toEqual([]);
  });

  it('escapes HTML and keeps the text intact', () => {
    const text = '<b>&"x"</b> €';
    const html = highlightHtml(text, highlightsFor(text, countSegments(text)));
    expect(html).not.toContain('<b>');
    const decoded = html
      .replace(/<[^>]+>/g, '')
      .replace(/\u200b$/, '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&');
    expect(decoded).toBe(text);
  });

  it('every highlight lies inside the typed text and they never overlap', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (text) => {
        const highlights = highlightsFor(text, countSegments(text));
        let end = 0;
        for (const h of highlights) {
          expect(h.start).toBeGreaterThanOrEqual(end);
          expect(h.end).toBeLessThanOrEqual(text.length);
          end = h.end;
        }
      }),
    );
  });
});

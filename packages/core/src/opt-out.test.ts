import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectOptOut, foldKeyword, isOptOutText, OPT_OUT_KEYWORDS } from './opt-out.js';

describe('opt-out keywords', () => {
  it.each([
    ['STOP', 'STOP'],
    [' stop ', 'STOP'],
    ['Stop SMS', 'STOP SMS'],
    ['Arrêt !', 'ARRET'],
    ['arrêter', 'ARRETER'],
    ['Désabonner', 'DESABONNER'],
    ['unsubscribe', 'UNSUBSCRIBE'],
    ['opt-out', 'OPT OUT'],
  ])('%j opts out as %s', (text, keyword) => {
    expect(detectOptOut(text)).toBe(keyword);
  });

  it.each(['Stop merci de me rappeler', 'OUI', '', 'STOPPER', 'arrête de mentir'])(
    '%j is not an opt-out',
    (text) => {
      expect(isOptOutText(text)).toBe(false);
    },
  );

  it('accepts a custom list, folded the same way', () => {
    expect(detectOptOut('fin', ['FIN'])).toBe('FIN');
    expect(detectOptOut('STOP', ['FIN'])).toBeUndefined();
  });

  it('ignores texts longer than a keyword can be', () => {
    expect(isOptOutText(`STOP${' '.repeat(100)}`)).toBe(false);
  });

  it('every built-in keyword is recognised in any case, with accents and padding', () => {
    fc.assert(
      fc.property(fc.constantFrom(...OPT_OUT_KEYWORDS), fc.boolean(), (keyword, lower) => {
        const text = ` ${lower ? keyword.toLowerCase() : keyword}. `;
        return detectOptOut(text) === foldKeyword(keyword);
      }),
    );
  });
});

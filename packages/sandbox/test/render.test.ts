import fc from 'fast-check';
import { expect, it } from 'vitest';
import { toPositionalXml } from '../src/index.js';
import { readPositionalXml } from './xml.js';

// What XML 1.0 can carry: anything else becomes U+FFFD; XML parsers turn CR LF and CR into LF.
const FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const expected = (value: unknown): unknown => {
  if (typeof value === 'string') return value.replace(FORBIDDEN, '\uFFFD').replace(/\r\n?/g, '\n');
  if (Array.isArray(value)) return value.map(expected);
  return String(value);
};

// (An empty list and an empty string are the same `<entry></entry>`: the format cannot tell.)
it('positional XML keeps every value, in order, whatever the text', () => {
  const text = fc.string({ unit: 'binary', maxLength: 40 }).map((s) => `x${s}`);
  const scalar = fc.oneof(
    text,
    fc.integer(),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
  );
  fc.assert(
    fc.property(
      fc.array(fc.oneof(scalar, fc.array(scalar, { minLength: 1, maxLength: 4 })), {
        minLength: 1,
        maxLength: 6,
      }),
      (values) => {
        const answer = Object.fromEntries(values.map((v, i) => [`k${i}`, v]));
        const xml = toPositionalXml(answer);
        expect(readPositionalXml(xml)).toEqual(values.map(expected));
      },
    ),
    { numRuns: 200 },
  );
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFlatJson } from '../src/flat-json.js';

/** Same properties, same values (-0 included), same order as JSON.parse. */
function expectSameAsJsonParse(text: string, parsed: Record<string, unknown>) {
  const reference = JSON.parse(text) as Record<string, unknown>;
  expect(Object.keys(parsed)).toEqual(Object.keys(reference));
  for (const key of Object.keys(reference))
    expect(Object.is(parsed[key], reference[key])).toBe(true);
  expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
}

const space = fc.constantFrom('', ' ', '\n', '\t', '\r\n  ');
const key = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('messageId', 'phone_number', 'status', '0', '12', 'constructor', 'toString'),
);
const scalar = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(true, false, null, 0, -0, 1e21, 5e-324, '', '2025-06-15 10:42:17'),
);
/**
 * A flat object written with arbitrary spacing (and possibly a repeated key), and whether it holds
 * what is left to JSON.parse: an escape (JSON.stringify escapes quotes, backslashes, control
 * characters and lone surrogates) or a `__proto__` key.
 */
const flatJson = fc
  .tuple(fc.array(fc.tuple(key, scalar, space, space)), space, fc.boolean())
  .map(([entries, outer, repeat]) => {
    const members = entries.map(
      ([k, v, before, after]) =>
        `${before}${JSON.stringify(k)}${after}:${before}${JSON.stringify(v)}${after}`,
    );
    if (repeat && members.length > 0) members.push(members[0] as string);
    const escaped = entries.some(
      ([k, v]) => k === '__proto__' || `${JSON.stringify(k)}${JSON.stringify(v)}`.includes('\\'),
    );
    return { text: `${outer}{${members.join(',')}}${outer}`, escaped };
  });

describe('parseFlatJson', () => {
  it('reads every flat object exactly as JSON.parse does', () => {
    fc.assert(
      fc.property(flatJson, ({ text, escaped }) => {
        const parsed = parseFlatJson(text);
        // Escapes and __proto__ are left to JSON.parse; everything else is read here.
        expect(parsed === undefined).toBe(escaped);
        if (parsed) expectSameAsJsonParse(text, parsed);
      }),
      { numRuns: 5000 },
    );
  });

  it('never accepts what JSON.parse refuses, nor reads anything differently', () => {
    const mutated = fc
      .tuple(
        flatJson.map(({ text }) => text),
        fc.nat(),
        fc.constantFrom('', '{', '}', '"', ',', ':', '-', '.', 'e', '0', '[', 'tru', ' '),
      )
      .map(
        ([text, at, insert]) =>
          text.slice(0, at % (text.length + 1)) + insert + text.slice((at % (text.length + 1)) + 1),
      );
    fc.assert(
      fc.property(fc.oneof(mutated, fc.string()), (text) => {
        const parsed = parseFlatJson(text);
        if (parsed !== undefined) expectSameAsJsonParse(text, parsed);
      }),
      { numRuns: 20000 },
    );
  });

  it.each([
    ['{"a":{"b":1}}', 'nesting'],
    ['{"a":[1]}', 'arrays'],
    ['{"a":"x\\"y"}', 'escapes'],
    ['{"__proto__":1}', 'a __proto__ key'],
    ['{"a":01}', 'a leading zero'],
    ['{"a":1.}', 'a bare decimal point'],
    ['{"a":+1}', 'a plus sign'],
    ['{"a":1,}', 'a trailing comma'],
    ['{"a":1} x', 'trailing text'],
    ['[1]', 'a top-level array'],
    ['{"a":"\t"}', 'a raw control character'],
  ])('leaves %s to JSON.parse (%s)', (text) => {
    expect(parseFlatJson(text)).toBeUndefined();
  });

  it('reads numbers, literals and spacing like JSON.parse', () => {
    const text = ' {"n":-0.5e+3, "z":-0,"t":true ,"f":false,"u":null, "s":"Délivré ✓"} ';
    expectSameAsJsonParse(text, parseFlatJson(text) as Record<string, unknown>);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareShapes, typeOf } from './shape.js';

describe('compareShapes', () => {
  it('names each differing key with both types, nested keys by path', () => {
    const live = { success: true, nb_sms: '1', credits: { balance: 12.5, extra: null } };
    const emulator = { success: true, nb_sms: 1, credits: { balance: '12.5' }, currency: 'EUR' };
    expect(compareShapes(live, emulator).differences).toEqual([
      { path: 'nb_sms', live: 'string', emulator: 'number' },
      { path: 'credits.balance', live: 'number', emulator: 'string' },
      { path: 'credits.extra', live: 'null', emulator: 'missing' },
      { path: 'currency', live: 'missing', emulator: 'string' },
    ]);
  });

  it('ignores values: same keys and types are the same shape', () => {
    expect(compareShapes({ a: 'x', b: [1, 2] }, { a: 'y', b: [3] }).differences).toEqual([]);
  });

  it('compares every list element with the emulator’s, one line per path', () => {
    const live = { list: [{ id: 1 }, { id: '2' }, { id: '3' }] };
    const emulator = { list: [{ id: 1 }] };
    expect(compareShapes(live, emulator)).toEqual({
      differences: [{ path: 'list[].id', live: 'string', emulator: 'number' }],
      unchecked: [],
    });
  });

  it('says which lists could not be compared (one side empty)', () => {
    expect(compareShapes({ data: [] }, { data: [{ id: 1 }] })).toEqual({
      differences: [],
      unchecked: ['data[]'],
    });
  });

  it('compares positional (XML) entries index by index, length included', () => {
    expect(
      compareShapes(['true', '200', ['a']], ['true', '200', 'x', 'y'], { positional: true }),
    ).toEqual({
      differences: [
        { path: '(root)', live: 'array(3)', emulator: 'array(4)' },
        { path: '[2]', live: 'array', emulator: 'string' },
      ],
      unchecked: [],
    });
  });

  it('finds no difference between a value and itself (any JSON)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(compareShapes(value, structuredClone(value)).differences).toEqual([]);
        expect(compareShapes(value, value, { positional: true }).differences).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('typeOf tells JSON types apart', () => {
    expect([null, [], {}, 'a', 1, true].map(typeOf)).toEqual([
      'null',
      'array',
      'object',
      'string',
      'number',
      'boolean',
    ]);
  });
});

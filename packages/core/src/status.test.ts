import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DELIVERY_STATUSES, normalizeDeliveryStatus } from './status.js';

describe('normalizeDeliveryStatus', () => {
  it.each([
    ['Delivered', 'delivered'],
    ['DELIVRD', 'delivered'],
    ['delivered', 'delivered'],
    ['Not delivered', 'not_delivered'],
    ['NOT_DELIVERED', 'not_delivered'],
    ['UNDELIV', 'not_delivered'],
    ['ko', 'failed'],
    ['KO', 'failed'],
    ['Waiting', 'waiting'],
    ['PENDING', 'waiting'],
    ['ENROUTE', 'waiting'],
    ['ACCEPTD', 'waiting'],
    ['accepted', 'waiting'],
    ['buffered', 'waiting'],
    ['EXPIRED', 'expired'],
    ['expired', 'expired'],
    ['REJECTD', 'rejected'],
    ['rejected', 'rejected'],
    ['failed', 'failed'],
    ['UNKNOWN', 'unknown'],
    ['  délivré ', 'delivered'],
    ['something new', 'unknown'],
    ['', 'unknown'],
  ])('%j → %s', (raw, expected) => {
    expect(normalizeDeliveryStatus(raw)).toBe(expected);
  });

  it('non-strings are unknown', () => {
    for (const raw of [undefined, null, 1, {}, [], true])
      expect(normalizeDeliveryStatus(raw)).toBe('unknown');
  });

  it('property: always one of the known statuses, never throws', () => {
    fc.assert(
      fc.property(fc.anything(), (raw) => {
        expect(DELIVERY_STATUSES).toContain(normalizeDeliveryStatus(raw));
      }),
    );
  });

  it('property: case and separators do not matter', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('delivered', 'not delivered', 'waiting', 'rejected'),
        fc.boolean(),
        (word, upper) => {
          const variant = (upper ? word.toUpperCase() : word).replace(' ', '_');
          expect(normalizeDeliveryStatus(variant)).toBe(normalizeDeliveryStatus(word));
        },
      ),
    );
  });

  it('readings do not depend on what was read before', () => {
    const first = ['Delivered', 'NOT_DELIVERED', 'ÉCHEC', 'weird'].map(normalizeDeliveryStatus);
    for (let i = 0; i < 2000; i++) normalizeDeliveryStatus(`status ${i}`);
    expect(['Delivered', 'NOT_DELIVERED', 'ÉCHEC', 'weird'].map(normalizeDeliveryStatus)).toEqual(
      first,
    );
    expect(first[0]).toBe('delivered');
    expect(first[3]).toBe('unknown');
  });
});

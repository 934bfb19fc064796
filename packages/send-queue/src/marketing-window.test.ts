import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frenchPublicHolidays, nextMarketingSlot } from './marketing-window.js';

const paris = (iso: string) => new Date(iso).getTime();
const at = (ms: number) => new Date(ms).toISOString();

describe('frenchPublicHolidays', () => {
  it('knows the Easter-based holidays', () => {
    // Easter 2026 is 5 April; 2027 is 28 March
    const h2026 = frenchPublicHolidays(2026);
    expect([...h2026].sort()).toEqual(
      ['1-1', '4-6', '5-1', '5-8', '5-14', '5-25', '7-14', '8-15', '11-1', '11-11', '12-25'].sort(),
    );
    const h2027 = frenchPublicHolidays(2027);
    expect(h2027.has('3-29')).toBe(true); // Easter Monday
    expect(h2027.has('5-6')).toBe(true); // Ascension
    expect(h2027.has('5-17')).toBe(true); // Whit Monday
  });
});

describe('nextMarketingSlot', () => {
  it('Saturday 19:59:30 goes at once; 20:00:00 waits for Monday 08:00', () => {
    const saturday = paris('2026-12-05T19:59:30+01:00');
    expect(nextMarketingSlot(saturday)).toBe(saturday);
    expect(at(nextMarketingSlot(paris('2026-12-05T20:00:00+01:00')))).toBe(
      at(paris('2026-12-07T08:00:00+01:00')),
    );
  });

  it('a Sunday waits for Monday 08:00', () => {
    expect(at(nextMarketingSlot(paris('2026-12-06T11:00:00+01:00')))).toBe(
      at(paris('2026-12-07T08:00:00+01:00')),
    );
  });

  it('14 July waits for the 15th at 08:00 (and before 08:00 on a weekday, the same day)', () => {
    expect(at(nextMarketingSlot(paris('2026-07-14T10:00:00+02:00')))).toBe(
      at(paris('2026-07-15T08:00:00+02:00')),
    );
    expect(at(nextMarketingSlot(paris('2026-07-13T06:15:00+02:00')))).toBe(
      at(paris('2026-07-13T08:00:00+02:00')),
    );
  });

  it('Saturday evening before Easter Monday waits until Tuesday', () => {
    expect(at(nextMarketingSlot(paris('2026-04-04T21:00:00+02:00')))).toBe(
      at(paris('2026-04-07T08:00:00+02:00')),
    );
  });

  it('around both DST changes, 08:00 is Paris wall time', () => {
    // spring forward: Sunday 29 March 2026 → Monday 30 March 08:00 CEST (06:00 UTC)
    expect(at(nextMarketingSlot(paris('2026-03-28T20:30:00+01:00')))).toBe(
      '2026-03-30T06:00:00.000Z',
    );
    // fall back: Sunday 25 October 2026 → Monday 26 October 08:00 CET (07:00 UTC)
    expect(at(nextMarketingSlot(paris('2026-10-24T23:00:00+02:00')))).toBe(
      '2026-10-26T07:00:00.000Z',
    );
    // inside the repeated hour of the fall-back night
    expect(at(nextMarketingSlot(Date.parse('2026-10-25T00:30:00Z')))).toBe(
      '2026-10-26T07:00:00.000Z',
    );
  });

  it('honours configured hours', () => {
    const window = { startHour: 9, endHour: 18 };
    expect(at(nextMarketingSlot(paris('2026-12-07T08:30:00+01:00'), window))).toBe(
      at(paris('2026-12-07T09:00:00+01:00')),
    );
    expect(at(nextMarketingSlot(paris('2026-12-07T18:00:00+01:00'), window))).toBe(
      at(paris('2026-12-08T09:00:00+01:00')),
    );
  });

  const wall = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Paris',
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    weekday: 'short',
    hour: 'numeric',
  });
  /** The rule, stated independently of the implementation: wall time in Paris, day, hour. */
  function allowed(ms: number, startHour: number, endHour: number): boolean {
    const p = Object.fromEntries(wall.formatToParts(ms).map((x) => [x.type, x.value]));
    if (p.weekday === 'Sun') return false;
    if (frenchPublicHolidays(Number(p.year)).has(`${Number(p.month)}-${Number(p.day)}`))
      return false;
    const hour = Number(p.hour);
    return hour >= startHour && hour < endHour;
  }

  it('property: the slot is allowed, never earlier than asked, and no allowed moment is skipped', () => {
    const from = Date.parse('2024-01-01T00:00:00Z');
    const to = Date.parse('2032-12-31T00:00:00Z');
    fc.assert(
      fc.property(
        fc.integer({ min: from, max: to }),
        fc.integer({ min: 0, max: 22 }),
        fc.integer({ min: 1, max: 24 }),
        (instant, a, b) => {
          const startHour = Math.min(a, b - 1);
          const endHour = Math.max(b, startHour + 1);
          const slot = nextMarketingSlot(instant, { startHour, endHour });
          expect(slot).toBeGreaterThanOrEqual(instant);
          expect(allowed(slot, startHour, endHour)).toBe(true);
          if (slot > instant) {
            expect(slot - instant).toBeLessThan(5 * 24 * 3_600_000);
            // allowed periods start on the hour: every quarter-hour strictly between them is forbidden
            for (let t = Math.ceil(instant / 900_000) * 900_000; t < slot; t += 900_000) {
              if (allowed(t, startHour, endHour)) throw new Error(`skipped allowed ${at(t)}`);
            }
          }
        },
      ),
      { numRuns: 300, interruptAfterTimeLimit: 20_000 },
    );
  });
});

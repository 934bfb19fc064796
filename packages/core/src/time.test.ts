import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SmsPartnerConfigError } from './errors.js';
import { formatProviderDate, formatScts, parseProviderDate, toProviderSchedule } from './time.js';

const iso = (value: unknown, zone?: string, hint?: 'scts' | 'epoch') =>
  parseProviderDate(value, zone, hint)?.toISOString();

describe('parseProviderDate', () => {
  it('reads provider wall times as Europe/Paris (winter +1, summer +2)', () => {
    expect(iso('2015-02-07 22:39:46')).toBe('2015-02-07T21:39:46.000Z');
    expect(iso('2016-07-20 10:19:45')).toBe('2016-07-20T08:19:45.000Z');
    expect(iso('2016-07-20T10:19:45')).toBe('2016-07-20T08:19:45.000Z');
    expect(iso('20/07/2016 10:19')).toBe('2016-07-20T08:19:00.000Z');
  });

  it('honours another time zone', () => {
    expect(iso('2016-07-20 10:19:45', 'UTC')).toBe('2016-07-20T10:19:45.000Z');
    expect(iso('2016-07-20 10:19:45', 'America/New_York')).toBe('2016-07-20T14:19:45.000Z');
  });

  it('spring-forward gap: a wall time that never happened moves forward by the gap', () => {
    // 29 March 2026: Paris clocks jump from 02:00 CET to 03:00 CEST; 02:30 does not exist.
    expect(iso('2026-03-29 02:30:00')).toBe('2026-03-29T01:30:00.000Z'); // = 03:30 CEST
    expect(iso('2026-03-29 01:59:59')).toBe('2026-03-29T00:59:59.000Z');
    expect(iso('2026-03-29 03:00:00')).toBe('2026-03-29T01:00:00.000Z');
  });

  it('fall-back overlap: an ambiguous wall time is the earlier instant', () => {
    // 25 October 2026: 02:00–02:59 happens twice (CEST then CET).
    expect(iso('2026-10-25 02:30:00')).toBe('2026-10-25T00:30:00.000Z');
    expect(iso('2026-10-25 01:59:00')).toBe('2026-10-24T23:59:00.000Z');
    expect(iso('2026-10-25 03:00:00')).toBe('2026-10-25T02:00:00.000Z');
  });

  it('ISO with an offset or Z is taken as is', () => {
    expect(iso('2016-07-20T10:19:45Z')).toBe('2016-07-20T10:19:45.000Z');
    expect(iso('2016-07-20T10:19:45+05:00')).toBe('2016-07-20T05:19:45.000Z');
  });

  it('epoch seconds as number or string; milliseconds from 13 digits', () => {
    expect(iso(1438957981)).toBe('2015-08-07T14:33:01.000Z');
    expect(iso('1764072000')).toBe('2025-11-25T12:00:00.000Z');
    expect(iso('1764072000000')).toBe('2025-11-25T12:00:00.000Z');
    expect(iso('1764072000', undefined, 'epoch')).toBe('2025-11-25T12:00:00.000Z');
  });

  it('Vonage scts YYMMDDhhmm in the zone', () => {
    expect(iso('1603100951', undefined, 'scts')).toBe('2016-03-10T08:51:00.000Z');
    expect(iso('160310095130')).toBe('2016-03-10T08:51:30.000Z');
    // Ambiguous 10 digits without a hint: the reading closest to now wins.
    const recent = new Date(Date.now() - 3_600_000);
    const p = (n: number) => String(n).padStart(2, '0');
    const wall = toProviderSchedule(recent);
    const [dd, mm, yyyy] = wall.scheduledDeliveryDate.split('/');
    const scts = `${yyyy?.slice(2)}${mm}${dd}${p(wall.time)}${p(wall.minute)}`;
    const parsed = parseProviderDate(scts);
    expect(Math.abs((parsed?.getTime() ?? 0) - recent.getTime())).toBeLessThan(60_000);
  });

  it('unreadable values → undefined', () => {
    for (const value of [
      '',
      'yesterday',
      '2016-13-01 00:00:00',
      '2016-02-30 10:00:00',
      '2016-01-01 24:00:00',
      null,
      undefined,
      {},
      [],
      Number.NaN,
      -5,
      new Date('x'),
      '99',
      '12345678901',
    ]) {
      expect(parseProviderDate(value), JSON.stringify(value)).toBeUndefined();
    }
  });

  it('an unknown time zone is a configuration error', () => {
    expect(() => parseProviderDate('2016-01-01 10:00:00', 'Mars/Olympus')).toThrow(
      SmsPartnerConfigError,
    );
  });

  it("property: the provider's own format reads like ISO with a T, and only valid calendar dates", () => {
    const pad = (n: number, width: number) => String(n).padStart(width, '0');
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(0, 99, 1900, 2000, 2100, 2400)),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 0, max: 61 }),
        fc.integer({ min: 0, max: 61 }),
        (y, mo, d, h, mi, s) => {
          const day = `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}`;
          const time = `${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}`;
          const fast = iso(`${day} ${time}`);
          expect(fast).toBe(iso(`${day}T${time}`)); // 'T': the regular-expression reader
          // A calendar date is valid exactly when Date.UTC keeps its day and month.
          const check = new Date(Date.UTC(y, mo - 1, d));
          const valid =
            mo >= 1 && d >= 1 && check.getUTCDate() === d && check.getUTCMonth() === mo - 1;
          expect(fast !== undefined).toBe(valid && h <= 23 && mi <= 59 && s <= 59);
        },
      ),
      { numRuns: 2000 },
    );
    expect(iso('2024-02-29 12:00:00')).toBe('2024-02-29T11:00:00.000Z');
    expect(iso('2000-02-29 12:00:00')).toBe('2000-02-29T11:00:00.000Z');
    expect(iso('2100-02-29 12:00:00')).toBeUndefined();
    expect(iso('1900-02-29 12:00:00')).toBeUndefined();
    expect(iso('2025-06-15 10:42:1x')).toBeUndefined();
  });

  it('property: never throws on arbitrary input; a result is a valid Date', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.anything(), fc.string(), fc.stringMatching(/^\d{8,14}$/), fc.integer()),
        (value) => {
          const result = parseProviderDate(value);
          if (result !== undefined) expect(Number.isNaN(result.getTime())).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('property: toProviderSchedule round-trips through a Paris wall time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 13_000_000 }), (steps) => {
        const date = new Date(steps * 300_000);
        const s = toProviderSchedule(date);
        const [dd, mm, yyyy] = s.scheduledDeliveryDate.split('/');
        const text = `${yyyy}-${mm}-${dd} ${String(s.time).padStart(2, '0')}:${String(s.minute).padStart(2, '0')}:00`;
        const back = parseProviderDate(text);
        // Exact except in the repeated autumn hour, where the earlier instant is chosen.
        const diff = date.getTime() - (back?.getTime() ?? Number.NaN);
        expect([0, 3_600_000]).toContain(diff);
      }),
      { numRuns: 300 },
    );
  });
});

describe('toProviderSchedule', () => {
  it('gives Paris wall time, dd/MM/yyyy', () => {
    expect(toProviderSchedule(new Date('2026-07-01T10:05:00Z'))).toEqual({
      scheduledDeliveryDate: '01/07/2026',
      time: 12,
      minute: 5,
    });
    expect(toProviderSchedule(new Date('2026-12-31T23:30:00Z'))).toEqual({
      scheduledDeliveryDate: '01/01/2027',
      time: 0,
      minute: 30,
    });
  });
});

describe('formatProviderDate / formatScts', () => {
  it('formats Paris wall time and round-trips through parseProviderDate to the second', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 0, 1) }), (ms) => {
        const whole = Math.floor(ms / 1000) * 1000;
        const text = formatProviderDate(whole);
        expect(text).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
        // In the autumn overlap the wall time is ambiguous and reads back as the earlier instant.
        const back = parseProviderDate(text)!.getTime();
        expect(back === whole || back === whole - 3_600_000).toBe(true);
      }),
    );
  });

  it('writes the documented examples', () => {
    const summer = Date.UTC(2016, 2, 30, 7, 51, 46); // 09:51:46 in Paris (UTC+2)
    expect(formatProviderDate(new Date(summer))).toBe('2016-03-30 09:51:46');
    expect(formatScts(summer)).toBe('1603300951');
    expect(formatProviderDate(Date.UTC(2024, 0, 5, 23, 4, 5))).toBe('2024-01-06 00:04:05');
    expect(formatProviderDate(Date.UTC(2024, 0, 5, 23, 4, 5), 'UTC')).toBe('2024-01-05 23:04:05');
  });
});

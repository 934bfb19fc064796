import { wallTimeIn, zonedWallTimeToDate } from '@smspartner-kit/core/internal';
import { z } from 'zod';

/** Where the French rules for commercial SMS apply (shared/smspartner-api.md §6). */
const TIME_ZONE = 'Europe/Paris';
const DAY_MS = 24 * 60 * 60 * 1000;

export const marketingWindowSchema = z
  .strictObject({
    /** First allowed hour, Paris time (default 8: from 08:00). */
    startHour: z.number().int().min(0).max(23).optional(),
    /** Hour at which sending stops, Paris time (default 20: until 19:59:59). */
    endHour: z.number().int().min(1).max(24).optional(),
  })
  .refine((w) => (w.startHour ?? 8) < (w.endHour ?? 20), {
    message: 'startHour must be before endHour',
    path: ['endHour'],
  });

export type MarketingWindowOptions = z.input<typeof marketingWindowSchema>;

/** The instant at which Paris clocks show `hour`:00 on the given day (after a DST gap: its end). */
function parisInstant(year: number, month: number, day: number, hour: number): number {
  return zonedWallTimeToDate({ year, month, day, hour, minute: 0, second: 0 }, TIME_ZONE).getTime();
}

/** Easter Sunday (Gregorian, anonymous algorithm) as [month, day]. */
function easter(year: number): [number, number] {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return [month, day];
}

const holidayCache = new Map<number, Set<string>>();

/** French public holidays of `year` as `M-D` strings (fixed dates plus Easter-based ones). */
export function frenchPublicHolidays(year: number): Set<string> {
  let holidays = holidayCache.get(year);
  if (holidays) return holidays;
  const fixed = ['1-1', '5-1', '5-8', '7-14', '8-15', '11-1', '11-11', '12-25'];
  const [month, day] = easter(year);
  const easterUtc = Date.UTC(year, month - 1, day);
  // Easter Monday (+1), Ascension Thursday (+39), Whit Monday (+50)
  const moving = [1, 39, 50].map((offset) => {
    const date = new Date(easterUtc + offset * DAY_MS);
    return `${date.getUTCMonth() + 1}-${date.getUTCDate()}`;
  });
  holidays = new Set([...fixed, ...moving]);
  holidayCache.set(year, holidays);
  return holidays;
}

function isSendingDay(year: number, month: number, day: number, weekday: number): boolean {
  return weekday !== 0 && !frenchPublicHolidays(year).has(`${month}-${day}`);
}

/**
 * The first instant ≥ `epochMs` at which a commercial SMS may go: Monday–Saturday, from startHour
 * to endHour Paris time (DST-aware), not on a French public holiday.
 */
export function nextMarketingSlot(epochMs: number, window: MarketingWindowOptions = {}): number {
  const startHour = window.startHour ?? 8;
  const endHour = window.endHour ?? 20;
  const now = wallTimeIn(epochMs, TIME_ZONE);
  let { year, month, day } = now;
  let weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  if (isSendingDay(year, month, day, weekday)) {
    if (now.hour < startHour) return parisInstant(year, month, day, startHour);
    if (now.hour < endHour) return epochMs;
  }
  // Walk forward day by day (at most a few days: Sundays and holidays are never more than 2 in a row).
  for (let i = 0; i < 14; i++) {
    const next = new Date(Date.UTC(year, month - 1, day) + DAY_MS);
    year = next.getUTCFullYear();
    month = next.getUTCMonth() + 1;
    day = next.getUTCDate();
    weekday = next.getUTCDay();
    if (isSendingDay(year, month, day, weekday)) return parisInstant(year, month, day, startHour);
  }
  throw new Error('unreachable: no sending day within 14 days');
}

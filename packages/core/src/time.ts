import { SmsPartnerConfigError } from './errors.js';

/** SMS Partner's wall-clock zone: dates without an offset are Paris time. */
export const PROVIDER_TIME_ZONE = 'Europe/Paris';

interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new SmsPartnerConfigError(`Unknown time zone ${JSON.stringify(timeZone)}`, [
        { field: 'timeZone', message: 'must be an IANA time zone such as Europe/Paris' },
      ]);
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall clock in `timeZone` at instant `epochMs`. */
export function wallTimeIn(epochMs: number, timeZone: string): WallTime {
  // The parts are year, month, day, hour, minute, second (and literals, which nothing reads).
  const parts = formatterFor(timeZone).formatToParts(epochMs);
  const wall = Object.fromEntries(parts.map((part) => [part.type, Number(part.value)]));
  return wall as unknown as WallTime;
}

function wallAsUtc(w: WallTime): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
}

/** Offset of `timeZone` from UTC at an instant, in ms (Paris: +1 h in winter, +2 h in summer). */
function offsetAt(epochMs: number, timeZone: string): number {
  const whole = Math.floor(epochMs / 1000) * 1000;
  return wallAsUtc(wallTimeIn(whole, timeZone)) - whole;
}

const DAY_MS = 86_400_000;

/**
 * Wall time in `timeZone` → instant. Like Temporal's `disambiguation: 'compatible'`: in a
 * fall-back overlap (02:30 happens twice) the earlier instant; in a spring-forward gap (02:30
 * never happens) the time is moved forward by the gap (→ 03:30 summer time). Four Intl calls:
 * tens of µs, nothing next to a network round trip or a callback's arrival rate.
 */
export function zonedWallTimeToDate(wall: WallTime, timeZone: string): Date {
  const asUtc = wallAsUtc(wall); // the wall time read as if it were UTC
  const before = offsetAt(asUtc - DAY_MS, timeZone);
  const after = offsetAt(asUtc + DAY_MS, timeZone);
  const matches = [asUtc - before, asUtc - after]
    .filter((t) => wallAsUtc(wallTimeIn(t, timeZone)) === asUtc)
    .sort((a, b) => a - b);
  // No match: a gap. Reading the wall time with the offset in force before the gap moves it forward.
  return new Date(matches[0] ?? asUtc - before);
}

/** A real calendar date and time: Date.UTC would roll 31/02 over to March. */
function validWall(w: WallTime): boolean {
  const date = new Date(wallAsUtc(w));
  return (
    w.hour < 24 &&
    w.minute < 60 &&
    w.second < 60 &&
    date.getUTCMonth() === w.month - 1 &&
    date.getUTCDate() === w.day
  );
}

function fromEpochDigits(value: number): Date | undefined {
  // 13 digits and more are milliseconds; below, seconds.
  const ms = Math.abs(value) >= 1e12 ? value : value * 1000;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function fromScts(digits: string, timeZone: string): Date | undefined {
  const n = (from: number) => Number(digits.slice(from, from + 2));
  const wall = {
    year: 2000 + n(0),
    month: n(2),
    day: n(4),
    hour: n(6),
    minute: n(8),
    second: digits.length === 12 ? n(10) : 0,
  };
  return validWall(wall) ? zonedWallTimeToDate(wall, timeZone) : undefined;
}

const LOCAL_ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?$/;
const FRENCH = /^(\d{2})\/(\d{2})\/(\d{4})(?:[ T](\d{2})[:h](\d{2})(?::(\d{2}))?)?$/;
const WITH_OFFSET =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Lenient reader for every date shape SMS Partner (and Vonage-style receipts) send:
 * `'YYYY-MM-DD HH:MM:SS'` (wall time in `timeZone`), `'dd/MM/yyyy HH:mm'`, ISO 8601 with an offset,
 * epoch seconds (number or digit string; 13+ digits = milliseconds), Vonage `scts` `'YYMMDDhhmm'`
 * (or `'YYMMDDhhmmss'`). A 10-digit string is both a plausible scts and plausible epoch seconds:
 * pass `hint` when the field is known, otherwise the reading closer to now wins (receipts are
 * recent). Returns undefined for anything unreadable; throws only on an unknown `timeZone`.
 */
export function parseProviderDate(
  value: unknown,
  timeZone: string = PROVIDER_TIME_ZONE,
  hint?: 'scts' | 'epoch',
): Date | undefined {
  if (timeZone !== PROVIDER_TIME_ZONE) formatterFor(timeZone); // an unknown zone throws, whatever the value
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? undefined : new Date(value.getTime());
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? fromEpochDigits(value) : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '' || text.length > 40) return undefined;
  if (/^\d+$/.test(text)) {
    if (text.length === 12 && hint !== 'epoch') return fromScts(text, timeZone);
    if (text.length === 10 && hint !== 'epoch') {
      const scts = fromScts(text, timeZone);
      if (hint === 'scts') return scts;
      const epoch = fromEpochDigits(Number(text));
      if (!scts || !epoch) return scts ?? epoch;
      const now = Date.now();
      return Math.abs(scts.getTime() - now) <= Math.abs(epoch.getTime() - now) ? scts : epoch;
    }
    if (hint === 'scts') return undefined;
    // Digit strings: 9–10 digits are epoch seconds, 13 are milliseconds; other lengths are noise.
    return text.length === 9 || text.length === 10 || text.length === 13
      ? fromEpochDigits(Number(text))
      : undefined;
  }
  if (/^\d+\.\d+$/.test(text) && hint !== 'scts') return fromEpochDigits(Number(text));

  const local = LOCAL_ISO.exec(text);
  const french = FRENCH.exec(text);
  const m = local ?? french;
  if (m) {
    const [year, month, day] = (local ? [m[1], m[2], m[3]] : [m[3], m[2], m[1]]).map(Number);
    const [hour = 0, minute = 0, second = 0] = [m[4], m[5], m[6]].map((v) => Number(v ?? 0));
    const wall = { year: year!, month: month!, day: day!, hour, minute, second };
    return validWall(wall) ? zonedWallTimeToDate(wall, timeZone) : undefined;
  }
  if (WITH_OFFSET.test(text)) {
    const parsed = Date.parse(text);
    return Number.isNaN(parsed) ? undefined : new Date(parsed);
  }
  return undefined;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A `Date` as SMS Partner's scheduling fields, in Europe/Paris wall time. */
export function toProviderSchedule(date: Date): {
  scheduledDeliveryDate: string;
  time: number;
  minute: number;
} {
  const w = wallTimeIn(date.getTime(), PROVIDER_TIME_ZONE);
  return {
    scheduledDeliveryDate: `${pad(w.day)}/${pad(w.month)}/${w.year}`,
    time: w.hour,
    minute: w.minute,
  };
}

/** `'14:05'`-style Paris wall-clock label with the date, for error messages. */
export function describeParisTime(date: Date): string {
  const s = toProviderSchedule(date);
  return `${s.scheduledDeliveryDate} ${pad(s.time)}:${pad(s.minute)} Europe/Paris (${date.toISOString()})`;
}

/** `'YYYY-MM-DD HH:MM:SS'` in `timeZone`: the provider's date format (the reverse of parseProviderDate). */
export function formatProviderDate(date: Date | number, timeZone = PROVIDER_TIME_ZONE): string {
  const w = wallTimeIn(typeof date === 'number' ? date : date.getTime(), timeZone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

/** Vonage's `scts`: `'YYMMDDhhmm'` in `timeZone`. */
export function formatScts(date: Date | number, timeZone = PROVIDER_TIME_ZONE): string {
  const w = wallTimeIn(typeof date === 'number' ? date : date.getTime(), timeZone);
  return `${pad(w.year % 100)}${pad(w.month)}${pad(w.day)}${pad(w.hour)}${pad(w.minute)}`;
}

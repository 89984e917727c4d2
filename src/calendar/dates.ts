// Calendar dates as 'YYYY-MM-DD' strings: the calendar's years, solar dates, weekdays, and date-time input. Vietnam
// time itself (the offset, local dates, days' starts) is shared/time.ts.
import type { SolarDate } from './lunar.ts';

export const FIRST_YEAR = 1900;
export const LAST_YEAR = 2199;

export const isoDate = ({ year, month, day }: SolarDate) =>
  `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;

export const toSolar = (date: string): SolarDate => ({ year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)), day: Number(date.slice(8, 10)) });

/** 0 = Sunday … 6 = Saturday. */
export const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();
export const isWeekend = (date: string) => weekday(date) === 0 || weekday(date) === 6;

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?(Z|[+\- ]\d{2}:\d{2})?$/;
/** The query-string pattern for `parseDateTime` (a '+' sent unencoded arrives as a space). */
export const DATE_TIME_PATTERN = DATE_TIME.source;

/**
 * Parses an ISO 8601 date-time; without an offset it is Vietnam time. Returns null for impossible dates
 * (2026-02-30, 25:00) and for years outside FIRST_YEAR–LAST_YEAR.
 */
export function parseDateTime(text: string): Date | null {
  const m = DATE_TIME.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s = '0', frac = '', zone = '+07:00'] = m;
  const fields = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)] as const;
  const wall = new Date(Date.UTC(...fields, Math.round(Number(frac || 0) * 1000)));
  if (
    wall.getUTCFullYear() !== fields[0] ||
    wall.getUTCMonth() !== fields[1] ||
    wall.getUTCDate() !== fields[2] ||
    wall.getUTCHours() !== fields[3] ||
    wall.getUTCMinutes() !== fields[4] ||
    wall.getUTCSeconds() !== fields[5]
  )
    return null;
  if (fields[0] < FIRST_YEAR || fields[0] > LAST_YEAR) return null;
  const offsetMinutes = zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  return new Date(wall.getTime() - offsetMinutes * 60_000);
}

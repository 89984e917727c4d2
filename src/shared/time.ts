// Vietnam time, the one place for it. Asia/Ho_Chi_Minh is UTC+7 all year (no daylight saving time since 1975), so a
// fixed offset is exact for every date the platform serves. Calendar dates are 'YYYY-MM-DD' strings.

export const TIME_ZONE = 'Asia/Ho_Chi_Minh';
export const HOUR_MS = 3600_000;
export const DAY_MS = 24 * HOUR_MS;
export const VIETNAM_OFFSET_MS = 7 * HOUR_MS;

/** The instant moved by the offset, so that its UTC fields read the Vietnam wall clock. */
const wall = (at: Date) => new Date(at.getTime() + VIETNAM_OFFSET_MS);

/** The Vietnam wall-clock fields of an instant (month 1–12). */
export function vietnamParts(at: Date) {
  const t = wall(at);
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate(), hour: t.getUTCHours(), minute: t.getUTCMinutes() };
}

/** YYYY-MM-DD of an instant in Vietnam time. */
export const vietnamDate = (at: Date) => wall(at).toISOString().slice(0, 10);
/** The year of an instant in Vietnam time (yearly numbering of forms, receipts, results). */
export const vietnamYear = (at: Date) => wall(at).getUTCFullYear();
/** YYMMDD of an instant in Vietnam time (the date part of a dossier code). */
export const yymmdd = (at: Date) => vietnamDate(at).slice(2).replaceAll('-', '');

/**
 * ISO 8601 in Vietnam time with the +07:00 offset, e.g. 2026-02-24T09:00:00+07:00; milliseconds are kept only when
 * `keepMilliseconds` is set and there are some.
 */
export function vietnamIso(at: Date, keepMilliseconds = false): string {
  const text = wall(at).toISOString();
  return (keepMilliseconds && !text.endsWith('.000Z') ? text.slice(0, 23) : text.slice(0, 19)) + '+07:00';
}

/** dd/mm/yyyy hh:mm in Vietnam time, as registers and spreadsheets show it; '' for none. */
export function vietnamDateTime(v: Date | string | null | undefined): string {
  if (!v) return '';
  const s = vietnamIso(new Date(v));
  return `${s.slice(8, 10)}/${s.slice(5, 7)}/${s.slice(0, 4)} ${s.slice(11, 16)}`;
}

/** The calendar date `days` after `date` (negative: before). */
export const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** The first instant of a Vietnamese calendar day (local midnight). */
export const vietnamDayStart = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) - VIETNAM_OFFSET_MS);

// The same in SQL, independent of the session's TimeZone setting (so PGlite and any server agree).
/** SQL: the Vietnam calendar date of a timestamptz expression. */
export const sqlVietnamDate = (expr: string) => `((${expr} AT TIME ZONE 'UTC') + interval '7 hours')::date`;
/** SQL: the instant a Vietnam calendar date (a date expression) starts, so conditions stay ranges an index serves. */
export const sqlVietnamDayStart = (date: string) => `(${date}::timestamp AT TIME ZONE 'UTC' - interval '7 hours')`;

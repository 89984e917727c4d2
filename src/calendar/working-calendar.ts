// The working-time calendar (lịch làm việc): which days are worked and when, and deadline arithmetic over it.
// Pure: built from the statutory rules, the administrators' adjustments and the office hours.
//
// Due-date rule (ngày hẹn trả kết quả):
// - Time counts only inside office periods (giờ hành chính) of working days, Vietnam time. A working day is
//   Monday–Friday, unless it is a holiday, a compensatory day or an adjustment day off; a Saturday or Sunday
//   recorded as 'workday' (làm bù) is worked.
// - A reception outside office hours or on a day off starts counting at the start of the next office period.
// - n working days = n × the length of one working day's office periods (the vendors' "8 giờ làm việc = 1 ngày"
//   when the periods add up to 8 h), so a dossier received Mon 09:00 with 1 working day is due Tue 09:00.
// - When the time runs out exactly at the end of a period, the due time is that end (Tue 17:00), not the next
//   period's start (Wed 07:30): received after hours on Monday + 1 working day = Tuesday 17:00.
import { badRequest } from '../shared/errors.ts';
import { addDays, DAY_MS, HOUR_MS, VIETNAM_OFFSET_MS, vietnamDate, vietnamDayStart } from '../shared/time.ts';
import { FIRST_YEAR, isWeekend, LAST_YEAR } from './dates.ts';
import { statutoryHolidays, type CalendarDay } from './holidays.ts';

/** One office period, 'HH:MM' to 'HH:MM' Vietnam time. */
export interface OfficePeriod {
  start: string;
  end: string;
}
export type AdjustmentKind = 'holiday' | 'workday' | 'not_holiday';
/** holiday = an extra day off; workday = a weekend day worked (làm bù); not_holiday = cancels a generated day off. */
export interface Adjustment {
  date: string;
  kind: AdjustmentKind;
  name: string;
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Office periods as [start, end) milliseconds after local midnight; 400 unless ascending and not overlapping. */
export function officePeriodsMs(periods: OfficePeriod[]): [number, number][] {
  const ms = periods.map((p): [number, number] => [minutes(p.start) * 60_000, minutes(p.end) * 60_000]);
  if (!ms.length || ms.some(([s, e], i) => s >= e || (i > 0 && s < ms[i - 1][1]))) {
    throw badRequest('INVALID_OFFICE_HOURS', 'Giờ làm việc phải gồm các khoảng "bắt đầu–kết thúc" tăng dần, không chồng lên nhau.');
  }
  return ms;
}

export class WorkingCalendar {
  private readonly periods: [number, number][];
  /** Length of one working day's office periods. */
  readonly dayMs: number;
  private readonly adjustments = new Map<number, Adjustment[]>();
  private readonly years = new Map<number, Map<string, CalendarDay>>();
  /** Per year: the working milliseconds before each of its days (index = day of the year), and the year's total last. */
  private readonly before = new Map<number, Float64Array>();

  constructor(officeHours: OfficePeriod[], adjustments: Adjustment[]) {
    this.periods = officePeriodsMs(officeHours);
    this.dayMs = this.periods.reduce((sum, [s, e]) => sum + e - s, 0);
    for (const a of adjustments) {
      const year = Number(a.date.slice(0, 4));
      this.adjustments.set(year, [...(this.adjustments.get(year) ?? []), a]);
    }
  }

  /** The year's days off and làm bù days, by date: the statutory days with the adjustments applied. */
  holidays(year: number): CalendarDay[] {
    return [...this.year(year).values()].sort((a, b) => a.date.localeCompare(b.date));
  }

  isWorkingDay(date: string): boolean {
    const day = this.year(Number(date.slice(0, 4))).get(date);
    return day ? day.kind === 'workday' : !isWeekend(date);
  }

  addWorkingDays(from: Date, days: number): Date {
    return this.addWorkingTime(from, days * this.dayMs);
  }

  addWorkingHours(from: Date, hours: number): Date {
    return this.addWorkingTime(from, hours * HOUR_MS);
  }

  /**
   * "Trong ngày" (same day): the close of office on the day of reception when received on a working day before
   * `cutoff` ('HH:MM'), otherwise the close of the next working day (Circular 01/2018's "sau 15 giờ thì trả trong
   * ngày làm việc tiếp theo").
   */
  sameDayDue(from: Date, cutoff = '15:00'): Date {
    let date = vietnamDate(from);
    const sameDay = this.isWorkingDay(date) && from.getTime() - vietnamDayStart(date).getTime() < minutes(cutoff) * 60_000;
    if (!sameDay)
      do date = addDays(date, 1);
      while (!this.isWorkingDay(date));
    return new Date(vietnamDayStart(date).getTime() + this.periods[this.periods.length - 1][1]);
  }

  /**
   * Working hours elapsed between two instants (0 when b is not after a): the difference of the working time before
   * each, read from per-year running totals, so that lists classifying many dossiers do no day-by-day walk.
   */
  workingHoursBetween(a: Date, b: Date): number {
    if (b <= a) return 0;
    const [ya, wa] = this.workedInYear(a.getTime());
    const [yb, wb] = this.workedInYear(b.getTime());
    let total = wb - wa;
    for (let y = ya; y < yb; y++) total += this.runningTotals(y).at(-1)!;
    return total / HOUR_MS;
  }

  /** The instant's Vietnam year and the working milliseconds of that year before it. */
  private workedInYear(t: number): [number, number] {
    const local = t + VIETNAM_OFFSET_MS;
    const day = Math.floor(local / DAY_MS);
    const year = new Date(day * DAY_MS).getUTCFullYear();
    const index = day - Date.UTC(year, 0, 1) / DAY_MS;
    const totals = this.runningTotals(year);
    if (totals[index + 1] === totals[index]) return [year, totals[index]];
    const timeOfDay = local - day * DAY_MS;
    return [year, totals[index] + this.periods.reduce((sum, [s, e]) => sum + Math.max(0, Math.min(timeOfDay, e) - s), 0)];
  }

  private runningTotals(year: number): Float64Array {
    let totals = this.before.get(year);
    if (!totals) {
      const first = `${year}-01-01`;
      const days = (Date.UTC(year + 1, 0, 1) - Date.UTC(year, 0, 1)) / DAY_MS;
      totals = new Float64Array(days + 1);
      for (let i = 0; i < days; i++) totals[i + 1] = totals[i] + (this.isWorkingDay(addDays(first, i)) ? this.dayMs : 0);
      this.before.set(year, totals);
    }
    return totals;
  }

  private addWorkingTime(from: Date, durationMs: number): Date {
    let remaining = Math.round(durationMs);
    let date = vietnamDate(from);
    let timeOfDay = from.getTime() - vietnamDayStart(date).getTime();
    for (; ; date = addDays(date, 1), timeOfDay = 0) {
      if (!this.isWorkingDay(date)) continue;
      for (const [s, e] of this.periods) {
        const begin = Math.max(timeOfDay, s);
        if (begin >= e) continue;
        if (remaining <= e - begin) return new Date(vietnamDayStart(date).getTime() + begin + remaining);
        remaining -= e - begin;
      }
    }
  }

  private year(year: number): Map<string, CalendarDay> {
    if (!(year >= FIRST_YEAR && year <= LAST_YEAR)) {
      throw badRequest('DATE_OUT_OF_RANGE', `Lịch làm việc chỉ tính được cho các năm từ ${FIRST_YEAR} đến ${LAST_YEAR}.`);
    }
    let days = this.years.get(year);
    if (!days) {
      days = new Map(statutoryHolidays(year).map((d) => [d.date, d]));
      for (const a of this.adjustments.get(year) ?? []) {
        if (a.kind === 'not_holiday') days.delete(a.date);
        else days.set(a.date, { date: a.date, name: a.name, kind: a.kind === 'holiday' ? 'adjustment' : 'workday' });
      }
      this.years.set(year, days);
    }
    return days;
  }
}

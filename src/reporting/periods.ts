// Reporting periods from a regime's rules (Decree 09/2019/NĐ-CP art. 12): a period runs from the cut-off day of the
// month before its first month to the day before the cut-off day in its last month — monthly 15/05 → 14/06, quarterly
// 15/12 → 14/03, half-yearly 15/12 → 14/06 and 15/06 → 14/12, yearly 15/12 → 14/12 (with cut-off day 1: calendar
// months). The report is due a set number of working days after the cut-off (art. 8.5: at least one).
import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import { addDays } from '../shared/time.ts';

export const FREQUENCIES = ['monthly', 'quarterly', 'half_yearly', 'yearly', 'thematic', 'ad_hoc'] as const;
export type Frequency = (typeof FREQUENCIES)[number];
export type PeriodicFrequency = Exclude<Frequency, 'thematic' | 'ad_hoc'>;
const MONTHS: Record<PeriodicFrequency, number> = { monthly: 1, quarterly: 3, half_yearly: 6, yearly: 12 };
export const isPeriodic = (f: Frequency): f is PeriodicFrequency => f in MONTHS;

export interface PeriodDates {
  label: string;
  startsOn: string;
  endsOn: string;
}

const ymd = (year: number, month: number, day: number) => {
  const d = new Date(Date.UTC(year, month - 1, day)); // months outside 1–12 roll into the neighbouring years
  return d.toISOString().slice(0, 10);
};
const ROMAN = ['I', 'II', 'III', 'IV'];

function label(frequency: PeriodicFrequency, year: number, endMonth: number): string {
  if (frequency === 'monthly') return `Tháng ${endMonth}/${year}`;
  if (frequency === 'quarterly') return `Quý ${ROMAN[endMonth / 3 - 1]}/${year}`;
  if (frequency === 'half_yearly') return `6 tháng ${endMonth === 6 ? 'đầu' : 'cuối'} năm ${year}`;
  return `Năm ${year}`;
}

/** The period of a regime that ends in month `endMonth` of `year` (which must close one of its periods). */
export function periodEnding(frequency: PeriodicFrequency, cutoffDay: number, year: number, endMonth: number): PeriodDates {
  const length = MONTHS[frequency];
  const startsOn = cutoffDay === 1 ? ymd(year, endMonth - length + 1, 1) : ymd(year, endMonth - length, cutoffDay);
  const endsOn = cutoffDay === 1 ? ymd(year, endMonth + 1, 0) : ymd(year, endMonth, cutoffDay - 1);
  return { label: label(frequency, year, endMonth), startsOn, endsOn };
}

/** The latest period whose cut-off has passed on `today`: the one units report on now. */
export function lastClosedPeriod(frequency: PeriodicFrequency, cutoffDay: number, today: string): PeriodDates {
  const length = MONTHS[frequency];
  let year = Number(today.slice(0, 4));
  let month = Number(today.slice(5, 7));
  month -= month % length; // the latest month that closes a period (0: December of the year before)
  for (;;) {
    if (month <= 0) {
      year -= 1;
      month += 12;
    }
    const p = periodEnding(frequency, cutoffDay, year, month);
    if (p.endsOn < today) return p;
    month -= length;
  }
}

/** The due date: the `workingDays`-th working day after the cut-off. */
export function dueDate(calendar: WorkingCalendar, endsOn: string, workingDays: number): string {
  let day = endsOn;
  for (let n = 0; n < workingDays; ) {
    day = addDays(day, 1);
    if (calendar.isWorkingDay(day)) n++;
  }
  return day;
}

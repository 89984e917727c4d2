// Ngày nghỉ lễ, tết by rule: Bộ luật Lao động 2019 điều 112 (applied to civil servants by Luật Cán bộ, công chức)
// and nghỉ bù under điều 111(3). This is the baseline; the Government announces the real arrangement every year
// (which Tết days, hoán đổi ngày làm việc), and administrators record it as calendar_adjustments.
// The same rules are applied to every year; years before 2021 (Bộ luật Lao động 2012) are approximations.
import { addDays } from '../shared/time.ts';
import { isoDate, isWeekend, toSolar, weekday } from './dates.ts';
import { lunarToSolar, solarToLunar, yearName } from './lunar.ts';

export type CalendarDayKind = 'holiday' | 'compensatory' | 'adjustment' | 'workday';
export interface CalendarDay {
  date: string;
  name: string;
  kind: CalendarDayKind;
}

/**
 * Ngày Văn hóa Việt Nam (24/11) is a paid holiday from 2026 (NQ 80-NQ/TW; the amendment of điều 112 is cited as
 * Nghị quyết 28/2026/QH16, in force 1/7/2026 — number and date not read in the act itself).
 */
const CULTURE_DAY_FROM = 2026;

/**
 * Quốc khánh is 2/9 plus one adjacent day (điều 112(1)(đ)). The Government picks the day each year; this is the
 * pattern of 2021–2026 (2026 from the research notes, earlier years from the announcements as remembered): 3/9 when
 * 2/9 falls on Thursday (2021) or Monday (2024) — and, by the same logic, Sunday — so that the holiday joins the
 * weekend; otherwise 1/9 (Fri 2022, Sat 2023, Tue 2025, Wed 2026).
 */
const nationalDayNeighbour = (year: number) => ([0, 1, 4].includes(weekday(`${year}-09-02`)) ? `${year}-09-03` : `${year}-09-01`);

/** The statutory holidays of solar year `year` with their compensatory days, by date. */
export function statutoryHolidays(year: number): CalendarDay[] {
  const tet = isoDate(lunarToSolar({ year, month: 1, day: 1, leap: false }));
  const lastDayOfYear = addDays(tet, -1);
  const tetName = `Tết Nguyên đán ${yearName(year)}`;
  // Tết: the government's usual five days are the last day of the lunar year (29 or 30 tháng Chạp) and mùng 1–4.
  const rules: [string, string][] = [
    [`${year}-01-01`, 'Tết Dương lịch'],
    [lastDayOfYear, `${tetName} (${solarToLunar(toSolar(lastDayOfYear)).day} tháng Chạp)`],
    ...[0, 1, 2, 3].map((i): [string, string] => [addDays(tet, i), `${tetName} (mùng ${i + 1} tháng Giêng)`]),
    [isoDate(lunarToSolar({ year, month: 3, day: 10, leap: false })), 'Giỗ Tổ Hùng Vương (10/3 âm lịch)'],
    [`${year}-04-30`, 'Ngày Chiến thắng (30/4)'],
    [`${year}-05-01`, 'Ngày Quốc tế Lao động (1/5)'],
    [`${year}-09-02`, 'Quốc khánh (2/9)'],
    [nationalDayNeighbour(year), 'Quốc khánh (ngày liền kề 2/9)'],
  ];
  if (year >= CULTURE_DAY_FROM) rules.push([`${year}-11-24`, 'Ngày Văn hóa Việt Nam (24/11)']);
  rules.sort(([a], [b]) => a.localeCompare(b));

  const days = new Map<string, CalendarDay>();
  // A holiday on a Saturday or Sunday, or on the same date as another holiday (Giỗ Tổ on 30/4), gives a day off
  // on the next working day that is not already a holiday or a compensatory day.
  const owed: [string, string][] = [];
  for (const [date, name] of rules) {
    const same = days.get(date);
    if (same) same.name += `; ${name}`;
    else days.set(date, { date, name, kind: 'holiday' });
    if (same || isWeekend(date)) owed.push([date, name]);
  }
  for (const [holiday, name] of owed) {
    let date = addDays(holiday, 1);
    while (isWeekend(date) || days.has(date)) date = addDays(date, 1);
    days.set(date, { date, name: `Nghỉ bù ${name}`, kind: 'compensatory' });
  }
  return [...days.values()].sort((a, b) => a.date.localeCompare(b.date));
}

// The reporting period (kỳ báo cáo) and scope of the operations-centre screens, kept in the URL so every view can
// be bookmarked, shared and drilled into: ?ky=thang&from=2026-11-01&to=2026-11-30&agency=…&commune=…&field=…&procedure=….
// Days are calendar days in Vietnam time, as the API counts them.
import { formatDay } from '../format.ts';
import type { Grain } from './types.ts';

export const PERIOD_KINDS = { ngay: 'Ngày', thang: 'Tháng', quy: 'Quý', nam: 'Năm', 'tuy-chon': 'Tùy chọn' } as const;
export type PeriodKind = keyof typeof PERIOD_KINDS;
export interface Period {
  kind: PeriodKind;
  from: string;
  to: string;
}

export const SCOPE_KEYS = ['agency', 'commune', 'field', 'procedure'] as const;
export type Scope = Partial<Record<(typeof SCOPE_KEYS)[number], string>>;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const pad = (n: number) => String(n).padStart(2, '0');
const dayText = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const parts = (day: string) => day.split('-').map(Number) as [number, number, number];

/** Today in Vietnam. */
export const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());

/** The day, month, quarter or year containing `day`. */
export function periodAround(kind: Exclude<PeriodKind, 'tuy-chon'>, day: string): Period {
  const [y, m] = parts(day);
  switch (kind) {
    case 'ngay':
      return { kind, from: day, to: day };
    case 'thang':
      return { kind, from: dayText(y, m, 1), to: dayText(y, m, lastDay(y, m)) };
    case 'quy': {
      const first = Math.floor((m - 1) / 3) * 3 + 1;
      return { kind, from: dayText(y, first, 1), to: dayText(y, first + 2, lastDay(y, first + 2)) };
    }
    case 'nam':
      return { kind, from: dayText(y, 1, 1), to: dayText(y, 12, 31) };
  }
}

/** The period written in the URL; this month when none (or a malformed one) is. */
export function readPeriod(search: URLSearchParams, fallback: Exclude<PeriodKind, 'tuy-chon'> = 'thang'): Period {
  const kind = (search.get('ky') ?? '') in PERIOD_KINDS ? (search.get('ky') as PeriodKind) : fallback;
  const from = search.get('from') ?? '';
  const to = search.get('to') ?? '';
  if (kind === 'tuy-chon') return DAY.test(from) && DAY.test(to) && from <= to ? { kind, from, to } : { ...periodAround('thang', today()), kind };
  return periodAround(kind, DAY.test(from) ? from : today());
}

export const readScope = (search: URLSearchParams): Scope => Object.fromEntries(SCOPE_KEYS.map((k) => [k, search.get(k) ?? '']).filter(([, v]) => v)) as Scope;

/** The URL parameters of a period and scope. */
export const periodParams = (p: Period, scope: Scope = {}) => ({ ky: p.kind, from: p.from, to: p.to, ...scope });
/** The API parameters of a period and scope. */
export const apiParams = (p: Period, scope: Scope = {}) => ({ from: p.from, to: p.to, ...scope });

const QUARTERS = ['I', 'II', 'III', 'IV'];
export const quarterOf = (day: string) => Math.floor((parts(day)[1] - 1) / 3) + 1;

/** "Tháng 11/2026", "Quý IV/2026", "Năm 2026", "Ngày 27/11/2026", "Từ 01/11/2026 đến 27/11/2026". */
export function periodLabel(p: Period): string {
  const [y, m] = parts(p.from);
  switch (p.kind) {
    case 'ngay':
      return `Ngày ${formatDay(p.from)}`;
    case 'thang':
      return `Tháng ${m}/${y}`;
    case 'quy':
      return `Quý ${QUARTERS[quarterOf(p.from) - 1]}/${y}`;
    case 'nam':
      return `Năm ${y}`;
    case 'tuy-chon':
      return p.from === p.to ? `Ngày ${formatDay(p.from)}` : `Từ ${formatDay(p.from)} đến ${formatDay(p.to)}`;
  }
}
export const quarterName = (q: number) => `Quý ${QUARTERS[q - 1]}`;

/** The period before (-1) or after (+1) a day, month, quarter or year; a custom range moves by its own length. */
export function shiftPeriod(p: Period, step: -1 | 1): Period {
  const [y, m, d] = parts(p.from);
  switch (p.kind) {
    case 'ngay':
      return periodAround('ngay', new Date(Date.UTC(y, m - 1, d + step)).toISOString().slice(0, 10));
    case 'thang':
      return periodAround('thang', dayText(y + Math.floor((m - 1 + step) / 12), ((m - 1 + step + 12) % 12) + 1, 1));
    case 'quy':
      return periodAround('quy', dayText(y + Math.floor((m - 1 + 3 * step) / 12), ((m - 1 + 3 * step + 12) % 12) + 1, 1));
    case 'nam':
      return periodAround('nam', dayText(y + step, 1, 1));
    case 'tuy-chon': {
      const days = daysIn(p);
      const move = (day: string) => {
        const [a, b, c] = parts(day);
        return new Date(Date.UTC(a, b - 1, c + step * days)).toISOString().slice(0, 10);
      };
      return { kind: p.kind, from: move(p.from), to: move(p.to) };
    }
  }
}

export const daysIn = (p: Period) => Math.round((Date.parse(p.to) - Date.parse(p.from)) / 86_400_000) + 1;

/** Days for up to two months, months beyond. */
export const grainOf = (p: Period): Grain => (daysIn(p) <= 62 ? 'day' : 'month');

/** The period of the 766 index: the year, quarter or month chosen; for a day or a custom range, the month of its end. */
export function index766Period(p: Period): string {
  const [y, m] = parts(p.kind === 'ngay' || p.kind === 'tuy-chon' ? p.to : p.from);
  if (p.kind === 'nam') return String(y);
  if (p.kind === 'quy') return `${y}-Q${quarterOf(p.from)}`;
  return `${y}-${pad(m)}`;
}

/** "2026-11" → "11/2026"; "2026-11-27" → "27/11". Axis labels of the trend. */
export const trendLabel = (period: string) => {
  const [y, m, d] = period.split('-');
  return d ? `${d}/${m}` : `${m}/${y}`;
};

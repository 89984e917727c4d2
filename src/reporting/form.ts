// A report's data form (biểu mẫu số liệu): one row per indicator, the columns of Decree 09's forms, and the checks
// before a report may go to its leader — blocking errors and warnings. A missing figure is null, never 0: a required
// row left empty blocks the report, and nothing counts it as zero.
import type { Indicator } from './indicators.ts';

/** Thực hiện kỳ này, kỳ trước, cùng kỳ năm trước, kế hoạch. */
export const COLUMNS = ['current', 'previous', 'lastYear', 'plan'] as const;
export type Column = (typeof COLUMNS)[number];
export const COLUMN_LABELS: Record<Column, string> = {
  current: 'Thực hiện kỳ này',
  previous: 'Thực hiện kỳ trước',
  lastYear: 'Cùng kỳ năm trước',
  plan: 'Kế hoạch',
};
/** The columns a unit types; the others are carried from earlier periods or computed. */
export const ENTERED: Column[] = ['current', 'plan'];

export type RowValues = Record<Column, number | null> & { /** what the platform computed, when it does */ computed?: number | null };
export type ReportData = Record<string, RowValues>;

export interface FormRow {
  ordinal: number;
  indicator: Indicator;
  required: boolean;
}

export interface Finding {
  indicator: string;
  column: Column;
  message: string;
}

export const emptyRow = (): RowValues => ({ current: null, previous: null, lastYear: null, plan: null });

/** A reported ratio is never typed: it is its parts' quotient, in percent (null while a part is missing or zero). */
export function deriveRatios(rows: FormRow[], data: ReportData): void {
  for (const { indicator: ind } of rows) {
    if (ind.source !== 'reported' || ind.aggregation !== 'ratio' || !ind.numerator || !ind.denominator) continue;
    data[ind.code] ??= emptyRow();
    const row = data[ind.code];
    for (const col of COLUMNS) {
      const n = data[ind.numerator]?.[col] ?? null;
      const d = data[ind.denominator]?.[col] ?? null;
      row[col] = n === null || !d ? null : Math.round((n / d) * 10000) / 100;
    }
  }
}

const isDerived = (ind: Indicator) => ind.source === 'reported' && ind.aggregation === 'ratio';
export const entered = (ind: Indicator): Column[] => (isDerived(ind) ? [] : ENTERED);

const fmt = (v: number) => v.toLocaleString('vi-VN');

export function validate(rows: FormRow[], data: ReportData): { errors: Finding[]; warnings: Finding[] } {
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  for (const { indicator: ind, required } of rows) {
    const v = data[ind.code] ?? emptyRow();
    for (const col of COLUMNS) {
      const x = v[col];
      if (x === null) continue;
      if (x < 0) errors.push({ indicator: ind.code, column: col, message: `${ind.name}: số liệu không được âm.` });
      if (ind.unit === '%' && x > 100) errors.push({ indicator: ind.code, column: col, message: `${ind.name}: tỷ lệ không được vượt quá 100%.` });
    }
    if (v.current === null) {
      // A figure the platform cannot compute (no dossiers: a ratio of nothing) is not the unit's to invent.
      if (required && ind.source === 'computed')
        warnings.push({ indicator: ind.code, column: 'current', message: `${ind.name}: hệ thống chưa có số liệu kỳ này.` });
      else if (required && !isDerived(ind))
        errors.push({ indicator: ind.code, column: 'current', message: `${ind.name}: chưa có số liệu kỳ này (nếu bằng 0, hãy nhập 0).` });
      continue;
    }
    if (v.computed != null && v.computed !== v.current)
      warnings.push({ indicator: ind.code, column: 'current', message: `${ind.name}: khác số liệu hệ thống tính (${fmt(v.computed)}).` });
    if (v.previous && Math.abs(v.current - v.previous) / v.previous > 0.5)
      warnings.push({ indicator: ind.code, column: 'current', message: `${ind.name}: thay đổi hơn 50% so với kỳ trước (${fmt(v.previous)}).` });
  }
  return { errors, warnings };
}

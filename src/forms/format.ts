// Vietnamese date/time wording for printed forms. All forms show Vietnam time (UTC+7, no DST).
import { vietnamParts } from '../shared/time.ts';

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** "ngày 05 tháng 3 năm 2020" — Decree 30/2020 Phụ lục I: days below 10 and months 1–2 take a leading zero. */
export function vnDate(d: Date): string {
  const p = vietnamParts(d);
  const month = p.month <= 2 ? pad2(p.month) : String(p.month);
  return `ngày ${pad2(p.day)} tháng ${month} năm ${p.year}`;
}

/** "08 giờ 30 phút, ngày 22 tháng 11 năm 2026". */
export function vnDateTime(d: Date): string {
  const p = vietnamParts(d);
  return `${pad2(p.hour)} giờ ${pad2(p.minute)} phút, ${vnDate(d)}`;
}

/** Compact form for table cells: "08 giờ 30 phút, ngày 22/11/2026". */
export function vnDateTimeShort(d: Date): string {
  const p = vietnamParts(d);
  return `${pad2(p.hour)} giờ ${pad2(p.minute)} phút, ngày ${pad2(p.day)}/${pad2(p.month)}/${p.year}`;
}

/** Địa danh và thời gian ban hành: "Cần Thơ, ngày 22 tháng 11 năm 2026". */
export function placeAndDate(place: string, d: Date): string {
  return `${place}, ${vnDate(d)}`;
}

/** Two-digit counts as printed on forms: "01", "02", … ("0" for none). */
export function count2(n: number): string {
  return n === 0 ? '0' : pad2(n);
}

// CSV for spreadsheets, the one writer of every CSV download: UTF-8 with a BOM (so Excel reads Vietnamese), CRLF line
// ends, RFC 4180 quoting, and no cell a spreadsheet would run as a formula (OWASP "CSV injection").
export type CsvValue = string | number | null | undefined;

export const CSV_BOM = '\uFEFF';
export const CSV_MIME = 'text/csv; charset=utf-8';

/**
 * One cell. Text starting with = + - @ tab or CR gets a leading apostrophe, so a spreadsheet shows it as text instead
 * of evaluating it (=HYPERLINK(…), =cmd|…); numbers, and text that is only a signed number or a phone number
 * (-12.5, +84 912-345-678), hold no formula and stay as they are.
 */
export function csvCell(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  const safe = typeof v === 'string' && /^[=+\-@\t\r]/.test(s) && !/^\+?[0-9 .-]+$/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One line, CRLF included. */
export const csvLine = (cells: CsvValue[]) => cells.map(csvCell).join(',') + '\r\n';

/** A whole document: the BOM and every line. */
export const toCsv = (lines: CsvValue[][]) => CSV_BOM + lines.map(csvLine).join('');

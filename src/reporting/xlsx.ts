// A report's data form as an XLSX workbook: exported with the figures as they stand, filled offline, imported back.
// The import reads only the sheet and columns the export wrote; any wrong cell (an unknown indicator, text in a number
// cell, a missing sheet or header) refuses the whole file, each problem named by its cell, and nothing is written.
import ExcelJS from 'exceljs';
import { badRequest } from '../shared/errors.ts';
import { COLUMN_LABELS, COLUMNS, type Column } from './form.ts';
import type { FormLine } from './service.ts';

export const SHEET = 'Biểu số liệu';
const HEADER_ROW = 4;
const FIRST_ROW = HEADER_ROW + 1;
const HEADERS = ['TT', 'Mã chỉ tiêu', 'Chỉ tiêu', 'Đơn vị', ...COLUMNS.map((c) => COLUMN_LABELS[c])];
/** The column letter of each figure: E = this period … H = plan. */
const LETTER: Record<Column, string> = { current: 'E', previous: 'F', lastYear: 'G', plan: 'H' };

export async function exportForm(title: string, lines: FormLine[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'congso';
  const ws = wb.addWorksheet(SHEET);
  ws.getCell('A1').value = title;
  ws.getCell('A1').font = { bold: true, size: 13 };
  ws.getCell('A2').value = 'Nhập số liệu vào các ô trắng; ô để trống là chưa có số liệu (không phải 0). Không sửa mã chỉ tiêu.';
  ws.getCell('A2').font = { italic: true };
  ws.getRow(HEADER_ROW).values = HEADERS;
  ws.getRow(HEADER_ROW).font = { bold: true };
  ws.columns = [{ width: 5 }, { width: 24 }, { width: 60 }, { width: 10 }, ...COLUMNS.map(() => ({ width: 18 }))];
  lines.forEach((l, i) => {
    const row = ws.getRow(FIRST_ROW + i);
    row.values = [l.ordinal, l.code, l.name, l.unit, ...COLUMNS.map((c) => l.values[c])];
    for (const c of COLUMNS) if (!l.entered.includes(c)) row.getCell(LETTER[c]).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE5E7EB' } };
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export interface CellProblem {
  cell: string;
  message: string;
}

/** The typed figures of an imported form, by indicator code; refused whole (400, each cell named) on any problem. */
export async function importForm(bytes: Buffer, lines: FormLine[]): Promise<Record<string, Partial<Record<Column, number | null>>>> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw badRequest('XLSX_UNREADABLE', 'Tệp không phải bảng tính XLSX đọc được.');
  }
  const ws = wb.getWorksheet(SHEET);
  if (!ws)
    throw badRequest('XLSX_WRONG_SHEET', `Tệp không có trang tính "${SHEET}" của biểu mẫu.`, { problems: [{ cell: SHEET, message: 'Thiếu trang tính' }] });
  const problems: CellProblem[] = [];
  HEADERS.forEach((h, i) => {
    const cell = ws.getRow(HEADER_ROW).getCell(i + 1);
    if (String(cell.value ?? '').trim() !== h) problems.push({ cell: cell.address, message: `Tiêu đề cột phải là "${h}".` });
  });
  const byCode = new Map(lines.map((l) => [l.code, l]));
  const entries: Record<string, Partial<Record<Column, number | null>>> = {};
  for (let r = FIRST_ROW; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const codeCell = row.getCell('B');
    const code = String(codeCell.value ?? '').trim();
    if (!code) continue;
    const line = byCode.get(code);
    if (!line) {
      problems.push({ cell: codeCell.address, message: `Mã chỉ tiêu "${code}" không có trong biểu mẫu.` });
      continue;
    }
    if (entries[code]) problems.push({ cell: codeCell.address, message: `Chỉ tiêu ${code} xuất hiện hai lần.` });
    const values: Partial<Record<Column, number | null>> = {};
    for (const col of line.entered) {
      const cell = row.getCell(LETTER[col]);
      const raw = cell.value && typeof cell.value === 'object' && 'result' in cell.value ? cell.value.result : cell.value;
      if (raw === null || raw === undefined || raw === '') values[col] = null;
      else if (typeof raw === 'number' && Number.isFinite(raw)) values[col] = raw;
      else problems.push({ cell: cell.address, message: `Ô ${cell.address} (${COLUMN_LABELS[col]}, ${code}) phải là số hoặc để trống.` });
    }
    entries[code] = values;
  }
  if (problems.length)
    throw badRequest('XLSX_INVALID', `Tệp biểu mẫu có ${problems.length} lỗi, đầu tiên ở ô ${problems[0].cell}: ${problems[0].message}`, { problems });
  return entries;
}

// Printed registers (sổ) as XLSX: a title row, a period row, the bordered header, one bordered row per entry, written
// to a stream row by row (exceljs's streaming writer), A4 landscape fitted to the page width when printed.
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface RegisterSheet {
  /** The worksheet's name (at most 31 characters). */
  sheet: string;
  title: string;
  subtitle: string;
  columns: readonly string[];
  /** Column widths in characters, one per column. */
  widths: readonly number[];
}

const BORDER = { top: { style: 'thin' }, left: { style: 'thin' }, bottom: { style: 'thin' }, right: { style: 'thin' } } as const;

export async function writeRegisterXlsx(out: Writable, s: RegisterSheet, rows: AsyncIterable<(string | number)[]> | Iterable<(string | number)[]>) {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = 'congso';
  const sheet = workbook.addWorksheet(s.sheet, {
    pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
    views: [{ state: 'frozen', ySplit: 3 }],
  });
  sheet.columns = s.widths.map((width) => ({ width }));
  const last = s.columns.length;
  const title = sheet.addRow([s.title]);
  title.font = { bold: true, size: 14 };
  title.alignment = { horizontal: 'center' };
  sheet.mergeCells(1, 1, 1, last);
  title.commit();
  const period = sheet.addRow([s.subtitle]);
  period.font = { italic: true };
  period.alignment = { horizontal: 'center' };
  sheet.mergeCells(2, 1, 2, last);
  period.commit();
  const header = sheet.addRow([...s.columns]);
  header.eachCell((c) => {
    c.font = { bold: true };
    c.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    c.border = BORDER;
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7EEF7' } };
  });
  header.commit();
  for await (const r of rows) {
    const row = sheet.addRow(r);
    // Every column bordered, also the empty ones at the end (Ký nhận, Ghi chú).
    for (let i = 1; i <= last; i++) {
      const c = row.getCell(i);
      c.border = BORDER;
      c.alignment = { vertical: 'top', wrapText: true };
    }
    row.commit();
  }
  sheet.commit();
  await workbook.commit();
}

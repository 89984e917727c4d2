// Tables of figures as downloads: CSV (UTF-8 with BOM, so Excel reads the Vietnamese) or XLSX, Vietnamese headers.
import ExcelJS from 'exceljs';
import type { FastifyReply } from 'fastify';

export interface Column<T> { header: string; value: (row: T) => string | number | null }

const csvCell = (v: string | number | null) => {
  if (v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

export function toCsv<T>(columns: Column<T>[], rows: T[]): string {
  return '\uFEFF' + [columns.map((c) => csvCell(c.header)).join(','), ...rows.map((r) => columns.map((c) => csvCell(c.value(r))).join(','))].join('\r\n') + '\r\n';
}

/** Sends the table as a file named `name`.csv / .xlsx. */
export async function sendTable<T>(reply: FastifyReply, format: 'csv' | 'xlsx', name: string, sheet: string, columns: Column<T>[], rows: T[]) {
  reply.header('content-disposition', `attachment; filename="${name}.${format}"`);
  if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(toCsv(columns, rows));
  const workbook = new ExcelJS.Workbook();
  const ws = workbook.addWorksheet(sheet);
  ws.columns = columns.map((c) => ({ header: c.header, width: Math.max(12, c.header.length + 2) }));
  ws.getRow(1).font = { bold: true };
  for (const r of rows) ws.addRow(columns.map((c) => c.value(r)));
  return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(Buffer.from(await workbook.xlsx.writeBuffer()));
}

/** A ratio as a percentage with one decimal, empty when there is none. */
export const percent = (r: number | null) => (r === null ? null : Math.round(r * 1000) / 10);

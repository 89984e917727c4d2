// Tables of figures as downloads: CSV (shared/csv.ts) or XLSX, Vietnamese headers.
import ExcelJS from 'exceljs';
import type { FastifyReply } from 'fastify';
import { CSV_MIME, toCsv } from '../shared/csv.ts';

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | null;
}

/** The table as CSV: a header line, then one line per row. */
export const tableCsv = <T>(columns: Column<T>[], rows: T[]) => toCsv([columns.map((c) => c.header), ...rows.map((r) => columns.map((c) => c.value(r)))]);

/** Sends the table as a file named `name`.csv / .xlsx. */
export async function sendTable<T>(reply: FastifyReply, format: 'csv' | 'xlsx', name: string, sheet: string, columns: Column<T>[], rows: T[]) {
  reply.header('content-disposition', `attachment; filename="${name}.${format}"`);
  if (format === 'csv') return reply.type(CSV_MIME).send(tableCsv(columns, rows));
  const workbook = new ExcelJS.Workbook();
  const ws = workbook.addWorksheet(sheet);
  ws.columns = columns.map((c) => ({ header: c.header, width: Math.max(12, c.header.length + 2) }));
  ws.getRow(1).font = { bold: true };
  for (const r of rows) ws.addRow(columns.map((c) => c.value(r)));
  return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(Buffer.from(await workbook.xlsx.writeBuffer()));
}

/** A ratio as a percentage with one decimal, empty when there is none. */
export const percent = (r: number | null) => (r === null ? null : Math.round(r * 1000) / 10);

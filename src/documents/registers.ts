// The registers of Decree 30/2020 Phụ lục IV for any period, per organisation: sổ đăng ký văn bản đi (and the secret
// documents' own book), sổ đăng ký văn bản đến and sổ theo dõi giải quyết văn bản đến; as an A4 landscape PDF (the
// forms module's writer and fonts) or XLSX (the shared register sheet). The văn thư, the agency's leaders and its
// administrator print them for their organisation or one below it; a secret document's trích yếu shows only to the
// people named on it.
import { PassThrough, type Readable } from 'node:stream';
import type { Queryable } from '../db/index.ts';
import type { DocumentsRow } from '../db/schema.ts';
import { agencyNames, getAgencyRow, organisationOf } from '../agencies/service.ts';
import { staffNames } from '../identity/service.ts';
import { FormWriter } from '../forms/layout.ts';
import { type Actor, isSystemAdmin } from '../shared/actor.ts';
import { AppError, badRequest, forbidden, notFound } from '../shared/errors.ts';
import { addDays, vietnamDate, vietnamDayStart, vietnamParts } from '../shared/time.ts';
import { writeRegisterXlsx, XLSX_MIME } from '../shared/xlsx.ts';
import { BOOKS, formatNumber } from './numbering.ts';
import { INCOMING_STATES, URGENCIES, type IncomingStatus } from './workflow.ts';

/** The printable registers: the three books of numbers and the follow-up of incoming documents. */
export const REGISTERS = {
  ...BOOKS,
  follow_up: 'Sổ theo dõi giải quyết văn bản đến',
} as const;
export type RegisterKind = keyof typeof REGISTERS;

const OUTGOING_COLUMNS = [
  'Số, ký hiệu văn bản',
  'Ngày tháng văn bản',
  'Tên loại và trích yếu nội dung văn bản',
  'Người ký',
  'Nơi nhận văn bản',
  'Đơn vị, người nhận bản lưu',
  'Số lượng bản',
  'Ngày chuyển',
  'Ký nhận',
  'Ghi chú',
] as const;
const INCOMING_COLUMNS = [
  'Ngày đến',
  'Số đến',
  'Tác giả',
  'Số, ký hiệu văn bản',
  'Ngày tháng văn bản',
  'Tên loại và trích yếu nội dung văn bản',
  'Đơn vị hoặc người nhận',
  'Ngày chuyển',
  'Ký nhận',
  'Ghi chú',
] as const;
const FOLLOW_UP_COLUMNS = [
  'Số đến',
  'Tên loại, số, ký hiệu, ngày tháng văn bản và cơ quan ban hành',
  'Đơn vị hoặc người nhận',
  'Thời hạn giải quyết',
  'Tiến độ giải quyết',
  'Số, ký hiệu văn bản trả lời',
  'Ghi chú',
] as const;

interface Layout {
  columns: readonly string[];
  /** Relative widths: shares of the PDF page, characters in the XLSX sheet. */
  widths: number[];
}
const LAYOUTS: Record<RegisterKind, Layout> = {
  outgoing: { columns: OUTGOING_COLUMNS, widths: [14, 11, 34, 15, 22, 16, 8, 11, 9, 12] },
  outgoing_secret: { columns: OUTGOING_COLUMNS, widths: [14, 11, 34, 15, 22, 16, 8, 11, 9, 12] },
  incoming: { columns: INCOMING_COLUMNS, widths: [11, 8, 18, 14, 11, 34, 18, 11, 9, 12] },
  follow_up: { columns: FOLLOW_UP_COLUMNS, widths: [8, 40, 22, 13, 20, 16, 14] },
};

/** Who prints the registers: the văn thư, the agency's leaders and its administrator (system administrators: any agency). */
const PRINTERS = new Set(['clerk', 'agency_leader', 'agency_admin', 'system_admin']);
const SECRET_SUBJECT = '(Văn bản mật — trích yếu chỉ người được phép xem mới thấy)';

export interface RegisterQuery {
  from: string;
  to: string;
  /** The organisation whose register it is; the actor's own by default. */
  agencyId?: string;
}

/**
 * The organisation whose register is asked for: the actor's own or one below it (system administrators: any). An
 * unknown one, a sub-unit (its documents are in its organisation's register) or one outside the scope is not found.
 */
async function registerOrganisation(db: Queryable, actor: Actor, agencyId: string | undefined) {
  const own = await organisationOf(db, actor.agencyId);
  const row = await getAgencyRow(db, agencyId ?? own.id);
  const inside = (path: string) => isSystemAdmin(actor) || path === own.path || path.startsWith(`${own.path}/`);
  if (!row || row.kind === 'unit' || !inside(row.path)) throw notFound('cơ quan');
  return row;
}

const day = (d: Date | string | null): string => {
  if (!d) return '';
  const [y, m, dd] = (typeof d === 'string' ? d : vietnamDate(d)).split('-');
  return `${dd}/${m}/${y}`;
};
const urgencyNote: Record<string, string> = { khan: 'Khẩn', thuong_khan: 'Thượng khẩn', hoa_toc: 'Hỏa tốc', hoa_toc_hen_gio: 'Hỏa tốc hẹn giờ' };
const SECRECY_NAMES: Record<string, string> = { mat: 'Mật', toi_mat: 'Tối mật', tuyet_mat: 'Tuyệt mật' };
const CHANNELS: Record<string, string> = { paper: 'Văn bản giấy', platform: 'Điện tử', exchange: 'Điện tử (liên thông)' };

type Doc = DocumentsRow & { type_name: string; source_day: string | null };

export interface Register {
  kind: RegisterKind;
  title: string;
  organisation: string;
  period: { from: string; to: string };
  columns: readonly string[];
  rows: string[][];
}

/** The register's rows for the period, in the order of its numbers. */
export async function documentRegister(db: Queryable, actor: Actor, kind: RegisterKind, q: RegisterQuery): Promise<Register> {
  if (!actor.roles.some((r) => PRINTERS.has(r))) throw forbidden('Chỉ văn thư, lãnh đạo và quản trị của cơ quan được in sổ văn bản.');
  if (q.from > q.to) throw badRequest('INVALID_PERIOD', 'Ngày bắt đầu (from) phải trước hoặc bằng ngày kết thúc (to).', { from: q.from, to: q.to });
  const org = await registerOrganisation(db, actor, q.agencyId);
  const start = vietnamDayStart(q.from);
  const end = vietnamDayStart(addDays(q.to, 1));
  const outgoing = kind === 'outgoing' || kind === 'outgoing_secret';
  // Văn bản đi by the day it was numbered and issued; văn bản đến by the day it was registered (số đến).
  const docs = await db.query<Doc>(
    `SELECT d.*, to_char(d.source_date, 'YYYY-MM-DD') AS source_day, t.name AS type_name FROM documents d JOIN document_types t ON t.code = d.type_code
      WHERE d.agency_id = $1 AND d.book = $2 AND d.number IS NOT NULL
        AND ${outgoing ? 'd.issued_at' : 'd.registered_at'} >= $3 AND ${outgoing ? 'd.issued_at' : 'd.registered_at'} < $4
        AND ($5 = false OR d.due_at IS NOT NULL)
      ORDER BY d.year, d.number`,
    [org.id, outgoing ? kind : 'incoming', start, end, kind === 'follow_up'],
  );
  const subject = (d: Doc) =>
    d.secrecy === 'thuong' || d.readers.includes(actor.userId) ? `${d.type_name}: ${d.subject}` : `${d.type_name}: ${SECRET_SUBJECT}`;
  const notes = (d: DocumentsRow) =>
    [SECRECY_NAMES[d.secrecy], urgencyNote[URGENCIES[d.urgency]], outgoing ? null : CHANNELS[d.channel ?? '']].filter(Boolean).join('; ');
  const ids = docs.map((d) => d.id);
  const header = { kind, title: REGISTERS[kind].toUpperCase(), organisation: org.name, period: { from: q.from, to: q.to }, columns: LAYOUTS[kind].columns };
  if (outgoing) {
    const recipients = await db.query<{ document_id: string; agency_id: string | null; organ_name: string | null }>(
      'SELECT document_id, agency_id, organ_name FROM document_recipients WHERE document_id = ANY($1::uuid[]) ORDER BY organ_name, agency_id',
      [ids],
    );
    const names = await agencyNames(db, [...docs.map((d) => d.unit_id!), ...recipients.map((r) => r.agency_id).filter((x): x is string => Boolean(x))]);
    const people = await staffNames(
      db,
      docs.map((d) => d.signer_id).filter((x): x is string => Boolean(x)),
    );
    return {
      ...header,
      rows: docs.map((d) => {
        const to = recipients.filter((r) => r.document_id === d.id).map((r) => (r.agency_id ? (names.get(r.agency_id) ?? '') : r.organ_name!));
        return [
          `${formatNumber(d.number!)}/${d.notation}`,
          day(d.issued_at),
          subject(d),
          d.signer_id ? (people.get(d.signer_id) ?? '') : '',
          to.join('; '),
          // Bản lưu: the văn thư's copy and the drafting unit's.
          ['Văn thư', d.unit_id && d.unit_id !== org.id ? names.get(d.unit_id) : null].filter(Boolean).join('; '),
          String(to.length),
          // Sent on the platform and through the exchange as it is issued.
          to.length ? day(d.issued_at) : '',
          '',
          notes(d),
        ];
      }),
    };
  }
  const directed = await db.query<{ document_id: string; at: Date }>(
    `SELECT document_id, min(at) AS at FROM document_events WHERE document_id = ANY($1::uuid[]) AND action = 'direct' GROUP BY document_id`,
    [ids],
  );
  const directedAt = new Map(directed.map((e) => [e.document_id, e.at]));
  const names = await agencyNames(
    db,
    docs.flatMap((d) => [d.lead_unit_id, ...d.coordinating_unit_ids]).filter((x): x is string => Boolean(x)),
  );
  const people = await staffNames(
    db,
    docs.map((d) => d.handler_id).filter((x): x is string => Boolean(x)),
  );
  const recipient = (d: DocumentsRow) =>
    [
      d.lead_unit_id ? `${names.get(d.lead_unit_id) ?? ''} (chủ trì)` : null,
      ...d.coordinating_unit_ids.map((u) => `${names.get(u) ?? ''} (phối hợp)`),
      d.handler_id ? people.get(d.handler_id) : null,
    ]
      .filter(Boolean)
      .join('; ');
  if (kind === 'incoming') {
    return {
      ...header,
      rows: docs.map((d) => [
        day(d.arrived_at),
        formatNumber(d.number!),
        d.from_name ?? '',
        d.source_notation ?? '',
        day(d.source_day),
        subject(d),
        recipient(d),
        day(directedAt.get(d.id) ?? null),
        '',
        [notes(d), d.status === 'refused' || d.status === 'recalled' ? INCOMING_STATES[d.status as IncomingStatus].name : null].filter(Boolean).join('; '),
      ]),
    };
  }
  const replies = await db.query<{ id: string; number: number; notation: string; issued_at: Date }>(
    'SELECT id, number, notation, issued_at FROM documents WHERE id = ANY($1::uuid[])',
    [docs.map((d) => d.reply_id).filter(Boolean)],
  );
  const reply = new Map(replies.map((r) => [r.id, `${formatNumber(r.number)}/${r.notation} ngày ${day(r.issued_at)}`]));
  const now = new Date();
  return {
    ...header,
    rows: docs.map((d) => [
      formatNumber(d.number!),
      `${d.type_name} số ${d.source_notation ?? ''} ngày ${day(d.source_day)} của ${d.from_name ?? ''}`,
      recipient(d),
      day(d.due_at),
      progressOf(d, now),
      d.reply_id ? (reply.get(d.reply_id) ?? '') : '',
      notes(d),
    ]),
  };
}

/** Tiến độ giải quyết: finished on time or late (with the day), or in progress with its percentage, overdue marked. */
function progressOf(d: DocumentsRow, now: Date): string {
  if (d.status === 'done') return `Hoàn thành ngày ${day(d.closed_at)} (${d.closed_at! <= d.due_at! ? 'đúng hạn' : 'quá hạn'})`;
  const state = INCOMING_STATES[d.status as IncomingStatus]?.name ?? d.status;
  const progress = d.progress !== null ? ` — ${d.progress}%` : '';
  return `${state}${progress}${d.due_at! < now ? ' (quá hạn)' : ''}`;
}

const periodText = (p: { from: string; to: string }) => `Từ ngày ${day(p.from)} đến ngày ${day(p.to)}`;
const fileName = (r: Register, ext: string) => `${r.kind.replace('_', '-')}-${r.period.from}-${r.period.to}.${ext}`;

/** The register as an A4 landscape PDF: the organisation, the title and period, the table (header repeated on each page). */
export async function registerPdf(r: Register, at = new Date()): Promise<Uint8Array> {
  const w = await FormWriter.create({
    title: r.title,
    subject: `${r.organisation} — ${periodText(r.period)}`,
    createdAt: at,
    landscape: true,
    lookupQr: false,
  });
  w.paragraph(r.organisation.toUpperCase(), { size: 12, style: 'bold' });
  w.gap(6);
  w.paragraph(r.title, { size: 15, style: 'bold', align: 'center' });
  w.paragraph(periodText(r.period), { size: 12, style: 'italic', align: 'center', spaceAfter: 10 });
  const widths = LAYOUTS[r.kind].widths;
  const columns = r.columns.map((header, i) => ({
    header,
    weight: widths[i],
    align: /^(Số đến|Ngày|Số lượng|Thời hạn)/.test(header) ? ('center' as const) : undefined,
  }));
  if (r.rows.length) w.table(columns, r.rows, 9.5);
  else {
    w.table(columns, [], 9.5);
    w.paragraph('Không có văn bản nào trong kỳ.', { size: 11, style: 'italic', align: 'center' });
  }
  const p = vietnamParts(at);
  w.paragraph(`In ngày ${String(p.day).padStart(2, '0')}/${String(p.month).padStart(2, '0')}/${p.year}`, { size: 10, style: 'italic', align: 'right' });
  return w.finish();
}

export interface RegisterFile {
  stream: Readable;
  filename: string;
  mime: string;
}

/** The register as a download: PDF or XLSX. */
export async function registerFile(db: Queryable, actor: Actor | null, kind: RegisterKind, q: RegisterQuery, format: 'pdf' | 'xlsx'): Promise<RegisterFile> {
  if (!actor) throw new AppError(401, 'UNAUTHENTICATED', 'Vui lòng đăng nhập.');
  const r = await documentRegister(db, actor, kind, q);
  const out = new PassThrough();
  if (format === 'pdf') {
    out.end(Buffer.from(await registerPdf(r)));
    return { stream: out, filename: fileName(r, 'pdf'), mime: 'application/pdf' };
  }
  const sheet = {
    sheet: REGISTERS[kind].slice(0, 31),
    title: r.title,
    subtitle: `${r.organisation} — ${periodText(r.period)}`,
    columns: r.columns,
    widths: LAYOUTS[kind].widths,
  };
  writeRegisterXlsx(out, sheet, r.rows).catch((err) => out.destroy(err));
  return { stream: out, filename: fileName(r, 'xlsx'), mime: XLSX_MIME };
}

// The tracking register (Sổ theo dõi hồ sơ, Mẫu 07) as XLSX or CSV, and the officers' dossier search. Both are
// scoped like the inbox: staff see the dossiers whose competent, receiving or currently handling agency is their
// organisation; system administrators see all.
import { PassThrough, type Readable } from 'node:stream';
import type { Queryable } from '../db/index.ts';
import type { DossiersRow } from '../db/schema.ts';
import { organisationOf } from '../agencies/service.ts';
import { type Actor, isSystemAdmin } from '../shared/actor.ts';
import { CSV_BOM, CSV_MIME, csvLine } from '../shared/csv.ts';
import { writeRegisterXlsx, XLSX_MIME } from '../shared/xlsx.ts';
import { AppError, badRequest } from '../shared/errors.ts';
import { fold } from '../shared/text.ts';
import { addDays, vietnamDateTime, vietnamDayStart } from '../shared/time.ts';
import { classifyFinished, isJudgedFinish, judgedDueAt, STATUS_NAMES, TIMELINESS_NAMES, type StatusCode } from './rules.ts';

function requireStaff(actor: Actor | null): Actor {
  if (!actor) throw new AppError(401, 'UNAUTHENTICATED', 'Vui lòng đăng nhập.');
  return actor;
}

/** The organisation whose dossiers the actor sees; null = all (system administrator). */
async function scopeOf(db: Queryable, actor: Actor): Promise<string | null> {
  return isSystemAdmin(actor) ? null : (await organisationOf(db, actor.agencyId)).id;
}

const SCOPE_SQL = (p: string) => `(${p}::uuid IS NULL OR d.home_agency_id = ${p}::uuid OR d.receiving_agency_id = ${p}::uuid OR d.agency_id = ${p}::uuid)`;

// ---- the register (Mẫu 07) ---------------------------------------------------------------------

export interface RegisterFilters {
  field?: string;
  from?: string;
  to?: string;
  agency?: string;
}

export const REGISTER_COLUMNS = [
  'STT',
  'Mã hồ sơ',
  'Tên thủ tục hành chính',
  'Người nộp (họ tên)',
  'Địa chỉ',
  'Số điện thoại',
  'Cơ quan chủ trì giải quyết',
  'Ngày nhận hồ sơ',
  'Ngày hẹn trả kết quả',
  'Ngày trả kết quả',
  'Kết quả',
  'Phương thức nhận kết quả',
] as const;
const WIDTHS = [6, 26, 48, 26, 36, 15, 36, 17, 17, 17, 16, 22];

const RETURN_METHODS: Record<string, string> = { counter: 'Trực tiếp', post: 'Qua dịch vụ bưu chính', online: 'Trực tuyến' };
const OPEN_STATUSES = new Set([1, 2, 4, 5, 6, 7]);

/** Kết quả: trước hạn / đúng hạn / quá hạn for finished dossiers, đang giải quyết for open ones, else the status. */
function outcome(r: RegisterRow): string {
  const status = Number(r.status) as StatusCode;
  if (status === 9 || status === 10) {
    return isJudgedFinish(r) ? TIMELINESS_NAMES[classifyFinished(r.finished_at!, judgedDueAt(r)!, r.supplement_requests)] : 'Đã giải quyết';
  }
  return OPEN_STATUSES.has(status) ? 'Đang giải quyết' : STATUS_NAMES[status];
}

const PAGE = 2000;

/** A dossier as the register reads it. */
type RegisterRow = Pick<
  DossiersRow,
  'id' | 'code' | 'status' | 'received_at' | 'due_at' | 'original_due_at' | 'finished_at' | 'returned_at' | 'supplement_requests'
> & { applicant: { name?: string; address?: string; phone?: string } | null; procedure_name: string | null; agency_name: string; method: string | null };

/** The register's rows (without STT), read from the database a page at a time, in order of reception. */
async function* registerRows(db: Queryable, scope: string | null, f: RegisterFilters): AsyncGenerator<string[]> {
  let after: [string, string] | null = null;
  for (;;) {
    const rows: RegisterRow[] = await db.query<RegisterRow>(
      `SELECT d.id, d.code, d.status, d.applicant, d.received_at, d.due_at, d.original_due_at, d.finished_at, d.returned_at, d.supplement_requests,
              v.content->>'name' AS procedure_name, a.name AS agency_name,
              (SELECT e.data->>'method' FROM dossier_events e WHERE e.dossier_id = d.id AND e.action = 'return_result' ORDER BY e.id DESC LIMIT 1) AS method
         FROM dossiers d
         JOIN procedure_versions v ON v.procedure_id = d.procedure_id AND v.version = d.procedure_version
         JOIN agencies a ON a.id = d.home_agency_id
        WHERE d.received_at IS NOT NULL AND ${SCOPE_SQL('$1')}
          AND ($2::text IS NULL OR v.content->>'field' = $2)
          AND ($3::timestamptz IS NULL OR d.received_at >= $3) AND ($4::timestamptz IS NULL OR d.received_at < $4)
          AND ($5::uuid IS NULL OR d.home_agency_id = $5)
          AND ($6::timestamptz IS NULL OR (d.received_at, d.id) > ($6::timestamptz, $7::uuid))
        ORDER BY d.received_at, d.id LIMIT ${PAGE}`,
      [
        scope,
        f.field ?? null,
        f.from ? vietnamDayStart(f.from) : null,
        f.to ? vietnamDayStart(addDays(f.to, 1)) : null,
        f.agency ?? null,
        after?.[0] ?? null,
        after?.[1] ?? null,
      ],
    );
    for (const r of rows) {
      yield [
        r.code,
        r.procedure_name ?? '',
        r.applicant?.name ?? '',
        r.applicant?.address ?? '',
        r.applicant?.phone ?? '',
        r.agency_name,
        vietnamDateTime(r.received_at),
        vietnamDateTime(r.due_at),
        vietnamDateTime(r.returned_at),
        outcome(r),
        r.method ? (RETURN_METHODS[r.method] ?? r.method) : '',
      ];
    }
    if (rows.length < PAGE) return;
    const last = rows[rows.length - 1];
    after = [last.received_at!.toISOString(), last.id];
  }
}

export function registerTitle(f: RegisterFilters): string {
  return `SỔ THEO DÕI HỒ SƠ — Lĩnh vực: ${f.field ?? 'Tất cả lĩnh vực'}`;
}

function periodLine(f: RegisterFilters, agencyName: string): string {
  const day = (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
  const period =
    f.from && f.to ? `Từ ngày ${day(f.from)} đến ngày ${day(f.to)}` : f.from ? `Từ ngày ${day(f.from)}` : f.to ? `Đến ngày ${day(f.to)}` : 'Toàn bộ thời gian';
  return `${agencyName} — ${period} (Mẫu 07)`;
}

function checkFilters(f: RegisterFilters) {
  if (f.from && f.to && f.from > f.to)
    throw badRequest('INVALID_PERIOD', 'Ngày bắt đầu (from) phải trước hoặc bằng ngày kết thúc (to).', { from: f.from, to: f.to });
}

export interface RegisterFile {
  stream: Readable;
  filename: string;
  mime: string;
}

/**
 * The register for a field and period as a stream: XLSX (title row, period row, header, one row per dossier) or CSV
 * (UTF-8 with BOM, the same header and rows, so Excel opens Vietnamese text correctly).
 */
export async function trackingRegister(db: Queryable, actorOrNull: Actor | null, f: RegisterFilters, format: 'xlsx' | 'csv' = 'xlsx'): Promise<RegisterFile> {
  const actor = requireStaff(actorOrNull);
  checkFilters(f);
  const scope = await scopeOf(db, actor);
  const org = scope ? (await organisationOf(db, actor.agencyId)).name : 'Toàn tỉnh';
  const rows = registerRows(db, scope, f);
  const base = `so-theo-doi-ho-so${f.from ? `-${f.from}` : ''}${f.to ? `-${f.to}` : ''}`;
  const out = new PassThrough();
  if (format === 'csv') {
    writeCsv(out, f, org, rows).catch((err) => out.destroy(err));
    return { stream: out, filename: `${base}.csv`, mime: CSV_MIME };
  }
  writeXlsx(out, f, org, rows).catch((err) => out.destroy(err));
  return { stream: out, filename: `${base}.xlsx`, mime: XLSX_MIME };
}

async function writeCsv(out: PassThrough, f: RegisterFilters, org: string, rows: AsyncGenerator<string[]>) {
  const write = (cells: (string | number)[]) =>
    new Promise<void>((resolve) => {
      if (out.write(csvLine(cells))) resolve();
      else out.once('drain', resolve);
    });
  out.write(CSV_BOM);
  await write([registerTitle(f)]);
  await write([periodLine(f, org)]);
  await write([...REGISTER_COLUMNS]);
  let n = 0;
  for await (const r of rows) await write([++n, ...r]);
  out.end();
}

async function writeXlsx(out: PassThrough, f: RegisterFilters, org: string, rows: AsyncGenerator<string[]>) {
  async function* numbered() {
    let n = 0;
    for await (const r of rows) yield [++n, ...r];
  }
  await writeRegisterXlsx(
    out,
    { sheet: 'Mẫu 07', title: registerTitle(f), subtitle: periodLine(f, org), columns: REGISTER_COLUMNS, widths: WIDTHS },
    numbered(),
  );
}

// ---- officer search ----------------------------------------------------------------------------

export interface SearchQuery {
  q?: string;
  status?: number;
  page: number;
  pageSize: number;
}

/**
 * The characters fold() turns into one ASCII letter (Vietnamese and other Latin letters with marks, both cases, đ/Đ),
 * for PostgreSQL's translate(): the same folding as shared/text.ts, computed here from fold() itself, done in SQL so
 * that filtering and counting stay in the database. Needs no extension (unaccent) on PGlite or the server.
 */
const FOLD_TABLE = (() => {
  let from = '';
  let to = '';
  for (const [lo, hi] of [
    [0xc0, 0x24f],
    [0x1e00, 0x1eff],
  ]) {
    for (let cp = lo; cp <= hi; cp++) {
      const ch = String.fromCodePoint(cp);
      const f = fold(ch);
      if (/^[a-z]$/.test(f) && f !== ch) {
        from += ch;
        to += f;
      }
    }
  }
  return { from, to };
})();
const FOLDED_NAME = `regexp_replace(lower(translate(d.applicant->>'name', $5, $6)), '[^a-z0-9]+', ' ', 'g')`;

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Dossiers by code (exact or prefix), personal identification number (exact) or applicant name (ignoring case and
 * diacritics; every word must appear), optionally of one status; newest first, paged.
 */
export async function searchDossiers(db: Queryable, actorOrNull: Actor | null, s: SearchQuery) {
  const actor = requireStaff(actorOrNull);
  const scope = await scopeOf(db, actor);
  const q = (s.q ?? '').normalize('NFC').trim();
  const words = fold(q).split(' ').filter(Boolean).slice(0, 8);
  const sql = `SELECT d.id, d.code, d.status, d.channel, d.procedure_id, d.procedure_version, d.applicant, d.home_agency_id, d.agency_id,
            d.receiving_agency_id, d.submitted_at, d.received_at, d.due_at, d.finished_at, d.returned_at,
            v.content->>'name' AS procedure_name, v.content->>'nationalCode' AS procedure_code, count(*) OVER () AS total
       FROM dossiers d
       JOIN procedure_versions v ON v.procedure_id = d.procedure_id AND v.version = d.procedure_version
      WHERE ${SCOPE_SQL('$1')}
        AND ($2::smallint IS NULL OR d.status = $2)
        AND ($3 = '' OR d.code LIKE $4 || '%' OR d.applicant->>'idNumber' = $3
             OR (cardinality($7::text[]) > 0 AND NOT EXISTS (SELECT 1 FROM unnest($7::text[]) AS w WHERE ${FOLDED_NAME} NOT LIKE '%' || w || '%')))
      ORDER BY d.submitted_at DESC, d.id
      LIMIT $8 OFFSET $9`;
  const params = [
    scope,
    s.status ?? null,
    q,
    likeEscape(q.toUpperCase()),
    FOLD_TABLE.from,
    FOLD_TABLE.to,
    words.map(likeEscape),
    s.pageSize,
    (s.page - 1) * s.pageSize,
  ];
  const rows = await db.query(sql, params);
  let total = rows.length ? Number(rows[0].total) : 0;
  if (!rows.length && s.page > 1) {
    // Past the last page: count without the window.
    total = (
      await db.query(
        `SELECT count(*)::int AS n FROM (${sql.replace(/count\(\*\) OVER \(\) AS total/, '1 AS one').replace(/LIMIT \$8 OFFSET \$9/, '')}) x`,
        params.slice(0, 7),
      )
    )[0].n;
  }
  const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
  return {
    items: rows.map((d) => ({
      id: d.id as string,
      code: d.code as string,
      status: d.status as number,
      statusName: STATUS_NAMES[d.status as StatusCode],
      channel: d.channel as string,
      procedure: { id: d.procedure_id as string, version: d.procedure_version as number, name: d.procedure_name as string, code: d.procedure_code as string },
      applicantName: d.applicant.name as string,
      applicantIdNumber: d.applicant.idNumber as string,
      homeAgencyId: d.home_agency_id as string,
      agencyId: d.agency_id as string,
      receivingAgencyId: d.receiving_agency_id as string,
      submittedAt: iso(d.submitted_at),
      receivedAt: iso(d.received_at),
      dueAt: iso(d.due_at),
      finishedAt: iso(d.finished_at),
      returnedAt: iso(d.returned_at),
    })),
    total,
    page: s.page,
    pageSize: s.pageSize,
  };
}

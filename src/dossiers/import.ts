// Historical import: dossiers from an older one-stop system, one JSON object per line (NDJSON).
// Every line is validated in full in TypeScript first (schema, dates in order, status consistent with its dates,
// procedure and agency looked up once each and cached), so a bad line is rejected with its number and a reason
// and never aborts the others. Valid lines are written in chunks, one transaction per chunk, with multi-row
// inserts; a dossier whose code already exists is skipped, so running the same file again changes nothing.
import { randomUUID } from 'node:crypto';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { Database, Queryable } from '../db/index.ts';
import { AGENCY_CODE_PATTERN, getAgencyByCode, organisationOf } from '../agencies/service.ts';
import { getPublishedProcedure } from '../catalog/service.ts';
import { AppError } from '../shared/errors.ts';
import { describeIssue } from '../shared/http.ts';
import { fold, nfc } from '../shared/text.ts';
import { DOSSIER_CODE_PATTERN, STATUS_NAMES, type StatusCode } from './rules.ts';
import { runDossiersImportedHooks } from './hooks.ts';
import { insertFreshHistories, type FreshEvent } from './chain.ts';

const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);

const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max }) as const;
const instant = { type: 'string', format: 'date-time', maxLength: 40 } as const;
const optionalInstant = { anyOf: [instant, { type: 'null' }] } as const;
const statusCode = { type: 'integer', minimum: 1, maximum: 10 } as const;
const optional = <T extends object>(s: T) => ({ anyOf: [s, { type: 'null' }] }) as const;

/** The line format: `congso.dossiers/1` (see docs in the module header). */
export const lineSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'procedureCode', 'agencyCode', 'channel', 'status', 'applicant', 'submittedAt', 'events'],
  properties: {
    code: { type: 'string', pattern: DOSSIER_CODE_PATTERN },
    procedureCode: { type: 'string', maxLength: 80, pattern: '^[0-9]\\.[0-9]{6}(\\.[0-9A-Za-z._-]+)?$' },
    agencyCode: { type: 'string', maxLength: 35, pattern: AGENCY_CODE_PATTERN },
    receivingAgencyCode: optional({ type: 'string', maxLength: 35, pattern: AGENCY_CODE_PATTERN }),
    channel: { enum: ['online', 'counter', 'post'] },
    status: statusCode,
    applicant: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'idNumber'],
      properties: {
        name: text(200),
        idNumber: { type: 'string', pattern: '^[0-9]{12}$' },
        address: optional(text(500)),
        phone: optional({ type: 'string', pattern: '^\\+?[0-9 .-]{8,20}$' }),
        email: optional({ type: 'string', format: 'email', maxLength: 254 }),
      },
    },
    submittedAt: instant,
    receivedAt: optionalInstant,
    dueAt: optionalInstant,
    finishedAt: optionalInstant,
    returnedAt: optionalInstant,
    supplementRequests: { type: 'integer', minimum: 0, maximum: 100 },
    events: {
      type: 'array',
      maxItems: 1000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['at', 'action', 'actorName'],
        properties: {
          at: instant,
          action: text(100),
          actorName: text(200),
          fromStatus: optional(statusCode),
          toStatus: optional(statusCode),
          note: optional(text(4000)),
        },
      },
    },
  },
} as const;
const validateLine = ajv.compile(lineSchema);

export interface ImportedEvent {
  at: string;
  action: string;
  actorName: string;
  fromStatus?: number | null;
  toStatus?: number | null;
  note?: string | null;
}
export interface ImportLine {
  code: string;
  procedureCode: string;
  agencyCode: string;
  receivingAgencyCode?: string | null;
  channel: 'online' | 'counter' | 'post';
  status: number;
  applicant: { name: string; idNumber: string; address?: string | null; phone?: string | null; email?: string | null };
  submittedAt: string;
  receivedAt?: string | null;
  dueAt?: string | null;
  finishedAt?: string | null;
  returnedAt?: string | null;
  supplementRequests?: number;
  events: ImportedEvent[];
}

export interface Rejection {
  line: number;
  code: string | null;
  reason: string;
}
export interface ImportReport {
  imported: number;
  skipped: number;
  rejected: Rejection[];
}
export interface ImportOptions {
  /** Lines written per transaction. */
  chunkSize?: number;
  /** Who runs the import, recorded on each dossier's closing 'import' event; the system itself when absent (CLI). */
  importedBy?: { id: string; name: string };
  /** "Now" for the not-in-the-future checks (tests). */
  now?: Date;
}

/** A checked line, ready to insert. */
interface Ready {
  line: number;
  id: string;
  code: string;
  procedureId: string;
  version: number;
  homeAgencyId: string;
  receivingAgencyId: string;
  channel: string;
  status: number;
  applicant: Record<string, string>;
  submittedAt: Date;
  receivedAt: Date | null;
  dueAt: Date | null;
  finishedAt: Date | null;
  returnedAt: Date | null;
  supplementRequests: number;
  events: ImportedEvent[];
}

class LineError extends Error {}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const OPEN_WITHOUT_RECEPTION = new Set([1]);
const IN_PROGRESS = new Set([2, 4, 5, 6]);
const CLOCK_SKEW_MS = 5 * 60_000;
const DATE_LABELS: Record<string, string> = {
  submittedAt: 'ngày nộp (submittedAt)',
  receivedAt: 'ngày tiếp nhận (receivedAt)',
  dueAt: 'ngày hẹn trả (dueAt)',
  finishedAt: 'ngày kết thúc xử lý (finishedAt)',
  returnedAt: 'ngày trả kết quả (returnedAt)',
};

/** Vietnamese reason for schema failures: "trường applicant/idNumber không đúng định dạng; …". */
function schemaReason(): string {
  const seen = new Set<string>();
  for (const issue of validateLine.errors ?? []) {
    if (issue.keyword === 'anyOf' || (issue.keyword === 'type' && issue.params.type === 'null')) continue;
    const field = issue.instancePath ? `trường ${issue.instancePath.slice(1)}` : 'dòng';
    const what =
      issue.keyword === 'format' && issue.params.format === 'date-time'
        ? 'phải là thời điểm ISO 8601 có múi giờ (ví dụ 2024-03-05T08:30:00+07:00)'
        : describeIssue(issue as never);
    seen.add(`${field} ${what}`);
  }
  return `Dữ liệu không hợp lệ: ${[...seen].slice(0, 5).join('; ')}.`;
}

/** Dates present, in order, none in the future (except the appointment), status consistent with them. */
function checkDates(v: ImportLine, now: Date) {
  const at = (k: keyof typeof DATE_LABELS) => {
    const s = v[k as keyof ImportLine] as string | null | undefined;
    return s ? new Date(s) : null;
  };
  const dates = {
    submittedAt: at('submittedAt')!,
    receivedAt: at('receivedAt'),
    dueAt: at('dueAt'),
    finishedAt: at('finishedAt'),
    returnedAt: at('returnedAt'),
  };
  const limit = now.getTime() + CLOCK_SKEW_MS;
  for (const k of ['submittedAt', 'receivedAt', 'finishedAt', 'returnedAt'] as const) {
    if (dates[k] && dates[k]!.getTime() > limit) throw new LineError(`${cap(DATE_LABELS[k])} ở tương lai.`);
  }
  const chain = (['submittedAt', 'receivedAt', 'finishedAt', 'returnedAt'] as const).filter((k) => dates[k]);
  for (let i = 1; i < chain.length; i++) {
    if (dates[chain[i]]! < dates[chain[i - 1]]!) {
      throw new LineError(`Thời điểm không theo thứ tự: ${DATE_LABELS[chain[i]]} trước ${DATE_LABELS[chain[i - 1]]}.`);
    }
  }
  const start = dates.receivedAt ?? dates.submittedAt;
  if (dates.dueAt && dates.dueAt < start)
    throw new LineError(`Thời điểm không theo thứ tự: ${DATE_LABELS.dueAt} trước ${dates.receivedAt ? DATE_LABELS.receivedAt : DATE_LABELS.submittedAt}.`);

  const name = `"${STATUS_NAMES[v.status as StatusCode]}" (${v.status})`;
  const need = (k: keyof typeof dates) => {
    if (!dates[k]) throw new LineError(`Hồ sơ ở trạng thái ${name} phải có ${DATE_LABELS[k]}.`);
  };
  const forbid = (k: keyof typeof dates) => {
    if (dates[k]) throw new LineError(`Hồ sơ ở trạng thái ${name} không được có ${DATE_LABELS[k]}.`);
  };
  if (OPEN_WITHOUT_RECEPTION.has(v.status)) {
    forbid('receivedAt');
    forbid('finishedAt');
  }
  if (IN_PROGRESS.has(v.status)) {
    need('receivedAt');
    forbid('finishedAt');
  }
  if (v.status === 7) forbid('finishedAt');
  // Refused, stopped or done: the day it ended is when it counts (and what a drill-down lists it by).
  if ([3, 8, 9, 10].includes(v.status)) need('finishedAt');
  if (v.status === 10) need('returnedAt');
  else forbid('returnedAt');

  let previous = dates.submittedAt;
  v.events.forEach((e, i) => {
    const t = new Date(e.at);
    if (t < dates.submittedAt) throw new LineError(`Sự kiện thứ ${i + 1} (${e.action}) trước ${DATE_LABELS.submittedAt}.`);
    if (t < previous) throw new LineError(`Sự kiện thứ ${i + 1} (${e.action}) không theo thứ tự thời gian.`);
    if (t.getTime() > limit) throw new LineError(`Sự kiện thứ ${i + 1} (${e.action}) ở tương lai.`);
    previous = t;
  });
  return dates;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Procedures and agencies by code, each looked up once per import. */
function lookups(db: Queryable) {
  const procedures = new Map<string, Promise<{ id: string; version: number } | null>>();
  const agencies = new Map<string, Promise<{ id: string } | null>>();
  return {
    procedure(code: string) {
      if (!procedures.has(code)) {
        procedures.set(
          code,
          getPublishedProcedure(db, code).then(
            (p) => ({ id: p.id, version: p.version }),
            (err) => {
              if (err instanceof AppError) return null;
              throw err;
            },
          ),
        );
      }
      return procedures.get(code)!;
    },
    /** The organisation an agency code belongs to (a sub-unit's code counts for its organisation, as staff do). */
    agency(code: string) {
      if (!agencies.has(code)) {
        agencies.set(
          code,
          getAgencyByCode(db, code).then(async (a) => (a ? { id: (await organisationOf(db, a.id)).id } : null)),
        );
      }
      return agencies.get(code)!;
    },
  };
}

/** Parses and checks one line; throws LineError with a Vietnamese reason. */
async function checkLine(raw: string, lineNo: number, look: ReturnType<typeof lookups>, now: Date): Promise<Ready> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new LineError('Dòng không phải JSON hợp lệ.');
  }
  if (!validateLine(value)) throw new LineError(schemaReason());
  const v = value as ImportLine;
  // An unpaired surrogate (JSON allows "\ud800") is stored as U+FFFD: the history's hash would not match what is stored.
  v.events.forEach((e, i) => {
    if ([e.action, e.actorName, e.note].some((x) => typeof x === 'string' && LONE_SURROGATE.test(x))) {
      throw new LineError(`Sự kiện thứ ${i + 1} có ký tự không hợp lệ (nửa cặp UTF-16).`);
    }
  });
  const dates = checkDates(v, now);
  const procedure = await look.procedure(v.procedureCode);
  if (!procedure) throw new LineError(`Không tìm thấy thủ tục đang công bố có mã "${v.procedureCode}".`);
  const home = await look.agency(v.agencyCode);
  if (!home) throw new LineError(`Không tìm thấy cơ quan có mã định danh "${v.agencyCode}".`);
  const receiving = v.receivingAgencyCode ? await look.agency(v.receivingAgencyCode) : home;
  if (!receiving) throw new LineError(`Không tìm thấy cơ quan tiếp nhận có mã định danh "${v.receivingAgencyCode}".`);
  const applicant = Object.fromEntries(
    Object.entries(v.applicant)
      .filter(([, x]) => x !== null && x !== undefined)
      .map(([k, x]) => [k, nfc(x as string)]),
  );
  if (!applicant.name) throw new LineError('Dữ liệu không hợp lệ: trường applicant/name đang trống.');
  return {
    line: lineNo,
    id: randomUUID(),
    code: v.code,
    procedureId: procedure.id,
    version: procedure.version,
    homeAgencyId: home.id,
    receivingAgencyId: receiving.id,
    channel: v.channel,
    status: v.status,
    applicant,
    ...dates,
    supplementRequests: v.supplementRequests ?? 0,
    events: v.events.map((e) => ({ ...e, actorName: nfc(e.actorName), note: e.note ? nfc(e.note) : null })),
  };
}

const SYSTEM_NAMES = new Set(['he thong', 'system', 'hethong']);
const actorKind = (name: string) => (SYSTEM_NAMES.has(fold(name)) ? 'system' : 'staff');

/** Writes checked lines; returns the codes actually inserted (a code taken meanwhile is left out). */
async function insertChunk(tx: Queryable, rows: Ready[], opts: ImportOptions): Promise<Set<string>> {
  if (!rows.length) return new Set();
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  const inserted = await tx.query(
    `INSERT INTO dossiers (id, code, procedure_id, procedure_version, home_agency_id, agency_id, receiving_agency_id, channel, status,
       applicant, submitted_at, received_at, due_at, original_due_at, finished_at, returned_at, supplement_requests)
     SELECT id, code, procedure_id, procedure_version, home, home, receiving, channel, status, applicant, submitted_at, received_at,
            due_at, due_at, finished_at, returned_at, supplement_requests
       FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::int[], $5::uuid[], $6::uuid[], $7::text[], $8::smallint[], $9::jsonb[],
                   $10::timestamptz[], $11::timestamptz[], $12::timestamptz[], $13::timestamptz[], $14::timestamptz[], $15::int[])
            AS t (id, code, procedure_id, procedure_version, home, receiving, channel, status, applicant, submitted_at, received_at,
                  due_at, finished_at, returned_at, supplement_requests)
     ON CONFLICT (code) DO NOTHING RETURNING code`,
    [
      rows.map((r) => r.id),
      rows.map((r) => r.code),
      rows.map((r) => r.procedureId),
      rows.map((r) => r.version),
      rows.map((r) => r.homeAgencyId),
      rows.map((r) => r.receivingAgencyId),
      rows.map((r) => r.channel),
      rows.map((r) => r.status),
      rows.map((r) => JSON.stringify(r.applicant)),
      rows.map((r) => iso(r.submittedAt)),
      rows.map((r) => iso(r.receivedAt)),
      rows.map((r) => iso(r.dueAt)),
      rows.map((r) => iso(r.finishedAt)),
      rows.map((r) => iso(r.returnedAt)),
      rows.map((r) => r.supplementRequests),
    ],
  );
  const codes = new Set(inserted.map((r) => r.code as string));
  const events: FreshEvent[] = [];
  const now = new Date();
  for (const r of rows) {
    if (!codes.has(r.code)) continue;
    for (const e of r.events) {
      events.push({
        dossierId: r.id,
        at: new Date(e.at),
        action: e.action,
        actorKind: actorKind(e.actorName),
        actorId: null,
        actorName: e.actorName,
        fromStatus: e.fromStatus ?? null,
        toStatus: e.toStatus ?? null,
        note: e.note ?? null,
        data: { imported: true },
      });
    }
    // Who brought the dossier in and when: the closing line of its history.
    events.push({
      dossierId: r.id,
      at: now,
      action: 'import',
      actorKind: opts.importedBy ? 'staff' : 'system',
      actorId: opts.importedBy?.id ?? null,
      actorName: opts.importedBy?.name ?? 'Hệ thống',
      fromStatus: null,
      toStatus: null,
      note: 'Nhập từ hệ thống cũ',
      // The status the old system reported: the state a later check replays from (its events may not reach it).
      data: { imported: true, line: r.line, status: r.status },
    });
  }
  // New dossiers have no history yet: their events are written already sealed (chain.ts).
  await insertFreshHistories(tx, events);
  await runDossiersImportedHooks(
    tx,
    rows.filter((r) => codes.has(r.code)).map((r) => r.id),
  );
  return codes;
}

/**
 * Imports NDJSON lines (strings without their line ends, in file order). Accepts any iterable, so the CLI streams a
 * file of any size while only one chunk is held in memory.
 */
export async function importDossiers(db: Database, lines: AsyncIterable<string> | Iterable<string>, opts: ImportOptions = {}): Promise<ImportReport> {
  const chunkSize = opts.chunkSize ?? 500;
  const now = opts.now ?? new Date();
  const look = lookups(db);
  const report: ImportReport = { imported: 0, skipped: 0, rejected: [] };
  let chunk: Ready[] = [];
  let lineNo = 0;

  // One chunk is written while the next is read and checked: the database and the checks overlap.
  let writing: Promise<void> = Promise.resolve();
  const flush = async () => {
    const batch = chunk;
    chunk = [];
    await writing;
    writing = write(batch);
    writing.catch(() => {}); // awaited by the next flush or at the end; this only keeps it from counting as unhandled meanwhile
  };
  const write = async (batch: Ready[]) => {
    if (!batch.length) return;
    const existing = new Set(
      (await db.query('SELECT code FROM dossiers WHERE code = ANY($1::text[])', [batch.map((r) => r.code)])).map((r) => r.code as string),
    );
    const seen = new Set<string>();
    const fresh = batch.filter((r) => {
      const dup = existing.has(r.code) || seen.has(r.code);
      seen.add(r.code);
      return !dup;
    });
    report.skipped += batch.length - fresh.length;
    try {
      const codes = await db.transaction((tx) => insertChunk(tx, fresh, opts));
      report.imported += codes.size;
      report.skipped += fresh.length - codes.size;
    } catch {
      // Something only the database could see (a concurrent change): retry line by line to find it.
      for (const r of fresh) {
        try {
          const codes = await db.transaction((tx) => insertChunk(tx, [r], opts));
          report.imported += codes.size;
          report.skipped += 1 - codes.size;
        } catch (err) {
          report.rejected.push({ line: r.line, code: r.code, reason: `Không ghi được vào cơ sở dữ liệu: ${(err as Error).message}` });
        }
      }
    }
  };

  try {
    for await (const rawLine of lines) {
      lineNo++;
      const raw = lineNo === 1 ? rawLine.replace(/^\uFEFF/, '') : rawLine;
      if (!raw.trim()) continue;
      try {
        chunk.push(await checkLine(raw, lineNo, look, now));
      } catch (err) {
        if (!(err instanceof LineError)) throw err;
        report.rejected.push({ line: lineNo, code: codeOf(raw), reason: err.message });
      }
      if (chunk.length >= chunkSize) await flush();
    }
    await flush();
  } finally {
    // Never return while a chunk is still being written (the caller may close the database next).
    await writing.catch(() => {});
  }
  await writing;
  report.rejected.sort((a, b) => a.line - b.line);
  return report;
}

/** The dossier code of a rejected line, when it can be read at all. */
function codeOf(raw: string): string | null {
  try {
    const v = JSON.parse(raw);
    return typeof v?.code === 'string' ? v.code.slice(0, 60) : null;
  } catch {
    return null;
  }
}

/** The lines of a request body, without their line ends (LF or CRLF). */
export function* linesOf(body: string): Generator<string> {
  let start = 0;
  while (start <= body.length) {
    let end = body.indexOf('\n', start);
    if (end === -1) end = body.length;
    const line = body.slice(start, end);
    yield line.endsWith('\r') ? line.slice(0, -1) : line;
    start = end + 1;
  }
}

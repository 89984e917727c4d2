// Reporting regimes (chế độ báo cáo, Decree 09/2019/NĐ-CP) and the units' reports: periods opened from each regime's
// cut-off rule with their due dates on the working calendar, reports pre-filled with what the platform computes,
// the report's workflow (signing with the signing module), reminders and late flags, and the roll-up commune →
// agency → province with drill-down; `indicatorValue` for other modules.
import { PDFDocument } from 'pdf-lib';
import type { Database, Queryable, Row } from '../db/index.ts';
import type { ReportRegimesRow } from '../db/schema.ts';
import { type Actor, inScope, requireSystemAdmin } from '../shared/actor.ts';
import { AppError, badRequest, notFound } from '../shared/errors.ts';
import { addDays, vietnamDate } from '../shared/time.ts';
import { agenciesUnder, agencyNames, getAgencyRow, organisationOf } from '../agencies/service.ts';
import { workingCalendar } from '../calendar/service.ts';
import { FormWriter } from '../forms/layout.ts';
import { nationalHeader } from '../forms/pdf.ts';
import { vnDate } from '../forms/format.ts';
import { placeName } from '../results/service.ts';
import { signNewPdf } from '../signing/pdf.ts';
import type { SigningProvider } from '../signing/service.ts';
import { checkPdfSignatures } from '../signing/verify.ts';
import { allowedActions, perform, refusalOf, type Party } from '../workflow/engine.ts';
import { COLUMN_LABELS, COLUMNS, type Column, deriveRatios, emptyRow, entered, type FormRow, type ReportData, type RowValues, validate } from './form.ts';
import { computedValue, type Indicator, indicatorsForYear, type Period, type ValueScope } from './indicators.ts';
import { dueDate, type Frequency, isPeriodic, lastClosedPeriod } from './periods.ts';
import { exportForm, importForm } from './xlsx.ts';
import { type Action, canSeeReport, REPORT_STATES, type ReportStatus, reportCaseType } from './workflow.ts';

// ---- regimes ----------------------------------------------------------------------------------------

export interface Regime {
  id: string;
  code: string;
  name: string;
  legalBasis: string;
  content: string;
  frequency: Frequency;
  reporterKinds: string[];
  recipientId: string | null;
  cutoffDay: number;
  dueWorkingDays: number;
  remindDaysBefore: number;
  outline: string[];
  active: boolean;
}

const toRegime = (r: ReportRegimesRow): Regime => ({
  id: r.id,
  code: r.code,
  name: r.name,
  legalBasis: r.legal_basis,
  content: r.content,
  frequency: r.frequency as Frequency,
  reporterKinds: r.reporter_kinds,
  recipientId: r.recipient_id,
  cutoffDay: r.cutoff_day,
  dueWorkingDays: r.due_working_days,
  remindDaysBefore: r.remind_days_before,
  outline: r.outline,
  active: r.active,
});

export async function listRegimes(db: Queryable): Promise<Regime[]> {
  return (await db.query<ReportRegimesRow>('SELECT * FROM report_regimes ORDER BY code')).map(toRegime);
}

async function regimeRow(db: Queryable, id: string): Promise<Regime> {
  const [r] = await db.query<ReportRegimesRow>('SELECT * FROM report_regimes WHERE id = $1', [id]);
  if (!r) throw notFound('chế độ báo cáo');
  return toRegime(r);
}

/** The regime's data form with the dictionary of the period's year. */
export async function formRows(db: Queryable, regimeId: string, year: number): Promise<FormRow[]> {
  const [rows, dictionary] = await Promise.all([
    db.query('SELECT ordinal, indicator_code, required FROM report_form_rows WHERE regime_id = $1 ORDER BY ordinal', [regimeId]),
    indicatorsForYear(db, year),
  ]);
  return rows.flatMap((r) => {
    const indicator = dictionary.get(r.indicator_code);
    return indicator ? [{ ordinal: r.ordinal, indicator, required: r.required }] : [];
  });
}

export const reportWorkflow = reportCaseType(formRows);

export interface RegimeSettings {
  cutoffDay: number;
  dueWorkingDays: number;
  remindDaysBefore: number;
  active: boolean;
}

/** The configurable parts of a regime's rules (Decree 09's defaults are the migration's). */
export async function updateRegime(db: Queryable, actor: Actor | null, id: string, s: RegimeSettings): Promise<Regime> {
  requireSystemAdmin(actor, 'Chỉ quản trị hệ thống được sửa chế độ báo cáo.');
  await regimeRow(db, id);
  const [r] = await db.query<ReportRegimesRow>(
    `UPDATE report_regimes SET cutoff_day = $2, due_working_days = $3, remind_days_before = $4, active = $5, updated_at = now() WHERE id = $1 RETURNING *`,
    [id, s.cutoffDay, s.dueWorkingDays, s.remindDaysBefore, s.active],
  );
  return toRegime(r);
}

// ---- periods and the units' reports --------------------------------------------------------------

const yearBefore = (date: string) => `${Number(date.slice(0, 4)) - 1}${date.slice(4)}`;

/** The period before a regime's period, of the same length (kỳ trước). */
function previousPeriod(p: Period): Period {
  const days = Math.round((Date.parse(p.to) - Date.parse(p.from)) / 86_400_000);
  const to = addDays(p.from, -1);
  // Whole months back: the same cut-off day one period earlier.
  const months = Math.max(1, Math.round(days / 30.4));
  const from = new Date(Date.UTC(Number(p.from.slice(0, 4)), Number(p.from.slice(5, 7)) - 1 - months, Number(p.from.slice(8, 10)))).toISOString().slice(0, 10);
  return { from, to };
}

/**
 * The figures a report starts with: what the platform computes for the unit (this period, the period before, the
 * same period last year), and for the other rows the unit's own accepted figures of those periods.
 */
async function prefill(db: Queryable, form: FormRow[], period: Period, agencyId: string, regimeId: string): Promise<ReportData> {
  const earlier = { previous: previousPeriod(period), lastYear: { from: yearBefore(period.from), to: yearBefore(period.to) } };
  const data: ReportData = {};
  for (const { indicator } of form) {
    const row = emptyRow();
    if (indicator.source === 'computed') {
      row.current = row.computed = await computedValue(db, indicator, period, { agencyId });
      row.previous = await computedValue(db, indicator, earlier.previous, { agencyId });
      row.lastYear = await computedValue(db, indicator, earlier.lastYear, { agencyId });
    }
    data[indicator.code] = row;
  }
  for (const col of ['previous', 'lastYear'] as const) {
    const [earlierReport] = await db.query(
      `SELECT r.data FROM reports r JOIN report_periods p ON p.id = r.period_id
        WHERE p.regime_id = $1 AND r.agency_id = $2 AND r.status = 'accepted' AND p.starts_on = $3 AND p.ends_on = $4`,
      [regimeId, agencyId, earlier[col].from, earlier[col].to],
    );
    for (const { indicator } of form) if (indicator.source === 'reported') data[indicator.code][col] = earlierReport?.data[indicator.code]?.current ?? null;
  }
  return data;
}

/** Opens a period (once) and a pre-filled draft for each reporting unit; returns the period's id. */
async function openPeriod(db: Database, regime: Regime, dates: { label: string; startsOn: string; endsOn: string }, dueOn: string): Promise<string> {
  return db.transaction(async (tx) => {
    const inserted = await tx.query(
      `INSERT INTO report_periods (regime_id, label, starts_on, ends_on, due_on) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (regime_id, starts_on, ends_on) DO NOTHING RETURNING id`,
      [regime.id, dates.label, dates.startsOn, dates.endsOn, dueOn],
    );
    if (!inserted.length) {
      const [p] = await tx.query('SELECT id FROM report_periods WHERE regime_id = $1 AND starts_on = $2 AND ends_on = $3', [
        regime.id,
        dates.startsOn,
        dates.endsOn,
      ]);
      return p.id as string;
    }
    const periodId = inserted[0].id as string;
    const form = await formRows(tx, regime.id, Number(dates.endsOn.slice(0, 4)));
    const units = (await agenciesUnder(tx, '')).filter((a) => a.active && regime.reporterKinds.includes(a.kind));
    for (const unit of units) {
      const data = await prefill(tx, form, { from: dates.startsOn, to: dates.endsOn }, unit.id, regime.id);
      deriveRatios(form, data);
      await tx.query(`INSERT INTO reports (period_id, agency_id, data) VALUES ($1, $2, $3)`, [periodId, unit.id, JSON.stringify(data)]);
    }
    return periodId;
  });
}

/**
 * The scheduled opening: for every active periodic regime, the latest period whose cut-off has passed on `today`
 * (Vietnam date), with its due date on the working calendar. Returns how many periods were opened.
 */
export async function openDuePeriods(db: Database, today = vietnamDate(new Date())): Promise<number> {
  const calendar = await workingCalendar(db);
  let opened = 0;
  for (const regime of await listRegimes(db)) {
    if (!regime.active || !isPeriodic(regime.frequency)) continue;
    const dates = lastClosedPeriod(regime.frequency, regime.cutoffDay, today);
    const [known] = await db.query('SELECT 1 FROM report_periods WHERE regime_id = $1 AND starts_on = $2 AND ends_on = $3', [
      regime.id,
      dates.startsOn,
      dates.endsOn,
    ]);
    if (known) continue;
    await openPeriod(db, regime, dates, dueDate(calendar, dates.endsOn, regime.dueWorkingDays));
    opened++;
  }
  return opened;
}

/** A thematic or ad hoc report (báo cáo chuyên đề, đột xuất), opened by a system administrator for given dates. */
export async function openRequestedPeriod(
  db: Database,
  actor: Actor | null,
  regimeId: string,
  input: { label: string; startsOn: string; endsOn: string; dueOn: string },
): Promise<string> {
  requireSystemAdmin(actor, 'Chỉ quản trị hệ thống được yêu cầu báo cáo chuyên đề, đột xuất.');
  const regime = await regimeRow(db, regimeId);
  if (isPeriodic(regime.frequency)) throw badRequest('PERIODIC_REGIME', 'Kỳ của chế độ báo cáo định kỳ tự mở theo ngày chốt số liệu.');
  if (input.endsOn < input.startsOn || input.dueOn <= input.endsOn)
    throw badRequest('INVALID_PERIOD', 'Kỳ báo cáo phải kết thúc sau khi bắt đầu, và hạn gửi phải sau ngày chốt số liệu.');
  return openPeriod(db, regime, input, input.dueOn);
}

// ---- reports: lists, one report, actions ------------------------------------------------------------

const staff = (actor: Actor): Party => ({ kind: 'staff', actor });

export interface ReportSummary {
  id: string;
  regime: string;
  regimeName: string;
  period: string;
  periodId: string;
  endsOn: string;
  dueOn: string;
  agencyId: string;
  agencyName: string;
  status: ReportStatus;
  statusName: string;
  version: number;
  late: boolean;
  dueSoon: boolean;
}

function isLate(r: Row, today: string): boolean {
  const sentOn = r.signed_at ? vietnamDate(new Date(r.signed_at)) : null;
  return sentOn ? sentOn > r.due_on : today > r.due_on;
}

const summaryOf = (r: Row, today: string): ReportSummary => ({
  id: r.id,
  regime: r.regime_code,
  regimeName: r.regime_name,
  period: r.label,
  periodId: r.period_id,
  endsOn: r.ends_on,
  dueOn: r.due_on,
  agencyId: r.agency_id,
  agencyName: r.agency_name,
  status: r.status,
  statusName: REPORT_STATES[r.status as ReportStatus].name,
  version: r.version,
  late: isLate(r, today),
  dueSoon: !r.signed_at && r.reminded_at !== null,
});

const REPORT_LIST = `SELECT r.id, r.period_id, r.agency_id, r.status, r.version, r.signed_at, r.reminded_at, p.label, p.ends_on::text AS ends_on,
       p.due_on::text AS due_on, g.code AS regime_code, g.name AS regime_name, a.name AS agency_name, a.path AS unit_path,
       coalesce(g.recipient_id, (SELECT id FROM agencies WHERE parent_id IS NULL LIMIT 1)) AS recipient_id
  FROM reports r JOIN report_periods p ON p.id = r.period_id JOIN report_regimes g ON g.id = p.regime_id JOIN agencies a ON a.id = r.agency_id`;

/** The reports the staff member may see, newest period first (their unit's, or those sent to their organisation). */
export async function listReports(db: Queryable, actor: Actor, q: { periodId?: string } = {}): Promise<ReportSummary[]> {
  const rows = await db.query(`${REPORT_LIST} WHERE ($1::uuid IS NULL OR r.period_id = $1) ORDER BY p.ends_on DESC, g.code, a.code`, [q.periodId ?? null]);
  const today = vietnamDate(new Date());
  const out: ReportSummary[] = [];
  for (const r of rows) if (await canSeeReport(db, staff(actor), { unitPath: r.unit_path, recipientId: r.recipient_id })) out.push(summaryOf(r, today));
  return out;
}

export interface FormLine {
  ordinal: number;
  code: string;
  name: string;
  unit: string;
  source: Indicator['source'];
  aggregation: Indicator['aggregation'];
  required: boolean;
  entered: Column[];
  values: RowValues;
}

const formLines = (form: FormRow[], data: ReportData): FormLine[] =>
  form.map(({ ordinal, indicator: i, required }) => ({
    ordinal,
    code: i.code,
    name: i.name,
    unit: i.unit,
    source: i.source,
    aggregation: i.aggregation,
    required,
    entered: entered(i),
    values: data[i.code] ?? emptyRow(),
  }));

/** One report as its unit or recipient sees it: the form, the checks, the versions, the history and the allowed actions. */
export async function getReport(db: Queryable, actor: Actor, id: string) {
  const c = await reportWorkflow.load(db, id, false);
  if (!c || !(await canSeeReport(db, staff(actor), c))) throw notFound('báo cáo');
  const [regime, [summaryRow], versions, events] = await Promise.all([
    regimeRow(db, c.row.regime_id),
    db.query(`${REPORT_LIST} WHERE r.id = $1`, [id]),
    db.query(`SELECT version, returned_reason, signed_at, pdf IS NOT NULL AS signed FROM report_versions WHERE report_id = $1 ORDER BY version`, [id]),
    db.query(
      `SELECT e.at, e.action, e.to_status, e.version, e.note, u.full_name FROM report_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.report_id = $1 ORDER BY e.id`,
      [id],
    ),
  ]);
  return {
    ...summaryOf(summaryRow, vietnamDate(new Date())),
    revision: c.row.revision,
    legalBasis: regime.legalBasis,
    outline: regime.outline,
    narrative: c.row.narrative,
    columns: COLUMNS.map((key) => ({ key, label: COLUMN_LABELS[key] })),
    lines: formLines(c.form, c.row.data),
    checks: validate(c.form, c.row.data),
    versions: versions.map((v) => ({ version: v.version, signed: v.signed, signedAt: v.signed_at, returnedReason: v.returned_reason })),
    history: events.map((e) => ({
      at: e.at,
      action: e.action,
      status: REPORT_STATES[e.to_status as ReportStatus].name,
      version: e.version,
      note: e.note,
      by: e.full_name,
    })),
    allowedActions: await allowedActions(reportWorkflow, db, staff(actor), c),
  };
}

/** Checks typed figures against the form: only known rows, only the columns a unit types; derived ratios recomputed. */
export function mergeEntries(form: FormRow[], current: ReportData, entries: Record<string, Partial<Record<Column, number | null>>>): ReportData {
  const byCode = new Map(form.map((r) => [r.indicator.code, r.indicator]));
  const data: ReportData = structuredClone(current);
  for (const [code, values] of Object.entries(entries)) {
    const indicator = byCode.get(code);
    if (!indicator) throw badRequest('UNKNOWN_INDICATOR', `Chỉ tiêu ${code} không có trong biểu mẫu của chế độ báo cáo này.`, { indicator: code });
    for (const [col, v] of Object.entries(values) as [Column, number | null][]) {
      if (!entered(indicator).includes(col)) throw badRequest('COLUMN_NOT_ENTERED', `Cột "${COLUMN_LABELS[col]}" của chỉ tiêu ${code} không do đơn vị nhập.`);
      data[code] ??= emptyRow();
      data[code][col] = v;
    }
  }
  deriveRatios(form, data);
  return data;
}

/** Saves typed figures and the narrative (a draft only). */
export async function saveReport(
  db: Database,
  actor: Actor,
  id: string,
  input: { entries: Record<string, Partial<Record<Column, number | null>>>; narrative?: string; revision?: number },
): Promise<void> {
  await db.transaction(async (tx) => {
    const c = await reportWorkflow.load(tx, id, false);
    if (!c || !(await canSeeReport(tx, staff(actor), c))) throw notFound('báo cáo');
    const data = mergeEntries(c.form, c.row.data, input.entries);
    await perform(
      reportWorkflow,
      tx,
      staff(actor),
      id,
      { action: 'save', data, narrative: input.narrative ?? c.row.narrative },
      { expectedRevision: input.revision },
    );
  });
}

/** The actions with a JSON body (every one but saving and signing). */
export async function actOnReport(
  db: Database,
  actor: Actor,
  id: string,
  input: Exclude<Action, { action: 'save' | 'sign' }>,
  revision?: number,
): Promise<void> {
  await db.transaction((tx) => perform(reportWorkflow, tx, staff(actor), id, input, { expectedRevision: revision }));
}

const fmtValue = (v: number | null) => (v === null ? 'chưa có số liệu' : v.toLocaleString('vi-VN'));

/** The report as an A4 PDF: the national header, the form's table and the narrative. */
async function renderReport(db: Queryable, c: NonNullable<Awaited<ReturnType<typeof reportWorkflow.load>>>, signedAt: Date): Promise<Uint8Array> {
  const [regime, unit] = await Promise.all([regimeRow(db, c.row.regime_id), getAgencyRow(db, c.row.agency_id)]);
  const [period] = await db.query('SELECT label FROM report_periods WHERE id = $1', [c.row.period_id]);
  const rootId = unit!.path.split('/')[0];
  const root = (await agencyNames(db, [rootId])).get(rootId) ?? '';
  const w = await FormWriter.create({ title: `${regime.name} - ${period.label}`, subject: regime.legalBasis, createdAt: signedAt });
  nationalHeader(w, { authority: '', unit: unit!.name, place: placeName(unit!, root), issuedAt: signedAt });
  w.paragraph(`BÁO CÁO\n${regime.name}\n${period.label} (phiên bản ${c.row.version})`, { size: 13, style: 'bold', align: 'center', spaceAfter: 10 });
  w.table(
    [
      { header: 'TT', weight: 1, align: 'center' },
      { header: 'Chỉ tiêu', weight: 6 },
      { header: 'Đơn vị', weight: 2, align: 'center' },
      ...COLUMNS.map((col) => ({ header: COLUMN_LABELS[col], weight: 2.5, align: 'center' as const })),
    ],
    formLines(c.form, c.row.data).map((l) => [String(l.ordinal), l.name, l.unit, ...COLUMNS.map((col) => fmtValue(l.values[col]))]),
    10,
  );
  w.gap(10);
  if (c.row.narrative) w.paragraph(c.row.narrative, { size: 12, spaceAfter: 10 });
  w.paragraph(`Căn cứ: ${regime.legalBasis}. Ngày ký: ${vnDate(signedAt)}.`, { size: 10, style: 'italic' });
  w.ensure(100);
  return w.finish(`congso:bao-cao/${c.row.id}/${c.row.version}`, 'Mã báo cáo');
}

const LEADER_RECT: [number, number, number, number] = [340, 60, 540, 130];

/** The unit leader approves by signing the report's PDF with their certificate; the signature is checked before it is kept. */
export async function signReport(db: Database, actor: Actor, id: string, provider: SigningProvider, note?: string): Promise<void> {
  const refusal = await refusalOf(reportWorkflow, db, staff(actor), id, 'sign');
  if (refusal) throw refusal;
  const c = (await reportWorkflow.load(db, id, false))!;
  const unit = (await getAgencyRow(db, c.row.agency_id))!;
  const signedAt = new Date();
  const draft = await renderReport(db, c, signedAt);
  const leader = await provider.person(db, {
    userId: actor.userId,
    username: actor.username,
    fullName: actor.fullName,
    title: 'Lãnh đạo',
    agencyName: unit.name,
  });
  const pdf = await signNewPdf(draft, leader.signer, {
    field: 'LanhDao',
    page: (await PDFDocument.load(draft, { updateMetadata: false })).getPageCount() - 1,
    rect: LEADER_RECT,
    name: actor.fullName,
    reason: 'Duyệt báo cáo',
    location: unit.name,
    signingTime: signedAt,
  });
  const checks = checkPdfSignatures(pdf, await provider.trustedAuthorities(db));
  if (checks.length !== 1 || !checks[0].intact || !checks[0].trusted)
    throw new AppError(500, 'SIGNATURE_SELF_CHECK_FAILED', 'Báo cáo vừa ký không qua được bước tự kiểm tra chữ ký số.');
  const signatures = [{ role: 'leader', subject: checks[0].signer!.subject, serialNumber: checks[0].signer!.serialNumber, signedAt: checks[0].signedAt }];
  // The PDF shows the report as it was loaded: if it changed while being rendered, the signature is refused (409).
  await db.transaction((tx) =>
    perform(reportWorkflow, tx, staff(actor), id, { action: 'sign', signed: { pdf, signatures }, note }, { expectedRevision: c.row.revision }),
  );
}

/** A version's signed PDF, for those who see the report. */
export async function signedPdf(db: Queryable, actor: Actor, id: string, version: number): Promise<Buffer> {
  const c = await reportWorkflow.load(db, id, false);
  if (!c || !(await canSeeReport(db, staff(actor), c))) throw notFound('báo cáo');
  const [v] = await db.query<{ pdf: Uint8Array | null }>('SELECT pdf FROM report_versions WHERE report_id = $1 AND version = $2', [id, version]);
  if (!v?.pdf) throw notFound('bản ký số của báo cáo');
  return Buffer.from(v.pdf);
}

// ---- reminders and late units (scheduled) ---------------------------------------------------------------

/**
 * Reminds units whose report is not sent yet once it is within the regime's reminder days of its due date, and flags
 * once each unit that let the due date pass; both are written on the report and its history.
 */
export async function remindAndFlag(db: Database, today = vietnamDate(new Date())): Promise<{ reminded: number; late: number }> {
  return db.transaction(async (tx) => {
    const open = `r.status IN ('draft', 'submitted', 'returned')`;
    const reminded = await tx.query(
      `UPDATE reports r SET reminded_at = now() FROM report_periods p JOIN report_regimes g ON g.id = p.regime_id
        WHERE p.id = r.period_id AND ${open} AND r.reminded_at IS NULL AND $1::date BETWEEN p.due_on - g.remind_days_before AND p.due_on
        RETURNING r.id, r.status, r.version, p.due_on::text AS due_on`,
      [today],
    );
    const late = await tx.query(
      `UPDATE reports r SET late_flagged_at = now() FROM report_periods p
        WHERE p.id = r.period_id AND ${open} AND r.late_flagged_at IS NULL AND $1::date > p.due_on
        RETURNING r.id, r.status, r.version, p.due_on::text AS due_on`,
      [today],
    );
    for (const [rows, action, note] of [
      [reminded, 'remind', 'Nhắc hạn gửi báo cáo'],
      [late, 'late', 'Quá hạn gửi báo cáo'],
    ] as const)
      for (const r of rows)
        await tx.query(`INSERT INTO report_events (report_id, action, from_status, to_status, version, note) VALUES ($1, $2, $3, $3, $4, $5)`, [
          r.id,
          action,
          r.status,
          r.version,
          `${note} (hạn ${r.due_on.split('-').reverse().join('/')})`,
        ]);
    return { reminded: reminded.length, late: late.length };
  });
}

// ---- roll-up ---------------------------------------------------------------------------------------------

/** Reports that reached their recipient count in the roll-up; the official figures (indicatorValue) only accepted ones. */
const SENT: ReportStatus[] = ['signed', 'accepted'];

interface UnitFigures {
  agencyId: string;
  path: string;
  status: ReportStatus;
  data: ReportData;
}

async function aggregate(db: Queryable, indicator: Indicator, units: UnitFigures[], col: Column, period: Period, scope: ValueScope): Promise<number | null> {
  if (indicator.aggregation === 'ratio') {
    if (indicator.source === 'computed') return col === 'current' ? computedValue(db, indicator, period, scope) : null;
    const sum = (code: string) => units.reduce<number | null>((s, u) => (u.data[code]?.[col] == null ? s : (s ?? 0) + u.data[code][col]!), null);
    const n = sum(indicator.numerator!);
    const d = sum(indicator.denominator!);
    return n === null || !d ? null : Math.round((n / d) * 10000) / 100;
  }
  const values = units.map((u) => u.data[indicator.code]?.[col] ?? null).filter((v): v is number => v !== null);
  if (!values.length) return null;
  const total = values.reduce((a, b) => a + b, 0);
  return indicator.aggregation === 'average' ? Math.round((total / values.length) * 100) / 100 : total;
}

async function periodRow(db: Queryable, periodId: string): Promise<Row> {
  const [p] = await db.query(
    `SELECT p.*, p.starts_on::text AS starts_on, p.ends_on::text AS ends_on, p.due_on::text AS due_on FROM report_periods p WHERE p.id = $1`,
    [periodId],
  );
  if (!p) throw notFound('kỳ báo cáo');
  return p;
}

/**
 * A period's reports rolled up for an agency: its figures and, for drill-down,
 * each child agency's — an agency holding reporting units below it, or a reporting unit with its report's status.
 */
export async function rollup(db: Queryable, actor: Actor, periodId: string, agencyId?: string) {
  const period = await periodRow(db, periodId);
  const regime = await regimeRow(db, period.regime_id);
  // Without a named agency: the province for its staff, otherwise the caller's own organisation.
  const [province] = await db.query('SELECT * FROM agencies WHERE parent_id IS NULL LIMIT 1');
  const root = agencyId
    ? await getAgencyRow(db, agencyId)
    : inScope(actor, province.path)
      ? province
      : await getAgencyRow(db, (await organisationOf(db, actor.agencyId)).id);
  if (!root || !inScope(actor, root.path)) throw notFound('cơ quan');
  const form = await formRows(db, regime.id, Number(period.ends_on.slice(0, 4)));
  const reports = await db.query(
    `SELECT r.agency_id, r.status, r.data, a.path, a.name, a.parent_id FROM reports r JOIN agencies a ON a.id = r.agency_id
      WHERE r.period_id = $1 AND (a.path = $2 OR a.path LIKE $2 || '/%')`,
    [periodId, root.path],
  );
  const p: Period = { from: period.starts_on, to: period.ends_on };
  const sent = (rows: Row[]): UnitFigures[] =>
    rows.filter((r) => SENT.includes(r.status)).map((r) => ({ agencyId: r.agency_id, path: r.path, status: r.status, data: r.data }));
  const figures = async (rows: Row[], scopeId: string | undefined) =>
    Promise.all(
      form.map(async ({ indicator }) => ({
        code: indicator.code,
        name: indicator.name,
        unit: indicator.unit,
        aggregation: indicator.aggregation,
        values: Object.fromEntries(
          await Promise.all(COLUMNS.map(async (col) => [col, await aggregate(db, indicator, sent(rows), col, p, { agencyId: scopeId })] as const)),
        ) as Record<Column, number | null>,
      })),
    );
  // Children: the agencies directly under `root` that are a reporting unit or hold one.
  const children = new Map<string, Row[]>();
  for (const r of reports) {
    const rest = r.path.slice(root.path.length + 1).split('/');
    if (r.path === root.path || !rest[0]) continue;
    children.set(rest[0], [...(children.get(rest[0]) ?? []), r]);
  }
  const names = await agencyNames(db, [...children.keys()]);
  const today = vietnamDate(new Date());
  return {
    period: { id: period.id, label: period.label, startsOn: period.starts_on, endsOn: period.ends_on, dueOn: period.due_on },
    regime: { id: regime.id, code: regime.code, name: regime.name },
    agency: { id: root.id, name: root.name },
    units: {
      total: reports.length,
      sent: sent(reports).length,
      accepted: reports.filter((r) => r.status === 'accepted').length,
      late: reports.filter((r) => !SENT.includes(r.status) && today > period.due_on).length,
    },
    lines: await figures(reports, root.parent_id ? root.id : undefined), // the province: no agency filter
    children: await Promise.all(
      [...children].map(async ([id, rows]) => {
        const own = rows.length === 1 && rows[0].agency_id === id ? rows[0] : null;
        return {
          agencyId: id,
          name: names.get(id) ?? '',
          // A reporting unit itself: its report's status; an agency above units: how many have sent theirs.
          status: own ? REPORT_STATES[own.status as ReportStatus].name : null,
          units: rows.length,
          sent: sent(rows).length,
          drillable: !own,
          lines: (await figures(rows, id)).map((l) => ({ code: l.code, current: l.values.current })),
        };
      }),
    ),
  };
}

/**
 * The value of indicator `code` for a period and scope, for any module: computed by the platform, or summed up from
 * the accepted reports covering exactly that period. Null when nobody has a figure ("chưa có số liệu"), never 0.
 */
export async function indicatorValue(db: Queryable, code: string, period: Period, scope: ValueScope = {}): Promise<number | null> {
  const indicator = (await indicatorsForYear(db, Number(period.to.slice(0, 4)))).get(code);
  if (!indicator) throw notFound('chỉ tiêu');
  const agency = scope.agencyId ? await getAgencyRow(db, scope.agencyId) : null;
  if (scope.agencyId && !agency) throw notFound('cơ quan');
  if (indicator.source === 'computed') return computedValue(db, indicator, period, scope);
  const rows = await db.query(
    `SELECT r.agency_id, r.status, r.data, a.path FROM reports r JOIN report_periods p ON p.id = r.period_id JOIN agencies a ON a.id = r.agency_id
      WHERE p.starts_on = $1 AND p.ends_on = $2 AND r.status = 'accepted' AND ($3::text IS NULL OR a.path = $3 OR a.path LIKE $3 || '/%')
        AND r.data ? $4`,
    [period.from, period.to, agency?.path ?? null, code],
  );
  return aggregate(
    db,
    indicator,
    rows.map((r) => ({ agencyId: r.agency_id, path: r.path, status: r.status, data: r.data })),
    'current',
    period,
    scope,
  );
}

// ---- XLSX --------------------------------------------------------------------------------------------------

/** The report's form as an XLSX workbook with the figures as they stand. */
export async function exportReport(db: Queryable, actor: Actor, id: string): Promise<{ fileName: string; bytes: Buffer }> {
  const r = await getReport(db, actor, id);
  const bytes = await exportForm(`${r.regimeName} - ${r.period} - ${r.agencyName}`, r.lines);
  return { fileName: `bao-cao-${r.regime}-${r.endsOn}.xlsx`, bytes };
}

/** Imports a filled form into a draft: refused whole, with the cells named, before anything is written. */
export async function importReport(db: Database, actor: Actor, id: string, bytes: Buffer, revision?: number): Promise<void> {
  const refusal = await refusalOf(reportWorkflow, db, staff(actor), id, 'save');
  if (refusal) throw refusal;
  const c = (await reportWorkflow.load(db, id, false))!;
  const entries = await importForm(bytes, formLines(c.form, c.row.data));
  await saveReport(db, actor, id, { entries, revision });
}

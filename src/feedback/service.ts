// Citizen feedback (phản ánh, kiến nghị): intake from every channel into one case, the case as each party may see it
// (the reporter's identity only for the operators, every look logged), the operators' and agencies' lists with their
// deadline flags, the public list and page (published cases, public steps, no identity), and the settings.
import type { Database, Queryable, Row } from '../db/index.ts';
import { agenciesUnder, agencyNames, organisationOf } from '../agencies/service.ts';
import type { Citizen } from '../citizens/service.ts';
import { communeAt } from '../geo/boundaries.ts';
import { unitExists } from '../geo/service.ts';
import { workingCalendar } from '../calendar/service.ts';
import { type Actor, requireAdmin, requireSystemAdmin } from '../shared/actor.ts';
import { AppError, badRequest, forbidden, notFound } from '../shared/errors.ts';
import { fold, nfc } from '../shared/text.ts';
import { allowedActions, perform, type Party } from '../workflow/engine.ts';
import { activeCategoryId } from './categories.ts';
import { refuseBlockedReporter, reporterPhone } from './blocks.ts';
import { listMedia, listPublicMedia } from './media.ts';
import {
  type Action,
  canSeeCase,
  caseOf,
  FEEDBACK_STATES,
  type FeedbackStatus,
  feedbackWorkflow,
  insertEvent,
  isOperator,
  type Level,
  loadSettings,
  type Settings,
  settingsOf,
} from './workflow.ts';

export const OPERATOR_CHANNELS = ['phone', 'paper', 'email', 'zalo'] as const;

export interface SubmitInput {
  title: string;
  text: string;
  categoryCode: string;
  level?: Level;
  lat?: number;
  long?: number;
  address?: string;
  communeCode?: string;
  /** Anonymous reports (where the province allows them) and operators' intake name a way back to the reporter. */
  reporter?: { name?: string; phone?: string; email?: string };
}

export interface IntakeInput extends SubmitInput {
  channel: (typeof OPERATOR_CHANNELS)[number];
}

// Text a reporter writes is shown on the public page: markup (a tag, a javascript: link) is refused rather than stored.
const MARKUP = /<\s*\/?\s*[a-z!?][^>]*>|javascript\s*:/i;

function checkText(fields: Record<string, string | undefined>) {
  for (const [field, value] of Object.entries(fields)) {
    if (value !== undefined && MARKUP.test(value)) {
      throw badRequest('MARKUP_NOT_ALLOWED', 'Nội dung không được chứa mã HTML hoặc mã lệnh (script).', { field });
    }
  }
}

/**
 * The report itself: text, category, location; refused as a whole (400) before anything is written. A report pinned
 * on the map without a commune is put in the commune whose boundary holds the pin (the operators may correct it).
 */
async function checkReport(tx: Queryable, settings: Settings, input: SubmitInput): Promise<{ categoryId: string; communeCode: string | null }> {
  checkText({ title: input.title, text: input.text, address: input.address });
  const categoryId = await activeCategoryId(tx, input.categoryCode);
  if ((input.lat === undefined) !== (input.long === undefined)) throw badRequest('INCOMPLETE_LOCATION', 'Vị trí cần cả vĩ độ và kinh độ.');
  const { minLat, maxLat, minLong, maxLong } = settings.bbox;
  if (input.lat !== undefined && input.long !== undefined && (input.lat < minLat || input.lat > maxLat || input.long < minLong || input.long > maxLong)) {
    throw badRequest('LOCATION_OUTSIDE_PROVINCE', 'Vị trí phản ánh nằm ngoài địa bàn tỉnh.');
  }
  if (input.lat === undefined && !input.address && !input.communeCode) {
    throw badRequest('LOCATION_REQUIRED', 'Hãy cho biết vị trí: chọn trên bản đồ, nhập địa chỉ hoặc chọn xã, phường.');
  }
  if (input.communeCode && !(await unitExists(tx, input.communeCode))) throw badRequest('UNKNOWN_COMMUNE', `Không có xã, phường mã "${input.communeCode}".`);
  if (input.communeCode) return { categoryId: categoryId, communeCode: input.communeCode };
  const pinned = input.lat === undefined || input.long === undefined ? null : communeAt(input.lat, input.long);
  return { categoryId: categoryId, communeCode: pinned && (await unitExists(tx, pinned.code)) ? pinned.code : null };
}

/** The province's root organisation, whose operators run the feedback desk. */
async function operatorOrganisation(tx: Queryable): Promise<string> {
  const root = (await agenciesUnder(tx, '')).find((a) => a.parentId === null);
  if (!root) throw new AppError(409, 'NO_ORGANISATION', 'Chưa cấu hình cơ quan của tỉnh.');
  return root.id;
}

/** The next code of the day (Vietnam's date), gap-free: the day's row stays locked until the transaction ends. */
async function nextCode(tx: Queryable): Promise<string> {
  const [{ day, last }] = await tx.query(
    `INSERT INTO feedback_sequences AS s (day, last) VALUES ((now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, 1)
     ON CONFLICT (day) DO UPDATE SET last = s.last + 1 RETURNING to_char(day, 'YYMMDD') AS day, last`,
  );
  return `PA-${day}-${String(last).padStart(4, '0')}`;
}

async function createCase(
  db: Database,
  by: Party | 'anonymous',
  input: SubmitInput,
  channel: string,
  reporter: { citizenId: string | null; name: string | null; phone: string | null; email: string | null },
  mediaUrl: string | null = null,
): Promise<{ id: string; code: string }> {
  input = { ...input, title: nfc(input.title), text: nfc(input.text), address: input.address === undefined ? undefined : nfc(input.address) };
  if (reporter.phone !== null) reporter = { ...reporter, phone: reporterPhone(reporter.phone) };
  return db.transaction(async (tx) => {
    await refuseBlockedReporter(tx, reporter);
    const settings = await loadSettings(tx);
    const { categoryId, communeCode } = await checkReport(tx, settings, input);
    const operatorAgencyId = await operatorOrganisation(tx);
    const code = await nextCode(tx);
    const [row] = await tx.query(
      `INSERT INTO feedback_cases (code, title, body, category_id, level, lat, long, address, commune_code, search_text, channel, status,
         operator_agency_id, citizen_id, reporter_name, reporter_phone, reporter_email, created_by, media_url)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'received', $12, $13, $14, $15, $16, $17, $18) RETURNING id`,
      [
        code,
        input.title,
        input.text,
        categoryId,
        input.level ?? 'thuong',
        input.lat ?? null,
        input.long ?? null,
        input.address ?? null,
        communeCode,
        fold(`${input.title} ${input.text} ${input.address ?? ''}`),
        channel,
        operatorAgencyId,
        reporter.citizenId,
        reporter.name,
        reporter.phone,
        reporter.email,
        by !== 'anonymous' && by.kind === 'staff' ? by.actor.userId : null,
        mediaUrl,
      ],
    );
    await insertEvent(tx, row.id, by, null, { action: 'submit', to: 'received', public: true, data: { channel } }, null);
    return { id: row.id as string, code };
  });
}

/** A report from the portal: the signed-in citizen (their identity from the e-ID session), or anonymous with a phone where allowed. */
export async function submitFeedback(db: Database, who: { actor: Actor | null; citizen: Citizen | null }, input: SubmitInput) {
  if (who.actor) throw forbidden('Cán bộ nhập phản ánh nhận qua điện thoại, văn bản, thư điện tử hay Zalo ở mục tiếp nhận.');
  if (who.citizen) {
    const c = who.citizen;
    return createCase(db, { kind: 'citizen', citizen: c }, input, 'portal', {
      citizenId: c.id,
      name: c.fullName,
      phone: input.reporter?.phone ?? c.phone,
      email: input.reporter?.email ?? c.email,
    });
  }
  if (!(await loadSettings(db)).allowAnonymous) throw new AppError(401, 'UNAUTHENTICATED', 'Vui lòng đăng nhập bằng tài khoản công dân để gửi phản ánh.');
  if (!input.reporter?.phone) throw badRequest('PHONE_REQUIRED', 'Phản ánh không đăng nhập cần số điện thoại để liên hệ.');
  return createCase(db, 'anonymous', input, 'portal', {
    citizenId: null,
    name: input.reporter.name ?? null,
    phone: input.reporter.phone,
    email: input.reporter.email ?? null,
  });
}

/** A report an operator keys in from a phone call, a letter, an e-mail or a Zalo message (QĐ 31/2021/QĐ-TTg art. 43.2). */
export async function intakeFeedback(db: Database, actor: Actor, input: IntakeInput) {
  const by: Party = { kind: 'staff', actor };
  if (!(await isOperator(db, by))) throw forbidden('Chỉ cán bộ tiếp nhận phản ánh của tỉnh được nhập phản ánh.');
  return createCase(db, by, input, input.channel, {
    citizenId: null,
    name: input.reporter?.name ?? null,
    phone: input.reporter?.phone ?? null,
    email: input.reporter?.email ?? null,
  });
}

/**
 * A report through the Open311 API (src/open311) from a client holding a key; contact details given are confidential
 * as any reporter's. `mediaUrl`, the client's link to its photo, is kept as a link: the platform never fetches it.
 */
export async function apiFeedback(db: Database, input: SubmitInput, mediaUrl?: string) {
  return createCase(
    db,
    'anonymous',
    input,
    'open311',
    { citizenId: null, name: input.reporter?.name ?? null, phone: input.reporter?.phone ?? null, email: input.reporter?.email ?? null },
    mediaUrl ?? null,
  );
}

export async function actOnFeedback(db: Database, by: Party, id: string, input: Action, revision?: number) {
  return db.transaction(async (tx) => {
    if (input.action === 'answer' || input.action === 'provide_info') checkText({ text: input.text });
    await perform(feedbackWorkflow, tx, by, id, input, { expectedRevision: revision });
    const [row] = await tx.query('SELECT id, code, status FROM feedback_cases WHERE id = $1', [id]);
    return { id: row.id, code: row.code, status: row.status };
  });
}

// ---- reading -------------------------------------------------------------------------------------

const CASE_SELECT = `SELECT f.*, c.code AS category_code, c.name AS category_name FROM feedback_cases f JOIN feedback_categories c ON c.id = f.category_id`;

/** Overdue or at risk: against the acceptance deadline while assigned, the answer deadline while the agency holds it. */
export function deadlineFlags(row: Row, settings: Settings, calendar: { workingHoursBetween(a: Date, b: Date): number }, now = new Date()) {
  const [due, allotted] =
    row.status === 'assigned'
      ? [row.accept_due_at, settings.acceptHours]
      : ['processing', 'answered'].includes(row.status)
        ? [row.due_at, settings.answerHours[row.level as Level]]
        : [null, 0];
  if (!due) return { overdue: false, atRisk: false };
  const dueAt = new Date(due);
  if (now > dueAt) return { overdue: true, atRisk: false };
  return { overdue: false, atRisk: calendar.workingHoursBetween(now, dueAt) <= allotted * settings.atRiskShare };
}

const NOTES_FOR_REPORTER = new Set(['request_info', 'provide_info', 'reject_spam', 'rate']);

const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);

const ESCALATION_COLUMNS = { at_risk: 'escalated_at_risk_at', overdue: 'escalated_overdue_at' } as const;

/** The operators' alert a case has had: overdue after at risk; null before either. */
const escalationOf = (row: Row) => (row.escalated_overdue_at ? 'overdue' : row.escalated_at_risk_at ? 'at_risk' : null);

/**
 * Alerts the operators (the escalation, chuyển cấp điều hành) to every case at risk of missing its deadline or past
 * it, once per case for each — run by the scheduled job "feedback.escalate". The mark on the case and the `escalate`
 * event commit together under the case's lock, so a rerun, a second server or a restart never alerts twice.
 */
export async function escalateFeedback(db: Database, now = new Date()) {
  const settings = await loadSettings(db);
  const calendar = await workingCalendar(db);
  const kindOf = (row: Row) => {
    const flags = deadlineFlags(row, settings, calendar, now);
    const kind = flags.overdue ? 'overdue' : flags.atRisk ? 'at_risk' : null;
    return kind && !row[ESCALATION_COLUMNS[kind]] ? kind : null;
  };
  const candidates = await db.query(`SELECT * FROM feedback_cases WHERE status IN ('assigned', 'processing', 'answered') AND escalated_overdue_at IS NULL`);
  const escalated = { atRisk: 0, overdue: 0 };
  for (const candidate of candidates.filter(kindOf)) {
    await db.transaction(async (tx) => {
      const [row] = await tx.query('SELECT * FROM feedback_cases WHERE id = $1 FOR UPDATE', [candidate.id]);
      const kind = kindOf(row);
      if (!kind) return;
      await tx.query(`UPDATE feedback_cases SET ${ESCALATION_COLUMNS[kind]} = $2 WHERE id = $1`, [row.id, now]);
      const dueAt = row.status === 'assigned' ? row.accept_due_at : row.due_at;
      await insertEvent(tx, row.id, null, row.status, { action: 'escalate', data: { kind, dueAt: iso(dueAt) } }, row.agency_id);
      escalated[kind === 'overdue' ? 'overdue' : 'atRisk']++;
    });
  }
  return escalated;
}

/** A case in a staff list: never the reporter's identity. */
export function summary(row: Row, names: Map<string, string>) {
  return {
    id: row.id,
    code: row.code,
    title: row.title,
    category: { code: row.category_code, name: row.category_name },
    level: row.level,
    channel: row.channel,
    status: row.status,
    statusName: FEEDBACK_STATES[row.status as FeedbackStatus].name,
    agency: row.agency_id ? { id: row.agency_id, name: names.get(row.agency_id) ?? null } : null,
    communeCode: row.commune_code,
    acceptDueAt: iso(row.accept_due_at),
    dueAt: iso(row.due_at),
    pausedAt: iso(row.paused_at),
    createdAt: iso(row.created_at),
  };
}

/**
 * The agencies to suggest to the operator while the case awaits assignment, best first, each with why: the People's
 * Committee of the commune the report is in and the category's default agency (province data), in the order of the
 * level that handles the category first.
 */
async function suggestedAgencies(tx: Queryable, row: Row): Promise<{ agencyId: string; name: string; reason: string }[]> {
  if (!['received', 'classified', 'returned'].includes(row.status)) return [];
  const [category] = await tx.query('SELECT name, default_agency_id, handling_kind FROM feedback_categories WHERE id = $1', [row.category_id]);
  const agencies = (await agenciesUnder(tx, '')).filter((a) => a.active);
  const commune = row.commune_code ? agencies.find((a) => a.kind === 'commune_committee' && a.unitCode === row.commune_code) : undefined;
  const usual = agencies.find((a) => a.id === category.default_agency_id);
  const communeFirst = category.handling_kind === 'commune_committee';
  const ranked = [
    commune && {
      agencyId: commune.id,
      name: commune.name,
      reason: `Ủy ban nhân dân cấp xã nơi xảy ra vụ việc${communeFirst ? `; lĩnh vực "${category.name}" do cấp xã xử lý trước` : ''}.`,
    },
    usual && { agencyId: usual.id, name: usual.name, reason: `Cơ quan được giao xử lý phản ánh lĩnh vực "${category.name}".` },
  ].filter((x) => x !== undefined);
  if (!communeFirst) ranked.reverse();
  return ranked.filter((x, i) => ranked.findIndex((y) => y.agencyId === x.agencyId) === i);
}

/** One case for a party that may see it, with the actions they may take; the reporter's identity for operators only (logged). */
export async function getFeedback(db: Database, by: Party, id: string) {
  return db.transaction(async (tx) => {
    const [row] = await tx.query(`${CASE_SELECT} WHERE f.id = $1`, [id]);
    if (!row || !(await canSeeCase(tx, by, row))) throw notFound('phản ánh');
    const c = await caseOf(tx, row);
    const operator = await isOperator(tx, by);
    const staff = by.kind === 'staff';
    const events = await tx.query('SELECT * FROM feedback_events WHERE case_id = $1 ORDER BY id', [id]);
    const names = await agencyNames(tx, [row.agency_id, ...events.map((e) => e.agency_id)].filter(Boolean));
    let reporter = null;
    if (operator && by.kind === 'staff') {
      reporter = { citizen: row.citizen_id !== null, name: row.reporter_name, phone: row.reporter_phone, email: row.reporter_email };
      await tx.query('INSERT INTO feedback_identity_looks (case_id, user_id) VALUES ($1, $2)', [id, by.actor.userId]);
    }
    return {
      ...summary(row, names),
      text: row.body,
      location: { lat: row.lat, long: row.long, address: row.address, communeCode: row.commune_code },
      ...deadlineFlags(row, c.settings, c.calendar),
      ...(staff ? { escalation: escalationOf(row) } : {}),
      answer: staff ? row.answer : null,
      answerEvidence: staff ? row.answer_evidence : null,
      publishedAnswer: row.published_answer,
      publishedEvidence: row.published_evidence,
      // An Open311 client's link to its photo: shown to staff as a link, never fetched by the platform.
      mediaUrl: staff ? row.media_url : null,
      answeredAt: iso(row.answered_at),
      approvedAt: iso(row.approved_at),
      publishedAt: iso(row.published_at),
      rating: row.rating,
      ratingComment: row.rating_comment,
      extensions: row.extensions,
      sendBacks: row.send_backs,
      reopens: row.reopens,
      revision: row.revision,
      // The reporter sees the public steps (with the questions asked of them); staff the whole timeline.
      events: events
        .filter((e) => staff || e.public)
        .map((e) => ({
          action: e.action,
          step: PUBLIC_STEP_NAMES[e.action] ?? null,
          from: e.from_status,
          to: e.to_status,
          at: iso(e.at),
          by: e.actor_kind === 'staff' ? (staff ? e.actor_name : null) : e.actor_kind === 'citizen' || e.actor_kind === 'anonymous' ? 'Người phản ánh' : null,
          agencyName: e.agency_id ? (names.get(e.agency_id) ?? null) : null,
          // Staff notes on public steps (accept, publish) are the agency's and operators' own; the reporter reads only
          // what was addressed to them or written by them: a question, their answer, a rejection's reason, their rating.
          note: staff || NOTES_FOR_REPORTER.has(e.action) ? e.note : null,
          public: e.public,
        })),
      media: await listMedia(tx, id, staff),
      allowedActions: await allowedActions(feedbackWorkflow, tx, by, c),
      ...(operator ? { reporter, suggestedAgencies: await suggestedAgencies(tx, row) } : {}),
    };
  });
}

export interface ListQuery {
  status?: FeedbackStatus;
  level?: Level;
  /** A category and the categories under it. */
  category?: string;
  flag?: 'overdue' | 'at_risk';
  /** A public code, or a part of one ("PA-261203"). */
  code?: string;
  /** Only the cases escalated to the operators (true), or only the others (false). */
  escalated?: boolean;
  page: number;
  pageSize: number;
}

/**
 * Staff lists: the operators, the IOC and system administrators see every case; an agency's staff their inbox (the
 * cases assigned to their organisation). Overdue cases first, then those at risk, then the newest. No identity in any list.
 */
export async function listFeedback(db: Database, actor: Actor, q: ListQuery) {
  const by: Party = { kind: 'staff', actor };
  const org = await organisationOf(db, actor.agencyId);
  const all = org.parentId === null || actor.roles.some((r) => r === 'system_admin' || r === 'ioc_viewer');
  const rows = await db.query(
    `WITH RECURSIVE tree AS (SELECT id FROM feedback_categories WHERE code = $5
       UNION ALL SELECT c.id FROM feedback_categories c JOIN tree ON c.parent_id = tree.id)
     ${CASE_SELECT} WHERE ($1::boolean OR f.agency_id = $2) AND ($3::text IS NULL OR f.status = $3) AND ($4::text IS NULL OR f.level = $4)
       AND ($5::text IS NULL OR f.category_id IN (SELECT id FROM tree)) AND ($6::text IS NULL OR f.code LIKE '%' || $6 || '%')
       AND ($7::boolean IS NULL OR (f.escalated_at_risk_at IS NOT NULL OR f.escalated_overdue_at IS NOT NULL) = $7)
     ORDER BY f.created_at DESC LIMIT 1000`,
    [all, org.id, q.status ?? null, q.level ?? null, q.category ?? null, q.code?.toUpperCase() ?? null, q.escalated ?? null],
  );
  const settings = await loadSettings(db);
  const calendar = await workingCalendar(db);
  const now = new Date();
  const rank = (f: { overdue: boolean; atRisk: boolean }) => (f.overdue ? 0 : f.atRisk ? 1 : 2);
  const flagged = rows
    .map((r) => ({ row: r, flags: deadlineFlags(r, settings, calendar, now) }))
    .filter(({ flags }) => !q.flag || (q.flag === 'overdue' ? flags.overdue : flags.atRisk))
    .sort((a, b) => rank(a.flags) - rank(b.flags));
  const page = flagged.slice((q.page - 1) * q.pageSize, q.page * q.pageSize);
  const names = await agencyNames(db, page.map((x) => x.row.agency_id).filter(Boolean));
  return {
    total: flagged.length,
    operator: await isOperator(db, by),
    items: page.map(({ row, flags }) => ({ ...summary(row, names), ...flags, escalation: escalationOf(row) })),
  };
}

/** The citizen's own reports. */
export async function citizenFeedback(db: Queryable, citizen: Citizen) {
  const rows = await db.query(`${CASE_SELECT} WHERE f.citizen_id = $1 ORDER BY f.created_at DESC LIMIT 200`, [citizen.id]);
  const names = await agencyNames(db, rows.map((r) => r.agency_id).filter(Boolean));
  return { items: rows.map((r) => summary(r, names)) };
}

// ---- the public ----------------------------------------------------------------------------------

export const PUBLIC_STEP_NAMES: Record<string, string> = {
  submit: 'Tiếp nhận phản ánh',
  accept: 'Cơ quan nhận xử lý',
  request_info: 'Đề nghị bổ sung thông tin',
  provide_info: 'Đã bổ sung thông tin',
  publish: 'Công bố trả lời',
  rate: 'Người phản ánh đánh giá',
  // Shown to the reporter only: a rejected or merged case is never published.
  reject_spam: 'Không xử lý phản ánh',
  merge_duplicate: 'Gộp vào phản ánh trùng',
};

const publicView = (row: Row, names: Map<string, string>) => ({
  code: row.code,
  title: row.title,
  text: row.body,
  category: { code: row.category_code, name: row.category_name },
  level: row.level,
  location: { lat: row.lat, long: row.long, address: row.address, communeCode: row.commune_code },
  status: row.status,
  statusName: FEEDBACK_STATES[row.status as FeedbackStatus].name,
  agencyName: row.agency_id ? (names.get(row.agency_id) ?? null) : null,
  answer: row.published_answer,
  publishedAt: iso(row.published_at),
  rating: row.rating,
  createdAt: iso(row.created_at),
});

/**
 * Where a published case stands for the public: its answer published, rated, or reopened after an unsatisfied rating
 * (handled again, whichever internal step it is in).
 */
export const PUBLIC_STATUSES = ['published', 'rated', 'reopened'] as const;

export interface PublicFilter {
  category?: string;
  commune?: string;
  status?: (typeof PUBLIC_STATUSES)[number];
  q?: string;
}

export interface PublicQuery extends PublicFilter {
  page: number;
  pageSize: number;
}

/**
 * The public list's and map's one filter: published cases only, by category, commune, public status, and words
 * without diacritics (each word anywhere in the title, text or address).
 */
function publicWhere(q: PublicFilter) {
  const words = q.q ? fold(q.q).split(/\s+/).filter(Boolean) : [];
  return {
    where: `f.published_at IS NOT NULL AND ($1::text IS NULL OR c.code = $1) AND ($2::text IS NULL OR f.commune_code = $2)
      AND ($3::text[] IS NULL OR f.search_text LIKE ALL ($3))
      AND ($4::text IS NULL OR CASE WHEN f.status IN ('published', 'rated') THEN f.status ELSE 'reopened' END = $4)`,
    params: [q.category ?? null, q.commune ?? null, words.length ? words.map((w) => `%${w.replace(/[\\%_]/g, '\\$&')}%`) : null, q.status ?? null],
  };
}

/** Published cases, newest first; searched without diacritics. */
export async function publicFeedback(db: Queryable, q: PublicQuery) {
  const { where, params } = publicWhere(q);
  const [{ total }] = await db.query(
    `SELECT count(*)::int AS total FROM feedback_cases f JOIN feedback_categories c ON c.id = f.category_id WHERE ${where}`,
    params,
  );
  const rows = await db.query(`${CASE_SELECT} WHERE ${where} ORDER BY f.published_at DESC LIMIT $5 OFFSET $6`, [
    ...params,
    q.pageSize,
    (q.page - 1) * q.pageSize,
  ]);
  const names = await agencyNames(db, rows.map((r) => r.agency_id).filter(Boolean));
  return { total, items: rows.map((r) => publicView(r, names)) };
}

/** The most points the public map draws: the newest published cases with a position. */
export const MAP_POINTS = 2000;

/**
 * The public map's points for the same filter as the list: every matching published case with a position (the
 * newest MAP_POINTS), as code, title, status and the same coordinates the public case page shows.
 */
export async function publicFeedbackPoints(db: Queryable, q: PublicFilter) {
  const { where, params } = publicWhere(q);
  const rows = await db.query(
    `SELECT f.code, f.title, f.status, f.lat, f.long FROM feedback_cases f JOIN feedback_categories c ON c.id = f.category_id
      WHERE ${where} AND f.lat IS NOT NULL ORDER BY f.published_at DESC LIMIT ${MAP_POINTS}`,
    params,
  );
  return {
    items: rows.map((r) => ({
      code: r.code,
      title: r.title,
      status: r.status,
      statusName: FEEDBACK_STATES[r.status as FeedbackStatus].name,
      lat: r.lat,
      long: r.long,
    })),
  };
}

/** A published case at its stable address: the report without identity, its public steps, the answer. */
export async function publicFeedbackCase(db: Queryable, code: string) {
  const [row] = await db.query(`${CASE_SELECT} WHERE f.code = $1 AND f.published_at IS NOT NULL`, [code]);
  if (!row) throw notFound('phản ánh');
  const events = await db.query('SELECT action, to_status, agency_id, at FROM feedback_events WHERE case_id = $1 AND public ORDER BY id', [row.id]);
  const names = await agencyNames(db, [row.agency_id, ...events.map((e) => e.agency_id)].filter(Boolean));
  return {
    ...publicView(row, names),
    media: await listPublicMedia(db, row.id),
    steps: events.map((e) => ({
      step: PUBLIC_STEP_NAMES[e.action] ?? e.action,
      action: e.action,
      at: iso(e.at),
      agencyName: e.agency_id ? (names.get(e.agency_id) ?? null) : null,
    })),
  };
}

// ---- settings ------------------------------------------------------------------------------------

export async function getFeedbackSettings(db: Queryable, actor: Actor | null): Promise<Settings> {
  requireAdmin(actor);
  return loadSettings(db);
}

export type SettingsPatch = Partial<Omit<Settings, 'bbox' | 'answerHours'>> & { answerHours?: Partial<Record<Level, number>>; bbox?: Settings['bbox'] };

export async function updateFeedbackSettings(db: Queryable, actor: Actor | null, patch: SettingsPatch): Promise<Settings> {
  const admin = requireSystemAdmin(actor, 'Chỉ quản trị hệ thống được cấu hình tiếp nhận phản ánh.');
  const current = await loadSettings(db);
  const next = { ...current, ...patch, answerHours: { ...current.answerHours, ...patch.answerHours }, bbox: patch.bbox ?? current.bbox };
  const { minLat, maxLat, minLong, maxLong } = next.bbox;
  if (!(minLat < maxLat && minLong < maxLong)) throw badRequest('INVALID_BBOX', 'Khung tọa độ của tỉnh không hợp lệ (cực tiểu phải nhỏ hơn cực đại).');
  const [row] = await db.query(
    `UPDATE feedback_settings SET accept_hours = $1, answer_hours = $2, max_extension_hours = $3, at_risk_share = $4, allow_anonymous = $5,
       min_lat = $6, max_lat = $7, min_long = $8, max_long = $9, updated_by = $10, updated_at = now() RETURNING *`,
    [
      next.acceptHours,
      JSON.stringify(next.answerHours),
      next.maxExtensionHours,
      next.atRiskShare,
      next.allowAnonymous,
      minLat,
      maxLat,
      minLong,
      maxLong,
      admin.userId,
    ],
  );
  return settingsOf(row);
}

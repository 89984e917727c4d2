// The operations centre's feedback figures (phản ánh, kiến nghị) for a period and a scope, and the cases behind each
// figure. The stats module calls these; it never reads the feedback tables. Every figure and its drill-down come from
// one classification of each case (`memberships`), so a number and its list cannot disagree.
//
// Definitions (the period is inclusive Vietnam dates; "now" is the time of the query):
// - received: created in the period (every channel, including cases later rejected or merged).
// - handled (đã xử lý): the answer is published to the reporter (status published or rated) and that publication falls
//   in the period. A case reopened by an unsatisfied rating leaves "handled" until its new answer is published, and
//   is then judged by that answer.
// - on time / late: a handled case whose answer the agency's leader approved (approved_at, as the approve event's
//   `onTime` records) by its answer deadline (due_at) / after it. due_at already holds the time spent waiting for
//   the reporter (the clock pauses and the deadline moves by it) and a granted extension, so nothing is subtracted here.
// - overdue / at risk now: an open case past / close to its current deadline, as the agency's inbox flags it
//   (service.deadlineFlags: the acceptance deadline while assigned, the answer deadline while the agency holds it).
// - missed: not yet answered, not waiting for the reporter, and its answer deadline fell in the period and has passed.
// - satisfaction: the reporter's rating of the handled cases (a rated case's rating is final; published and not yet
//   rated is "not rated").
// - average working time to answer: working hours from receipt to the published answer, less the hours spent waiting
//   for the reporter, over the handled cases.
// The 766 index (QĐ 766/QĐ-TTg): PAKN phải xử lý = handled + missed; đúng hạn = on time. PAKN đã xử lý = handled,
// less those the reporter rated không hài lòng, reopened (lặp lại: reopens > 0) or answered late.
import type { Queryable, Row } from '../db/index.ts';
import { committedAbove, idBack } from '../db/change-signal.ts';
import { agenciesUnder, agencyNames, getAgencyRow } from '../agencies/service.ts';
import { workingCalendar } from '../calendar/service.ts';
import { addDays, vietnamDayStart } from '../shared/time.ts';
import { deadlineFlags, OPERATOR_CHANNELS, summary } from './service.ts';
import { loadSettings, RATINGS } from './workflow.ts';

export const FEEDBACK_CHANNELS = ['portal', ...OPERATOR_CHANNELS, 'open311'] as const;
export const FEEDBACK_FIGURES = ['received', 'handled', 'on_time', 'late', 'overdue', 'at_risk', 'missed', 'not_rated', ...RATINGS] as const;
export type FeedbackFigure = (typeof FEEDBACK_FIGURES)[number];

export interface FeedbackScope {
  from: string;
  to: string;
  /** The handling agency and its sub-units; cases not yet assigned to an agency belong to the province only. */
  agency?: string;
  /** The commune the report is located in. */
  commune?: string;
}

const OPEN = ['assigned', 'processing', 'info_requested', 'answered', 'approved'];
const HANDLED = ['published', 'rated'];

/** The cases any figure of the period may count: received or published in it, or open now. */
async function casesOf(db: Queryable, q: FeedbackScope) {
  let agencyIds: string[] | null = null;
  if (q.agency) {
    const row = await getAgencyRow(db, q.agency);
    agencyIds = row ? (await agenciesUnder(db, row.path)).map((a) => a.id) : [];
  }
  const start = vietnamDayStart(q.from);
  const end = vietnamDayStart(addDays(q.to, 1));
  const rows = await db.query(
    `SELECT f.id, f.channel, f.status, f.agency_id, f.level, f.created_at, f.accept_due_at, f.due_at, f.paused_at, f.paused_hours,
            f.approved_at, f.published_at, f.rating, f.reopens, c.code AS category_code, c.name AS category_name
       FROM feedback_cases f JOIN feedback_categories c ON c.id = f.category_id
      WHERE ($1::uuid[] IS NULL OR f.agency_id = ANY($1::uuid[])) AND ($2::text IS NULL OR f.commune_code = $2)
        AND ((f.created_at >= $3 AND f.created_at < $4) OR (f.published_at >= $3 AND f.published_at < $4) OR f.status = ANY($5::text[]))`,
    [agencyIds, q.commune ?? null, start, end, OPEN],
  );
  return { rows, start, end };
}

type Classify = (row: Row) => Set<FeedbackFigure>;

async function classifier(db: Queryable, start: Date, end: Date): Promise<{ classify: Classify; hoursToAnswer: (row: Row) => number }> {
  const [settings, calendar] = await Promise.all([loadSettings(db), workingCalendar(db)]);
  const now = new Date();
  const inPeriod = (v: unknown) => v !== null && new Date(v as string) >= start && new Date(v as string) < end;
  const classify: Classify = (r) => {
    const out = new Set<FeedbackFigure>();
    if (inPeriod(r.created_at)) out.add('received');
    if (HANDLED.includes(r.status) && inPeriod(r.published_at)) {
      out.add('handled');
      out.add(new Date(r.approved_at) <= new Date(r.due_at) ? 'on_time' : 'late');
      out.add(r.status === 'rated' ? r.rating : 'not_rated');
    }
    if (OPEN.includes(r.status)) {
      const flags = deadlineFlags(r, settings, calendar, now);
      if (flags.overdue) out.add('overdue');
      if (flags.atRisk) out.add('at_risk');
      // An answer the leader approved in time is the agency's on-time answer even while it waits to be published.
      const approvedInTime = r.status === 'approved' && new Date(r.approved_at) <= new Date(r.due_at);
      if (r.status !== 'assigned' && r.status !== 'info_requested' && !approvedInTime && inPeriod(r.due_at) && new Date(r.due_at) < now) out.add('missed');
    }
    return out;
  };
  const hoursToAnswer = (r: Row) => Math.max(0, calendar.workingHoursBetween(new Date(r.created_at), new Date(r.published_at)) - Number(r.paused_hours));
  return { classify, hoursToAnswer };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** The feedback figures of a period and scope (see the definitions above). */
export async function feedbackStats(db: Queryable, q: FeedbackScope) {
  const { rows, start, end } = await casesOf(db, q);
  const { classify, hoursToAnswer } = await classifier(db, start, end);
  const count = Object.fromEntries(FEEDBACK_FIGURES.map((k) => [k, 0])) as Record<FeedbackFigure, number>;
  const byChannel = new Map<string, number>(FEEDBACK_CHANNELS.map((c) => [c, 0]));
  const byCategory = new Map<string, { code: string; name: string; received: number }>();
  let hours = 0;
  for (const r of rows) {
    const m = classify(r);
    for (const k of m) count[k]++;
    if (m.has('received')) {
      byChannel.set(r.channel, (byChannel.get(r.channel) ?? 0) + 1);
      const cat = byCategory.get(r.category_code) ?? { code: r.category_code, name: r.category_name, received: 0 };
      cat.received++;
      byCategory.set(r.category_code, cat);
    }
    if (m.has('handled')) hours += hoursToAnswer(r);
  }
  const ratings = count.hai_long + count.chap_nhan + count.khong_hai_long;
  return {
    period: { from: q.from, to: q.to },
    agency: q.agency ?? null,
    commune: q.commune ?? null,
    received: { total: count.received, byChannel: [...byChannel].map(([channel, received]) => ({ channel, received })) },
    byCategory: [...byCategory.values()].sort((a, b) => b.received - a.received || a.name.localeCompare(b.name, 'vi')),
    handled: { total: count.handled, onTime: count.on_time, late: count.late },
    onTimeRatio: count.handled ? count.on_time / count.handled : null,
    open: { overdue: count.overdue, atRisk: count.at_risk, missed: count.missed },
    satisfaction: {
      hai_long: count.hai_long,
      chap_nhan: count.chap_nhan,
      khong_hai_long: count.khong_hai_long,
      notRated: count.not_rated,
      satisfiedRatio: ratings ? count.hai_long / ratings : null,
    },
    averageWorkingHours: count.handled ? round2(hours / count.handled) : null,
  };
}

/** The inputs of the 766 index's two feedback indicators, for the whole scope ('') or per handling agency. */
export interface FeedbackIndexInputs {
  mustHandle: number;
  onTime: number;
  handled: number;
  /** Handled, and neither rated không hài lòng, nor reopened, nor late. */
  clean: number;
}

export async function feedbackIndexInputs(db: Queryable, q: FeedbackScope, perAgency: boolean): Promise<Map<string, FeedbackIndexInputs>> {
  const { rows, start, end } = await casesOf(db, q);
  const { classify } = await classifier(db, start, end);
  const out = new Map<string, FeedbackIndexInputs>();
  if (!perAgency) out.set('', { mustHandle: 0, onTime: 0, handled: 0, clean: 0 });
  for (const r of rows) {
    const m = classify(r);
    if (!m.has('handled') && !m.has('missed')) continue;
    const key: string = perAgency ? r.agency_id : '';
    if (perAgency && !key) continue; // not assigned to an agency: the province's figure only
    const x = out.get(key) ?? { mustHandle: 0, onTime: 0, handled: 0, clean: 0 };
    x.mustHandle++;
    if (m.has('on_time')) x.onTime++;
    if (m.has('handled')) {
      x.handled++;
      if (!m.has('late') && !m.has('khong_hai_long') && !(r.reopens > 0)) x.clean++;
    }
    out.set(key, x);
  }
  return out;
}

/**
 * The cases behind one figure, newest first (by receipt), paged; received ones may be narrowed to a channel or a
 * category. Without the reporter's identity (service.summary); the scope is the caller's (the stats routes narrow it
 * to what the actor may see).
 */
export async function feedbackStatsCases(
  db: Queryable,
  q: FeedbackScope & { figure: FeedbackFigure; channel?: string; category?: string; page: number; pageSize: number },
) {
  const { rows, start, end } = await casesOf(db, q);
  const { classify } = await classifier(db, start, end);
  const members = rows
    .filter((r) => classify(r).has(q.figure) && (!q.channel || r.channel === q.channel) && (!q.category || r.category_code === q.category))
    .sort((a, b) => new Date(b.created_at).getTime() - new Date(a.created_at).getTime() || (a.id < b.id ? -1 : 1));
  const ids = members.slice((q.page - 1) * q.pageSize, q.page * q.pageSize).map((r) => r.id);
  const full = await db.query(
    `SELECT f.*, c.code AS category_code, c.name AS category_name FROM feedback_cases f JOIN feedback_categories c ON c.id = f.category_id
      WHERE f.id = ANY($1::uuid[])`,
    [ids],
  );
  const byId = new Map(full.map((r) => [r.id as string, r]));
  const names = await agencyNames(db, full.map((r) => r.agency_id).filter(Boolean));
  const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
  return {
    total: members.length,
    items: ids.map((id) => {
      const r = byId.get(id)!;
      return { ...summary(r, names), approvedAt: iso(r.approved_at), publishedAt: iso(r.published_at), rating: r.status === 'rated' ? r.rating : null };
    }),
  };
}

/** Feedback events as a change signal for the live wall (db/change-signal.ts): every step of a case writes one. */
export const feedbackEventsSignal = {
  committed: (db: Queryable, after: string, next: string) => committedAbove(db, 'feedback_events', after, next),
  back: (db: Queryable, back: number) => idBack(db, 'feedback_events', back),
};

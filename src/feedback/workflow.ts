// A citizen's feedback (phản ánh, kiến nghị) as a case of the workflow engine: received → classified → assigned to an
// agency, which accepts (processing) or returns it within its acceptance deadline → it may ask the reporter for more
// information (the clock pauses) or extend once → the specialist answers, the agency's leader approves → the operator
// publishes the answer or sends it back → the reporter rates it (an unsatisfied rating reopens it once).
// Parties: the operators are counter officers (cán bộ một cửa) of the province's root organisation — the Trung tâm
// Phục vụ hành chính công is a unit of it — who run the feedback desk (QĐ 31/2021/QĐ-TTg art. 43: receive, classify,
// transfer; art. 46: publish or return the answer); the handling agency's staff act on it while it is theirs; the
// reporter is the citizen who owns it. (Nghị định 20/2008/NĐ-CP; iHaNoi, QĐ 1207/QĐ-UBND 2025 for levels and deadlines.)
import type { Queryable, Row } from '../db/index.ts';
import type { Role } from '../shared/actor.ts';
import { badRequest, conflict } from '../shared/errors.ts';
import { defineCaseType, updateCaseRow, type ActionDeclaration, type Change, type Party } from '../workflow/engine.ts';
import { organisationOf } from '../agencies/service.ts';
import { activeCategoryId } from './categories.ts';
import { workingCalendar } from '../calendar/service.ts';
import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import { type FeedbackEventRecord, runFeedbackEventHooks } from './hooks.ts';

export const LEVELS = ['thuong', 'khan', 'phuc_tap'] as const; // thường, khẩn, phức tạp
export type Level = (typeof LEVELS)[number];
export const RATINGS = ['hai_long', 'chap_nhan', 'khong_hai_long'] as const;

export type FeedbackStatus =
  | 'received'
  | 'classified'
  | 'assigned'
  | 'returned'
  | 'processing'
  | 'info_requested'
  | 'answered'
  | 'approved'
  | 'published'
  | 'rated'
  | 'rejected'
  | 'merged';

export const FEEDBACK_STATES = {
  received: { name: 'Đã tiếp nhận phản ánh', clock: 'not_started' },
  classified: { name: 'Đã phân loại', clock: 'not_started' },
  assigned: { name: 'Chờ cơ quan nhận xử lý', clock: 'runs' },
  returned: { name: 'Cơ quan trả lại, chờ chuyển lại', clock: 'not_started' },
  processing: { name: 'Đang xử lý', clock: 'runs' },
  info_requested: { name: 'Chờ người phản ánh bổ sung thông tin', clock: 'paused' },
  answered: { name: 'Chờ lãnh đạo duyệt trả lời', clock: 'runs' },
  approved: { name: 'Chờ công bố trả lời', clock: 'runs' },
  published: { name: 'Đã công bố trả lời', clock: 'stopped' },
  rated: { name: 'Đã đánh giá', clock: 'stopped', final: true },
  rejected: { name: 'Không xử lý (sai phạm vi, spam)', clock: 'stopped', final: true },
  merged: { name: 'Đã gộp vào phản ánh trùng', clock: 'stopped', final: true },
} as const satisfies Record<FeedbackStatus, { name: string; clock: string; final?: boolean }>;

export type Action =
  | { action: 'classify'; categoryCode?: string; level?: Level; note?: string } // phân loại
  | { action: 'assign'; agencyId: string; note?: string } // chuyển cơ quan xử lý
  | { action: 'accept'; note?: string } // cơ quan nhận xử lý
  | { action: 'return'; reason: string } // cơ quan trả lại (không thuộc thẩm quyền)
  | { action: 'request_info'; question: string } // đề nghị người phản ánh bổ sung thông tin (clock paused)
  | { action: 'provide_info'; text: string } // người phản ánh bổ sung (clock resumes)
  | { action: 'request_extension'; hours: number; reason: string } // gia hạn (once)
  | { action: 'answer'; text: string; evidence?: string[] } // chuyên viên dự thảo trả lời, kèm minh chứng (ảnh trước/sau, tài liệu)
  | { action: 'revise'; note: string } // lãnh đạo trả lại dự thảo
  | { action: 'approve'; note?: string } // lãnh đạo duyệt trả lời
  | { action: 'send_back'; note: string } // điều hành viên trả lại vì chưa đáp ứng nội dung phản ánh
  | { action: 'publish'; note?: string } // công bố trả lời
  | { action: 'rate'; rating: (typeof RATINGS)[number]; comment?: string } // đánh giá
  | { action: 'reject_spam'; reason: string } // từ chối (spam, lạm dụng, ngoài phạm vi)
  | { action: 'merge_duplicate'; intoId: string; note?: string }; // gộp phản ánh trùng

export interface Settings {
  acceptHours: number;
  answerHours: Record<Level, number>;
  maxExtensionHours: number;
  atRiskShare: number;
  allowAnonymous: boolean;
  bbox: { minLat: number; maxLat: number; minLong: number; maxLong: number };
}

export const settingsOf = (r: Row): Settings => ({
  acceptHours: Number(r.accept_hours),
  answerHours: r.answer_hours,
  maxExtensionHours: Number(r.max_extension_hours),
  atRiskShare: Number(r.at_risk_share),
  allowAnonymous: r.allow_anonymous,
  bbox: { minLat: r.min_lat, maxLat: r.max_lat, minLong: r.min_long, maxLong: r.max_long },
});

export async function loadSettings(db: Queryable): Promise<Settings> {
  const [r] = await db.query('SELECT * FROM feedback_settings');
  return settingsOf(r);
}

export interface FeedbackCase {
  row: Row;
  calendar: WorkingCalendar;
  settings: Settings;
}

export interface FeedbackEvent {
  action: string;
  to?: FeedbackStatus;
  note?: string | null;
  data?: Record<string, unknown>;
  /** A step shown on the published page and to the reporter. */
  public?: boolean;
}

type Declared<A extends Action['action']> = ActionDeclaration<FeedbackCase, FeedbackStatus, Extract<Action, { action: A }>, FeedbackEvent>;

const OPERATORS: Role[] = ['counter_officer'];
const AGENCY_STAFF: Role[] = ['counter_officer', 'specialist', 'unit_leader', 'agency_leader'];
const HANDLERS: Role[] = ['specialist', 'unit_leader', 'agency_leader'];
const LEADERS: Role[] = ['unit_leader', 'agency_leader'];
const operators = [{ roles: OPERATORS, scopes: ['operators'] }];
const INTAKE: FeedbackStatus[] = ['received', 'classified', 'returned'];

const change = (set: Record<string, unknown>, ...events: FeedbackEvent[]): Change<FeedbackEvent> => ({ set, events });
const answerDue = (c: FeedbackCase, level: Level, now: Date) => c.calendar.addWorkingHours(now, c.settings.answerHours[level]);

/** The clock restarts after waiting for the reporter: the deadline moves by the working time spent waiting (returned). */
function resume(c: FeedbackCase, set: Record<string, unknown>, now: Date): number {
  const waited = c.calendar.workingHoursBetween(new Date(c.row.paused_at), now);
  set.paused_at = null;
  set.paused_hours = Number(c.row.paused_hours) + waited;
  if (c.row.due_at) set.due_at = c.calendar.addWorkingHours(new Date(c.row.due_at), waited);
  return waited;
}

const classify: Declared<'classify'> = {
  label: 'Phân loại',
  from: INTAKE,
  to: ['classified'],
  policy: operators,
  perform: async (tx, c, input) => {
    const set: Record<string, unknown> = { status: 'classified' };
    if (input.categoryCode) {
      set.category_id = await activeCategoryId(tx, input.categoryCode);
    }
    if (input.level) set.level = input.level;
    return change(set, {
      action: 'classify',
      to: 'classified',
      note: input.note ?? null,
      data: { categoryCode: input.categoryCode ?? null, level: input.level ?? c.row.level },
    });
  },
};

const assign: Declared<'assign'> = {
  label: 'Chuyển cơ quan xử lý',
  from: ['classified', 'returned'],
  to: ['assigned'],
  policy: operators,
  perform: async (tx, c, input, _by, now) => {
    const org = await organisationOf(tx, input.agencyId).catch(() => null);
    if (!org?.active || org.id !== input.agencyId) throw badRequest('INVALID_AGENCY', 'Cơ quan xử lý không tồn tại hoặc không còn hoạt động.');
    if (org.id === c.row.operator_agency_id)
      throw badRequest('INVALID_AGENCY', 'Hãy chuyển phản ánh đến cơ quan chuyên môn hoặc Ủy ban nhân dân cấp xã có thẩm quyền.');
    const acceptDue = c.calendar.addWorkingHours(now, c.settings.acceptHours);
    return change(
      { status: 'assigned', agency_id: org.id, assigned_at: now, accept_due_at: acceptDue, accepted_at: null, due_at: null },
      { action: 'assign', to: 'assigned', note: input.note ?? null, data: { agencyId: org.id, agencyName: org.name, acceptDueAt: acceptDue.toISOString() } },
    );
  },
};

const accept: Declared<'accept'> = {
  label: 'Nhận xử lý',
  from: ['assigned'],
  to: ['processing'],
  policy: [{ roles: AGENCY_STAFF, scopes: ['agency'] }],
  perform: async (_tx, c, input, _by, now) => {
    const dueAt = answerDue(c, c.row.level, now);
    return change(
      { status: 'processing', accepted_at: now, due_at: dueAt },
      {
        action: 'accept',
        to: 'processing',
        note: input.note ?? null,
        public: true,
        data: { dueAt: dueAt.toISOString(), late: now > new Date(c.row.accept_due_at) },
      },
    );
  },
};

const returnCase: Declared<'return'> = {
  label: 'Trả lại (không thuộc thẩm quyền)',
  from: ['assigned'],
  to: ['returned'],
  policy: [{ roles: AGENCY_STAFF, scopes: ['agency'] }],
  perform: async (_tx, _c, input) =>
    change({ status: 'returned', agency_id: null, accept_due_at: null }, { action: 'return', to: 'returned', note: input.reason }),
};

const requestInfo: Declared<'request_info'> = {
  label: 'Đề nghị bổ sung thông tin',
  from: ['processing'],
  to: ['info_requested'],
  policy: [{ roles: HANDLERS, scopes: ['agency'] }],
  perform: async (_tx, _c, input, _by, now) =>
    change({ status: 'info_requested', paused_at: now }, { action: 'request_info', to: 'info_requested', note: input.question, public: true }),
};

const provideInfo: Declared<'provide_info'> = {
  label: 'Bổ sung thông tin',
  from: ['info_requested'],
  to: ['processing'],
  // The reporter online, or an operator keying in what a reporter by phone said.
  policy: [{ owner: true }, ...operators],
  perform: async (_tx, c, input, _by, now) => {
    const set: Record<string, unknown> = { status: 'processing' };
    const waitedHours = resume(c, set, now);
    return change(set, { action: 'provide_info', to: 'processing', note: input.text, public: true, data: { waitedHours } });
  },
};

const requestExtension: Declared<'request_extension'> = {
  label: 'Gia hạn xử lý',
  from: ['processing'],
  to: [],
  policy: [{ roles: LEADERS, scopes: ['agency'] }],
  check: (c) => (c.row.extensions >= 1 ? conflict('EXTENSION_ALREADY_GRANTED', 'Phản ánh đã được gia hạn một lần.') : null),
  perform: async (_tx, c, input) => {
    if (input.hours > c.settings.maxExtensionHours) {
      throw badRequest('EXTENSION_TOO_LONG', `Thời gian gia hạn tối đa là ${c.settings.maxExtensionHours} giờ làm việc.`);
    }
    const dueAt = c.calendar.addWorkingHours(new Date(c.row.due_at), input.hours);
    return change(
      { due_at: dueAt, extensions: c.row.extensions + 1 },
      {
        action: 'request_extension',
        note: input.reason,
        data: { hours: input.hours, previousDueAt: new Date(c.row.due_at).toISOString(), dueAt: dueAt.toISOString() },
      },
    );
  },
};

const answer: Declared<'answer'> = {
  label: 'Trình dự thảo trả lời',
  from: ['processing'],
  to: ['answered'],
  policy: [{ roles: HANDLERS, scopes: ['agency'] }],
  // The evidence the answer carries: files the agency added to this case as evidence (media.ts), named by id.
  perform: async (tx, c, input, _by, now) => {
    const evidence = [...new Set(input.evidence ?? [])];
    const found = evidence.length
      ? await tx.query(`SELECT id FROM feedback_media WHERE case_id = $1 AND kind = 'evidence' AND id::text = ANY($2::text[])`, [c.row.id, evidence])
      : [];
    if (found.length !== evidence.length) {
      throw badRequest('UNKNOWN_EVIDENCE', 'Minh chứng kèm trả lời phải là tệp minh chứng đã tải lên cho phản ánh này.', {
        unknown: evidence.filter((id) => !found.some((f) => f.id === id)),
      });
    }
    return change(
      { status: 'answered', answer: input.text, answer_evidence: JSON.stringify(evidence), answered_at: now },
      { action: 'answer', to: 'answered', note: input.text, data: { evidence } },
    );
  },
};

const revise: Declared<'revise'> = {
  label: 'Trả lại dự thảo',
  from: ['answered'],
  to: ['processing'],
  policy: [{ roles: LEADERS, scopes: ['agency'] }],
  perform: async (_tx, _c, input) => change({ status: 'processing' }, { action: 'revise', to: 'processing', note: input.note }),
};

const approve: Declared<'approve'> = {
  label: 'Duyệt trả lời',
  from: ['answered'],
  to: ['approved'],
  policy: [{ roles: LEADERS, scopes: ['agency'] }],
  perform: async (_tx, c, input, _by, now) =>
    change(
      { status: 'approved', approved_at: now },
      { action: 'approve', to: 'approved', note: input.note ?? null, data: { onTime: now <= new Date(c.row.due_at) } },
    ),
};

const sendBack: Declared<'send_back'> = {
  label: 'Trả lại cơ quan xử lý',
  from: ['approved'],
  to: ['processing'],
  policy: operators,
  perform: async (_tx, c, input) =>
    change({ status: 'processing', approved_at: null, send_backs: c.row.send_backs + 1 }, { action: 'send_back', to: 'processing', note: input.note }),
};

const publish: Declared<'publish'> = {
  label: 'Công bố trả lời',
  from: ['approved'],
  to: ['published'],
  policy: operators,
  perform: async (_tx, c, input, _by, now) =>
    change(
      { status: 'published', published_at: now, published_answer: c.row.answer, published_evidence: JSON.stringify(c.row.answer_evidence) },
      { action: 'publish', to: 'published', note: input.note ?? null, public: true, data: { answer: c.row.answer, evidence: c.row.answer_evidence } },
    ),
};

const rate: Declared<'rate'> = {
  label: 'Đánh giá kết quả',
  from: ['published'],
  to: ['rated', 'processing'],
  policy: [{ owner: true }],
  perform: async (_tx, c, input, _by, now) => {
    const set: Record<string, unknown> = { rating: input.rating, rating_comment: input.comment ?? null };
    // Not satisfied: the case goes back to the agency once, with a fresh answer deadline; a second time it closes.
    const reopen = input.rating === 'khong_hai_long' && c.row.reopens < 1;
    if (reopen) Object.assign(set, { status: 'processing', reopens: c.row.reopens + 1, approved_at: null, due_at: answerDue(c, c.row.level, now) });
    else Object.assign(set, { status: 'rated', closed_at: now });
    return change(set, {
      action: 'rate',
      to: reopen ? 'processing' : 'rated',
      note: input.comment ?? null,
      public: true,
      data: { rating: input.rating, reopened: reopen },
    });
  },
};

const rejectSpam: Declared<'reject_spam'> = {
  label: 'Từ chối (spam, ngoài phạm vi)',
  from: INTAKE,
  to: ['rejected'],
  policy: operators,
  perform: async (_tx, _c, input, _by, now) =>
    change({ status: 'rejected', closed_at: now }, { action: 'reject_spam', to: 'rejected', note: input.reason, public: true }),
};

const mergeDuplicate: Declared<'merge_duplicate'> = {
  label: 'Gộp vào phản ánh trùng',
  from: INTAKE,
  to: ['merged'],
  policy: operators,
  perform: async (tx, c, input, by, now) => {
    const [target] = await tx.query('SELECT id, code, status FROM feedback_cases WHERE id = $1', [input.intoId]);
    if (!target || target.id === c.row.id || ['merged', 'rejected'].includes(target.status)) {
      throw badRequest('INVALID_DUPLICATE', 'Phản ánh được gộp vào phải là một phản ánh khác, chưa bị gộp hay từ chối.');
    }
    // The case kept records the duplicate on its own timeline.
    await insertEvent(
      tx,
      target.id,
      by,
      target.status,
      { action: 'duplicate_merged', to: target.status, note: input.note ?? null, data: { code: c.row.code } },
      null,
    );
    return change(
      { status: 'merged', merged_into: target.id, closed_at: now },
      // Public (the reporter sees it and is told); the operator's note stays on the kept case's internal timeline.
      { action: 'merge_duplicate', to: 'merged', public: true, data: { intoCode: target.code } },
    );
  },
};

/** Writes one timeline row and runs the event's hooks; who acted for the reporter is the citizen's id only, never a name. */
export async function insertEvent(
  tx: Queryable,
  caseId: string,
  by: Party | 'anonymous' | null,
  from: string | null,
  e: FeedbackEvent,
  agencyId: string | null,
) {
  const actor =
    by === null || by === 'anonymous'
      ? { kind: by === null ? 'system' : 'anonymous', id: null, name: null }
      : by.kind === 'staff'
        ? { kind: 'staff', id: by.actor.userId, name: by.actor.fullName }
        : { kind: 'citizen', id: by.citizen.id, name: null };
  const [row] = await tx.query(
    `INSERT INTO feedback_events (case_id, action, from_status, to_status, actor_kind, actor_id, actor_name, agency_id, note, data, public)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id, at`,
    [caseId, e.action, from, e.to ?? from, actor.kind, actor.id, actor.name, agencyId, e.note ?? null, JSON.stringify(e.data ?? {}), e.public ?? false],
  );
  await runFeedbackEventHooks(tx, caseId, {
    id: Number(row.id),
    at: new Date(row.at),
    action: e.action,
    fromStatus: from,
    toStatus: e.to ?? (from as string),
    actorKind: actor.kind as FeedbackEventRecord['actorKind'],
    agencyId,
    note: e.note ?? null,
    data: e.data ?? {},
    public: e.public ?? false,
  });
}

/** Whether a staff member is one of the province's operators: a counter officer of the root organisation. */
export async function isOperator(tx: Queryable, by: Party): Promise<boolean> {
  if (by.kind !== 'staff' || !by.actor.roles.includes('counter_officer')) return false;
  return (await organisationOf(tx, by.actor.agencyId)).parentId === null;
}

/** Who sees a case: its reporter; the operators, the IOC and system administrators; the agency handling it now. */
export async function canSeeCase(tx: Queryable, by: Party, row: Row): Promise<boolean> {
  if (by.kind === 'citizen') return row.citizen_id === by.citizen.id;
  if (by.actor.roles.some((r) => r === 'system_admin' || r === 'ioc_viewer')) return true;
  const org = (await organisationOf(tx, by.actor.agencyId)).id;
  return org === row.operator_agency_id || org === row.agency_id;
}

export async function caseOf(tx: Queryable, row: Row): Promise<FeedbackCase> {
  return { row, calendar: await workingCalendar(tx), settings: await loadSettings(tx) };
}

export const feedbackWorkflow = defineCaseType<FeedbackCase, FeedbackStatus, Action, FeedbackEvent>({
  name: 'feedback',
  noun: 'phản ánh',
  states: FEEDBACK_STATES,
  initial: ['received'],
  actions: {
    classify,
    assign,
    accept,
    return: returnCase,
    request_info: requestInfo,
    provide_info: provideInfo,
    request_extension: requestExtension,
    answer,
    revise,
    approve,
    send_back: sendBack,
    publish,
    rate,
    reject_spam: rejectSpam,
    merge_duplicate: mergeDuplicate,
  },
  async load(tx, id, lock) {
    const [row] = await tx.query(`SELECT * FROM feedback_cases WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    return row ? caseOf(tx, row) : null;
  },
  state: (c) => c.row.status,
  stateAfter: (c, { set }) => (set.status as FeedbackStatus | undefined) ?? c.row.status,
  visible: (tx, by, c) => canSeeCase(tx, by, c.row),
  // "operators": the organisation running the feedback desk; "agency": the agency the case is assigned to.
  scopes: {
    operators: (c) => [c.row.operator_agency_id],
    agency: (c) => (c.row.agency_id ? [c.row.agency_id] : []),
  },
  namedRoles: { step: () => null },
  assigneeId: () => null,
  owner: (c) => c.row.citizen_id ?? null,
  organisationOf: async (tx, actor) => (await organisationOf(tx, actor.agencyId)).id,
  revision: (c) => c.row.revision,
  async write(tx, c, { set, events }, by) {
    // A new deadline (accepted, reassigned, extended, resumed, reopened) is watched afresh by the escalation job.
    if ('due_at' in set || 'accept_due_at' in set) Object.assign(set, { escalated_at_risk_at: null, escalated_overdue_at: null });
    await updateCaseRow(tx, 'feedback_cases', c.row.id, set);
    const agencyId = 'agency_id' in set ? (set.agency_id as string | null) : c.row.agency_id;
    for (const e of events) await insertEvent(tx, c.row.id, by, c.row.status, e, agencyId);
  },
});

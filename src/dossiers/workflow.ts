// The one-stop dossier as a case of the workflow engine: the national statuses (rules.ts) as states, each action with
// the states it moves between, its line of the policy table and its change. A procedure's configured steps compose
// with it: while a dossier is in the workflow (status 2 or 4) it is at one of the procedure's steps, and the rules
// that say `roles: 'step'` take the role that step names; a liên thông step moves the dossier to another agency.
// (Nghị định 118/2025/NĐ-CP; Thông tư 03/2025/TT-VPCP.)
import type { Queryable, Row } from '../db/index.ts';
import type { Role } from '../shared/actor.ts';
import { AppError, badRequest, conflict, forbidden } from '../shared/errors.ts';
import { defineCaseType, updateCaseRow, type ActionDeclaration, type Change, type FollowUps, type Party } from '../workflow/engine.ts';
import { getAgencyByCode, getAgencyRow, organisationOf } from '../agencies/service.ts';
import { staffMembers } from '../identity/service.ts';
import { getProcedureVersion } from '../catalog/service.ts';
import type { ProcedureContent, WorkflowStep } from '../catalog/types.ts';
import { workingCalendar } from '../calendar/service.ts';
import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import type { FileRef } from './files.ts';
import { attachSupplement, supplementRequestEvent } from './supplement.ts';
import { classifyFinished, DOSSIER_STATES, judgedDueAt, OPEN, OPEN_RECEIVED, Status, type StatusCode } from './rules.ts';
import { appointment, canSee, consultedBy, forgetLookup, LEVEL_KINDS, recordEvent, stepDueAt, uploadOwner, type EventInput, type Who } from './service.ts';

export type Action =
  | { action: 'accept' } // tiếp nhận
  | { action: 'request_supplement'; reasons: string[]; extraDocuments?: string[] } // yêu cầu bổ sung, hoàn thiện (at most once); giấy tờ ngoài thành phần hồ sơ
  | { action: 'submit_supplement'; note?: string; files?: FileRef[] } // công dân bổ sung
  | { action: 'refuse'; reasons: string[] } // từ chối tiếp nhận
  | { action: 'forward'; note?: string; toAgencyId?: string } // chuyển bước tiếp theo (liên thông when the step says so)
  | { action: 'send_back'; note: string } // trả lại bước trước để xử lý lại
  | { action: 'assign'; assigneeId: string; note?: string } // phân công (lại) cán bộ xử lý bước hiện tại
  | { action: 'consult'; note: string; dueAt: string; officerIds?: string[]; agencyIds?: string[] } // xin ý kiến cán bộ, đơn vị (no state change)
  | { action: 'answer_consultation'; consultationId: string; answer: string } // trả lời xin ý kiến
  | { action: 'apologize'; reason: string; newDueAt: string } // phiếu xin lỗi và hẹn lại ngày trả
  | { action: 'return_result'; method: 'counter' | 'post' | 'online'; note?: string } // trả kết quả
  | { action: 'request_payment'; amount: number; note?: string } // yêu cầu thực hiện nghĩa vụ tài chính (clock stops)
  | { action: 'record_payment'; reference: string; note?: string } // đã nộp phí, lệ phí (clock restarts)
  | { action: 'withdraw'; reason: string } // công dân yêu cầu rút hồ sơ
  | { action: 'stop'; reason: string } // dừng xử lý
  | { action: 'sign_result'; note: string; data: Record<string, unknown> }; // ký số, phát hành kết quả (the results module renders and signs it)

/** A dossier as its actions read it: the row, the procedure version it was submitted under, its current step. */
export interface DossierCase {
  row: Row;
  content: ProcedureContent;
  step: WorkflowStep | undefined;
  calendar: WorkingCalendar;
}

type Declared<A extends Action['action']> = ActionDeclaration<DossierCase, StatusCode, Extract<Action, { action: A }>, EventInput>;

const LEADERS: Role[] = ['unit_leader', 'agency_leader'];
const WORKFLOW: StatusCode[] = [Status.Received, Status.Processing];
/** Được tiếp nhận (2) and Đang xử lý (4) are both "in the workflow", at one of the procedure's steps. */
const inWorkflow = (c: DossierCase) => WORKFLOW.includes(c.row.status) && c.step !== undefined;
const notInWorkflow = (c: DossierCase, what: string) =>
  conflict('INVALID_TRANSITION', `Không thể thực hiện "${what}" khi hồ sơ đang ở trạng thái "${DOSSIER_STATES[c.row.status as StatusCode].name}".`);

/** The event an action writes, before its own changes: nothing moves unless the action says so. */
const eventOf = (c: DossierCase, action: string): EventInput => ({
  action,
  from: c.row.status,
  to: c.row.status,
  fromStep: c.row.step,
  toStep: c.row.step,
  fromAgency: c.row.agency_id,
  toAgency: c.row.agency_id,
});

/** The clock restarts: the appointments and the step's due time move by the working time spent waiting (returned). */
function resume(c: DossierCase, set: Record<string, unknown>, now: Date): number {
  const waited = c.calendar.workingHoursBetween(new Date(c.row.paused_at), now);
  set.paused_at = null;
  set.paused_hours = Number(c.row.paused_hours) + waited;
  for (const column of ['due_at', 'original_due_at', 'step_due_at']) {
    if (c.row[column]) set[column] = c.calendar.addWorkingHours(new Date(c.row[column]), waited);
  }
  return waited;
}

/**
 * Dừng xử lý (status 8, Thông báo dừng giải quyết hồ sơ, Mẫu 05 from the event's note). It ends the dossier now; time
 * spent waiting for the citizen until now is not counted against it.
 */
function stopped(c: DossierCase, from: StatusCode, note: string, set: Record<string, unknown>, now: Date): EventInput {
  const waitedHours = c.row.paused_at ? resume(c, set, now) : 0;
  Object.assign(set, { status: Status.Stopped, finished_at: now, step: null, step_due_at: null, paused_at: null });
  return { ...eventOf(c, 'stop'), from, to: Status.Stopped, toStep: null, note, data: { waitedHours, withdrawal: from === Status.WithdrawalRequested } };
}

/** The latest event of an action on the dossier (the request a supplement or payment answers). */
async function latest(tx: Queryable, c: DossierCase, action: string): Promise<Row> {
  const [e] = await tx.query('SELECT data FROM dossier_events WHERE dossier_id = $1 AND action = $2 ORDER BY id DESC LIMIT 1', [c.row.id, action]);
  return e;
}

/** The agency a liên thông step goes to: the one the step names by code, or the one the officer chose of the named level. */
async function transferTarget(tx: Queryable, step: WorkflowStep, chosen?: string): Promise<string> {
  const t = step.transferTo!;
  if (t.agencyCode) {
    const a = await getAgencyByCode(tx, t.agencyCode);
    if (!a?.active) throw conflict('TRANSFER_AGENCY_MISSING', `Không tìm thấy cơ quan liên thông mã ${t.agencyCode}.`);
    return a.id;
  }
  if (!chosen) throw badRequest('TRANSFER_AGENCY_REQUIRED', 'Bước tiếp theo là liên thông: hãy chọn cơ quan nhận (toAgencyId).');
  const agency = await getAgencyRow(tx, chosen);
  if (!agency?.active || (t.agencyLevel && agency.kind !== LEVEL_KINDS[t.agencyLevel])) {
    throw badRequest('WRONG_AGENCY', 'Cơ quan nhận liên thông không đúng cấp thẩm quyền của bước này.');
  }
  return agency.id;
}

const change = (set: Record<string, unknown>, ...events: EventInput[]): Change<EventInput> => ({ set, events });

// ---- the actions, each with its line of the policy table -----------------------------------------
// Scopes: "desk" = the one-stop desk that received it and the competent agency; "handling" = the agency holding the
// current step; "home" = the competent agency.

const accept: Declared<'accept'> = {
  label: 'Tiếp nhận',
  from: [Status.New],
  to: [Status.Received],
  policy: [{ roles: ['counter_officer'], scopes: ['desk'] }],
  perform: async (_tx, c, _input, _by, now) => {
    const dueAt = appointment(c.calendar, c.content, now);
    return change(
      {
        status: Status.Received,
        received_at: now,
        due_at: dueAt,
        original_due_at: dueAt,
        step: 1,
        step_due_at: stepDueAt(c.calendar, c.content.workflow, 1, now),
      },
      { ...eventOf(c, 'accept'), to: Status.Received, toStep: 1, data: { dueAt: dueAt.toISOString() } },
    );
  },
};

const requestSupplement: Declared<'request_supplement'> = {
  label: 'Yêu cầu bổ sung',
  from: [Status.New, ...WORKFLOW],
  to: [Status.SupplementRequested],
  policy: [
    { roles: 'step', scopes: ['handling', 'desk'] },
    { roles: ['counter_officer'], scopes: ['handling', 'desk'] },
  ],
  check: (c) => {
    if (c.row.status !== Status.New && !inWorkflow(c)) return notInWorkflow(c, 'yêu cầu bổ sung');
    // Only one request to supplement per dossier (Nghị định 118/2025/NĐ-CP).
    return c.row.supplement_requests >= 1
      ? conflict('SUPPLEMENT_ALREADY_REQUESTED', 'Hồ sơ đã được yêu cầu bổ sung một lần; không được yêu cầu bổ sung lần thứ hai.')
      : null;
  },
  perform: async (_tx, c, input, _by, now) =>
    change(
      { status: Status.SupplementRequested, paused_at: now, supplement_requests: c.row.supplement_requests + 1 },
      { ...eventOf(c, 'request_supplement'), to: Status.SupplementRequested, ...supplementRequestEvent(input, c.row.status) },
    ),
};

const submitSupplement: Declared<'submit_supplement'> = {
  label: 'Nộp bổ sung',
  from: [Status.SupplementRequested],
  to: [Status.New, ...WORKFLOW],
  policy: [{ roles: ['counter_officer'], scopes: ['desk'] }, { owner: true }],
  perform: async (tx, c, input, by, now) => {
    if (!by) throw forbidden();
    const request = (await latest(tx, c, 'request_supplement')).data;
    const back = request.resumeStatus as StatusCode;
    await attachSupplement(tx, c.row.id, uploadOwner(by as Who), c.content, request, input.files ?? [], by.kind === 'staff');
    const set: Record<string, unknown> = { status: back };
    return change(set, {
      ...eventOf(c, 'submit_supplement'),
      to: back,
      note: input.note ?? null,
      data: { waitedHours: resume(c, set, now), files: (input.files ?? []).length },
    });
  },
};

/** Refusal exists only at reception (Mẫu 03): once accepted, a dossier is stopped instead (Mẫu 05) and stays in the statistics. */
const refusedAfterReception = () =>
  conflict('INVALID_TRANSITION', 'Hồ sơ đã được tiếp nhận nên không thể từ chối tiếp nhận; hãy dừng xử lý (Thông báo dừng giải quyết hồ sơ).');
const refuse: Declared<'refuse'> = {
  label: 'Từ chối tiếp nhận',
  from: [Status.New, Status.SupplementRequested],
  to: [Status.Refused],
  policy: [{ roles: ['counter_officer'], scopes: ['desk'] }],
  refusal: (c) => (c.row.received_at ? refusedAfterReception() : notInWorkflow(c, 'từ chối')),
  check: (c) => (c.row.received_at ? refusedAfterReception() : null),
  perform: async (_tx, c, input, _by, now) =>
    change(
      { status: Status.Refused, finished_at: now, step: null, step_due_at: null, paused_at: null },
      { ...eventOf(c, 'refuse'), to: Status.Refused, toStep: null, note: input.reasons.join('\n'), data: { reasons: input.reasons } },
    ),
};

const forward: Declared<'forward'> = {
  label: (c) => (c.content.workflow[c.row.step + 1] ? 'Chuyển bước tiếp theo' : 'Phê duyệt kết quả'),
  from: WORKFLOW,
  to: [Status.Processing, Status.Done],
  policy: [{ roles: 'step', scopes: ['handling'], assignee: true }],
  check: (c) => (inWorkflow(c) ? null : notInWorkflow(c, 'chuyển xử lý')),
  perform: async (tx, c, input, _by, now) => {
    const d = c.row;
    const stepResult = classifyFinished(now, new Date(d.step_due_at));
    const nextIndex = d.step + 1;
    const next = c.content.workflow[nextIndex];
    if (!next) {
      // The last step done: the result is issued (Đã xử lý xong) and goes back to the one-stop desk.
      return change(
        { status: Status.Done, finished_at: now, step: null, step_due_at: null, agency_id: d.home_agency_id },
        {
          ...eventOf(c, 'approve'),
          to: Status.Done,
          toStep: null,
          toAgency: d.home_agency_id,
          note: input.note ?? null,
          data: { stepResult, result: classifyFinished(now, judgedDueAt(d)!, d.supplement_requests) },
        },
      );
    }
    const target = next.transferTo ? await transferTarget(tx, next, input.toAgencyId) : d.home_agency_id;
    return change(
      { status: Status.Processing, step: nextIndex, step_due_at: stepDueAt(c.calendar, c.content.workflow, nextIndex, now), agency_id: target },
      { ...eventOf(c, 'forward'), to: Status.Processing, toStep: nextIndex, toAgency: target, note: input.note ?? null, data: { stepResult } },
    );
  },
};

const sendBack: Declared<'send_back'> = {
  label: 'Trả lại bước trước',
  from: WORKFLOW,
  to: [],
  policy: [{ roles: 'step', scopes: ['handling'], assignee: true }],
  check: (c) => (inWorkflow(c) && c.row.step > 1 ? null : notInWorkflow(c, 'trả lại bước trước')),
  perform: async (tx, c, input, _by, now) => {
    const previousIndex = c.row.step - 1;
    const [lastIn] = await tx.query(
      `SELECT from_agency FROM dossier_events WHERE dossier_id = $1 AND to_step = $2 AND action = 'forward' ORDER BY id DESC LIMIT 1`,
      [c.row.id, c.row.step],
    );
    const target = lastIn?.from_agency ?? c.row.home_agency_id;
    return change(
      { step: previousIndex, step_due_at: stepDueAt(c.calendar, c.content.workflow, previousIndex, now), agency_id: target },
      { ...eventOf(c, 'send_back'), toStep: previousIndex, toAgency: target, note: input.note },
    );
  },
};

const assign: Declared<'assign'> = {
  label: (c) => (c.row.assignee_id ? 'Phân công lại' : 'Phân công'),
  from: [...WORKFLOW, Status.SupplementRequested, Status.PaymentRequested],
  to: [],
  // The leaders of the holding agency assign and reassign; the one-stop officer may name the first officer.
  policy: [{ roles: [...LEADERS, 'counter_officer'], scopes: ['handling'], atStep: true }],
  check: (c, by) => {
    // A supplement asked for before reception leaves the dossier at no step: nothing to assign yet.
    if (!c.step) return notInWorkflow(c, 'phân công');
    return c.row.assignee_id && by?.kind === 'staff' && !by.actor.roles.some((r) => LEADERS.includes(r))
      ? forbidden('Hồ sơ đã được phân công; chỉ lãnh đạo được phân công lại.')
      : null;
  },
  perform: async (tx, c, input) => {
    const assignee = (await staffMembers(tx, [input.assigneeId])).get(input.assigneeId);
    if (!assignee?.active || !assignee.roles.includes(c.step!.role) || (await organisationOf(tx, assignee.agencyId)).id !== c.row.agency_id) {
      throw badRequest('INVALID_ASSIGNEE', 'Cán bộ được phân công phải có vai trò của bước này tại cơ quan đang xử lý hồ sơ.');
    }
    return change(
      { assignee_id: assignee.id },
      {
        ...eventOf(c, 'assign'),
        note: input.note ?? null,
        data: { assigneeId: assignee.id, assigneeName: assignee.fullName, previousAssigneeId: c.row.assignee_id ?? null },
      },
    );
  },
};

const consult: Declared<'consult'> = {
  label: 'Xin ý kiến',
  from: OPEN as StatusCode[],
  to: [],
  policy: [{ roles: ['specialist', ...LEADERS], scopes: ['handling'] }],
  perform: async (tx, c, input, by, now) => {
    if (by?.kind !== 'staff') throw forbidden();
    const dueAt = new Date(input.dueAt);
    if (!(dueAt > now)) throw badRequest('INVALID_DUE', 'Hạn trả lời xin ý kiến phải sau thời điểm hiện tại.');
    const officerIds = [...new Set(input.officerIds ?? [])];
    const agencyIds = [...new Set(input.agencyIds ?? [])];
    if (!officerIds.length && !agencyIds.length) throw badRequest('CONSULTEE_REQUIRED', 'Hãy chọn cán bộ hoặc đơn vị được xin ý kiến.');
    const officers = await staffMembers(tx, officerIds);
    const agencies = await Promise.all(agencyIds.map((id) => getAgencyRow(tx, id)));
    if (officerIds.some((id) => !officers.get(id)?.active) || agencies.some((a) => !a?.active)) {
      throw badRequest('INVALID_CONSULTEE', 'Cán bộ hoặc đơn vị được xin ý kiến không tồn tại hoặc không còn hoạt động.');
    }
    const consulted = [
      ...officerIds.map((id) => ({ officerId: id, agencyId: null, name: officers.get(id)!.fullName, agencyName: officers.get(id)!.agencyName })),
      ...agencies.map((a) => ({ officerId: null, agencyId: a!.id, name: a!.name, agencyName: a!.name })),
    ];
    const rows = await tx.query(
      `INSERT INTO dossier_consultations (dossier_id, asked_by, officer_id, agency_id, question, due_at)
       SELECT $1, $2, officer_id, agency_id, $3, $4 FROM unnest($5::uuid[], $6::uuid[]) AS t (officer_id, agency_id) RETURNING id`,
      [c.row.id, by.actor.userId, input.note, dueAt, consulted.map((x) => x.officerId), consulted.map((x) => x.agencyId)],
    );
    return change(
      {},
      {
        ...eventOf(c, 'consult'),
        note: input.note,
        data: { dueAt: dueAt.toISOString(), consulted: consulted.map((x, i) => ({ ...x, consultationId: rows[i].id })) },
      },
    );
  },
};

const answerConsultation: Declared<'answer_consultation'> = {
  label: 'Trả lời xin ý kiến',
  from: Object.keys(DOSSIER_STATES).map(Number) as StatusCode[],
  to: [],
  policy: [], // the officer or unit the question was sent to, checked against the question itself
  offered: (c, by) => by.kind === 'staff' && (c.row.open_consultations as Row[]).some((q) => consultedBy(by.actor, q)),
  perform: async (tx, c, input, by, now) => {
    if (by?.kind !== 'staff') throw forbidden();
    const [q] = await tx.query('SELECT * FROM dossier_consultations WHERE id = $1 AND dossier_id = $2 FOR UPDATE', [input.consultationId, c.row.id]);
    if (!q) throw new AppError(404, 'NOT_FOUND', 'Không tìm thấy yêu cầu xin ý kiến.');
    if (!consultedBy(by.actor, q)) throw forbidden('Yêu cầu xin ý kiến này không gửi đến bạn hoặc đơn vị của bạn.');
    if (q.answered_at) throw conflict('ALREADY_ANSWERED', 'Yêu cầu xin ý kiến này đã được trả lời.');
    await tx.query('UPDATE dossier_consultations SET answer = $2, answered_by = $3, answered_at = $4 WHERE id = $1', [
      q.id,
      input.answer,
      by.actor.userId,
      now,
    ]);
    return change(
      {},
      { ...eventOf(c, 'answer_consultation'), note: input.answer, data: { consultationId: q.id, question: q.question, late: now > new Date(q.due_at) } },
    );
  },
};

const apologize: Declared<'apologize'> = {
  label: 'Xin lỗi và hẹn lại',
  from: WORKFLOW,
  to: [],
  policy: [{ roles: LEADERS, scopes: ['handling', 'home'] }],
  check: (c, _by, now) => {
    if (!inWorkflow(c)) return notInWorkflow(c, 'xin lỗi và hẹn lại');
    if (c.row.apologies >= 1) return conflict('APOLOGY_ALREADY_ISSUED', 'Hồ sơ đã được hẹn lại một lần; không được hẹn lại lần thứ hai.');
    // At least one working day before the deadline.
    return c.calendar.workingHoursBetween(now, new Date(c.row.due_at)) < c.calendar.dayMs / 3600_000
      ? conflict('APOLOGY_TOO_LATE', 'Phiếu xin lỗi phải được phát hành chậm nhất 01 ngày làm việc trước ngày hẹn trả.')
      : null;
  },
  perform: async (_tx, c, input) => {
    const due = new Date(c.row.due_at);
    const newDue = new Date(input.newDueAt);
    if (!(newDue > due)) throw badRequest('INVALID_NEW_DUE', 'Ngày hẹn mới phải sau ngày hẹn trả hiện tại.');
    return change(
      { due_at: newDue, apologies: 1 },
      { ...eventOf(c, 'apologize'), note: input.reason, data: { previousDueAt: due.toISOString(), newDueAt: newDue.toISOString() } },
    );
  },
};

const returnResult: Declared<'return_result'> = {
  label: 'Trả kết quả',
  from: [Status.Done],
  to: [Status.Returned],
  policy: [{ roles: ['counter_officer'], scopes: ['desk'] }],
  perform: async (_tx, c, input, _by, now) =>
    change(
      { status: Status.Returned, returned_at: now },
      { ...eventOf(c, 'return_result'), to: Status.Returned, note: input.note ?? null, data: { method: input.method } },
    ),
};

const requestPayment: Declared<'request_payment'> = {
  label: 'Yêu cầu nộp phí, lệ phí',
  from: WORKFLOW,
  to: [Status.PaymentRequested],
  system: true,
  policy: [
    { roles: 'step', scopes: ['handling', 'desk'] },
    { roles: ['counter_officer'], scopes: ['handling', 'desk'] },
  ],
  check: (c) => (inWorkflow(c) ? null : notInWorkflow(c, 'yêu cầu thực hiện nghĩa vụ tài chính')),
  perform: async (_tx, c, input, _by, now) =>
    change(
      { status: Status.PaymentRequested, paused_at: now },
      { ...eventOf(c, 'request_payment'), to: Status.PaymentRequested, note: input.note ?? null, data: { amount: input.amount, resumeStatus: c.row.status } },
    ),
};

const recordPayment: Declared<'record_payment'> = {
  label: 'Ghi nhận đã nộp phí',
  from: [Status.PaymentRequested],
  to: WORKFLOW,
  system: true,
  policy: [{ roles: ['counter_officer'], scopes: ['desk'] }],
  perform: async (tx, c, input, _by, now) => {
    const request = await latest(tx, c, 'request_payment');
    const set: Record<string, unknown> = { status: request.data.resumeStatus };
    return change(set, {
      ...eventOf(c, 'record_payment'),
      to: request.data.resumeStatus,
      note: input.note ?? null,
      data: { waitedHours: resume(c, set, now), reference: input.reference, amount: request.data.amount },
    });
  },
};

const withdraw: Declared<'withdraw'> = {
  label: (_c, by) => (by?.kind === 'staff' ? 'Công dân rút hồ sơ tại quầy' : 'Rút hồ sơ'),
  from: [Status.New, ...WORKFLOW, Status.SupplementRequested, Status.PaymentRequested],
  to: [Status.WithdrawalRequested, Status.Stopped],
  policy: [{ roles: ['counter_officer'], scopes: ['desk'] }, { owner: true }],
  perform: async (_tx, c, input, by, now) => {
    const set: Record<string, unknown> = { status: Status.WithdrawalRequested };
    const asked = { ...eventOf(c, 'withdraw'), to: Status.WithdrawalRequested, note: input.reason };
    // Asked in person at the counter (Nghị định 118/2025, art. 21(1)): the officer records the request and stops
    // the dossier at once; a request made online waits for an officer's stop.
    return by?.kind === 'staff'
      ? change(set, asked, stopped(c, Status.WithdrawalRequested, `Công dân yêu cầu rút hồ sơ: ${input.reason}`, set, now))
      : change(set, asked);
  },
};

const stop: Declared<'stop'> = {
  label: (c) => (c.row.status === Status.WithdrawalRequested ? 'Xác nhận rút hồ sơ' : 'Dừng xử lý'),
  from: [...(OPEN_RECEIVED as StatusCode[])],
  to: [Status.Stopped],
  policy: [{ roles: ['counter_officer', 'agency_leader'], scopes: ['handling', 'desk'] }],
  // An accepted dossier, or a withdrawal the citizen asked for; before acceptance, refuse instead.
  check: (c) =>
    c.row.status !== Status.WithdrawalRequested && !c.row.received_at
      ? conflict('INVALID_TRANSITION', 'Hồ sơ chưa được tiếp nhận: hãy từ chối tiếp nhận (Mẫu 03) thay vì dừng xử lý.')
      : null,
  refusal: (c) =>
    c.row.status === Status.New
      ? conflict('INVALID_TRANSITION', 'Hồ sơ chưa được tiếp nhận: hãy từ chối tiếp nhận (Mẫu 03) thay vì dừng xử lý.')
      : notInWorkflow(c, 'dừng xử lý'),
  perform: async (_tx, c, input, _by, now) => {
    const set: Record<string, unknown> = {};
    return change(set, stopped(c, c.row.status, input.reason, set, now));
  },
};

/** Performed by the results module once it has rendered and signed the result in the same transaction: the event. */
const signResult: Declared<'sign_result'> = {
  label: 'Ký số và phát hành kết quả',
  from: [Status.Done],
  to: [],
  policy: [{ roles: 'approver', scopes: ['home'], ownScopeOnly: true }],
  refusal: () => conflict('RESULT_NOT_READY', 'Chỉ ký kết quả khi hồ sơ đã được phê duyệt (Đã xử lý xong).'),
  check: (c) => (c.row.result_signed ? conflict('RESULT_ALREADY_ISSUED', 'Kết quả của hồ sơ này đã được ký số và phát hành.') : null),
  perform: async (_tx, c, input) => change({}, { ...eventOf(c, 'sign_result'), note: input.note, data: input.data }),
};

const caseOf = async (tx: Queryable, row: Row): Promise<DossierCase> => {
  const content = await getProcedureVersion(tx, row.procedure_id, row.procedure_version);
  return { row, content, step: row.step !== null ? content.workflow[row.step] : undefined, calendar: await workingCalendar(tx) };
};

export const dossierWorkflow = defineCaseType<DossierCase, StatusCode, Action, EventInput>({
  name: 'dossier',
  noun: 'hồ sơ',
  states: DOSSIER_STATES,
  // Online submissions wait for reception; counter and post submissions are received at once.
  initial: [Status.New, Status.Received],
  actions: {
    accept,
    request_supplement: requestSupplement,
    submit_supplement: submitSupplement,
    refuse,
    forward,
    send_back: sendBack,
    assign,
    consult,
    answer_consultation: answerConsultation,
    apologize,
    return_result: returnResult,
    request_payment: requestPayment,
    record_payment: recordPayment,
    withdraw,
    stop,
    sign_result: signResult,
  },
  async load(tx, id, lock) {
    const [row] = await tx.query(
      `SELECT d.*, (SELECT coalesce(json_agg(c), '[]') FROM dossier_consultations c WHERE c.dossier_id = d.id AND c.answered_at IS NULL) AS open_consultations,
              EXISTS (SELECT 1 FROM dossier_events e WHERE e.dossier_id = d.id AND e.action = 'sign_result') AS result_signed
         FROM dossiers d WHERE d.id = $1${lock ? ' FOR UPDATE OF d' : ''}`,
      [id],
    );
    return row ? caseOf(tx, row) : null;
  },
  state: (c) => c.row.status,
  stateAfter: (c, { set }) => (set.status as StatusCode | undefined) ?? c.row.status,
  visible: (tx, by, c) => canSee(tx, by as Who, c.row),
  scopes: {
    desk: (c) => [c.row.receiving_agency_id, c.row.home_agency_id],
    handling: (c) => [c.row.agency_id],
    home: (c) => [c.row.home_agency_id],
  },
  namedRoles: {
    step: (c) => c.step?.role ?? null,
    // Who approves the result at the last step signs it (once the dossier is done: the state says when).
    approver: (c) => c.content.workflow.at(-1)?.role ?? null,
  },
  assigneeId: (c) => c.row.assignee_id ?? null,
  owner: (c) => c.row.citizen_id ?? null,
  organisationOf: async (tx, actor) => (await organisationOf(tx, actor.agencyId)).id,
  revision: (c) => c.row.revision,
  async write(tx, c, { set, events }, by, followUps: FollowUps) {
    // An assignment is to one step: it ends when the step changes or the dossier leaves the workflow.
    if ('step' in set && set.step !== c.row.step && c.row.assignee_id) set.assignee_id = null;
    await updateCaseRow(tx, 'dossiers', c.row.id, set);
    forgetLookup(c.row.code);
    for (const e of events) await recordEvent(tx, c.row.id, by as Who | null, e, followUps);
  },
});

export type { Party };

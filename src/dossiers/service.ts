// Dossiers (hồ sơ): submission online and at the counter, the one-stop lifecycle over the procedure's workflow,
// working-time deadlines, and the event history. Every state change and its event are written in one transaction,
// with the dossier row locked, so two concurrent actions on one dossier cannot both succeed.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Database, Queryable } from '../db/index.ts';
import { inScope, type Actor, type Role } from '../shared/actor.ts';
import { badRequest, conflict, forbidden, notFound } from '../shared/errors.ts';
import { validationDetails } from '../shared/http.ts';
import { nfc } from '../shared/text.ts';
import { agencyNames, getAgencyByCode, getAgencyRow, organisationOf } from '../agencies/service.ts';
import { getProcedureVersion, getPublishedProcedure } from '../catalog/service.ts';
import type { ProcedureContent, WorkflowStep } from '../catalog/types.ts';
import { workingCalendar } from '../calendar/service.ts';
import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import type { Citizen } from '../citizens/service.ts';
import { reuseStoredDocuments, type StoredPick } from '../datastore/service.ts';
import { runDossierEventHooks } from './hooks.ts';
import { sealDossierEvents } from './chain.ts';
import { attachFiles, checkRequiredComponents, deleteDraft, listDossierFiles, type FileRef } from './files.ts';
import { classifyFinished, classifyOpen, dossierCode, lastFourDigits, maskName, Status, STATUS_NAMES, vietnamDate, type StatusCode } from './rules.ts';

const ajv = new Ajv2020({ allErrors: true, strict: false });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);

export type Channel = 'online' | 'counter' | 'post';
export interface Applicant { name: string; idNumber: string; address?: string; phone?: string; email?: string }
export type Who = { kind: 'staff'; actor: Actor } | { kind: 'citizen'; citizen: Citizen };

const LEVEL_KINDS: Record<ProcedureContent['agencyLevel'], string> = {
  commune: 'commune_committee', department: 'department', province: 'province_committee',
};

/** Who owns the uploads a party makes. */
export const uploadOwner = (w: Who) => (w.kind === 'staff' ? `staff:${w.actor.userId}` : `citizen:${w.citizen.id}`);

const who = (w: Who) => (w.kind === 'staff'
  ? { kind: 'staff', id: w.actor.userId, name: w.actor.fullName }
  : { kind: 'citizen', id: w.citizen.id, name: w.citizen.fullName });

interface EventInput {
  action: string; from?: StatusCode | null; to?: StatusCode | null; fromStep?: number | null; toStep?: number | null;
  fromAgency?: string | null; toAgency?: string | null; note?: string | null; data?: Record<string, unknown>;
}
/** Writes one event of a dossier (sealed into the dossier's hash chain) and runs the event hooks, in the caller's transaction. */
export async function recordEvent(tx: Queryable, dossierId: string, by: Who | null, e: EventInput) {
  const actor = by ? who(by) : { kind: 'system', id: null, name: 'Hệ thống' };
  const [row] = await tx.query(
    `INSERT INTO dossier_events (dossier_id, action, actor_kind, actor_id, actor_name, from_status, to_status, from_step, to_step,
       from_agency, to_agency, note, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id, at`,
    [dossierId, e.action, actor.kind, actor.id, actor.name, e.from ?? null, e.to ?? null, e.fromStep ?? null, e.toStep ?? null,
      e.fromAgency ?? null, e.toAgency ?? null, e.note ?? null, e.data ?? {}]);
  await sealDossierEvents(tx, [dossierId]);
  await runDossierEventHooks(tx, dossierId, {
    id: Number(row.id), at: new Date(row.at), action: e.action, actorKind: actor.kind, actorName: actor.name, fromStatus: e.from ?? null,
    toStatus: e.to ?? null, fromAgency: e.fromAgency ?? null, toAgency: e.toAgency ?? null, note: e.note ?? null, data: e.data ?? {},
  });
}

/**
 * A change signal for live screens that no writer has to update. Ids are taken at insert, so a transaction may commit
 * after one with a higher id: counting the events above a bound that trails behind still sees it. One snapshot gives the
 * count above `after`, the count above `next` (the bound to move to) and the highest id.
 */
export async function committedEvents(db: Queryable, after: string, next: string): Promise<{ above: number; aboveNext: number; maxId: string }> {
  const [r] = await db.query(
    `SELECT count(*)::int AS above, count(*) FILTER (WHERE id > $2::bigint)::int AS above_next, coalesce(max(id), $1::bigint)::text AS max_id
       FROM dossier_events WHERE id > $1::bigint`, [after, next]);
  return { above: r.above, aboveNext: r.above_next, maxId: r.max_id };
}

/** The id of the event `back` events before the newest (0 when there are fewer): a starting bound for committedEvents. */
export async function eventIdBack(db: Queryable, back: number): Promise<string> {
  const [r] = await db.query('SELECT coalesce((SELECT id FROM dossier_events ORDER BY id DESC OFFSET $1 LIMIT 1), 0)::text AS id', [back]);
  return r.id;
}

/** Next code for an agency's day, under a row lock: unique and gap-free (a rolled-back submission returns its number). */
async function nextCode(tx: Queryable, agency: { id: string; code: string }, at: Date): Promise<string> {
  const [{ last }] = await tx.query(
    `INSERT INTO dossier_sequences (agency_id, day, last) VALUES ($1, $2, 1)
     ON CONFLICT (agency_id, day) DO UPDATE SET last = dossier_sequences.last + 1 RETURNING last`,
    [agency.id, vietnamDate(at)]);
  return dossierCode(agency.code, at, last);
}

/** Ngày hẹn trả from the statutory processing time. */
function appointment(calendar: WorkingCalendar, content: ProcedureContent, from: Date): Date {
  const t = content.processingTime;
  return t.unit === 'working_hours' ? calendar.addWorkingHours(from, t.value) : calendar.addWorkingDays(from, t.value);
}

export interface SubmitInput {
  procedureId: string; agencyId: string; applicant: Applicant; formData: Record<string, unknown>; channel: Channel;
  /** Uploaded files per component; scans made at the counter are marked digitised (số hóa). */
  files?: FileRef[];
  /** Components taken from the applicant's personal data store instead of a new upload (the reuse is logged). */
  storedDocuments?: StoredPick[];
}

/**
 * Online by a signed-in citizen (status 1, waiting for reception), or at the counter / by post entered by a counter
 * officer of any agency in the province (phi địa giới): received at once, due date set, routed to the competent agency.
 */
export async function submitDossier(db: Database, by: Who, input: SubmitInput) {
  const procedure = await getPublishedProcedure(db, input.procedureId);
  const content = procedure.content;
  if (by.kind === 'citizen' && input.channel !== 'online') throw forbidden('Công dân chỉ nộp hồ sơ trực tuyến.');
  if (by.kind === 'staff') {
    if (input.channel === 'online') throw badRequest('INVALID_CHANNEL', 'Cán bộ tiếp nhận hồ sơ trực tiếp hoặc qua bưu chính.');
    requireRole(by.actor, 'counter_officer');
  }
  if (input.channel === 'online' && content.onlineLevel === 'offline') {
    throw conflict('NOT_AVAILABLE_ONLINE', 'Thủ tục này chưa được cung cấp trực tuyến; vui lòng nộp trực tiếp tại Bộ phận Một cửa.');
  }
  const validate = ajv.compile(content.formSchema);
  if (!validate(input.formData)) {
    const details = validationDetails(validate.errors as any[], 'formData');
    throw badRequest('INVALID_FORM', `Tờ khai chưa hợp lệ: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}.`, details);
  }
  const picks = input.storedDocuments ?? [];
  if (input.channel === 'online') checkRequiredComponents(content, [...(input.files ?? []), ...picks.map((p) => ({ componentIndex: p.componentIndex, uploadId: p.documentId }))]);
  const home = await getAgencyRow(db, input.agencyId);
  if (!home || !home.active || home.kind !== LEVEL_KINDS[content.agencyLevel]) {
    throw badRequest('WRONG_AGENCY', 'Cơ quan được chọn không có thẩm quyền giải quyết thủ tục này.');
  }
  // The one-stop desk: the officer's own for counter and post; for online dossiers, the commune's own desk for
  // commune procedures, otherwise the province's (the Trung tâm Phục vụ hành chính công belongs to it).
  const receiving = by.kind === 'staff' ? await organisationOf(db, by.actor.agencyId)
    : content.agencyLevel === 'commune' ? home : await organisationOf(db, home.path.split('/')[0]);
  const calendar = await workingCalendar(db);
  const now = new Date();
  const received = input.channel !== 'online';
  const dueAt = received ? appointment(calendar, content, now) : null;
  const firstStep = received ? 1 : null;
  const stepDue = received ? stepDueAt(calendar, content.workflow, 1, now) : null;
  const applicant = normalizeApplicant(input.applicant);
  return db.transaction(async (tx) => {
    const code = await nextCode(tx, { id: home.id, code: home.code }, now);
    const [row] = await tx.query(
      `INSERT INTO dossiers (code, procedure_id, procedure_version, home_agency_id, agency_id, receiving_agency_id, channel, status,
         citizen_id, applicant, form_data, step, step_due_at, submitted_at, received_at, due_at, original_due_at, citizen_identity_level)
       VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16) RETURNING id`,
      [code, procedure.id, procedure.version, home.id, receiving.id, input.channel, received ? Status.Received : Status.New,
        by.kind === 'citizen' ? by.citizen.id : null, applicant, input.formData, firstStep, stepDue, now, received ? now : null, dueAt,
        by.kind === 'citizen' ? by.citizen.identityLevel : null]);
    const reused = await reuseStoredDocuments(tx, by.kind === 'citizen' ? by : { ...by, applicantIdNumber: applicant.idNumber }, uploadOwner(by), row.id, picks);
    await attachFiles(tx, row.id, uploadOwner(by), content, [...(input.files ?? []), ...reused], by.kind === 'staff');
    if (by.kind === 'citizen') await deleteDraft(tx, by.citizen.id, procedure.id);
    await recordEvent(tx, row.id, by, { action: 'submit', to: Status.New, data: { channel: input.channel, files: (input.files ?? []).length + reused.length, reusedFromStore: reused.length } });
    if (received) {
      await recordEvent(tx, row.id, by, { action: 'accept', from: Status.New, to: Status.Received, toStep: 1, toAgency: home.id,
        data: { dueAt: dueAt!.toISOString() } });
    }
    return { id: row.id as string, code };
  });
}

function normalizeApplicant(a: Applicant): Applicant {
  return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, typeof v === 'string' ? nfc(v) : v])) as unknown as Applicant;
}

/** The due time of workflow step `index` started at `from` (its budget in working hours); null past the last step. */
function stepDueAt(calendar: WorkingCalendar, workflow: WorkflowStep[], index: number, from: Date): Date | null {
  const step = workflow[index];
  return step ? calendar.addWorkingHours(from, step.hours) : null;
}

function requireRole(actor: Actor, ...roles: Role[]) {
  if (!actor.roles.some((r) => roles.includes(r))) {
    throw forbidden(`Thao tác này dành cho vai trò: ${roles.join(', ')}.`);
  }
}

// ---- actions -----------------------------------------------------------------------------------

export type Action =
  | { action: 'accept' } // tiếp nhận
  | { action: 'request_supplement'; reasons: string[] } // yêu cầu bổ sung, hoàn thiện (at most once)
  | { action: 'submit_supplement'; note?: string; files?: FileRef[] } // công dân bổ sung
  | { action: 'refuse'; reasons: string[] } // từ chối tiếp nhận
  | { action: 'forward'; note?: string; toAgencyId?: string } // chuyển bước tiếp theo (liên thông when the step says so)
  | { action: 'send_back'; note: string } // trả lại bước trước để xử lý lại
  | { action: 'consult'; note: string } // xin ý kiến (recorded, no state change)
  | { action: 'apologize'; reason: string; newDueAt: string } // phiếu xin lỗi và hẹn lại ngày trả
  | { action: 'return_result'; method: 'counter' | 'post' | 'online'; note?: string } // trả kết quả
  | { action: 'request_payment'; amount: number; note?: string } // yêu cầu thực hiện nghĩa vụ tài chính (clock stops)
  | { action: 'record_payment'; reference: string; note?: string } // đã nộp phí, lệ phí (clock restarts)
  | { action: 'withdraw'; reason: string } // công dân yêu cầu rút hồ sơ
  | { action: 'stop'; reason: string }; // dừng xử lý

const OPEN: StatusCode[] = [Status.New, Status.Received, Status.Processing, Status.SupplementRequested, Status.PaymentRequested, Status.WithdrawalRequested];

function invalid(status: StatusCode, action: string): never {
  throw conflict('INVALID_TRANSITION', `Không thể thực hiện "${action}" khi hồ sơ đang ở trạng thái "${STATUS_NAMES[status]}".`);
}

export async function act(db: Database, by: Who, dossierId: string, input: Action, expectedRevision?: number) {
  return actIn((fn) => db.transaction(fn), await workingCalendar(db), by, dossierId, input, expectedRevision);
}

/** The payment actions the platform takes itself (a fee due at reception, a settled payment). */
export type SystemAction = Extract<Action, { action: 'request_payment' | 'record_payment' }>;

/** A SystemAction inside the caller's transaction (the payments module settles and moves the dossier together). */
export async function actAsSystem(tx: Queryable, dossierId: string, input: SystemAction) {
  return actIn((fn) => fn(tx), await workingCalendar(tx), null, dossierId, input);
}

type InTransaction = <T>(fn: (tx: Queryable) => Promise<T>) => Promise<T>;

/** `by` null = the platform itself, which only takes SystemActions (actAsSystem's type keeps it there). */
async function actIn(inTransaction: InTransaction, calendar: WorkingCalendar, by: Who | null, dossierId: string, input: Action, expectedRevision?: number) {
  return inTransaction(async (tx) => {
    const [d] = await tx.query('SELECT * FROM dossiers WHERE id = $1 FOR UPDATE', [dossierId]);
    if (!d) throw notFound('hồ sơ');
    if (expectedRevision !== undefined && d.revision !== expectedRevision) {
      throw conflict('STALE_DOSSIER', 'Hồ sơ vừa được người khác cập nhật; vui lòng tải lại.');
    }
    const content = await getProcedureVersion(tx, d.procedure_id, d.procedure_version);
    const now = new Date();
    const status = d.status as StatusCode;
    const step: WorkflowStep | undefined = d.step !== null ? content.workflow[d.step] : undefined;
    // Được tiếp nhận (2) and Đang xử lý (4) are both "in the workflow"; the first step action moves 2 to 4.
    const inWorkflow = (status === Status.Received || status === Status.Processing) && step !== undefined;
    const event: EventInput = { action: input.action, from: status, to: status, fromStep: d.step, toStep: d.step, fromAgency: d.agency_id, toAgency: d.agency_id };
    const set: Record<string, unknown> = {};

    // Who may act: staff of the handling organisation (or of the receiving desk for reception work) with the
    // role the step names; citizens only on their own dossier.
    const staff = async (roles: Role[], agencies: string[]) => {
      if (by === null) return;
      if (by.kind !== 'staff') throw forbidden();
      requireRole(by.actor, ...roles);
      const org = await organisationOf(tx, by.actor.agencyId);
      if (!agencies.includes(org.id) && !by.actor.roles.includes('system_admin')) throw notFound('hồ sơ');
    };
    const owner = () => {
      if (by?.kind !== 'citizen' || by.citizen.id !== d.citizen_id) throw notFound('hồ sơ');
    };
    const desk = [d.receiving_agency_id, d.home_agency_id];
    const resume = () => {
      // The clock restarts: the appointment and the step's due time move by the working time spent waiting.
      const waited = calendar.workingHoursBetween(new Date(d.paused_at), now);
      set.paused_at = null;
      set.paused_hours = Number(d.paused_hours) + waited;
      if (d.due_at) set.due_at = calendar.addWorkingHours(new Date(d.due_at), waited);
      if (d.step_due_at) set.step_due_at = calendar.addWorkingHours(new Date(d.step_due_at), waited);
      event.data = { waitedHours: waited };
    };

    switch (input.action) {
      case 'accept': {
        if (status !== Status.New) invalid(status, 'tiếp nhận');
        await staff(['counter_officer'], desk);
        const dueAt = appointment(calendar, content, now);
        Object.assign(set, { status: Status.Received, received_at: now, due_at: dueAt, original_due_at: dueAt, step: 1,
          step_due_at: stepDueAt(calendar, content.workflow, 1, now) });
        Object.assign(event, { to: Status.Received, toStep: 1, data: { dueAt: dueAt.toISOString() } });
        break;
      }
      case 'request_supplement': {
        if (status !== Status.New && !inWorkflow) invalid(status, 'yêu cầu bổ sung');
        await staff(status === Status.New ? ['counter_officer'] : [step!.role, 'counter_officer'], status === Status.New ? desk : [d.agency_id, ...desk]);
        // Only one request to supplement per dossier (Nghị định 118/2025/NĐ-CP).
        if (d.supplement_requests >= 1) throw conflict('SUPPLEMENT_ALREADY_REQUESTED', 'Hồ sơ đã được yêu cầu bổ sung một lần; không được yêu cầu bổ sung lần thứ hai.');
        Object.assign(set, { status: Status.SupplementRequested, paused_at: now, supplement_requests: d.supplement_requests + 1 });
        Object.assign(event, { to: Status.SupplementRequested, note: input.reasons.join('\n'), data: { reasons: input.reasons, resumeStatus: status } });
        break;
      }
      case 'submit_supplement': {
        if (status !== Status.SupplementRequested) invalid(status, 'nộp bổ sung');
        if (!by) throw forbidden();
        if (by.kind === 'citizen') owner(); else await staff(['counter_officer'], desk);
        const [request] = await tx.query(`SELECT data FROM dossier_events WHERE dossier_id = $1 AND action = 'request_supplement' ORDER BY id DESC LIMIT 1`, [d.id]);
        const back = request.data.resumeStatus as StatusCode;
        await attachFiles(tx, d.id, uploadOwner(by), content, input.files ?? [], by.kind === 'staff');
        resume();
        Object.assign(set, { status: back });
        Object.assign(event, { to: back, note: input.note ?? null });
        event.data = { ...event.data, files: (input.files ?? []).length };
        break;
      }
      case 'refuse': {
        if (status !== Status.New && status !== Status.SupplementRequested) invalid(status, 'từ chối');
        await staff(['counter_officer'], desk);
        Object.assign(set, { status: Status.Refused, finished_at: now, step: null, step_due_at: null, paused_at: null });
        Object.assign(event, { to: Status.Refused, toStep: null, note: input.reasons.join('\n'), data: { reasons: input.reasons } });
        break;
      }
      case 'forward': {
        if (!inWorkflow) invalid(status, 'chuyển xử lý');
        await staff([step.role], [d.agency_id]);
        const stepResult = classifyFinished(now, new Date(d.step_due_at));
        const nextIndex = d.step + 1;
        const next = content.workflow[nextIndex];
        if (!next) {
          // The last step done: the result is issued (Đã xử lý xong) and goes back to the one-stop desk.
          Object.assign(set, { status: Status.Done, finished_at: now, step: null, step_due_at: null, agency_id: d.home_agency_id });
          Object.assign(event, { action: 'approve', to: Status.Done, toStep: null, toAgency: d.home_agency_id,
            data: { stepResult, result: classifyFinished(now, new Date(d.due_at), d.supplement_requests) } });
          break;
        }
        const target = next.transferTo ? await transferTarget(tx, next, input.toAgencyId) : d.home_agency_id;
        Object.assign(set, { status: Status.Processing, step: nextIndex, step_due_at: stepDueAt(calendar, content.workflow, nextIndex, now), agency_id: target });
        Object.assign(event, { to: Status.Processing, toStep: nextIndex, toAgency: target, note: input.note ?? null, data: { stepResult } });
        break;
      }
      case 'send_back': {
        if (!inWorkflow || d.step <= 1) invalid(status, 'trả lại bước trước');
        await staff([step.role], [d.agency_id]);
        const previousIndex = d.step - 1;
        const [lastIn] = await tx.query(`SELECT from_agency FROM dossier_events WHERE dossier_id = $1 AND to_step = $2 AND action = 'forward' ORDER BY id DESC LIMIT 1`, [d.id, d.step]);
        const target = lastIn?.from_agency ?? d.home_agency_id;
        Object.assign(set, { step: previousIndex, step_due_at: stepDueAt(calendar, content.workflow, previousIndex, now), agency_id: target });
        Object.assign(event, { toStep: previousIndex, toAgency: target, note: input.note });
        break;
      }
      case 'consult': {
        if (!OPEN.includes(status)) invalid(status, 'xin ý kiến');
        await staff(['specialist', 'unit_leader', 'agency_leader'], [d.agency_id]);
        event.note = input.note;
        break;
      }
      case 'apologize': {
        if (!inWorkflow) invalid(status, 'xin lỗi và hẹn lại');
        await staff(['agency_leader', 'unit_leader'], [d.agency_id, d.home_agency_id]);
        if (d.apologies >= 1) throw conflict('APOLOGY_ALREADY_ISSUED', 'Hồ sơ đã được hẹn lại một lần; không được hẹn lại lần thứ hai.');
        const due = new Date(d.due_at);
        // At least one working day before the deadline.
        if (calendar.workingHoursBetween(now, due) < calendar.dayMs / 3600_000) {
          throw conflict('APOLOGY_TOO_LATE', 'Phiếu xin lỗi phải được phát hành chậm nhất 01 ngày làm việc trước ngày hẹn trả.');
        }
        const newDue = new Date(input.newDueAt);
        if (!(newDue > due)) throw badRequest('INVALID_NEW_DUE', 'Ngày hẹn mới phải sau ngày hẹn trả hiện tại.');
        Object.assign(set, { due_at: newDue, apologies: 1 });
        Object.assign(event, { note: input.reason, data: { previousDueAt: due.toISOString(), newDueAt: newDue.toISOString() } });
        break;
      }
      case 'return_result': {
        if (status !== Status.Done) invalid(status, 'trả kết quả');
        await staff(['counter_officer'], desk);
        Object.assign(set, { status: Status.Returned, returned_at: now });
        Object.assign(event, { to: Status.Returned, note: input.note ?? null, data: { method: input.method } });
        break;
      }
      case 'request_payment': {
        if (!inWorkflow) invalid(status, 'yêu cầu thực hiện nghĩa vụ tài chính');
        await staff([step!.role, 'counter_officer'], [d.agency_id, ...desk]);
        Object.assign(set, { status: Status.PaymentRequested, paused_at: now });
        Object.assign(event, { to: Status.PaymentRequested, note: input.note ?? null, data: { amount: input.amount, resumeStatus: status } });
        break;
      }
      case 'record_payment': {
        if (status !== Status.PaymentRequested) invalid(status, 'ghi nhận đã nộp phí');
        await staff(['counter_officer'], desk);
        const [request] = await tx.query(`SELECT data FROM dossier_events WHERE dossier_id = $1 AND action = 'request_payment' ORDER BY id DESC LIMIT 1`, [d.id]);
        resume();
        Object.assign(set, { status: request.data.resumeStatus });
        Object.assign(event, { to: request.data.resumeStatus, note: input.note ?? null });
        event.data = { ...event.data, reference: input.reference, amount: request.data.amount };
        break;
      }
      case 'withdraw': {
        if (![Status.New, Status.Received, Status.Processing, Status.SupplementRequested, Status.PaymentRequested].includes(status as never)) invalid(status, 'rút hồ sơ');
        owner();
        Object.assign(set, { status: Status.WithdrawalRequested });
        Object.assign(event, { to: Status.WithdrawalRequested, note: input.reason });
        break;
      }
      case 'stop': {
        if (!OPEN.includes(status)) invalid(status, 'dừng xử lý');
        await staff(['counter_officer', 'agency_leader'], [d.agency_id, ...desk]);
        Object.assign(set, { status: Status.Stopped, finished_at: now, step: null, step_due_at: null, paused_at: null });
        Object.assign(event, { to: Status.Stopped, toStep: null, note: input.reason });
        break;
      }
    }
    if (Object.keys(set).length) {
      const columns = Object.keys(set);
      await tx.query(
        `UPDATE dossiers SET ${columns.map((c, i) => `${c} = $${i + 2}`).join(', ')}, revision = revision + 1, updated_at = now() WHERE id = $1`,
        [d.id, ...columns.map((c) => set[c])]);
    }
    await recordEvent(tx, d.id, by, event);
    return { id: d.id as string, code: d.code as string };
  });
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
  if (!agency || !agency.active || (t.agencyLevel && agency.kind !== LEVEL_KINDS[t.agencyLevel])) {
    throw badRequest('WRONG_AGENCY', 'Cơ quan nhận liên thông không đúng cấp thẩm quyền của bước này.');
  }
  return agency.id;
}

// ---- reading -----------------------------------------------------------------------------------

/** True when an IOC viewer watches the dossier's competent agency (their agency or one below it): read-only drill-down. */
async function watchedByIoc(db: Queryable, actor: Actor, homeAgencyId: string) {
  if (!actor.roles.includes('ioc_viewer')) return false;
  const home = await getAgencyRow(db, homeAgencyId);
  return Boolean(home && inScope(actor, home.path));
}

/** A dossier with its timeline, for its owner, for staff of the agencies it passes through, and for the IOC watching it. */
export async function getDossier(db: Queryable, by: Who, id: string) {
  const [d] = await db.query('SELECT * FROM dossiers WHERE id = $1', [id]);
  if (!d) throw notFound('hồ sơ');
  if (by.kind === 'citizen') {
    if (d.citizen_id !== by.citizen.id) throw notFound('hồ sơ');
  } else if (!by.actor.roles.includes('system_admin') && !(await watchedByIoc(db, by.actor, d.home_agency_id))) {
    const org = await organisationOf(db, by.actor.agencyId);
    const [{ involved }] = await db.query(
      `SELECT $2::uuid IN ($3::uuid, $4::uuid, $5::uuid) OR EXISTS (SELECT 1 FROM dossier_events WHERE dossier_id = $1 AND $2::uuid IN (from_agency, to_agency)) AS involved`,
      [d.id, org.id, d.agency_id, d.home_agency_id, d.receiving_agency_id]);
    if (!involved) throw notFound('hồ sơ');
  }
  const content = await getProcedureVersion(db, d.procedure_id, d.procedure_version);
  const events = await db.query('SELECT * FROM dossier_events WHERE dossier_id = $1 ORDER BY id', [d.id]);
  const calendar = await workingCalendar(db);
  return { ...describe(d, content, calendar, await atRiskShare(db)), formData: d.form_data, applicant: d.applicant as Applicant,
    files: await listDossierFiles(db, d.id, content), events: events.map(toEvent) };
}

function describe(d: Record<string, any>, content: ProcedureContent, calendar: WorkingCalendar, riskShare: number) {
  const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
  const open = OPEN.includes(d.status);
  const now = new Date();
  return {
    id: d.id, code: d.code, status: d.status as StatusCode, statusName: STATUS_NAMES[d.status as StatusCode], channel: d.channel,
    procedure: { id: d.procedure_id, version: d.procedure_version, name: content.name, code: content.nationalCode },
    agencyId: d.agency_id, homeAgencyId: d.home_agency_id, receivingAgencyId: d.receiving_agency_id,
    step: d.step, stepName: d.step !== null ? content.workflow[d.step]?.name ?? null : null, stepRole: d.step !== null ? content.workflow[d.step]?.role ?? null : null,
    stepDueAt: iso(d.step_due_at), submittedAt: iso(d.submitted_at), receivedAt: iso(d.received_at), dueAt: iso(d.due_at),
    originalDueAt: iso(d.original_due_at), finishedAt: iso(d.finished_at), returnedAt: iso(d.returned_at),
    supplementRequests: d.supplement_requests, apologies: d.apologies, pausedHours: Number(d.paused_hours), revision: d.revision,
    timeliness: d.finished_at && d.due_at && [Status.Done, Status.Returned].includes(d.status)
      ? classifyFinished(new Date(d.finished_at), new Date(d.due_at), d.supplement_requests)
      : open && d.due_at && !d.paused_at ? classifyOpen(calendar, new Date(d.received_at), new Date(d.due_at), now, riskShare) : null,
  };
}

const toEvent = (e: Record<string, any>) => ({
  id: Number(e.id), at: new Date(e.at).toISOString(), action: e.action, actorKind: e.actor_kind, actorName: e.actor_name,
  fromStatus: e.from_status, toStatus: e.to_status, fromStep: e.from_step, toStep: e.to_step, fromAgency: e.from_agency,
  toAgency: e.to_agency, note: e.note, data: e.data,
});

/**
 * Public lookup by code: status, procedure, agency and dates. Codes of one agency's day are consecutive, so anyone can
 * guess them: the applicant's name (masked) is shown only with a second factor, the last four digits of the
 * applicant's ID number or phone number (`verified`).
 */
export async function lookupDossier(db: Queryable, code: string, factor?: string) {
  const [d] = await db.query('SELECT * FROM dossiers WHERE code = $1', [code]);
  if (!d) throw notFound('hồ sơ');
  const agencyName = (await agencyNames(db, [d.home_agency_id])).get(d.home_agency_id);
  const content = await getProcedureVersion(db, d.procedure_id, d.procedure_version);
  const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
  const verified = factor !== undefined && [d.applicant.idNumber, d.applicant.phone].some((v) => lastFourDigits(v).length === 4 && lastFourDigits(v) === factor);
  return {
    code: d.code, status: d.status, statusName: STATUS_NAMES[d.status as StatusCode], procedureName: content.name, agencyName,
    verified, applicantName: verified ? maskName(d.applicant.name) : null, submittedAt: iso(d.submitted_at), receivedAt: iso(d.received_at), dueAt: iso(d.due_at),
    finishedAt: iso(d.finished_at), apologized: d.apologies > 0,
  };
}

// ---- settings ----------------------------------------------------------------------------------

/** The share of working time left under which an open dossier or step is "at risk" (default 20%). */
export async function atRiskShare(db: Queryable): Promise<number> {
  const [r] = await db.query('SELECT at_risk_share FROM dossier_settings');
  return Number(r.at_risk_share);
}

export async function setAtRiskShare(db: Queryable, actor: Actor, share: number): Promise<number> {
  if (!actor.roles.includes('system_admin')) throw forbidden('Chỉ quản trị hệ thống được thay đổi quy tắc này.');
  await db.query('UPDATE dossier_settings SET at_risk_share = $1, updated_by = $2, updated_at = now()', [share, actor.userId]);
  return share;
}

/** Procedure versions for a list of dossiers, each read once. */
function versionReader(db: Queryable) {
  const seen = new Map<string, Promise<ProcedureContent>>();
  return (d: Record<string, any>) => {
    const key = `${d.procedure_id}/${d.procedure_version}`;
    if (!seen.has(key)) seen.set(key, getProcedureVersion(db, d.procedure_id, d.procedure_version));
    return seen.get(key)!;
  };
}

/** A citizen's own dossiers, newest first. */
export async function listCitizenDossiers(db: Queryable, citizen: Citizen) {
  const rows = await db.query('SELECT * FROM dossiers WHERE citizen_id = $1 ORDER BY submitted_at DESC LIMIT 200', [citizen.id]);
  const calendar = await workingCalendar(db);
  const share = await atRiskShare(db);
  const version = versionReader(db);
  return Promise.all(rows.map(async (d) => describe(d, await version(d), calendar, share)));
}

/**
 * An officer's inbox: open dossiers whose current step waits for one of the officer's roles in the officer's
 * organisation (reception work for counter officers), soonest due first.
 */
export async function inbox(db: Queryable, actor: Actor) {
  const org = await organisationOf(db, actor.agencyId);
  const rows = await db.query(
    `SELECT d.* FROM dossiers d WHERE d.status IN (1, 2, 4, 5, 7, 9)
       AND (d.agency_id = $1 OR d.receiving_agency_id = $1 OR d.home_agency_id = $1)
     ORDER BY coalesce(d.step_due_at, d.due_at, d.submitted_at) LIMIT 500`, [org.id]);
  const calendar = await workingCalendar(db);
  const share = await atRiskShare(db);
  const version = versionReader(db);
  const mine = [];
  for (const d of rows) {
    const content = await version(d);
    const working = d.status === Status.Received || d.status === Status.Processing;
    const role = working ? content.workflow[d.step]?.role : 'counter_officer';
    const here = working ? d.agency_id === org.id : [d.receiving_agency_id, d.home_agency_id].includes(org.id);
    if (role && here && actor.roles.includes(role as Role)) {
      const item = describe(d, content, calendar, share);
      mine.push({ ...item, stepTimeliness: d.step_due_at && working
        ? classifyOpen(calendar, new Date(d.updated_at), new Date(d.step_due_at), new Date(), share) : null, applicantName: d.applicant.name });
    }
  }
  return mine;
}


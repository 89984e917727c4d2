// Dossiers (hồ sơ): submission online and at the counter, the one-stop lifecycle over the procedure's workflow,
// working-time deadlines, and the event history. Every state change and its event are written in one transaction,
// with the dossier row locked, so two concurrent actions on one dossier cannot both succeed.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Database, Queryable } from '../db/index.ts';
import { inScope, isSystemAdmin, type Actor, type Role } from '../shared/actor.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../shared/errors.ts';
import { validationDetails } from '../shared/http.ts';
import { nfc } from '../shared/text.ts';
import { agencyNames, getAgencyByCode, getAgencyRow, organisationOf } from '../agencies/service.ts';
import { activeStaffIn, staffMembers } from '../identity/service.ts';
import { getProcedureVersion, getPublishedProcedure } from '../catalog/service.ts';
import type { ProcedureContent, WorkflowStep } from '../catalog/types.ts';
import { workingCalendar } from '../calendar/service.ts';
import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import type { Citizen } from '../citizens/service.ts';
import { applicantStore, reuseStoredDocuments, type StoredPick } from '../datastore/service.ts';
import { runDossierEventHooks } from './hooks.ts';
import { sealDossierEvents } from './chain.ts';
import { attachAuthorisation, attachFiles, checkRequiredComponents, deleteDraft, listDossierFiles, type FileRef } from './files.ts';
import { attachSupplement, supplementRequestEvent } from './supplement.ts';
import { classifyFinished, classifyOpen, dossierCode, dossierTimeliness, judgedDueAt, lastFourDigits, maskName, OPEN_RECEIVED, Status, STATUS_NAMES,
  vietnamDate, type StatusCode, type TimingRow } from './rules.ts';

const ajv = new Ajv2020({ allErrors: true, strict: false });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);

export type Channel = 'online' | 'counter' | 'post';
/**
 * Người yêu cầu: a person (by ID number) or an organisation (by tax code). Online, a person applicant is the signed-in
 * citizen (name, ID number and birth date from the e-ID), unless the citizen submits on their behalf under an
 * authorisation; an organisation's dossier names the signed-in citizen as its representative.
 */
export interface Applicant {
  kind?: ApplicantKind; // absent on dossiers from before organisations applied: a person
  /** The person's full name, or the organisation's name. */
  name: string;
  idNumber?: string;
  birthDate?: string;
  /** Mã số thuế: 10 digits, or 10-3 for a branch. */
  taxCode?: string;
  address?: string; phone?: string; email?: string;
  /** Who submitted for the applicant: the organisation's legal representative, or a person authorised (người được ủy quyền). */
  representative?: { name: string; idNumber: string; birthDate?: string; role: RepresentativeRole };
}
export type ApplicantKind = 'person' | 'organisation';
export type RepresentativeRole = 'legal_representative' | 'authorised';
/** The applicant as a submission names it; what the e-ID already says is taken from the session instead. */
export type ApplicantInput = Omit<Applicant, 'representative' | 'birthDate' | 'name'> & { name?: string };
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
  if (t.unit === 'same_day') return calendar.sameDayDue(from, t.cutoff);
  return t.unit === 'working_hours' ? calendar.addWorkingHours(from, t.value) : calendar.addWorkingDays(from, t.value);
}

export interface SubmitInput {
  procedureId: string; agencyId: string; applicant: ApplicantInput; formData: Record<string, unknown>; channel: Channel;
  /** Giấy ủy quyền: required online to submit for another person, or for an organisation as someone it authorised. */
  authorisation?: { uploadId: string };
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
  if (by.kind === 'citizen' && content.minIdentityLevel && (by.citizen.identityLevel ?? 0) < content.minIdentityLevel) {
    throw new AppError(403, 'IDENTITY_LEVEL_REQUIRED', `Thủ tục này yêu cầu tài khoản định danh điện tử mức ${content.minIdentityLevel} (VNeID) để nộp trực tuyến. Vui lòng đăng nhập lại bằng tài khoản định danh mức ${content.minIdentityLevel}.`,
      { required: content.minIdentityLevel, current: by.citizen.identityLevel });
  }
  const applicant = resolveApplicant(by, content, input.applicant, Boolean(input.authorisation));
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
  return db.transaction(async (tx) => {
    const code = await nextCode(tx, { id: home.id, code: home.code }, now);
    const [row] = await tx.query(
      `INSERT INTO dossiers (code, procedure_id, procedure_version, home_agency_id, agency_id, receiving_agency_id, channel, status,
         citizen_id, applicant, form_data, step, step_due_at, submitted_at, received_at, due_at, original_due_at, citizen_identity_level)
       VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16) RETURNING id`,
      [code, procedure.id, procedure.version, home.id, receiving.id, input.channel, received ? Status.Received : Status.New,
        by.kind === 'citizen' ? by.citizen.id : null, applicant, input.formData, firstStep, stepDue, now, received ? now : null, dueAt,
        by.kind === 'citizen' ? by.citizen.identityLevel : null]);
    const reused = await reuseStoredDocuments(tx, by.kind === 'citizen' ? by : { ...by, applicant: applicantStore(applicant) }, uploadOwner(by), row.id, picks);
    await attachFiles(tx, row.id, uploadOwner(by), content, [...(input.files ?? []), ...reused], by.kind === 'staff');
    if (input.authorisation) await attachAuthorisation(tx, row.id, uploadOwner(by), input.authorisation.uploadId);
    if (by.kind === 'citizen') await deleteDraft(tx, by.citizen.id, procedure.id);
    await recordEvent(tx, row.id, by, { action: 'submit', to: Status.New, note: representationNote(applicant),
      data: { channel: input.channel, files: (input.files ?? []).length + reused.length, reusedFromStore: reused.length,
        ...(applicant.representative && { representative: applicant.representative.role }) } });
    if (received) {
      await recordEvent(tx, row.id, by, { action: 'accept', from: Status.New, to: Status.Received, toStep: 1, toAgency: home.id,
        data: { dueAt: dueAt!.toISOString() } });
    }
    return { id: row.id as string, code };
  });
}

/** Mã số thuế: 10 digits, or 13 written 10-3 (a branch, đơn vị phụ thuộc) or run together; kept as 10 or 10-3. */
export function normalizeTaxCode(value: string): string | null {
  const m = /^([0-9]{10})(?:-?([0-9]{3}))?$/.exec(value.trim());
  return m ? (m[2] ? `${m[1]}-${m[2]}` : m[1]) : null;
}

/**
 * The applicant to record. Staff at the counter enter it from the papers in front of them. A citizen online is the
 * applicant themself — name, ID number and birth date come from the e-ID session, never from the request — unless
 * they submit on another person's behalf with an authorisation (giấy ủy quyền) or for an organisation, where they are
 * recorded as its representative (legal representative without an authorisation, authorised with one).
 */
function resolveApplicant(by: Who, content: ProcedureContent, input: ApplicantInput, authorised: boolean): Applicant {
  const text = (v: string | undefined) => (v === undefined ? undefined : nfc(v.trim()));
  const contact = Object.fromEntries((['address', 'phone', 'email'] as const).filter((k) => input[k]).map((k) => [k, text(input[k])]));
  const kind: ApplicantKind = input.kind ?? 'person';
  let taxCode: string | undefined;
  if (kind === 'organisation') {
    if (!content.applicantTypes.some((t) => t === 'business' || t === 'organization')) {
      throw badRequest('APPLICANT_TYPE_NOT_ALLOWED', 'Thủ tục này chỉ dành cho cá nhân; tổ chức, doanh nghiệp không nộp được thủ tục này.');
    }
    taxCode = normalizeTaxCode(input.taxCode ?? '') ?? undefined;
    if (!taxCode) throw badRequest('INVALID_TAX_CODE', 'Mã số thuế phải gồm 10 chữ số, hoặc 13 chữ số (dạng 10 số - 3 số) với đơn vị phụ thuộc.', [{ path: 'applicant/taxCode', message: 'không đúng định dạng' }]);
    if (!input.name?.trim()) throw badRequest('INVALID_APPLICANT', 'Vui lòng nhập tên tổ chức, doanh nghiệp.', [{ path: 'applicant/name', message: 'bắt buộc' }]);
    if (input.idNumber) throw badRequest('INVALID_APPLICANT', 'Tổ chức được xác định bằng mã số thuế, không dùng số định danh cá nhân.', [{ path: 'applicant/idNumber', message: 'không dùng cho tổ chức' }]);
  } else if (input.taxCode) {
    throw badRequest('INVALID_APPLICANT', 'Mã số thuế chỉ dùng khi người nộp là tổ chức, doanh nghiệp (kind "organisation").', [{ path: 'applicant/taxCode', message: 'chỉ dùng cho tổ chức' }]);
  }
  if (by.kind === 'staff') {
    if (authorised) throw badRequest('INVALID_APPLICANT', 'Tại quầy, giấy ủy quyền được nộp như một thành phần hồ sơ do cán bộ kiểm tra.');
    if (!input.name?.trim() || (kind === 'person' && !input.idNumber)) {
      throw badRequest('INVALID_APPLICANT', 'Vui lòng nhập họ tên và số định danh cá nhân của người nộp hồ sơ.', [{ path: 'applicant', message: 'thiếu họ tên hoặc số định danh' }]);
    }
    return { kind, name: text(input.name)!, ...(kind === 'person' ? { idNumber: input.idNumber } : { taxCode }), ...contact };
  }
  const me = by.citizen;
  const eid = { name: me.fullName, idNumber: me.idNumber, ...(me.birthDate && { birthDate: me.birthDate }) };
  if (kind === 'organisation') {
    return { kind, name: text(input.name)!, taxCode, ...contact, representative: { ...eid, role: authorised ? 'authorised' : 'legal_representative' } };
  }
  const forAnother = input.idNumber !== undefined && input.idNumber !== me.idNumber;
  if (!forAnother) {
    if (authorised) throw badRequest('AUTHORISATION_NOT_NEEDED', 'Bạn đang nộp hồ sơ cho chính mình nên không cần giấy ủy quyền.');
    return { kind, ...eid, ...contact };
  }
  if (!authorised) {
    throw new AppError(403, 'AUTHORISATION_REQUIRED', 'Bạn chỉ nộp hồ sơ với tư cách chính mình (theo tài khoản định danh điện tử). Để nộp thay người khác, hãy đính kèm giấy ủy quyền.', [{ path: 'authorisation', message: 'thiếu giấy ủy quyền' }]);
  }
  if (!input.name?.trim()) throw badRequest('INVALID_APPLICANT', 'Vui lòng nhập họ tên người ủy quyền.', [{ path: 'applicant/name', message: 'bắt buộc' }]);
  return { kind, name: text(input.name)!, idNumber: input.idNumber, ...contact, representative: { ...eid, role: 'authorised' } };
}

/** What staff read about who submitted: "Nộp thay cho … theo giấy ủy quyền", or the organisation's representative. */
export function representationNote(a: Applicant): string | null {
  const r = a.representative;
  if (!r) return null;
  const by = `${r.name} (số định danh ${r.idNumber})`;
  if (a.kind === 'organisation') {
    return `${by} nộp cho ${a.name} (mã số thuế ${a.taxCode}) với tư cách ${r.role === 'authorised' ? 'người được ủy quyền, theo giấy ủy quyền' : 'người đại diện theo pháp luật'}.`;
  }
  return `${by} nộp thay cho ${a.name} (số định danh ${a.idNumber}) theo giấy ủy quyền.`;
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

/** The roles that handle dossiers (assignment, consultation). */
const WORKING_ROLES: Role[] = ['counter_officer', 'specialist', 'unit_leader', 'agency_leader'];

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

/** A question goes to a named officer, or to a unit: anyone working in it (or below it) answers. */
const consultedBy = (actor: Actor, c: Record<string, any>) =>
  c.officer_id === actor.userId || (c.agency_id !== null && actor.agencyPath.split('/').includes(c.agency_id));

/** Who may take an action on a dossier as it stands: staff with one of `roles` in one of `agencies` (organisation ids), and the owner citizen when `owner`. */
interface Permit { roles: Role[]; agencies: string[]; owner?: boolean }

/** The permit of each action, from the dossier as it stands; null when no one can take it in this state (the state check answers). */
function permitFor(action: Action['action'], d: Record<string, any>, step: WorkflowStep | undefined): Permit | null {
  const desk = [d.receiving_agency_id, d.home_agency_id];
  const handling: string[] = [d.agency_id];
  switch (action) {
    case 'accept': case 'refuse': case 'return_result': case 'record_payment':
      return { roles: ['counter_officer'], agencies: desk };
    case 'submit_supplement': case 'withdraw':
      return { roles: ['counter_officer'], agencies: desk, owner: true };
    case 'request_supplement': case 'request_payment':
      return { roles: step ? [step.role, 'counter_officer'] : ['counter_officer'], agencies: [...handling, ...desk] };
    case 'forward': case 'send_back':
      return step ? { roles: [step.role], agencies: handling } : null;
    case 'consult':
      return { roles: ['specialist', 'unit_leader', 'agency_leader'], agencies: handling };
    case 'assign':
      // The leaders of the holding agency assign and reassign; the one-stop officer may name the first officer.
      return step ? { roles: ['unit_leader', 'agency_leader', 'counter_officer'], agencies: handling } : null;
    case 'answer_consultation':
      return null; // the consulted officer or unit, checked against the question itself
    case 'apologize':
      return { roles: ['agency_leader', 'unit_leader'], agencies: [...handling, d.home_agency_id] };
    case 'stop':
      return { roles: ['counter_officer', 'agency_leader'], agencies: [...handling, ...desk] };
  }
}

/**
 * Permission before state: someone who may not see the dossier gets the answer an unknown id gets (404); someone who
 * sees it but may not take this action gets 403; only then can the state answer 409. A null permit leaves it to the state.
 */
async function authorize(db: Queryable, by: Who, d: Record<string, any>, action: Action['action'], permit: Permit | null) {
  if (!(await canSee(db, by, d))) throw notFound('hồ sơ');
  if (by.kind === 'citizen') {
    if (!permit?.owner) throw forbidden('Thao tác này dành cho cán bộ.');
    return;
  }
  if (!permit) return;
  requireRole(by.actor, ...permit.roles);
  const org = await organisationOf(db, by.actor.agencyId);
  if (!permit.agencies.includes(org.id) && !isSystemAdmin(by.actor)) throw forbidden('Hồ sơ đang do cơ quan khác xử lý ở bước này.');
  // A step assigned to a named officer is theirs to move on; the leader reassigns it first.
  if ((action === 'forward' || action === 'send_back') && d.assignee_id && d.assignee_id !== by.actor.userId) {
    throw forbidden('Bước xử lý này đã được phân công cho cán bộ khác.');
  }
}

/** `by` null = the platform itself, which only takes SystemActions (actAsSystem's type keeps it there). */
async function actIn(inTransaction: InTransaction, calendar: WorkingCalendar, by: Who | null, dossierId: string, input: Action, expectedRevision?: number) {
  return inTransaction(async (tx) => {
    const [d] = await tx.query('SELECT * FROM dossiers WHERE id = $1 FOR UPDATE', [dossierId]);
    if (!d) throw notFound('hồ sơ');
    const content = await getProcedureVersion(tx, d.procedure_id, d.procedure_version);
    const step: WorkflowStep | undefined = d.step !== null ? content.workflow[d.step] : undefined;
    if (by) await authorize(tx, by, d, input.action, permitFor(input.action, d, step));
    if (expectedRevision !== undefined && d.revision !== expectedRevision) {
      throw conflict('STALE_DOSSIER', 'Hồ sơ vừa được người khác cập nhật; vui lòng tải lại.');
    }
    const now = new Date();
    const status = d.status as StatusCode;
    // Được tiếp nhận (2) and Đang xử lý (4) are both "in the workflow"; the first step action moves 2 to 4.
    const inWorkflow = (status === Status.Received || status === Status.Processing) && step !== undefined;
    const event: EventInput = { action: input.action, from: status, to: status, fromStep: d.step, toStep: d.step, fromAgency: d.agency_id, toAgency: d.agency_id };
    const set: Record<string, unknown> = {};
    /** The clock restarts: the appointments and the step's due time move by the working time spent waiting (returned). */
    const resume = () => {
      const waited = calendar.workingHoursBetween(new Date(d.paused_at), now);
      set.paused_at = null;
      set.paused_hours = Number(d.paused_hours) + waited;
      for (const column of ['due_at', 'original_due_at', 'step_due_at']) {
        if (d[column]) set[column] = calendar.addWorkingHours(new Date(d[column]), waited);
      }
      return waited;
    };
    const later: EventInput[] = [];
    /**
     * Dừng xử lý (status 8, Thông báo dừng giải quyết hồ sơ, Mẫu 05 from this event's note). It ends the dossier now; time
     * spent waiting for the citizen until now is not counted against it.
     */
    const stop = (from: StatusCode, note: string) => {
      const waitedHours = d.paused_at ? resume() : 0;
      Object.assign(set, { status: Status.Stopped, finished_at: now, step: null, step_due_at: null, paused_at: null });
      const e: EventInput = { action: 'stop', from, to: Status.Stopped, fromStep: d.step, toStep: null, fromAgency: d.agency_id, toAgency: d.agency_id, note,
        data: { waitedHours, withdrawal: from === Status.WithdrawalRequested } };
      if (input.action === 'stop') Object.assign(event, e); else later.push(e);
    };

    switch (input.action) {
      case 'accept': {
        if (status !== Status.New) invalid(status, 'tiếp nhận');
        const dueAt = appointment(calendar, content, now);
        Object.assign(set, { status: Status.Received, received_at: now, due_at: dueAt, original_due_at: dueAt, step: 1,
          step_due_at: stepDueAt(calendar, content.workflow, 1, now) });
        Object.assign(event, { to: Status.Received, toStep: 1, data: { dueAt: dueAt.toISOString() } });
        break;
      }
      case 'request_supplement': {
        if (status !== Status.New && !inWorkflow) invalid(status, 'yêu cầu bổ sung');
        // Only one request to supplement per dossier (Nghị định 118/2025/NĐ-CP).
        if (d.supplement_requests >= 1) throw conflict('SUPPLEMENT_ALREADY_REQUESTED', 'Hồ sơ đã được yêu cầu bổ sung một lần; không được yêu cầu bổ sung lần thứ hai.');
        Object.assign(set, { status: Status.SupplementRequested, paused_at: now, supplement_requests: d.supplement_requests + 1 });
        Object.assign(event, { to: Status.SupplementRequested, ...supplementRequestEvent(input, status) });
        break;
      }
      case 'submit_supplement': {
        if (status !== Status.SupplementRequested) invalid(status, 'nộp bổ sung');
        if (!by) throw forbidden();
        const [request] = await tx.query(`SELECT data FROM dossier_events WHERE dossier_id = $1 AND action = 'request_supplement' ORDER BY id DESC LIMIT 1`, [d.id]);
        const back = request.data.resumeStatus as StatusCode;
        await attachSupplement(tx, d.id, uploadOwner(by), content, request.data, input.files ?? [], by.kind === 'staff');
        Object.assign(set, { status: back });
        Object.assign(event, { to: back, note: input.note ?? null, data: { waitedHours: resume(), files: (input.files ?? []).length } });
        break;
      }
      case 'refuse': {
        // Only at reception (Mẫu 03): once accepted, a dossier is stopped instead (Mẫu 05) and stays in the statistics.
        if (d.received_at) throw conflict('INVALID_TRANSITION', 'Hồ sơ đã được tiếp nhận nên không thể từ chối tiếp nhận; hãy dừng xử lý (Thông báo dừng giải quyết hồ sơ).');
        if (status !== Status.New && status !== Status.SupplementRequested) invalid(status, 'từ chối');
        Object.assign(set, { status: Status.Refused, finished_at: now, step: null, step_due_at: null, paused_at: null });
        Object.assign(event, { to: Status.Refused, toStep: null, note: input.reasons.join('\n'), data: { reasons: input.reasons } });
        break;
      }
      case 'forward': {
        if (!inWorkflow) invalid(status, 'chuyển xử lý');
        const stepResult = classifyFinished(now, new Date(d.step_due_at));
        const nextIndex = d.step + 1;
        const next = content.workflow[nextIndex];
        if (!next) {
          // The last step done: the result is issued (Đã xử lý xong) and goes back to the one-stop desk.
          Object.assign(set, { status: Status.Done, finished_at: now, step: null, step_due_at: null, agency_id: d.home_agency_id });
          Object.assign(event, { action: 'approve', to: Status.Done, toStep: null, toAgency: d.home_agency_id, note: input.note ?? null,
            data: { stepResult, result: classifyFinished(now, judgedDueAt(d)!, d.supplement_requests) } });
          break;
        }
        const target = next.transferTo ? await transferTarget(tx, next, input.toAgencyId) : d.home_agency_id;
        Object.assign(set, { status: Status.Processing, step: nextIndex, step_due_at: stepDueAt(calendar, content.workflow, nextIndex, now), agency_id: target });
        Object.assign(event, { to: Status.Processing, toStep: nextIndex, toAgency: target, note: input.note ?? null, data: { stepResult } });
        break;
      }
      case 'send_back': {
        if (!inWorkflow || d.step <= 1) invalid(status, 'trả lại bước trước');
        const previousIndex = d.step - 1;
        const [lastIn] = await tx.query(`SELECT from_agency FROM dossier_events WHERE dossier_id = $1 AND to_step = $2 AND action = 'forward' ORDER BY id DESC LIMIT 1`, [d.id, d.step]);
        const target = lastIn?.from_agency ?? d.home_agency_id;
        Object.assign(set, { step: previousIndex, step_due_at: stepDueAt(calendar, content.workflow, previousIndex, now), agency_id: target });
        Object.assign(event, { toStep: previousIndex, toAgency: target, note: input.note });
        break;
      }
      case 'assign': {
        if (by?.kind !== 'staff') throw forbidden();
        if (![Status.Received, Status.Processing, Status.SupplementRequested, Status.PaymentRequested].includes(status as never)) invalid(status, 'phân công');
        if (d.assignee_id && !by.actor.roles.some((r) => r === 'unit_leader' || r === 'agency_leader')) {
          throw forbidden('Hồ sơ đã được phân công; chỉ lãnh đạo được phân công lại.');
        }
        const assignee = (await staffMembers(tx, [input.assigneeId])).get(input.assigneeId);
        if (!assignee?.active || !assignee.roles.includes(step!.role) || (await organisationOf(tx, assignee.agencyId)).id !== d.agency_id) {
          throw badRequest('INVALID_ASSIGNEE', 'Cán bộ được phân công phải có vai trò của bước này tại cơ quan đang xử lý hồ sơ.');
        }
        set.assignee_id = assignee.id;
        Object.assign(event, { note: input.note ?? null,
          data: { assigneeId: assignee.id, assigneeName: assignee.fullName, previousAssigneeId: d.assignee_id ?? null } });
        break;
      }
      case 'consult': {
        if (by?.kind !== 'staff') throw forbidden();
        if (!OPEN.includes(status)) invalid(status, 'xin ý kiến');
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
          [d.id, by.actor.userId, input.note, dueAt, consulted.map((c) => c.officerId), consulted.map((c) => c.agencyId)]);
        Object.assign(event, { note: input.note,
          data: { dueAt: dueAt.toISOString(), consulted: consulted.map((c, i) => ({ ...c, consultationId: rows[i].id })) } });
        break;
      }
      case 'answer_consultation': {
        if (by?.kind !== 'staff') throw forbidden();
        const [c] = await tx.query('SELECT * FROM dossier_consultations WHERE id = $1 AND dossier_id = $2 FOR UPDATE', [input.consultationId, d.id]);
        if (!c) throw notFound('yêu cầu xin ý kiến');
        if (!consultedBy(by.actor, c)) throw forbidden('Yêu cầu xin ý kiến này không gửi đến bạn hoặc đơn vị của bạn.');
        if (c.answered_at) throw conflict('ALREADY_ANSWERED', 'Yêu cầu xin ý kiến này đã được trả lời.');
        await tx.query('UPDATE dossier_consultations SET answer = $2, answered_by = $3, answered_at = $4 WHERE id = $1', [c.id, input.answer, by.actor.userId, now]);
        Object.assign(event, { note: input.answer, data: { consultationId: c.id, question: c.question, late: now > new Date(c.due_at) } });
        break;
      }
      case 'apologize': {
        if (!inWorkflow) invalid(status, 'xin lỗi và hẹn lại');
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
        Object.assign(set, { status: Status.Returned, returned_at: now });
        Object.assign(event, { to: Status.Returned, note: input.note ?? null, data: { method: input.method } });
        break;
      }
      case 'request_payment': {
        if (!inWorkflow) invalid(status, 'yêu cầu thực hiện nghĩa vụ tài chính');
        Object.assign(set, { status: Status.PaymentRequested, paused_at: now });
        Object.assign(event, { to: Status.PaymentRequested, note: input.note ?? null, data: { amount: input.amount, resumeStatus: status } });
        break;
      }
      case 'record_payment': {
        if (status !== Status.PaymentRequested) invalid(status, 'ghi nhận đã nộp phí');
        const [request] = await tx.query(`SELECT data FROM dossier_events WHERE dossier_id = $1 AND action = 'request_payment' ORDER BY id DESC LIMIT 1`, [d.id]);
        Object.assign(set, { status: request.data.resumeStatus });
        Object.assign(event, { to: request.data.resumeStatus, note: input.note ?? null,
          data: { waitedHours: resume(), reference: input.reference, amount: request.data.amount } });
        break;
      }
      case 'withdraw': {
        if (![Status.New, Status.Received, Status.Processing, Status.SupplementRequested, Status.PaymentRequested].includes(status as never)) invalid(status, 'rút hồ sơ');
        Object.assign(set, { status: Status.WithdrawalRequested });
        Object.assign(event, { to: Status.WithdrawalRequested, note: input.reason });
        // Asked in person at the counter (Nghị định 118/2025, art. 21(1)): the officer records the request and stops
        // the dossier at once; a request made online waits for an officer's stop.
        if (by?.kind === 'staff') stop(Status.WithdrawalRequested, `Công dân yêu cầu rút hồ sơ: ${input.reason}`);
        break;
      }
      case 'stop': {
        // Dừng xử lý: an accepted dossier, or a withdrawal the citizen asked for; before acceptance, refuse instead.
        if (status !== Status.WithdrawalRequested && !(d.received_at && OPEN_RECEIVED.includes(status))) {
          if (OPEN.includes(status)) throw conflict('INVALID_TRANSITION', 'Hồ sơ chưa được tiếp nhận: hãy từ chối tiếp nhận (Mẫu 03) thay vì dừng xử lý.');
          invalid(status, 'dừng xử lý');
        }
        stop(status, input.reason);
        break;
      }
    }
    // An assignment is to one step: it ends when the step changes or the dossier leaves the workflow.
    if ('step' in set && set.step !== d.step && d.assignee_id) set.assignee_id = null;
    if (Object.keys(set).length) {
      const columns = Object.keys(set);
      await tx.query(
        `UPDATE dossiers SET ${columns.map((c, i) => `${c} = $${i + 2}`).join(', ')}, revision = revision + 1, updated_at = now() WHERE id = $1`,
        [d.id, ...columns.map((c) => set[c])]);
    }
    for (const e of [event, ...later]) await recordEvent(tx, d.id, by, e);
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

/**
 * Who may see a dossier: its owner citizen; staff of the agencies it passes through (handling, competent, receiving,
 * or any it was transferred to or from); officers and units asked for their opinion on it; the IOC watching its
 * competent agency; system administrators. Everyone else is answered as if it did not exist.
 */
async function canSee(db: Queryable, by: Who, d: Record<string, any>): Promise<boolean> {
  if (by.kind === 'citizen') return d.citizen_id === by.citizen.id;
  if (isSystemAdmin(by.actor) || (await watchedByIoc(db, by.actor, d.home_agency_id))) return true;
  const org = await organisationOf(db, by.actor.agencyId);
  const [{ involved }] = await db.query(
    `SELECT $2::uuid IN ($3::uuid, $4::uuid, $5::uuid)
         OR EXISTS (SELECT 1 FROM dossier_events WHERE dossier_id = $1 AND $2::uuid IN (from_agency, to_agency))
         OR EXISTS (SELECT 1 FROM dossier_consultations WHERE dossier_id = $1 AND (officer_id = $6::uuid OR agency_id = ANY($7::uuid[]))) AS involved`,
    [d.id, org.id, d.agency_id, d.home_agency_id, d.receiving_agency_id, by.actor.userId, by.actor.agencyPath.split('/')]);
  return involved;
}

/** A dossier with its timeline, for whoever may see it (canSee). */
export async function getDossier(db: Queryable, by: Who, id: string) {
  const [d] = await db.query('SELECT * FROM dossiers WHERE id = $1', [id]);
  if (!d || !(await canSee(db, by, d))) throw notFound('hồ sơ');
  const content = await getProcedureVersion(db, d.procedure_id, d.procedure_version);
  const events = await db.query('SELECT * FROM dossier_events WHERE dossier_id = $1 ORDER BY id', [d.id]);
  const calendar = await workingCalendar(db);
  return { ...describe(d, content, calendar, await atRiskShare(db)), formData: d.form_data, applicant: d.applicant as Applicant,
    representation: representationNote(d.applicant),
    files: await listDossierFiles(db, d.id, content), events: events.map(toEvent),
    ...(by.kind === 'staff' ? await staffView(db, by.actor, d) : {}) };
}

/** What staff see besides the dossier: who the current step is assigned to, and the questions asked about it (xin ý kiến). */
async function staffView(db: Queryable, actor: Actor, d: Record<string, any>) {
const asked = await db.query('SELECT * FROM dossier_consultations WHERE dossier_id = $1 ORDER BY asked_at', [d.id]);
  const people = await staffMembers(db, [d.assignee_id, ...asked.flatMap((c) => [c.asked_by, c.officer_id, c.answered_by])].filter(Boolean));
  const names = await agencyNames(db, asked.map((c) => c.agency_id).filter(Boolean));
  // Questions asked together (one time) are listed named officers first, then units, each by name.
  const target = (c: Record<string, any>) => `${c.officer_id ? 0 : 1}${c.officer_id ? people.get(c.officer_id)?.fullName : names.get(c.agency_id)}`;
  const consultations = [...asked].sort((a, b) => new Date(a.asked_at).getTime() - new Date(b.asked_at).getTime() || target(a).localeCompare(target(b), 'vi'));
  const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
  const person = (id: string | null) => (id ? { id, name: people.get(id)?.fullName ?? '' } : null);
  return {
    assignee: person(d.assignee_id),
    consultations: consultations.map((c) => ({
      id: c.id, question: c.question, dueAt: iso(c.due_at), askedAt: iso(c.asked_at), askedBy: person(c.asked_by),
      officer: person(c.officer_id), agency: c.agency_id ? { id: c.agency_id, name: names.get(c.agency_id) ?? '' } : null,
      answer: c.answer, answeredBy: person(c.answered_by), answeredAt: iso(c.answered_at), forMe: !c.answered_at && consultedBy(actor, c),
    })),
  };
}

/**
 * The officers who may be assigned the dossier's current step (its role, in the holding agency), or the active
 * staff of a chosen agency to consult; for staff who may see the dossier.
 */
export async function dossierStaff(db: Queryable, actor: Actor, id: string, agencyId?: string) {
  const [d] = await db.query('SELECT * FROM dossiers WHERE id = $1', [id]);
  if (!d || !(await canSee(db, { kind: 'staff', actor }, d))) throw notFound('hồ sơ');
  const agency = await getAgencyRow(db, agencyId ?? d.agency_id);
  if (!agency) throw notFound('cơ quan');
  const staff = (await activeStaffIn(db, agency.path)).filter((m) => m.roles.some((r) => WORKING_ROLES.includes(r)));
  let role: Role | null = null;
  if (!agencyId && d.step !== null) {
    const content = await getProcedureVersion(db, d.procedure_id, d.procedure_version);
    role = content.workflow[d.step]?.role ?? null;
  }
  return staff.filter((m) => !role || m.roles.includes(role)).map((m) => ({ id: m.id, fullName: m.fullName, roles: m.roles, agencyName: m.agencyName }));
}

function describe(d: Record<string, any>, content: ProcedureContent, calendar: WorkingCalendar, riskShare: number) {
  const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
  const now = new Date();
  return {
    id: d.id, code: d.code, status: d.status as StatusCode, statusName: STATUS_NAMES[d.status as StatusCode], channel: d.channel,
    procedure: { id: d.procedure_id, version: d.procedure_version, name: content.name, code: content.nationalCode },
    agencyId: d.agency_id, homeAgencyId: d.home_agency_id, receivingAgencyId: d.receiving_agency_id,
    step: d.step, stepName: d.step !== null ? content.workflow[d.step]?.name ?? null : null, stepRole: d.step !== null ? content.workflow[d.step]?.role ?? null : null,
    stepDueAt: iso(d.step_due_at), submittedAt: iso(d.submitted_at), receivedAt: iso(d.received_at), dueAt: iso(d.due_at),
    originalDueAt: iso(d.original_due_at), finishedAt: iso(d.finished_at), returnedAt: iso(d.returned_at),
    supplementRequests: d.supplement_requests, apologies: d.apologies, pausedHours: Number(d.paused_hours), revision: d.revision,
    assigneeId: (d.assignee_id as string | null) ?? null,
    timeliness: dossierTimeliness(d as TimingRow, calendar, now, riskShare),
  };
}

const toEvent = (e: Record<string, any>) => ({
  id: Number(e.id), at: new Date(e.at).toISOString(), action: e.action, actorKind: e.actor_kind, actorName: e.actor_name,
  fromStatus: e.from_status, toStatus: e.to_status, fromStep: e.from_step, toStep: e.to_step, fromAgency: e.from_agency,
  toAgency: e.to_agency, note: e.note, data: e.data,
});

/**
 * A dossier the officer's organisation is handling — open, and at its one-stop desk or its competent or current
 * agency: the only ground for an officer to look into its applicant's data store. A dossier the officer may not see
 * answers 404 like an unknown id; one they see but no longer handle (finished) answers 403.
 */
export async function dossierInHand(db: Queryable, actor: Actor, id: string): Promise<{ id: string; applicant: Applicant }> {
  const d = await getDossier(db, { kind: 'staff', actor }, id);
  const org = await organisationOf(db, actor.agencyId);
  if (!OPEN.includes(d.status) || ![d.agencyId, d.receivingAgencyId, d.homeAgencyId].includes(org.id)) {
    throw new AppError(403, 'NOT_HANDLING', 'Chỉ xem được kho dữ liệu của người nộp khi cơ quan của bạn đang giải quyết hồ sơ của họ.');
  }
  return { id: d.id, applicant: d.applicant };
}

/**
 * Public lookup by code: status, procedure, agency and dates. Codes of one agency's day are consecutive, so anyone can
 * guess them: the applicant's name (masked) is shown only with a second factor, the last four digits of the
 * applicant's ID number or phone number (`verified`).
 */
export async function lookupDossier(db: Queryable, code: string, factor?: string) {
  // Typed codes may come in lower case; an exact match wins over the upper-case form.
  const [d] = await db.query('SELECT * FROM dossiers WHERE code = ANY($1::text[]) ORDER BY code = $2 DESC LIMIT 1', [[code, code.toUpperCase()], code]);
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

/**
 * The dossiers a citizen submitted, newest first; with a tax code, those they submitted for that organisation. A
 * business's dossiers are listed to each representative as far as they submitted them: anyone can type a tax code,
 * so a tax code alone never opens another representative's dossiers.
 */
export async function listCitizenDossiers(db: Queryable, citizen: Citizen, taxCode?: string) {
  const organisation = taxCode === undefined ? null : normalizeTaxCode(taxCode);
  if (taxCode !== undefined && !organisation) throw badRequest('INVALID_TAX_CODE', 'Mã số thuế phải gồm 10 chữ số, hoặc 13 chữ số (dạng 10 số - 3 số) với đơn vị phụ thuộc.');
  const rows = await db.query(
    `SELECT * FROM dossiers WHERE citizen_id = $1 AND ($2::text IS NULL OR applicant->>'taxCode' = $2) ORDER BY submitted_at DESC LIMIT 200`,
    [citizen.id, organisation]);
  const calendar = await workingCalendar(db);
  const share = await atRiskShare(db);
  const version = versionReader(db);
  return Promise.all(rows.map(async (d) => ({ ...describe(d, await version(d), calendar, share), applicant: applicantSummary(d.applicant) })));
}

/** Who a dossier is for, in a list: the person or organisation, and whether it was submitted for them. */
const applicantSummary = (a: Applicant) => ({
  kind: a.kind ?? 'person', name: a.name, taxCode: a.taxCode ?? null, representation: representationNote(a),
});

/**
 * An officer's inbox, soonest due first: open dossiers whose current step waits for one of the officer's roles in the
 * officer's organisation (reception work for counter officers), unless the step is assigned to someone else; for the
 * organisation's leaders every workflow step in it as well, assigned or not (phân công, theo dõi); and the dossiers on
 * which the officer or their unit is asked for an opinion (xin ý kiến).
 */
export async function inbox(db: Queryable, actor: Actor) {
  const org = await organisationOf(db, actor.agencyId);
  const rows = await db.query(
    `SELECT d.* FROM dossiers d WHERE d.status IN (1, 2, 4, 5, 7, 9)
       AND (d.agency_id = $1 OR d.receiving_agency_id = $1 OR d.home_agency_id = $1)
     ORDER BY coalesce(d.step_due_at, d.due_at, d.submitted_at) LIMIT 500`, [org.id]);
  const asked = await db.query(
    `SELECT d.*, c.id AS consultation_id, c.question AS consultation_question, c.due_at AS consultation_due_at
       FROM dossier_consultations c JOIN dossiers d ON d.id = c.dossier_id
      WHERE c.answered_at IS NULL AND (c.officer_id = $1 OR c.agency_id = ANY($2::uuid[])) ORDER BY c.due_at LIMIT 200`,
    [actor.userId, actor.agencyPath.split('/')]);
  const calendar = await workingCalendar(db);
  const share = await atRiskShare(db);
  const version = versionReader(db);
  const leads = actor.roles.some((r) => r === 'unit_leader' || r === 'agency_leader');
  const items = new Map<string, Record<string, any>>();
  const item = async (d: Record<string, any>, waitingForMe: boolean) => {
    const working = d.status === Status.Received || d.status === Status.Processing;
    return { ...describe(d, await version(d), calendar, share), waitingForMe, applicantName: d.applicant.name, consultation: null as unknown,
      stepTimeliness: d.step_due_at && working ? classifyOpen(calendar, new Date(d.updated_at), new Date(d.step_due_at), new Date(), share) : null };
  };
  for (const d of rows) {
    const content = await version(d);
    const working = d.status === Status.Received || d.status === Status.Processing;
    const role = working ? content.workflow[d.step]?.role : 'counter_officer';
    const here = working ? d.agency_id === org.id : [d.receiving_agency_id, d.home_agency_id].includes(org.id);
    const mine = Boolean(role && here && actor.roles.includes(role as Role) && (!d.assignee_id || d.assignee_id === actor.userId));
    if (mine || (leads && working && here)) items.set(d.id, await item(d, mine));
  }
  for (const d of asked) {
    const consultation = { id: d.consultation_id, question: d.consultation_question, dueAt: new Date(d.consultation_due_at).toISOString() };
    items.set(d.id, { ...(items.get(d.id) ?? await item(d, true)), waitingForMe: true, consultation });
  }
  const people = await staffMembers(db, [...items.values()].map((i) => i.assigneeId).filter(Boolean));
  const due = (i: Record<string, any>) => [i.consultation?.dueAt, i.stepDueAt ?? i.dueAt ?? i.submittedAt].filter(Boolean).sort()[0] ?? '';
  return [...items.values()].map((i) => ({ ...i, assigneeName: i.assigneeId ? people.get(i.assigneeId)?.fullName ?? null : null }))
    .sort((a, b) => due(a).localeCompare(due(b)));
}


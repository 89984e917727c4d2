// Dossiers (hồ sơ): submission online and at the counter, the one-stop lifecycle over the procedure's workflow,
// working-time deadlines, and the event history. Every state change and its event are written in one transaction,
// with the dossier row locked, so two concurrent actions on one dossier cannot both succeed.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Database, Queryable, Row } from '../db/index.ts';
import { committedAbove, idBack } from '../db/change-signal.ts';
import { inScope, isSystemAdmin, type Actor, type Role } from '../shared/actor.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../shared/errors.ts';
import { validationDetails } from '../shared/http.ts';
import { nfc } from '../shared/text.ts';
import { agencyNames, getAgencyRow, organisationOf } from '../agencies/service.ts';
import { activeStaffIn, staffMembers } from '../identity/service.ts';
import { getProcedureVersion, getPublishedProcedure } from '../catalog/service.ts';
import type { ProcedureContent, WorkflowStep } from '../catalog/types.ts';
import { workingCalendar } from '../calendar/service.ts';
import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import type { Citizen } from '../citizens/service.ts';
import { runDossierEventHooks, takeStoredDocuments, type DossierEventRecord, type StoredPick } from './hooks.ts';
import { insertFreshHistories, sealDossierEvents } from './chain.ts';
import { attachAuthorisation, attachFiles, checkRequiredComponents, deleteDraft, listDossierFiles, type FileRef } from './files.ts';
import {
  classifyOpen,
  dossierCodePrefix,
  dossierTimeliness,
  lastFourDigits,
  maskName,
  OPEN,
  Status,
  STATUS_NAMES,
  vietnamDate,
  type StatusCode,
  type TimingRow,
} from './rules.ts';
import { allowedActions, FollowUps, perform } from '../workflow/engine.ts';
import { dossierWorkflow, type Action } from './workflow.ts';

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
  address?: string;
  phone?: string;
  email?: string;
  /** Who submitted for the applicant: the organisation's legal representative, or a person authorised (người được ủy quyền). */
  representative?: { name: string; idNumber: string; birthDate?: string; role: RepresentativeRole };
}
export type ApplicantKind = 'person' | 'organisation';
export type RepresentativeRole = 'legal_representative' | 'authorised';
/** The applicant as a submission names it; what the e-ID already says is taken from the session instead. */
export type ApplicantInput = Omit<Applicant, 'representative' | 'birthDate' | 'name'> & { name?: string };
export type Who = { kind: 'staff'; actor: Actor } | { kind: 'citizen'; citizen: Citizen };

export const LEVEL_KINDS: Record<ProcedureContent['agencyLevel'], string> = {
  commune: 'commune_committee',
  department: 'department',
  province: 'province_committee',
};

/** Who owns the uploads a party makes. */
export const uploadOwner = (w: Who) => (w.kind === 'staff' ? `staff:${w.actor.userId}` : `citizen:${w.citizen.id}`);

const who = (w: Who) =>
  w.kind === 'staff' ? { kind: 'staff', id: w.actor.userId, name: w.actor.fullName } : { kind: 'citizen', id: w.citizen.id, name: w.citizen.fullName };

export interface EventInput {
  action: string;
  from?: StatusCode | null;
  to?: StatusCode | null;
  fromStep?: number | null;
  toStep?: number | null;
  fromAgency?: string | null;
  toAgency?: string | null;
  note?: string | null;
  data?: Record<string, unknown>;
}
/** Writes one event of a dossier (sealed into the dossier's hash chain) and runs the event hooks, in the caller's transaction. */
export async function recordEvent(tx: Queryable, dossierId: string, by: Who | null, e: EventInput, followUps?: FollowUps) {
  const actor = actorOf(by);
  const [row] = await tx.query(
    `INSERT INTO dossier_events (dossier_id, action, actor_kind, actor_id, actor_name, from_status, to_status, from_step, to_step,
       from_agency, to_agency, note, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id, at`,
    [
      dossierId,
      e.action,
      actor.kind,
      actor.id,
      actor.name,
      e.from ?? null,
      e.to ?? null,
      e.fromStep ?? null,
      e.toStep ?? null,
      e.fromAgency ?? null,
      e.toAgency ?? null,
      e.note ?? null,
      e.data ?? {},
    ],
  );
  await sealDossierEvents(tx, [dossierId]);
  // Actions the hooks ask for run after every hook of this event (and of the action's other events) has run.
  const queue = followUps ?? new FollowUps();
  await runEventHooks(tx, dossierId, eventRecord(Number(row.id), new Date(row.at), actor, e), queue);
  if (!followUps) await queue.drain();
}

const actorOf = (by: Who | null) => (by ? who(by) : { kind: 'system', id: null, name: 'Hệ thống' });

const eventRecord = (id: number, at: Date, actor: ReturnType<typeof actorOf>, e: EventInput): DossierEventRecord => ({
  id,
  at,
  action: e.action,
  actorKind: actor.kind,
  actorName: actor.name,
  fromStatus: e.from ?? null,
  toStatus: e.to ?? null,
  fromAgency: e.fromAgency ?? null,
  toAgency: e.toAgency ?? null,
  note: e.note ?? null,
  data: e.data ?? {},
});

const runEventHooks = (tx: Queryable, dossierId: string, event: DossierEventRecord, queue: FollowUps, row?: Row) =>
  runDossierEventHooks(tx, dossierId, event, (action) => queue.add(dossierWorkflow, tx, dossierId, action), row);

/** Dossier events as a change signal for live screens (db/change-signal.ts). */
export const dossierEventsSignal = {
  committed: (db: Queryable, after: string, next: string) => committedAbove(db, 'dossier_events', after, next),
  back: (db: Queryable, back: number) => idBack(db, 'dossier_events', back),
};

/**
 * Gives a submitted dossier its code: the agency's day's next number, under the sequence row's lock, which is held to
 * the commit. Unique and gap-free (a rolled-back submission returns its number); taken as the last write but the
 * hooks that need the code, so that concurrent submissions to one agency wait for as little as possible.
 * The number is padded to at least four digits, as dossierCode writes it.
 */
async function takeCode(tx: Queryable, dossierId: string, agency: { id: string; code: string }, at: Date): Promise<Row> {
  const [row] = await tx.query(
    `WITH n AS (INSERT INTO dossier_sequences (agency_id, day, last) VALUES ($1, $2, 1)
                ON CONFLICT (agency_id, day) DO UPDATE SET last = dossier_sequences.last + 1 RETURNING last::text AS last)
     UPDATE dossiers d SET code = $3 || lpad(n.last, greatest(4, length(n.last)), '0') FROM n WHERE d.id = $4 RETURNING d.*`,
    [agency.id, vietnamDate(at), dossierCodePrefix(agency.code, at), dossierId],
  );
  return row;
}

/** Ngày hẹn trả from the statutory processing time. */
export function appointment(calendar: WorkingCalendar, content: ProcedureContent, from: Date): Date {
  const t = content.processingTime;
  if (t.unit === 'same_day') return calendar.sameDayDue(from, t.cutoff);
  return t.unit === 'working_hours' ? calendar.addWorkingHours(from, t.value) : calendar.addWorkingDays(from, t.value);
}

export interface SubmitInput {
  procedureId: string;
  agencyId: string;
  applicant: ApplicantInput;
  formData: Record<string, unknown>;
  channel: Channel;
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
    throw new AppError(
      403,
      'IDENTITY_LEVEL_REQUIRED',
      `Thủ tục này yêu cầu tài khoản định danh điện tử mức ${content.minIdentityLevel} (VNeID) để nộp trực tuyến. Vui lòng đăng nhập lại bằng tài khoản định danh mức ${content.minIdentityLevel}.`,
      { required: content.minIdentityLevel, current: by.citizen.identityLevel },
    );
  }
  const applicant = resolveApplicant(by, content, input.applicant, Boolean(input.authorisation));
  const validate = ajv.compile(content.formSchema);
  if (!validate(input.formData)) {
    const details = validationDetails(validate.errors as any[], 'formData');
    throw badRequest('INVALID_FORM', `Tờ khai chưa hợp lệ: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}.`, details);
  }
  const picks = input.storedDocuments ?? [];
  if (input.channel === 'online')
    checkRequiredComponents(content, [...(input.files ?? []), ...picks.map((p) => ({ componentIndex: p.componentIndex, uploadId: p.documentId }))]);
  const home = await getAgencyRow(db, input.agencyId);
  if (!home?.active || home.kind !== LEVEL_KINDS[content.agencyLevel]) {
    throw badRequest('WRONG_AGENCY', 'Cơ quan được chọn không có thẩm quyền giải quyết thủ tục này.');
  }
  // The one-stop desk: the officer's own for counter and post; for online dossiers, the commune's own desk for
  // commune procedures, otherwise the province's (the Trung tâm Phục vụ hành chính công belongs to it).
  const receiving =
    by.kind === 'staff'
      ? await organisationOf(db, by.actor.agencyId)
      : content.agencyLevel === 'commune'
        ? home
        : await organisationOf(db, home.path.split('/')[0]);
  const calendar = await workingCalendar(db);
  const now = new Date();
  const received = input.channel !== 'online';
  const dueAt = received ? appointment(calendar, content, now) : null;
  const firstStep = received ? 1 : null;
  const stepDue = received ? stepDueAt(calendar, content.workflow, 1, now) : null;
  const actor = actorOf(by);
  return db.transaction(async (tx) => {
    // Everything but the code first, under a placeholder no one sees (the row is uncommitted until the code is set).
    const [row] = await tx.query(
      `INSERT INTO dossiers (code, procedure_id, procedure_version, home_agency_id, agency_id, receiving_agency_id, channel, status,
         citizen_id, applicant, form_data, step, step_due_at, submitted_at, received_at, due_at, original_due_at, citizen_identity_level)
       VALUES ('pending:' || gen_random_uuid(), $1, $2, $3, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15) RETURNING id`,
      [
        procedure.id,
        procedure.version,
        home.id,
        receiving.id,
        input.channel,
        received ? Status.Received : Status.New,
        by.kind === 'citizen' ? by.citizen.id : null,
        applicant,
        input.formData,
        firstStep,
        stepDue,
        now,
        received ? now : null,
        dueAt,
        by.kind === 'citizen' ? by.citizen.identityLevel : null,
      ],
    );
    const reused = await takeStoredDocuments(tx, by, applicant, row.id, picks);
    await attachFiles(tx, row.id, uploadOwner(by), content, [...(input.files ?? []), ...reused], by.kind === 'staff');
    if (input.authorisation) await attachAuthorisation(tx, row.id, uploadOwner(by), input.authorisation.uploadId);
    if (by.kind === 'citizen') await deleteDraft(tx, by.citizen.id, procedure.id);
    const events: EventInput[] = [
      {
        action: 'submit',
        to: Status.New,
        note: representationNote(applicant),
        data: {
          channel: input.channel,
          files: (input.files ?? []).length + reused.length,
          reusedFromStore: reused.length,
          ...(applicant.representative && { representative: applicant.representative.role }),
        },
      },
    ];
    if (received) {
      events.push({ action: 'accept', from: Status.New, to: Status.Received, toStep: 1, toAgency: home.id, data: { dueAt: dueAt!.toISOString() } });
    }
    // The dossier's first events, written sealed in one statement (a new dossier has no chain yet).
    const ids = await insertFreshHistories(
      tx,
      events.map((e) => ({
        dossierId: row.id,
        at: now,
        action: e.action,
        actorKind: actor.kind,
        actorId: actor.id,
        actorName: actor.name,
        fromStatus: e.from ?? null,
        toStatus: e.to ?? null,
        fromStep: e.fromStep,
        toStep: e.toStep,
        fromAgency: e.fromAgency,
        toAgency: e.toAgency,
        note: e.note ?? null,
        data: e.data ?? {},
      })),
    );
    // Then the code, and what needs it: the hooks (messages, payments and the data store carry the code).
    const dossier = await takeCode(tx, row.id, home, now);
    const queue = new FollowUps();
    for (const [i, e] of events.entries()) await runEventHooks(tx, row.id, eventRecord(Number(ids[i]), now, actor, e), queue, dossier);
    await queue.drain();
    return { id: row.id as string, code: dossier.code as string };
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
    if (!taxCode)
      throw badRequest('INVALID_TAX_CODE', 'Mã số thuế phải gồm 10 chữ số, hoặc 13 chữ số (dạng 10 số - 3 số) với đơn vị phụ thuộc.', [
        { path: 'applicant/taxCode', message: 'không đúng định dạng' },
      ]);
    if (!input.name?.trim())
      throw badRequest('INVALID_APPLICANT', 'Vui lòng nhập tên tổ chức, doanh nghiệp.', [{ path: 'applicant/name', message: 'bắt buộc' }]);
    if (input.idNumber)
      throw badRequest('INVALID_APPLICANT', 'Tổ chức được xác định bằng mã số thuế, không dùng số định danh cá nhân.', [
        { path: 'applicant/idNumber', message: 'không dùng cho tổ chức' },
      ]);
  } else if (input.taxCode) {
    throw badRequest('INVALID_APPLICANT', 'Mã số thuế chỉ dùng khi người nộp là tổ chức, doanh nghiệp (kind "organisation").', [
      { path: 'applicant/taxCode', message: 'chỉ dùng cho tổ chức' },
    ]);
  }
  if (by.kind === 'staff') {
    if (authorised) throw badRequest('INVALID_APPLICANT', 'Tại quầy, giấy ủy quyền được nộp như một thành phần hồ sơ do cán bộ kiểm tra.');
    if (!input.name?.trim() || (kind === 'person' && !input.idNumber)) {
      throw badRequest('INVALID_APPLICANT', 'Vui lòng nhập họ tên và số định danh cá nhân của người nộp hồ sơ.', [
        { path: 'applicant', message: 'thiếu họ tên hoặc số định danh' },
      ]);
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
    throw new AppError(
      403,
      'AUTHORISATION_REQUIRED',
      'Bạn chỉ nộp hồ sơ với tư cách chính mình (theo tài khoản định danh điện tử). Để nộp thay người khác, hãy đính kèm giấy ủy quyền.',
      [{ path: 'authorisation', message: 'thiếu giấy ủy quyền' }],
    );
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
export function stepDueAt(calendar: WorkingCalendar, workflow: WorkflowStep[], index: number, from: Date): Date | null {
  const step = workflow[index];
  return step ? calendar.addWorkingHours(from, step.hours) : null;
}

function requireRole(actor: Actor, ...roles: Role[]) {
  if (!actor.roles.some((r) => roles.includes(r))) {
    throw forbidden(`Thao tác này dành cho vai trò: ${roles.join(', ')}.`);
  }
}

// ---- actions: the dossier workflow (workflow.ts) run by the engine ------------------------------

/** The roles that handle dossiers (assignment, consultation). */
const WORKING_ROLES: Role[] = ['counter_officer', 'specialist', 'unit_leader', 'agency_leader'];

/** What parties ask for through the API: every action but recording a signed result, which only the results module does. */
export type PartyAction = Exclude<Action, { action: 'sign_result' }>;

export async function act(db: Database, by: Who, dossierId: string, input: PartyAction, expectedRevision?: number) {
  const d = await db.transaction((tx) => perform(dossierWorkflow, tx, by, dossierId, input, { expectedRevision }));
  return { id: d.row.id as string, code: d.row.code as string };
}

/** The payment actions the platform takes itself (a fee due at reception, a settled payment). */
export type SystemAction = Extract<Action, { action: 'request_payment' | 'record_payment' }>;

/** A SystemAction inside the caller's transaction (the payments module settles and moves the dossier together). */
export async function actAsSystem(tx: Queryable, dossierId: string, input: SystemAction) {
  await perform(dossierWorkflow, tx, null, dossierId, input);
}

/** A question goes to a named officer, or to a unit: anyone working in it (or below it) answers. */
export const consultedBy = (actor: Actor, c: Record<string, any>) =>
  c.officer_id === actor.userId || (c.agency_id !== null && actor.agencyPath.split('/').includes(c.agency_id));

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
export async function canSee(db: Queryable, by: Who, d: Record<string, any>): Promise<boolean> {
  if (by.kind === 'citizen') return d.citizen_id === by.citizen.id;
  if (isSystemAdmin(by.actor) || (await watchedByIoc(db, by.actor, d.home_agency_id))) return true;
  const org = await organisationOf(db, by.actor.agencyId);
  const [{ involved }] = await db.query(
    `SELECT $2::uuid IN ($3::uuid, $4::uuid, $5::uuid)
         OR EXISTS (SELECT 1 FROM dossier_events WHERE dossier_id = $1 AND $2::uuid IN (from_agency, to_agency))
         OR EXISTS (SELECT 1 FROM dossier_consultations WHERE dossier_id = $1 AND (officer_id = $6::uuid OR agency_id = ANY($7::uuid[]))) AS involved`,
    [d.id, org.id, d.agency_id, d.home_agency_id, d.receiving_agency_id, by.actor.userId, by.actor.agencyPath.split('/')],
  );
  return involved;
}

/** A dossier with its timeline, for whoever may see it (canSee). */
export async function getDossier(db: Queryable, by: Who, id: string) {
  const [d] = await db.query('SELECT * FROM dossiers WHERE id = $1', [id]);
  if (!d || !(await canSee(db, by, d))) throw notFound('hồ sơ');
  const content = await getProcedureVersion(db, d.procedure_id, d.procedure_version);
  const events = await db.query('SELECT * FROM dossier_events WHERE dossier_id = $1 ORDER BY id', [d.id]);
  const calendar = await workingCalendar(db);
  const allowed = await allowedActions(dossierWorkflow, db, by, (await dossierWorkflow.load(db, d.id, false))!);
  return {
    ...describe(d, content, calendar, await atRiskShare(db)),
    formData: d.form_data,
    applicant: d.applicant as Applicant,
    representation: representationNote(d.applicant),
    allowedActions: allowed,
    files: await listDossierFiles(db, d.id, content),
    events: events.map(toEvent),
    ...(by.kind === 'staff' ? await staffView(db, by.actor, d) : {}),
  };
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
      id: c.id,
      question: c.question,
      dueAt: iso(c.due_at),
      askedAt: iso(c.asked_at),
      askedBy: person(c.asked_by),
      officer: person(c.officer_id),
      agency: c.agency_id ? { id: c.agency_id, name: names.get(c.agency_id) ?? '' } : null,
      answer: c.answer,
      answeredBy: person(c.answered_by),
      answeredAt: iso(c.answered_at),
      forMe: !c.answered_at && consultedBy(actor, c),
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

function describe(d: Record<string, any>, content: ProcedureContent, calendar: WorkingCalendar, riskShare: number, now = new Date()) {
  const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
  return {
    id: d.id,
    code: d.code,
    status: d.status as StatusCode,
    statusName: STATUS_NAMES[d.status as StatusCode],
    channel: d.channel,
    procedure: { id: d.procedure_id, version: d.procedure_version, name: content.name, code: content.nationalCode },
    agencyId: d.agency_id,
    homeAgencyId: d.home_agency_id,
    receivingAgencyId: d.receiving_agency_id,
    step: d.step,
    stepName: d.step !== null ? (content.workflow[d.step]?.name ?? null) : null,
    stepRole: d.step !== null ? (content.workflow[d.step]?.role ?? null) : null,
    stepDueAt: iso(d.step_due_at),
    submittedAt: iso(d.submitted_at),
    receivedAt: iso(d.received_at),
    dueAt: iso(d.due_at),
    originalDueAt: iso(d.original_due_at),
    finishedAt: iso(d.finished_at),
    returnedAt: iso(d.returned_at),
    supplementRequests: d.supplement_requests,
    apologies: d.apologies,
    pausedHours: Number(d.paused_hours),
    revision: d.revision,
    assigneeId: (d.assignee_id as string | null) ?? null,
    timeliness: dossierTimeliness(d as TimingRow, calendar, now, riskShare),
  };
}

const toEvent = (e: Record<string, any>) => ({
  id: Number(e.id),
  at: new Date(e.at).toISOString(),
  action: e.action,
  actorKind: e.actor_kind,
  actorName: e.actor_name,
  fromStatus: e.from_status,
  toStatus: e.to_status,
  fromStep: e.from_step,
  toStep: e.to_step,
  fromAgency: e.from_agency,
  toAgency: e.to_agency,
  note: e.note,
  data: e.data,
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
 * Recent lookup answers by code, for the process: a citizen reloading the page, or many asking after one dossier, cost
 * no query. Every write to a dossier in this process forgets its answer (`forgetLookup`, from the workflow's write),
 * so the next lookup here reads it again; a write by another server process on the same database shows once the
 * answer is LOOKUP_CACHE_MS old, and so does a lookup that read the row while a write was being committed.
 * Only what the answer needs is kept: the last four digits of the second factors, not the numbers.
 */
export const LOOKUP_CACHE_MS = 1000;
const LOOKUP_CACHE_SIZE = 10_000;
interface LookupEntry {
  db: Queryable;
  at: number;
  answer: ReturnType<typeof lookupAnswer>;
  factors: string[];
  maskedName: string | null;
}
const lookups = new Map<string, LookupEntry>();
/** Moves on at every forget: an answer read while a write happened is not kept. */
let lookupWrites = 0;

export function forgetLookup(code: string) {
  lookups.delete(code);
  lookupWrites++;
}

/**
 * Public lookup by code: status, procedure, agency and dates. Codes of one agency's day are consecutive, so anyone can
 * guess them: the applicant's name (masked) is shown only with a second factor, the last four digits of the
 * applicant's ID number or phone number (`verified`).
 */
export async function lookupDossier(db: Queryable, code: string, factor?: string) {
  let entry = lookups.get(code);
  if (!entry || entry.db !== db || Date.now() - entry.at >= LOOKUP_CACHE_MS) {
    const writes = lookupWrites;
    entry = await readLookup(db, code);
    // Kept under the code as stored; a code typed in lower case is read each time.
    if (writes === lookupWrites && entry.answer.code === code) {
      lookups.delete(code);
      if (lookups.size >= LOOKUP_CACHE_SIZE) lookups.delete(lookups.keys().next().value!);
      lookups.set(code, entry);
    }
  }
  const verified = factor !== undefined && entry.factors.includes(factor);
  return { ...entry.answer, verified, applicantName: verified ? entry.maskedName : null };
}

async function readLookup(db: Queryable, code: string): Promise<LookupEntry> {
  const at = Date.now();
  // One indexed read with the two names (register.ts reads the same way). Typed codes may come in lower case; an
  // exact match wins over the upper-case form.
  const [d] = await db.query(
    `SELECT d.code, d.status, d.applicant->>'name' AS name, d.applicant->>'idNumber' AS id_number, d.applicant->>'phone' AS phone,
            d.submitted_at, d.received_at, d.due_at, d.finished_at, d.apologies, a.name AS agency_name, v.content->>'name' AS procedure_name
       FROM dossiers d
       JOIN agencies a ON a.id = d.home_agency_id
       JOIN procedure_versions v ON v.procedure_id = d.procedure_id AND v.version = d.procedure_version
      WHERE d.code = ANY($1::text[]) ORDER BY d.code = $2 DESC LIMIT 1`,
    [[code, code.toUpperCase()], code],
  );
  if (!d) throw notFound('hồ sơ');
  const factors = [d.id_number, d.phone].map((v) => lastFourDigits(v)).filter((digits) => digits.length === 4);
  return { db, at, answer: lookupAnswer(d), factors, maskedName: d.name ? maskName(d.name) : null };
}

function lookupAnswer(d: Row) {
  const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
  return {
    code: d.code as string,
    status: d.status as number,
    statusName: STATUS_NAMES[d.status as StatusCode],
    procedureName: d.procedure_name as string,
    agencyName: d.agency_name as string,
    submittedAt: iso(d.submitted_at),
    receivedAt: iso(d.received_at),
    dueAt: iso(d.due_at),
    finishedAt: iso(d.finished_at),
    apologized: d.apologies > 0,
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
  if (taxCode !== undefined && !organisation)
    throw badRequest('INVALID_TAX_CODE', 'Mã số thuế phải gồm 10 chữ số, hoặc 13 chữ số (dạng 10 số - 3 số) với đơn vị phụ thuộc.');
  const rows = await db.query(
    `SELECT * FROM dossiers WHERE citizen_id = $1 AND ($2::text IS NULL OR applicant->>'taxCode' = $2) ORDER BY submitted_at DESC LIMIT 200`,
    [citizen.id, organisation],
  );
  const calendar = await workingCalendar(db);
  const share = await atRiskShare(db);
  const version = versionReader(db);
  return Promise.all(rows.map(async (d) => ({ ...describe(d, await version(d), calendar, share), applicant: applicantSummary(d.applicant) })));
}

/** Who a dossier is for, in a list: the person or organisation, and whether it was submitted for them. */
const applicantSummary = (a: Applicant) => ({
  kind: a.kind ?? 'person',
  name: a.name,
  taxCode: a.taxCode ?? null,
  representation: representationNote(a),
});

/** The statuses a dossier waits in at a workflow step, and those in which it waits for the one-stop desk. */
const IN_STEP = [Status.Received, Status.Processing];
const AT_DESK = [Status.New, Status.SupplementRequested, Status.WithdrawalRequested, Status.Done];

/**
 * An officer's inbox, soonest due first, a page at a time: open dossiers whose current step waits for one of the
 * officer's roles in the officer's organisation (reception work for counter officers), unless the step is assigned to
 * someone else; for the organisation's leaders every workflow step in it as well, assigned or not (phân công, theo
 * dõi); and the dossiers on which the officer or their unit is asked for an opinion (xin ý kiến). Chosen, counted and
 * paged in SQL (the agencies' indexes, 0005 and 0064), in a stable order: due time, then id.
 */
export async function inbox(db: Queryable, actor: Actor, page = { page: 1, pageSize: INBOX_PAGE_SIZE }) {
  const org = await organisationOf(db, actor.agencyId);
  const leads = actor.roles.some((r) => r === 'unit_leader' || r === 'agency_leader');
  const rows = await db.query(
    `WITH asked AS (
       -- The soonest-due open question to this officer or their unit, per dossier.
       SELECT DISTINCT ON (c.dossier_id) c.dossier_id, c.id, c.question, c.due_at
         FROM dossier_consultations c
        WHERE c.answered_at IS NULL AND (c.officer_id = $1 OR c.agency_id = ANY($2::uuid[]))
        ORDER BY c.dossier_id, c.due_at, c.id
     ), listed AS (
       SELECT d.id,
              coalesce(CASE WHEN d.status = ANY($5::smallint[]) THEN v.step_roles->>d.step ELSE 'counter_officer' END = ANY($4::text[])
                       AND (d.assignee_id IS NULL OR d.assignee_id = $1), false) AS mine,
              d.status = ANY($5::smallint[]) AS in_step
         FROM dossiers d JOIN procedure_versions v ON v.procedure_id = d.procedure_id AND v.version = d.procedure_version
        WHERE (d.status = ANY($5::smallint[]) AND d.agency_id = $3)
           OR (d.status = ANY($6::smallint[]) AND (d.receiving_agency_id = $3 OR d.home_agency_id = $3))
     ), items AS (
       SELECT coalesce(l.id, a.dossier_id) AS id, coalesce(l.mine, false) OR a.dossier_id IS NOT NULL AS waiting_for_me,
              a.id AS consultation_id, a.question AS consultation_question, a.due_at AS consultation_due_at
         FROM (SELECT * FROM listed WHERE mine OR ($7 AND in_step)) l FULL JOIN asked a ON a.dossier_id = l.id
     )
     -- One row even past the last page, for the total.
     SELECT n.total, p.* FROM (SELECT count(*)::int AS total FROM items) n LEFT JOIN LATERAL (
       SELECT d.*, i.waiting_for_me, i.consultation_id, i.consultation_question, i.consultation_due_at
         FROM items i JOIN dossiers d ON d.id = i.id
        ORDER BY least(i.consultation_due_at, coalesce(d.step_due_at, d.due_at, d.submitted_at)), d.id
        LIMIT $8 OFFSET $9) p ON true`,
    [actor.userId, actor.agencyPath.split('/'), org.id, actor.roles, IN_STEP, AT_DESK, leads, page.pageSize, (page.page - 1) * page.pageSize],
  );
  const total = Number(rows[0].total);
  const found = rows.filter((d) => d.id);
  const calendar = await workingCalendar(db);
  const share = await atRiskShare(db);
  const version = versionReader(db);
  const people = await staffMembers(db, found.map((d) => d.assignee_id).filter(Boolean));
  const now = new Date();
  const items = await Promise.all(
    found.map(async (d) => ({
      ...describe(d, await version(d), calendar, share, now),
      waitingForMe: d.waiting_for_me as boolean,
      applicantName: d.applicant.name,
      consultation: d.consultation_id
        ? { id: d.consultation_id, question: d.consultation_question, dueAt: new Date(d.consultation_due_at).toISOString() }
        : null,
      stepTimeliness: d.step_due_at && IN_STEP.includes(d.status) ? classifyOpen(calendar, new Date(d.updated_at), new Date(d.step_due_at), now, share) : null,
      assigneeName: d.assignee_id ? (people.get(d.assignee_id)?.fullName ?? null) : null,
    })),
  );
  return { items, total, page: page.page, pageSize: page.pageSize };
}
export const INBOX_PAGE_SIZE = 50;

// Văn bản đi, đến: creating drafts and paper registrations, files, the actions of both case types (signing and
// issuing with the signing module), one document's view for those who may see it, and the inboxes.
import { fileTypeFromBuffer } from 'file-type';
import { PDFDocument } from 'pdf-lib';
import type { Database, Queryable } from '../db/index.ts';
import type { DocumentsRow } from '../db/schema.ts';
import type { Actor } from '../shared/actor.ts';
import { AppError, badRequest, notFound } from '../shared/errors.ts';
import { nfc } from '../shared/text.ts';
import { agenciesById, agenciesUnder, agencyNames, getAgencyRow, isOrganisationCode, organisationOf, platformOrganisations } from '../agencies/service.ts';
import { activeStaffIn, staffMembers, staffNames } from '../identity/service.ts';
import { workingCalendar } from '../calendar/service.ts';
import { checkUploadContent, type UploadSettings } from '../dossiers/files.ts';
import { placeName } from '../results/service.ts';
import { appendSignature, signNewPdf } from '../signing/pdf.ts';
import type { SigningProvider } from '../signing/service.ts';
import { checkPdfSignatures } from '../signing/verify.ts';
import { allowedActions, perform, refusalOf, type Party } from '../workflow/engine.ts';
import { documentType, formatNumber, nextNumber, notationOf } from './numbering.ts';
import {
  canSee,
  DRAFTERS,
  type COMPETENCE,
  incomingWorkflow,
  insertEvent,
  NATIONAL_STATUS,
  NATIONAL_STATUS_NAMES,
  outgoingWorkflow,
  type SECRECY,
  URGENCIES,
  type DocumentFile,
  type IncomingAction,
  type IncomingStatus,
  type OutgoingAction,
  stateName,
  summaryOf,
} from './workflow.ts';

type Urgency = (typeof URGENCIES)[number];
type Secrecy = (typeof SECRECY)[number];
const staff = (actor: Actor): Party => ({ kind: 'staff', actor });

export interface OutgoingInput {
  typeCode: string;
  subject: string;
  urgency?: Urgency;
  /** The hour of a hỏa tốc hẹn giờ document (required with it, refused with any other urgency). */
  urgentAt?: string;
  secrecy?: Secrecy;
  /** Of a secret document: who else may see it (the drafter always does). */
  readers?: string[];
  /** Nơi nhận on the platform: receiving agencies. */
  recipients: string[];
  /** Nơi nhận outside the platform, by mã định danh: sent through the document exchange at issue. */
  outsideRecipients?: { organId: string; name: string }[];
}

/** Hỏa tốc hẹn giờ names the hour; no other urgency does. */
function urgentAt(input: { urgency?: Urgency; urgentAt?: string }): Date | null {
  if ((input.urgency === 'hoa_toc_hen_gio') !== Boolean(input.urgentAt)) {
    throw badRequest('INVALID_URGENT_AT', 'Văn bản hỏa tốc hẹn giờ phải nêu giờ; độ khẩn khác không nêu giờ.');
  }
  return input.urgentAt ? new Date(input.urgentAt) : null;
}

/** The people named on a secret document: staff of the organisation, each once. */
async function checkReaders(db: Queryable, org: { id: string; path: string }, ids: string[]): Promise<void> {
  const found = await agenciesOfStaff(db, ids);
  for (const id of ids) {
    const path = found.get(id);
    if (!path || !(path === org.path || path.startsWith(`${org.path}/`))) {
      throw badRequest('INVALID_READER', 'Người được xem văn bản mật phải là cán bộ của cơ quan.');
    }
  }
}
async function agenciesOfStaff(db: Queryable, ids: string[]): Promise<Map<string, string>> {
  const members = await staffMembers(db, ids);
  return new Map([...members].filter(([, m]) => m.active).map(([id, m]) => [id, m.agencyPath]));
}

/** A new draft of the signed-in staff member's unit; nothing is written when any part of it is wrong. */
export async function createOutgoing(db: Database, actor: Actor, input: OutgoingInput): Promise<{ id: string }> {
  if (!actor.roles.some((r) => DRAFTERS.includes(r))) throw new AppError(403, 'FORBIDDEN', 'Chỉ chuyên viên, lãnh đạo và văn thư được soạn thảo văn bản.');
  const type = await documentType(db, input.typeCode);
  const org = await organisationOf(db, actor.agencyId);
  const urgent = urgentAt(input);
  const secrecy = input.secrecy ?? 'thuong';
  const readers = secrecy === 'thuong' ? [] : [...new Set([actor.userId, ...(input.readers ?? [])])];
  if (secrecy === 'thuong' && input.readers?.length) throw badRequest('READERS_ONLY_FOR_SECRET', 'Chỉ văn bản mật mới giới hạn người được xem.');
  await checkReaders(db, org, readers);
  if (new Set(input.recipients).size !== input.recipients.length) throw badRequest('DUPLICATE_RECIPIENT', 'Một cơ quan được nêu hai lần trong nơi nhận.');
  const agencies = await agenciesById(db, input.recipients);
  for (const id of input.recipients) {
    const a = agencies.get(id);
    // Sub-units receive through their organisation's văn thư; an agency outside the platform is named in outsideRecipients.
    if (!a?.active || a.kind === 'unit') throw badRequest('UNKNOWN_RECIPIENT', 'Nơi nhận phải là cơ quan đang hoạt động trên hệ thống.', { agencyId: id });
    if (a.id === org.id) throw badRequest('INVALID_RECIPIENT', 'Cơ quan không gửi văn bản cho chính mình qua hệ thống.');
  }
  const outside = input.outsideRecipients ?? [];
  if (new Set(outside.map((o) => o.organId)).size !== outside.length) throw badRequest('DUPLICATE_RECIPIENT', 'Một cơ quan được nêu hai lần trong nơi nhận.');
  const platformCodes = new Set((await platformOrganisations(db)).map((o) => o.code));
  for (const o of outside) {
    if (!isOrganisationCode(o.organId)) {
      throw badRequest('INVALID_ORGAN_ID', `Mã định danh "${o.organId}" của nơi nhận không đúng định dạng.`, { organId: o.organId });
    }
    if (platformCodes.has(o.organId)) {
      throw badRequest('RECIPIENT_ON_PLATFORM', 'Cơ quan này ở trên hệ thống: chọn trong danh sách nơi nhận trên hệ thống.', { organId: o.organId });
    }
  }
  // Văn bản mật is not sent over the exchange (Luật Bảo vệ bí mật nhà nước: only through the confidential channels).
  if (secrecy !== 'thuong' && outside.length) throw badRequest('SECRET_NOT_EXCHANGED', 'Văn bản mật không gửi liên thông ra ngoài hệ thống.');
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      `INSERT INTO documents (direction, agency_id, status, type_code, subject, urgency, urgent_at, secrecy, readers, created_by, unit_id)
       VALUES ('outgoing', $1, 'draft', $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [org.id, type.code, nfc(input.subject), URGENCIES.indexOf(input.urgency ?? 'thuong'), urgent, secrecy, readers, actor.userId, actor.agencyId],
    );
    for (const id of input.recipients) await tx.query('INSERT INTO document_recipients (document_id, agency_id) VALUES ($1, $2)', [row.id, id]);
    for (const o of outside) {
      await tx.query('INSERT INTO document_recipients (document_id, organ_id, organ_name) VALUES ($1, $2, $3)', [row.id, o.organId, nfc(o.name)]);
    }
    await insertEvent(tx, row.id, staff(actor), null, { action: 'create', data: { typeCode: type.code } }, 'draft');
    return row;
  });
}

export interface PaperInput {
  typeCode: string;
  subject: string;
  fromName: string;
  sourceNotation: string;
  sourceDate: string;
  urgency?: Urgency;
  urgentAt?: string;
  secrecy?: Secrecy;
  readers?: string[];
  /** When the paper arrived (default now). */
  arrivedAt?: string;
}

/** The văn thư registers a paper document: in the incoming register at once, with its số đến. */
export async function registerPaper(db: Database, actor: Actor, input: PaperInput): Promise<{ id: string; arrivalNumber: number }> {
  if (!actor.roles.includes('clerk')) throw new AppError(403, 'FORBIDDEN', 'Chỉ văn thư được vào sổ văn bản đến.');
  const type = await documentType(db, input.typeCode);
  const org = await organisationOf(db, actor.agencyId);
  const urgent = urgentAt(input);
  const secrecy = input.secrecy ?? 'thuong';
  const readers = secrecy === 'thuong' ? [] : [...new Set([actor.userId, ...(input.readers ?? [])])];
  await checkReaders(db, org, readers);
  const now = new Date();
  const arrivedAt = input.arrivedAt ? new Date(input.arrivedAt) : now;
  if (arrivedAt > now) throw badRequest('INVALID_ARRIVAL', 'Thời điểm văn bản đến không thể ở tương lai.');
  return db.transaction(async (tx) => {
    const { year, number } = await nextNumber(tx, org.id, 'incoming', now);
    const [row] = await tx.query<{ id: string }>(
      `INSERT INTO documents (direction, agency_id, status, type_code, subject, urgency, urgent_at, secrecy, readers, created_by, from_name,
         source_notation, source_date, channel, arrived_at, registered_at, book, year, number)
       VALUES ('incoming', $1, 'registered', $2, $3, $4, $15, $5, $6, $7, $8, $9, $10, 'paper', $11, $12, 'incoming', $13, $14) RETURNING id`,
      [
        org.id,
        type.code,
        nfc(input.subject),
        URGENCIES.indexOf(input.urgency ?? 'thuong'),
        secrecy,
        readers,
        actor.userId,
        nfc(input.fromName),
        nfc(input.sourceNotation),
        input.sourceDate,
        arrivedAt,
        now,
        year,
        number,
        urgent,
      ],
    );
    await insertEvent(tx, row.id, staff(actor), null, { action: 'register', data: { arrivalNumber: number, year, channel: 'paper' } }, 'registered');
    return { id: row.id, arrivalNumber: number };
  });
}

async function directionOf(db: Queryable, id: string): Promise<'outgoing' | 'incoming'> {
  const [r] = await db.query<Pick<DocumentsRow, 'direction'>>('SELECT direction FROM documents WHERE id = $1', [id]);
  if (!r) throw notFound('văn bản');
  return r.direction as 'outgoing' | 'incoming';
}

/** Adds a file: a draft's main PDF (a new version when it has one) or attachment, or a paper document's scan. */
export async function attachFile(
  db: Database,
  actor: Actor,
  id: string,
  file: { filename: string; mimetype: string; content: Buffer },
  kind: DocumentFile['kind'],
  settings: UploadSettings,
): Promise<void> {
  const direction = await directionOf(db, id);
  // Who may not add a file learns nothing about the file's content: permission and state first.
  const refusal =
    direction === 'outgoing'
      ? await refusalOf(outgoingWorkflow, db, staff(actor), id, 'attach')
      : await refusalOf(incomingWorkflow, db, staff(actor), id, 'attach');
  if (refusal) throw refusal;
  await checkUploadContent(file.filename, file.mimetype, file.content, settings);
  const mime = (await fileTypeFromBuffer(file.content))!.mime;
  const input = { action: 'attach' as const, file: { kind, name: nfc(file.filename), mime, content: file.content } };
  await db.transaction((tx) =>
    direction === 'outgoing' ? perform(outgoingWorkflow, tx, staff(actor), id, input) : perform(incomingWorkflow, tx, staff(actor), id, input),
  );
}

/** The actions taken with a JSON body (every one but attaching, signing and issuing, which carry files). */
export type JsonAction =
  | Extract<OutgoingAction, { action: 'submit' | 'approve_review' | 'send_back' | 'recall' }>
  | Exclude<IncomingAction, { action: 'attach' | 'recall' }>;
const OUTGOING_JSON = new Set(['submit', 'approve_review', 'send_back', 'recall']);

export async function act(db: Database, actor: Actor, id: string, input: JsonAction, expectedRevision?: number): Promise<void> {
  const direction = await directionOf(db, id);
  await db.transaction(async (tx) => {
    if (direction === 'outgoing') {
      if (!OUTGOING_JSON.has(input.action)) await refuseUnknown(tx, actor, id, input.action, direction);
      await perform(outgoingWorkflow, tx, staff(actor), id, input as OutgoingAction, { expectedRevision });
    } else {
      if (OUTGOING_JSON.has(input.action)) await refuseUnknown(tx, actor, id, input.action, direction);
      await perform(incomingWorkflow, tx, staff(actor), id, input as IncomingAction, { expectedRevision });
    }
  });
}

/** An action of the other direction: 404 for who may not see the document, else 400 (it is not in this workflow). */
async function refuseUnknown(tx: Queryable, actor: Actor, id: string, action: string, direction: 'outgoing' | 'incoming'): Promise<never> {
  const type = direction === 'outgoing' ? outgoingWorkflow : incomingWorkflow;
  const c = await type.load(tx, id, false);
  if (!c || !(await type.visible(tx, staff(actor), c))) throw notFound('văn bản');
  throw badRequest('UNKNOWN_ACTION', `Thao tác "${action}" không có trong quy trình ${direction === 'outgoing' ? 'văn bản đi' : 'văn bản đến'}.`);
}

// ---- signing and issuing ----

export interface SignInput {
  competence?: (typeof COMPETENCE)[number];
  /** Whom the signer signs for with KT., TM., TL., TUQ. ("Chủ tịch", "Ủy ban nhân dân"). */
  onBehalfOf?: string;
  /** The signer's own position ("Phó Chủ tịch"). */
  position: string;
  note?: string;
}

const lastPage = async (pdf: Buffer) => (await PDFDocument.load(pdf, { updateMetadata: false })).getPageCount() - 1;
// The signer's block at the bottom right of the last page; the seal overlaps its left third (Decree 30 art. 33).
const LEADER_RECT: [number, number, number, number] = [340, 60, 540, 130];
const SEAL_RECT: [number, number, number, number] = [290, 55, 400, 135];

async function documentFile(db: Queryable, id: string, version: number, kind: string): Promise<Buffer> {
  const [f] = await db.query<{ content: Uint8Array }>('SELECT content FROM document_files WHERE document_id = $1 AND version = $2 AND kind = $3', [
    id,
    version,
    kind,
  ]);
  if (!f) throw new AppError(409, 'MAIN_FILE_MISSING', 'Văn bản chưa có tệp để ký.');
  return Buffer.from(f.content);
}

/** Quyền hạn, chức vụ of the signer (art. 13): "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", or the position alone. */
export function signerLine(input: SignInput): string {
  const position = nfc(input.position).toLocaleUpperCase('vi-VN');
  if (!input.competence) {
    if (input.onBehalfOf) throw badRequest('COMPETENCE_REQUIRED', 'Hãy nêu thẩm quyền ký (KT., TM., TL., TUQ.) khi ký thay cho người khác.');
    return position;
  }
  if (!input.onBehalfOf) throw badRequest('ON_BEHALF_REQUIRED', `Ký ${input.competence}. phải nêu ký thay cho ai (ví dụ Chủ tịch, Ủy ban nhân dân).`);
  return `${input.competence}. ${nfc(input.onBehalfOf).toLocaleUpperCase('vi-VN')} / ${position}`;
}

/** The leader approves by signing the current version with their certificate; the signature is checked before it is kept. */
export async function signOutgoing(db: Database, actor: Actor, id: string, input: SignInput, provider: SigningProvider): Promise<void> {
  const refusal = await refusalOf(outgoingWorkflow, db, staff(actor), id, 'sign');
  if (refusal) throw refusal;
  const line = signerLine(input);
  const c = (await outgoingWorkflow.load(db, id, false))!;
  const org = (await getAgencyRow(db, c.row.agency_id))!;
  const draft = await documentFile(db, id, c.row.version, 'main');
  const leader = await provider.person(db, {
    userId: actor.userId,
    username: actor.username,
    fullName: actor.fullName,
    title: input.position,
    agencyName: org.name,
  });
  const signedAt = new Date();
  const signed = await signNewPdf(draft, leader.signer, {
    field: 'LanhDao',
    page: await lastPage(draft),
    rect: LEADER_RECT,
    name: actor.fullName,
    reason: line,
    location: await place(db, org),
    signingTime: signedAt,
  });
  const checks = checkPdfSignatures(signed, await provider.trustedAuthorities(db));
  if (checks.length !== 1 || !checks[0].intact || !checks[0].trusted) {
    throw new AppError(500, 'SIGNATURE_SELF_CHECK_FAILED', 'Văn bản vừa ký không qua được bước tự kiểm tra chữ ký số.');
  }
  const signatures = [{ role: 'leader', subject: checks[0].signer!.subject, serialNumber: checks[0].signer!.serialNumber, signedAt: checks[0].signedAt }];
  await db.transaction((tx) =>
    perform(outgoingWorkflow, tx, staff(actor), id, { action: 'sign', signed: { content: signed, signatures }, signerLine: line, note: input.note }),
  );
}

async function place(db: Queryable, org: { kind: string; name: string; path: string }): Promise<string> {
  const rootId = org.path.split('/')[0];
  return placeName(org, (await agencyNames(db, [rootId])).get(rootId) ?? '');
}

/**
 * The văn thư issues a signed document: in one transaction the next number of the agency's book and year is taken,
 * the agency's seal is appended (its signature names the number, so the number is signed), both signatures are
 * checked, the file is kept byte for byte and the copies go to the recipients.
 */
export async function issueOutgoing(db: Database, actor: Actor, id: string, provider: SigningProvider): Promise<{ notation: string }> {
  const refusal = await refusalOf(outgoingWorkflow, db, staff(actor), id, 'issue');
  if (refusal) throw refusal;
  const c = (await outgoingWorkflow.load(db, id, false))!;
  const org = (await getAgencyRow(db, c.row.agency_id))!;
  const unit = c.row.unit_id ? await getAgencyRow(db, c.row.unit_id) : undefined;
  if (!org.abbreviation) throw new AppError(409, 'AGENCY_ABBREVIATION_MISSING', `Cơ quan "${org.name}" chưa có chữ viết tắt để ghi số, ký hiệu văn bản.`);
  const type = await documentType(db, c.row.type_code);
  const notation = notationOf(type.abbreviation, org.abbreviation, unit?.id === org.id ? null : (unit?.abbreviation ?? null));
  const signed = await documentFile(db, id, c.row.version, 'signed');
  const seal = await provider.seal(db, { agencyId: org.id, agencyCode: org.code, agencyName: org.name });
  const trusted = await provider.trustedAuthorities(db);
  const location = await place(db, org);
  const signerName = (await staffNames(db, [c.row.signer_id!])).get(c.row.signer_id!) ?? '';
  const sealFor = async (full: string) => {
    const signedAt = new Date();
    const sealed = await appendSignature(signed, seal.signer, {
      field: 'DauCoQuan',
      page: await lastPage(signed),
      rect: SEAL_RECT,
      name: org.name,
      reason: `Phat hanh van ban so ${full}`,
      location,
      signingTime: signedAt,
    });
    const checks = checkPdfSignatures(sealed, trusted);
    if (checks.length !== 2 || !checks.every((k) => k.intact && k.trusted) || !checks[1].coversWholeDocument) {
      throw new AppError(500, 'SIGNATURE_SELF_CHECK_FAILED', 'Văn bản vừa đóng dấu không qua được bước tự kiểm tra chữ ký số; chưa phát hành.');
    }
    return {
      content: sealed,
      signatures: checks.map((k, i) => ({
        role: i === 0 ? 'leader' : 'seal',
        subject: k.signer!.subject,
        serialNumber: k.signer!.serialNumber,
        signedAt: k.signedAt,
      })),
    };
  };
  let full = '';
  await db.transaction((tx) =>
    perform(outgoingWorkflow, tx, staff(actor), id, {
      action: 'issue',
      notation,
      sourceName: org.name,
      outside: {
        from: { organId: org.code, organName: org.name },
        place: location,
        type: { typeName: type.name, abbreviation: type.abbreviation },
        signerName,
      },
      seal: async (n: string) => {
        full = n;
        return sealFor(n);
      },
    }),
  );
  return { notation: full };
}

// ---- reading ----

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const AT_RISK_HOURS = 8; // less than one working day left

function flagsOf(row: DocumentsRow, now: Date, hoursLeft: (due: Date) => number) {
  const open = !['done', 'refused', 'recalled', 'issued'].includes(row.status);
  const overdue = open && row.due_at !== null && row.due_at < now;
  const atRisk = open && !overdue && row.due_at !== null && hoursLeft(row.due_at) <= AT_RISK_HOURS;
  return { overdue, atRisk };
}

/** The state's Vietnamese name, as the case type declares it. */
async function visibleCase(db: Queryable, actor: Actor, id: string) {
  // The source date as the calendar day it is (a date column read as an instant would shift with the time zone).
  const [row] = await db.query<DocumentsRow & { source_day: string | null }>(
    `SELECT *, to_char(source_date, 'YYYY-MM-DD') AS source_day FROM documents WHERE id = $1`,
    [id],
  );
  const org = (await organisationOf(db, actor.agencyId)).id;
  if (!row || !canSee(actor, org, row)) throw notFound('văn bản');
  // Every look at a secret document is logged (Luật Bảo vệ bí mật nhà nước).
  if (row.secrecy !== 'thuong') await db.query('INSERT INTO document_secret_views (document_id, user_id) VALUES ($1, $2)', [row.id, actor.userId]);
  return row;
}

/** One document as those who may see it see it, with the actions they may take now. */
export async function getDocument(db: Queryable, actor: Actor, id: string) {
  const row = await visibleCase(db, actor, id);
  const outgoing = row.direction === 'outgoing';
  const type = await documentType(db, row.type_code);
  const files = await db.query(
    'SELECT id, version, kind, name, mime, size, sha256, created_at FROM document_files WHERE document_id = $1 ORDER BY version, created_at, id',
    [id],
  );
  const events = await db.query('SELECT action, from_status, to_status, actor_name, note, data, at FROM document_events WHERE document_id = $1 ORDER BY id', [
    id,
  ]);
  const unitIds = [row.unit_id, row.lead_unit_id, row.from_agency_id, ...row.coordinating_unit_ids].filter((x): x is string => Boolean(x));
  const names = await agencyNames(db, unitIds);
  const people = await staffNames(
    db,
    [row.handler_id, row.signer_id].filter((x): x is string => Boolean(x)),
  );
  const recipients = outgoing ? await recipientsOf(db, id) : [];
  const calendar = await workingCalendar(db);
  const now = new Date();
  const c = { row };
  const allowed = outgoing ? await allowedActions(outgoingWorkflow, db, staff(actor), c) : await allowedActions(incomingWorkflow, db, staff(actor), c);
  return {
    id: row.id,
    direction: row.direction,
    status: row.status,
    statusName: stateName(row),
    nationalStatus: outgoing ? null : NATIONAL_STATUS[row.status as IncomingStatus],
    type,
    subject: row.subject,
    urgency: URGENCIES[row.urgency],
    urgentAt: iso(row.urgent_at),
    secrecy: row.secrecy,
    version: row.version,
    number: row.number,
    year: row.year,
    notation: outgoing && row.number !== null ? `${formatNumber(row.number)}/${row.notation}` : null,
    issuedAt: iso(row.issued_at),
    signerLine: row.signer_line,
    signer: row.signer_id ? (people.get(row.signer_id) ?? null) : null,
    signatures: row.signatures,
    unit: row.unit_id ? { id: row.unit_id, name: names.get(row.unit_id) ?? null } : null,
    arrivalNumber: outgoing ? null : row.number,
    arrivedAt: iso(row.arrived_at),
    registeredAt: iso(row.registered_at),
    channel: row.channel,
    from: outgoing ? null : { agencyId: row.from_agency_id, name: row.from_name },
    sourceNotation: row.source_notation,
    sourceDate: row.source_day,
    leadUnit: row.lead_unit_id ? { id: row.lead_unit_id, name: names.get(row.lead_unit_id) ?? null } : null,
    coordinatingUnits: row.coordinating_unit_ids.map((u) => ({ id: u, name: names.get(u) ?? null })),
    directionNote: row.direction_note,
    dueAt: iso(row.due_at),
    handler: row.handler_id ? { id: row.handler_id, name: people.get(row.handler_id) ?? null } : null,
    progress: row.progress,
    replyId: row.reply_id,
    refusalReason: row.refusal_reason,
    ...flagsOf(row, now, (due) => calendar.workingHoursBetween(now, due)),
    recipients,
    files,
    events,
    revision: row.revision,
    allowedActions: allowed,
    choices: await choicesOf(db, actor, row, new Set(allowed.map((a) => a.action))),
  };
}

/**
 * What the offered actions choose from, so the page needs no lists of its own: the organisation's units for the
 * leader's direction, the lead unit's staff for naming the handler, the organisation's issued documents for a reply.
 */
async function choicesOf(db: Queryable, actor: Actor, row: DocumentsRow, offered: Set<string>) {
  const org = await organisationOf(db, row.agency_id);
  const units = offered.has('direct')
    ? (await agenciesUnder(db, org.path)).filter((a) => a.kind === 'unit' && a.active).map((a) => ({ id: a.id, name: a.name }))
    : [];
  const lead = offered.has('assign_handler') && row.lead_unit_id ? (await agenciesById(db, [row.lead_unit_id])).get(row.lead_unit_id) : undefined;
  const handlers = lead ? (await activeStaffIn(db, lead.path)).filter((m) => m.agencyId === lead.id).map((m) => ({ id: m.id, name: m.fullName })) : [];
  const replies = offered.has('close')
    ? (
        await db.query<DocumentsRow>(
          `SELECT * FROM documents WHERE agency_id = $1 AND direction = 'outgoing' AND status = 'issued' ORDER BY issued_at DESC LIMIT 200`,
          [org.id],
        )
      )
        .filter((r) => canSee(actor, org.id, r))
        .slice(0, 50)
        .map((r) => ({ id: r.id, notation: `${formatNumber(r.number!)}/${r.notation}`, subject: r.subject }))
    : [];
  return { units, handlers, replies };
}

/** Each recipient with the status it last reported and every one before (what the sender follows). */
async function recipientsOf(db: Queryable, id: string) {
  const rows = await db.query<{
    id: string;
    agency_id: string | null;
    organ_id: string | null;
    name: string;
    status_code: string | null;
    status_at: Date | null;
  }>(
    `SELECT r.id, r.agency_id, r.organ_id, coalesce(a.name, r.organ_name) AS name, r.status_code, r.status_at
       FROM document_recipients r LEFT JOIN agencies a ON a.id = r.agency_id
      WHERE r.document_id = $1 ORDER BY 4`,
    [id],
  );
  const history = await db.query<{ recipient_id: string; status_code: string; description: string | null; at: Date }>(
    `SELECT s.recipient_id, s.status_code, s.description, s.at FROM document_recipient_statuses s JOIN document_recipients r ON r.id = s.recipient_id
     WHERE r.document_id = $1 ORDER BY s.id`,
    [id],
  );
  return rows.map((r) => ({
    agencyId: r.agency_id,
    // An agency outside the platform, reached through the document exchange.
    organId: r.organ_id,
    name: r.name,
    status: r.status_code,
    statusName: r.status_code ? NATIONAL_STATUS_NAMES[r.status_code] : 'Chưa gửi',
    statusAt: iso(r.status_at),
    history: history
      .filter((h) => h.recipient_id === r.id)
      .map((h) => ({ status: h.status_code, statusName: NATIONAL_STATUS_NAMES[h.status_code], description: h.description, at: h.at.toISOString() })),
  }));
}

/** A file of a document, byte for byte as stored. */
export async function readFile(db: Queryable, actor: Actor, id: string, fileId: string) {
  await visibleCase(db, actor, id);
  const [f] = await db.query<{ name: string; mime: string; content: Uint8Array }>(
    'SELECT name, mime, content FROM document_files WHERE id = $1 AND document_id = $2',
    [fileId, id],
  );
  if (!f) throw notFound('tệp của văn bản');
  return { name: f.name, mime: f.mime, content: Buffer.from(f.content) };
}

export const BOXES = ['incoming', 'outgoing', 'todo'] as const;
export const PAGE_SIZES = { default: 50, max: 200 } as const;

/**
 * An inbox: the incoming or outgoing documents the staff member sees, or those waiting for an action of theirs
 * (todo, each with the actions waiting); urgent ones first (hỏa tốc … thường), then the nearest deadline, paged;
 * overdue and at-risk ones flagged by the working calendar; an outgoing document names its recipients (nơi nhận).
 */
export async function listDocuments(
  db: Queryable,
  actor: Actor,
  box: (typeof BOXES)[number],
  { page = 1, pageSize = PAGE_SIZES.default }: { page?: number; pageSize?: number } = {},
) {
  const org = (await organisationOf(db, actor.agencyId)).id;
  const rows = await db.query<DocumentsRow>(
    `SELECT * FROM documents WHERE agency_id = $1 AND ($2 = 'todo' OR direction = $2)
     ORDER BY urgency DESC, due_at ASC NULLS LAST, created_at DESC LIMIT 2000`,
    [org, box],
  );
  const found: { row: DocumentsRow; waiting: string[] }[] = [];
  for (const row of rows.filter((r) => canSee(actor, org, r))) {
    if (box !== 'todo') {
      found.push({ row, waiting: [] });
      continue;
    }
    const allowed =
      row.direction === 'outgoing'
        ? await allowedActions(outgoingWorkflow, db, staff(actor), { row })
        : await allowedActions(incomingWorkflow, db, staff(actor), { row });
    // Adding files and recalling a sent document are there to take, not waiting to be done.
    const waiting = allowed.filter((a) => a.action !== 'attach' && a.action !== 'recall').map((a) => a.label);
    if (waiting.length) found.push({ row, waiting });
  }
  const shown = found.slice((page - 1) * pageSize, page * pageSize);
  const calendar = await workingCalendar(db);
  const now = new Date();
  const types = new Map((await db.query<{ code: string; name: string }>('SELECT code, name FROM document_types')).map((t) => [t.code, t.name]));
  const recipients = await recipientNames(
    db,
    shown.filter((f) => f.row.direction === 'outgoing').map((f) => f.row.id),
  );
  return {
    total: found.length,
    page,
    pageSize,
    items: shown.map(({ row, waiting }) => {
      return {
        ...summaryOf(row, types.get(row.type_code)),
        recipients: recipients.get(row.id) ?? [],
        dueAt: iso(row.due_at),
        createdAt: row.created_at.toISOString(),
        waiting,
        ...flagsOf(row, now, (due) => calendar.workingHoursBetween(now, due)),
      };
    }),
  };
}

/** The recipients' names of outgoing documents, by document. */
async function recipientNames(db: Queryable, ids: string[]): Promise<Map<string, string[]>> {
  if (!ids.length) return new Map();
  const rows = await db.query<{ document_id: string; name: string }>(
    `SELECT r.document_id, coalesce(a.name, r.organ_name) AS name FROM document_recipients r LEFT JOIN agencies a ON a.id = r.agency_id
      WHERE r.document_id = ANY($1::uuid[]) ORDER BY 2`,
    [ids],
  );
  const names = new Map<string, string[]>();
  for (const r of rows) names.set(r.document_id, [...(names.get(r.document_id) ?? []), r.name]);
  return names;
}

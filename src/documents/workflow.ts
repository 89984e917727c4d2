// Văn bản đi and văn bản đến as two case types of the workflow engine (Decree 30/2020/NĐ-CP arts. 14, 20–24).
// Outgoing: draft (the drafter uploads versions) → review by the drafting unit's leader → the agency leader signs
// (personal digital signature with the competence mark) or sends it back with comments → the văn thư numbers it,
// applies the agency's seal and sends it. Incoming: arrived (01, electronic) or registered from paper → registered
// with its số đến (03) → the leader's direction: lead unit, coordinating units, deadline (04) → the lead unit names
// a handler → progress (05) → closed, optionally with the reply (06); or refused with a reason (02); or recalled by its
// sender before the direction (15). Each incoming copy of a document sent on the platform reports its
// national-axis status code back to the sender as it moves; one that came through the exchange, through the exchange.
import { createHash } from 'node:crypto';
import type { Queryable } from '../db/index.ts';
import type { DocumentsRow } from '../db/schema.ts';
import type { Actor, Role } from '../shared/actor.ts';
import { badRequest, conflict, forbidden } from '../shared/errors.ts';
import { defineCaseType, perform, updateCaseRow, type ActionDeclaration, type Change, type Party } from '../workflow/engine.ts';
import { agenciesById, organisationOf } from '../agencies/service.ts';
import { activeStaffIn, staffMembers } from '../identity/service.ts';
import { workingCalendar } from '../calendar/service.ts';
import { vietnamDate } from '../shared/time.ts';
import { alertIfUrgent } from './alerts.ts';
import { formatNumber, nextNumber } from './numbering.ts';
import { recallDocument, sendDocument, sendStatus } from '../exchange/service.ts';
import { documentIdOf, STATUS_CODES, type Organisation, type Priority, type StatusCode } from '../exchange/edxml.ts';

export const URGENCIES = ['thuong', 'khan', 'thuong_khan', 'hoa_toc', 'hoa_toc_hen_gio'] as const; // edXML priority 0–4
export const SECRECY = ['thuong', 'mat', 'toi_mat', 'tuyet_mat'] as const; // Luật Bảo vệ bí mật nhà nước 2018
export const COMPETENCE = ['KT', 'TM', 'TL', 'TUQ'] as const; // thẩm quyền ký (art. 13)

export type OutgoingStatus = 'draft' | 'reviewing' | 'awaiting_signature' | 'signed' | 'issued';
export type IncomingStatus = 'arrived' | 'registered' | 'directed' | 'assigned' | 'processing' | 'done' | 'refused' | 'recalled';

export const OUTGOING_STATES = {
  draft: { name: 'Dự thảo', clock: 'not_started' },
  reviewing: { name: 'Chờ lãnh đạo đơn vị soát xét', clock: 'runs' },
  awaiting_signature: { name: 'Chờ lãnh đạo cơ quan duyệt, ký', clock: 'runs' },
  signed: { name: 'Đã ký, chờ văn thư cấp số và phát hành', clock: 'runs' },
  issued: { name: 'Đã phát hành', clock: 'stopped', final: true },
} as const satisfies Record<OutgoingStatus, { name: string; clock: string; final?: boolean }>;

export const INCOMING_STATES = {
  arrived: { name: 'Đã đến, chờ vào sổ', clock: 'runs' },
  registered: { name: 'Đã vào sổ, chờ lãnh đạo cho ý kiến', clock: 'runs' },
  directed: { name: 'Đã phân công đơn vị, chờ giao người xử lý', clock: 'runs' },
  assigned: { name: 'Đã giao người xử lý', clock: 'runs' },
  processing: { name: 'Đang xử lý', clock: 'runs' },
  done: { name: 'Hoàn thành', clock: 'stopped', final: true },
  refused: { name: 'Từ chối tiếp nhận', clock: 'stopped', final: true },
  recalled: { name: 'Nơi gửi đã thu hồi', clock: 'stopped', final: true },
} as const satisfies Record<IncomingStatus, { name: string; clock: string; final?: boolean }>;

/** What every list of documents shows of one (the boxes, search): its state, type, number or số đến, sender. */
export function summaryOf(
  row: Pick<DocumentsRow, 'id' | 'direction' | 'status' | 'subject' | 'urgency' | 'secrecy' | 'number' | 'notation' | 'source_notation' | 'from_name'>,
  typeName: string | undefined,
) {
  const outgoing = row.direction === 'outgoing';
  return {
    id: row.id,
    direction: row.direction,
    status: row.status,
    statusName: stateName(row),
    typeName,
    subject: row.subject,
    urgency: URGENCIES[row.urgency],
    secrecy: row.secrecy,
    notation: outgoing && row.number !== null ? `${formatNumber(row.number)}/${row.notation}` : row.source_notation,
    arrivalNumber: outgoing ? null : row.number,
    from: row.from_name,
  };
}

/** A document's state in Vietnamese, as every list and page shows it. */
export const stateName = (row: { direction: string; status: string }): string | null =>
  ((row.direction === 'outgoing' ? OUTGOING_STATES : INCOMING_STATES) as Record<string, { name: string }>)[row.status]?.name ?? null;

/** The national axis's status code (VDXP/edXML status package) each incoming state reports to the sender. */
export const NATIONAL_STATUS: Record<IncomingStatus, string> = {
  arrived: '01',
  refused: '02',
  registered: '03',
  directed: '04',
  assigned: '04',
  processing: '05',
  done: '06',
  recalled: '15', // the exchange module answers a recall itself
};
/** The names of the national axis's status codes (and of 15, 16: an outside recipient's answer to a recall). */
export const NATIONAL_STATUS_NAMES: Record<string, string> = STATUS_CODES;

export interface DocumentFile {
  kind: 'main' | 'attachment' | 'scan';
  name: string;
  mime: string;
  content: Buffer;
}
export interface SignedFile {
  content: Buffer;
  signatures: Record<string, unknown>[];
}

export type OutgoingAction =
  | { action: 'attach'; file: DocumentFile } // thêm tệp dự thảo (a new main file is a new version)
  | { action: 'submit'; note?: string } // trình soát xét
  | { action: 'approve_review'; note?: string } // lãnh đạo đơn vị trình ký
  | { action: 'send_back'; note: string } // trả lại, kèm ý kiến
  | { action: 'sign'; signed: SignedFile; signerLine: string; note?: string } // lãnh đạo ký số
  // văn thư cấp số, đóng dấu số, phát hành: the seal is applied once the number is taken, and its signature names it
  | { action: 'issue'; notation: string; sourceName: string; seal: (fullNotation: string) => Promise<SignedFile>; outside: OutsideSender }
  | { action: 'recall'; reason: string }; // thu hồi văn bản đã gửi (13)

/** What an edXML package to outside recipients says of its sender, beyond the document row. */
export interface OutsideSender {
  from: Organisation;
  /** Địa danh (the place before the date). */
  place: string;
  type: { typeName: string; abbreviation: string | null };
  signerName: string;
}

export type IncomingAction =
  | { action: 'attach'; file: DocumentFile } // văn thư thêm bản quét
  | { action: 'register'; note?: string } // vào sổ văn bản đến
  | { action: 'refuse'; reason: string } // từ chối tiếp nhận (trả lại nơi gửi)
  | { action: 'direct'; leadUnitId: string; coordinatingUnitIds?: string[]; deadlineDays: number; note?: string } // phiếu giải quyết
  | { action: 'assign_handler'; handlerId: string; note?: string } // đơn vị giao người xử lý
  | { action: 'report_progress'; progress: number; note: string } // báo cáo tiến độ
  | { action: 'close'; note: string; replyId?: string } // hoàn thành, kèm văn bản trả lời
  | { action: 'recall'; reason: string }; // the sender recalled it (13), before it was directed

export interface DocumentCase {
  row: DocumentsRow;
}
export interface DocumentEvent {
  action: string;
  to?: string;
  note?: string | null;
  data?: Record<string, unknown>;
  /** Files the action adds, written with the event. */
  files?: { version: number; kind: string; name: string; mime: string; content: Buffer }[];
}

/**
 * Who sees a document: staff of the organisation whose register holds it who are involved — its văn thư and
 * leaders, the drafter, the drafting unit, the signer, the lead and coordinating units, the handler; of a secret
 * document only the people named on it. Recipients see the copy delivered to them, which is a document of theirs.
 */
export function canSee(actor: Actor, organisation: string, row: DocumentsRow): boolean {
  if (row.agency_id !== organisation) return false;
  if (row.secrecy !== 'thuong') return row.readers.includes(actor.userId);
  if (actor.roles.some((r) => r === 'clerk' || r === 'agency_leader')) return true;
  if ([row.created_by, row.signer_id, row.handler_id].includes(actor.userId)) return true;
  return [row.unit_id, row.lead_unit_id, ...row.coordinating_unit_ids].includes(actor.agencyId);
}

const staffOf = (by: Party | null): Actor | null => (by?.kind === 'staff' ? by.actor : null);
const change = (set: Record<string, unknown>, ...events: DocumentEvent[]): Change<DocumentEvent> => ({ set, events });

/** Writes an event (and its files), then alerts whoever acts next on an urgent incoming document, in `tx`. */
export async function insertEvent(tx: Queryable, documentId: string, by: Party | null, from: string | null, e: DocumentEvent, to: string): Promise<void> {
  const actor = staffOf(by);
  const [event] = await tx.query<{ id: string; at: Date }>(
    `INSERT INTO document_events (document_id, action, from_status, to_status, actor_id, actor_name, note, data)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id, at`,
    [documentId, e.action, from, to, actor?.userId ?? null, actor?.fullName ?? null, e.note ?? null, JSON.stringify(e.data ?? {})],
  );
  for (const f of e.files ?? []) await insertFile(tx, documentId, f, actor?.userId ?? null);
  await alertIfUrgent(tx, documentId, { id: Number(event.id), at: event.at, action: e.action, actorId: actor?.userId ?? null });
}

export async function insertFile(
  tx: Queryable,
  documentId: string,
  f: { version: number; kind: string; name: string; mime: string; content: Buffer },
  by: string | null,
): Promise<void> {
  await tx.query(
    `INSERT INTO document_files (document_id, version, kind, name, mime, size, sha256, content, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [documentId, f.version, f.kind, f.name, f.mime, f.content.length, createHash('sha256').update(f.content).digest('hex'), f.content, by],
  );
  // A new file is new text to search even when the case itself does not change (the documents.index job reads it).
  await tx.query('UPDATE documents SET indexed_revision = NULL WHERE id = $1', [documentId]);
}

async function hasMain(tx: Queryable, c: DocumentCase): Promise<boolean> {
  const [r] = await tx.query(`SELECT 1 FROM document_files WHERE document_id = $1 AND version = $2 AND kind = 'main'`, [c.row.id, c.row.version]);
  return Boolean(r);
}

export const DRAFTERS: Role[] = ['specialist', 'unit_leader', 'agency_leader', 'clerk'];
const own = (roles: Role[]) => [{ roles, scopes: ['agency'], ownScopeOnly: true }];
const drafterOnly = (c: DocumentCase, by: Party | null) =>
  staffOf(by)?.userId === c.row.created_by ? null : forbidden('Chỉ người soạn thảo được thực hiện thao tác này với dự thảo.');
const unitLeaderOnly = (unitId: string | null, by: Party | null) =>
  staffOf(by)?.agencyId === unitId ? null : forbidden('Thao tác này dành cho lãnh đạo đơn vị được giao.');

type Out<A extends OutgoingAction['action']> = ActionDeclaration<DocumentCase, OutgoingStatus, Extract<OutgoingAction, { action: A }>, DocumentEvent>;
type In<A extends IncomingAction['action']> = ActionDeclaration<DocumentCase, IncomingStatus, Extract<IncomingAction, { action: A }>, DocumentEvent>;

const attachDraft: Out<'attach'> = {
  label: 'Thêm tệp dự thảo',
  from: ['draft'],
  to: [],
  policy: own(DRAFTERS),
  check: drafterOnly,
  perform: async (tx, c, { file }) => {
    if (file.kind === 'scan') throw badRequest('INVALID_FILE_KIND', 'Dự thảo gồm tệp chính (PDF) và tệp đính kèm.');
    if (file.kind === 'main' && file.mime !== 'application/pdf') throw badRequest('MAIN_FILE_NOT_PDF', 'Tệp chính của văn bản phải là tệp PDF.');
    // A second main file is a new version: the earlier one stays, the attachments come along.
    const newVersion = file.kind === 'main' && (await hasMain(tx, c));
    const version = newVersion ? c.row.version + 1 : c.row.version;
    if (newVersion) {
      await tx.query(
        `INSERT INTO document_files (document_id, version, kind, name, mime, size, sha256, content, created_by)
         SELECT document_id, $2, kind, name, mime, size, sha256, content, created_by FROM document_files WHERE document_id = $1 AND version = $3 AND kind = 'attachment'`,
        [c.row.id, version, c.row.version],
      );
    }
    return change(newVersion ? { version } : {}, {
      action: 'attach',
      data: { kind: file.kind, name: file.name, version },
      files: [{ version, ...file }],
    });
  },
};

const submit: Out<'submit'> = {
  label: 'Trình soát xét',
  from: ['draft'],
  to: ['reviewing'],
  policy: own(DRAFTERS),
  check: drafterOnly,
  perform: async (tx, c, input) => {
    if (!(await hasMain(tx, c))) throw conflict('MAIN_FILE_MISSING', 'Dự thảo chưa có tệp chính (PDF).');
    return change({ status: 'reviewing' }, { action: 'submit', to: 'reviewing', note: input.note ?? null, data: { version: c.row.version } });
  },
};

const approveReview: Out<'approve_review'> = {
  label: 'Trình lãnh đạo ký',
  from: ['reviewing'],
  to: ['awaiting_signature'],
  policy: own(['unit_leader']),
  check: (c, by) => unitLeaderOnly(c.row.unit_id, by),
  perform: async (_tx, c, input) =>
    change(
      { status: 'awaiting_signature' },
      { action: 'approve_review', to: 'awaiting_signature', note: input.note ?? null, data: { version: c.row.version } },
    ),
};

const sendBack: Out<'send_back'> = {
  label: 'Trả lại dự thảo',
  from: ['reviewing', 'awaiting_signature'],
  to: ['draft'],
  policy: own(['unit_leader', 'agency_leader']),
  // The drafting unit's leader while it is reviewed; the agency's leader once it waits for the signature.
  check: (c, by) =>
    c.row.status === 'reviewing'
      ? unitLeaderOnly(c.row.unit_id, by)
      : staffOf(by)?.roles.includes('agency_leader')
        ? null
        : forbidden('Dự thảo đang chờ lãnh đạo cơ quan ký.'),
  perform: async (_tx, c, input) => change({ status: 'draft' }, { action: 'send_back', to: 'draft', note: input.note, data: { version: c.row.version } }),
};

const sign: Out<'sign'> = {
  label: 'Duyệt và ký số',
  from: ['awaiting_signature'],
  to: ['signed'],
  policy: own(['agency_leader']),
  perform: async (_tx, c, input, by) =>
    change(
      { status: 'signed', signer_id: staffOf(by)!.userId, signer_line: input.signerLine, signatures: JSON.stringify(input.signed.signatures) },
      {
        action: 'sign',
        to: 'signed',
        note: input.note ?? null,
        data: { version: c.row.version, signerLine: input.signerLine },
        files: [{ version: c.row.version, kind: 'signed', name: `van-ban-ky-${c.row.version}.pdf`, mime: 'application/pdf', content: input.signed.content }],
      },
    ),
};

const issue: Out<'issue'> = {
  label: 'Cấp số, đóng dấu và phát hành',
  from: ['signed'],
  to: ['issued'],
  policy: own(['clerk']),
  perform: async (tx, c, input, _by, now) => {
    const book = c.row.secrecy === 'thuong' ? 'outgoing' : 'outgoing_secret';
    const { year, number } = await nextNumber(tx, c.row.agency_id, book, now);
    const full = `${formatNumber(number)}/${input.notation}`;
    const sealed = await input.seal(full);
    const sent = { number, notation: input.notation, issuedAt: now, from: input.sourceName, file: sealed.content };
    const delivered = await deliver(tx, c, sent);
    const exchangeId = await deliverOutside(tx, c, sent, input.outside);
    return change(
      {
        status: 'issued',
        book,
        year,
        number,
        notation: input.notation,
        issued_at: now,
        signatures: JSON.stringify(sealed.signatures),
        ...(exchangeId ? { exchange_document_id: exchangeId } : {}),
      },
      {
        action: 'issue',
        to: 'issued',
        data: { book, year, number, notation: full, recipients: delivered },
        files: [{ version: c.row.version, kind: 'issued', name: 'van-ban.pdf', mime: 'application/pdf', content: sealed.content }],
      },
    );
  },
};

/**
 * Thu hồi (Decree 30 art. 18(4b)): the văn thư or a leader recalls an issued document from its recipients. Outside
 * ones get 13 through the exchange and answer 15 or 16 onto their recipient rows; a copy on the platform is answered
 * the same way here, by the rule the exchange applies to a recall from outside (recallCopy): cancelled before its
 * direction (15), kept with the reason after it (16).
 */
const recall: Out<'recall'> = {
  label: 'Thu hồi văn bản đã gửi',
  from: ['issued'],
  to: [],
  policy: own(['clerk', 'agency_leader']),
  perform: async (tx, c, input, by) => {
    const recipients = await tx.query<{ id: string; incoming_id: string | null; organ_id: string | null }>(
      'SELECT id, incoming_id, organ_id FROM document_recipients WHERE document_id = $1 AND (incoming_id IS NOT NULL OR organ_id IS NOT NULL) ORDER BY id',
      [c.row.id],
    );
    if (!recipients.length) throw conflict('NOT_SENT', 'Văn bản không gửi đến nơi nhận nào nên không có gì để thu hồi.');
    const outside = recipients.filter((r) => r.organ_id).map((r) => r.organ_id!);
    if (outside.length) {
      const org = await organisationOf(tx, c.row.agency_id);
      const [organId, date, ...code] = c.row.exchange_document_id!.split(',');
      await recallDocument(tx, {
        document: { organId, code: code.join(','), promulgationDate: date.replaceAll('/', '-'), documentId: c.row.exchange_document_id! },
        from: { organId: org.code, organName: org.name },
        recipients: outside,
        reason: input.reason,
        staff: { department: 'Văn thư', staff: staffOf(by)?.fullName },
      });
    }
    for (const r of recipients.filter((x) => x.incoming_id)) {
      const [copy] = await tx.query<{ id: string; status: string }>('SELECT id, status FROM documents WHERE id = $1', [r.incoming_id]);
      const decision = await recallCopy(tx, copy, input.reason);
      // A cancelled copy reports its 15 itself (the incoming write); one kept answers 16 with the reason.
      if (!decision.accept) await recordRecipientStatus(tx, [r], '16', decision.reason);
    }
    return change({}, { action: 'recall', note: input.reason, data: { recipients: outside } });
  },
};

/**
 * A recall of a copy this platform received (13), from the platform or from outside: one not yet directed is
 * cancelled and the recall agreed (15); one already directed or handled is kept and the recall refused (16) with the
 * reason; one already refused or cancelled has nothing left to recall.
 */
export async function recallCopy(
  tx: Queryable,
  copy: { id: string; status: string },
  reason: string,
): Promise<{ accept: true } | { accept: false; reason: string }> {
  // The copy's state under its lock: a direction given at this moment either comes first (16) or waits for the recall.
  const [{ status }] = await tx.query<{ status: string }>('SELECT status FROM documents WHERE id = $1 FOR UPDATE', [copy.id]);
  if (status === 'recalled' || status === 'refused') return { accept: true };
  if (!['arrived', 'registered'].includes(status)) {
    return { accept: false, reason: 'Văn bản đã được lãnh đạo phân công xử lý; đề nghị liên hệ cơ quan nhận.' };
  }
  await perform(incomingWorkflow, tx, null, copy.id, { action: 'recall', reason });
  return { accept: true };
}

/** How both case types read and write a row of `documents`: the engine's adapter, apart from the declarations. */
function adapter<S extends OutgoingStatus | IncomingStatus>(direction: 'outgoing' | 'incoming') {
  return {
    load: (tx: Queryable, id: string, lock: boolean) => loadDocument(tx, id, direction, lock),
    state: (c: DocumentCase) => c.row.status as S,
    stateAfter: (c: DocumentCase, { set }: Change<DocumentEvent>) => (set.status as S | undefined) ?? (c.row.status as S),
    visible: visibleTo,
    // One organisation per document: the one whose register holds it; units and people are conditions of the actions.
    scopes: { agency: (c: DocumentCase) => [c.row.agency_id] },
    namedRoles: { step: () => null },
    assigneeId: () => null,
    owner: () => null,
    organisationOf: async (tx: Queryable, actor: Actor) => (await organisationOf(tx, actor.agencyId)).id,
    revision: (c: DocumentCase) => c.row.revision,
  };
}

async function writeCase(tx: Queryable, c: DocumentCase, { set, events }: Change<DocumentEvent>, by: Party | null): Promise<void> {
  await updateCaseRow(tx, 'documents', c.row.id, set);
  for (const e of events) await insertEvent(tx, c.row.id, by, c.row.status, e, e.to ?? c.row.status);
}

export const outgoingWorkflow = defineCaseType<DocumentCase, OutgoingStatus, OutgoingAction, DocumentEvent>({
  name: 'outgoing_document',
  noun: 'văn bản',
  states: OUTGOING_STATES,
  initial: ['draft'],
  actions: { attach: attachDraft, submit, approve_review: approveReview, send_back: sendBack, sign, issue, recall },
  ...adapter<OutgoingStatus>('outgoing'),
  write: writeCase,
});

// ---- incoming ----

const attachScan: In<'attach'> = {
  label: 'Thêm bản quét',
  from: ['registered', 'directed', 'assigned', 'processing'],
  to: [],
  policy: own(['clerk']),
  perform: async (_tx, c, { file }) => {
    if (file.kind !== 'scan') throw badRequest('INVALID_FILE_KIND', 'Văn bản đến chỉ nhận thêm bản quét của văn bản giấy.');
    return change({}, { action: 'attach', data: { kind: file.kind, name: file.name }, files: [{ version: c.row.version, ...file }] });
  },
};

const register: In<'register'> = {
  label: 'Vào sổ văn bản đến',
  from: ['arrived'],
  to: ['registered'],
  policy: own(['clerk']),
  perform: async (tx, c, input, _by, now) => {
    const { year, number } = await nextNumber(tx, c.row.agency_id, 'incoming', now);
    return change(
      { status: 'registered', book: 'incoming', year, number, registered_at: now },
      { action: 'register', to: 'registered', note: input.note ?? null, data: { arrivalNumber: number, year } },
    );
  },
};

const refuse: In<'refuse'> = {
  label: 'Từ chối tiếp nhận',
  from: ['arrived'],
  to: ['refused'],
  policy: own(['clerk']),
  perform: async (_tx, _c, input, _by, now) =>
    change({ status: 'refused', refusal_reason: input.reason, closed_at: now }, { action: 'refuse', to: 'refused', note: input.reason }),
};

/** The units named on a direction: units (phòng, đơn vị) of the document's organisation, each once. */
async function unitsOf(tx: Queryable, c: DocumentCase, ids: string[]) {
  const org = await organisationOf(tx, c.row.agency_id);
  const found = await agenciesById(tx, ids);
  for (const id of ids) {
    const unit = found.get(id);
    if (!unit?.active || unit.kind !== 'unit' || !unit.path.startsWith(`${org.path}/`)) {
      throw badRequest('INVALID_UNIT', 'Đơn vị chủ trì, phối hợp phải là đơn vị thuộc cơ quan nhận văn bản.');
    }
  }
  return found;
}

/** A secret document's readers with the leaders of a unit newly named on it (they must see it to act). */
async function withUnitLeaders(tx: Queryable, c: DocumentCase, unitPath: string, extra: string[] = []): Promise<string[] | undefined> {
  if (c.row.secrecy === 'thuong') return undefined;
  const leaders = (await activeStaffIn(tx, unitPath)).filter((m) => m.roles.includes('unit_leader')).map((m) => m.id);
  return [...new Set([...c.row.readers, ...leaders, ...extra])];
}

const direct: In<'direct'> = {
  label: 'Cho ý kiến chỉ đạo, phân công',
  from: ['registered'],
  to: ['directed'],
  policy: own(['agency_leader']),
  perform: async (tx, c, input, _by, now) => {
    const coordinating = [...new Set(input.coordinatingUnitIds ?? [])];
    if (coordinating.includes(input.leadUnitId)) throw badRequest('INVALID_UNIT', 'Đơn vị chủ trì không đồng thời là đơn vị phối hợp.');
    const units = await unitsOf(tx, c, [input.leadUnitId, ...coordinating]);
    const due = (await workingCalendar(tx)).addWorkingDays(now, input.deadlineDays);
    const readers = await withUnitLeaders(tx, c, units.get(input.leadUnitId)!.path);
    return change(
      {
        status: 'directed',
        lead_unit_id: input.leadUnitId,
        coordinating_unit_ids: coordinating,
        due_at: due,
        direction_note: input.note ?? null,
        ...(readers ? { readers } : {}),
      },
      {
        action: 'direct',
        to: 'directed',
        note: input.note ?? null,
        data: {
          leadUnit: units.get(input.leadUnitId)!.name,
          coordinatingUnits: coordinating.map((id) => units.get(id)!.name),
          deadlineDays: input.deadlineDays,
          dueAt: due.toISOString(),
        },
      },
    );
  },
};

const assignHandler: In<'assign_handler'> = {
  label: 'Giao người xử lý',
  from: ['directed'],
  to: ['assigned'],
  policy: own(['unit_leader']),
  check: (c, by) => unitLeaderOnly(c.row.lead_unit_id, by),
  perform: async (tx, c, input) => {
    const handler = (await staffMembers(tx, [input.handlerId])).get(input.handlerId);
    if (!handler?.active || handler.agencyId !== c.row.lead_unit_id) throw badRequest('INVALID_HANDLER', 'Người xử lý phải là cán bộ của đơn vị chủ trì.');
    const readers = c.row.secrecy === 'thuong' ? undefined : [...new Set([...c.row.readers, handler.id])];
    return change(
      { status: 'assigned', handler_id: handler.id, ...(readers ? { readers } : {}) },
      { action: 'assign_handler', to: 'assigned', note: input.note ?? null, data: { handler: handler.fullName } },
    );
  },
};

const handlerOnly = (c: DocumentCase, by: Party | null) =>
  staffOf(by)?.userId === c.row.handler_id ? null : forbidden('Thao tác này dành cho người được giao xử lý văn bản.');

const reportProgress: In<'report_progress'> = {
  label: 'Báo cáo tiến độ',
  from: ['assigned', 'processing'],
  to: ['processing'],
  policy: own(['specialist', 'unit_leader']),
  check: handlerOnly,
  perform: async (_tx, _c, input) =>
    change(
      { status: 'processing', progress: input.progress },
      { action: 'report_progress', to: 'processing', note: input.note, data: { progress: input.progress } },
    ),
};

const close: In<'close'> = {
  label: 'Hoàn thành xử lý',
  from: ['assigned', 'processing'],
  to: ['done'],
  policy: own(['specialist', 'unit_leader']),
  check: handlerOnly,
  perform: async (tx, c, input, _by, now) => {
    let reply: string | null = null;
    if (input.replyId) {
      const r = await loadDocument(tx, input.replyId, 'outgoing', false);
      if (!r || r.row.agency_id !== c.row.agency_id || r.row.status !== 'issued') {
        throw badRequest('INVALID_REPLY', 'Văn bản trả lời phải là văn bản đi đã phát hành của cơ quan.');
      }
      reply = r.row.id;
    }
    return change(
      { status: 'done', progress: 100, reply_id: reply, closed_at: now },
      { action: 'close', to: 'done', note: input.note, data: { replyId: reply, onTime: !c.row.due_at || now <= c.row.due_at } },
    );
  },
};

/** The platform cancels a copy its sender recalled (15), while it is not yet directed (recallCopy). */
const recalledBySender: In<'recall'> = {
  label: 'Nơi gửi thu hồi',
  from: ['arrived', 'registered'],
  to: ['recalled'],
  policy: [],
  system: true,
  check: (_c, by) => (by ? forbidden('Chỉ nơi gửi thu hồi được văn bản.') : null),
  offered: () => false,
  perform: async (_tx, _c, input, _by, now) =>
    change({ status: 'recalled', refusal_reason: input.reason, closed_at: now }, { action: 'recall', to: 'recalled', note: input.reason }),
};

export const incomingWorkflow = defineCaseType<DocumentCase, IncomingStatus, IncomingAction, DocumentEvent>({
  name: 'incoming_document',
  noun: 'văn bản',
  states: INCOMING_STATES,
  initial: ['arrived', 'registered'],
  actions: {
    attach: attachScan,
    register,
    refuse,
    direct,
    assign_handler: assignHandler,
    report_progress: reportProgress,
    close,
    recall: recalledBySender,
  },
  ...adapter<IncomingStatus>('incoming'),
  async write(tx, c, change, by) {
    await writeCase(tx, c, change, by);
    const { set, events } = change;
    const to = set.status as IncomingStatus | undefined;
    if (to && NATIONAL_STATUS[to] !== NATIONAL_STATUS[c.row.status as IncomingStatus]) {
      const last = events[events.length - 1];
      await reportStatus(tx, c.row.id, NATIONAL_STATUS[to], last?.note ?? null);
      // 15 is the exchange module's own answer to the recall.
      if (c.row.channel === 'exchange' && to !== 'recalled')
        await statusToOutsideSender(tx, c.row, NATIONAL_STATUS[to], last?.note ?? INCOMING_STATES[to].name);
    }
  },
});

/** A status of a document that came through the gateway goes back to its sender there (in the action's transaction). */
async function statusToOutsideSender(tx: Queryable, row: DocumentsRow, statusCode: string, description: string): Promise<void> {
  const org = await organisationOf(tx, row.agency_id);
  // DocumentId is `{organ id},{yyyy/MM/dd},{số}/{ký hiệu}` (documentIdOf): the reference the sender knows it by.
  const [organId, date, ...code] = row.exchange_document_id!.split(',');
  await sendStatus(tx, {
    responseFor: { organId, code: code.join(','), promulgationDate: date.replaceAll('/', '-'), documentId: row.exchange_document_id! },
    from: { organId: org.code, organName: org.name },
    statusCode: statusCode as StatusCode,
    description,
    timestamp: new Date(),
    staff: { department: 'Văn thư' },
  });
}

/**
 * The status package back to the sender (trạng thái văn bản): the sender's recipient row shows it, and its history
 * keeps every one. A copy registered from paper has no sender on the platform and reports to no one.
 */
export async function reportStatus(tx: Queryable, incomingId: string, code: string, description: string | null): Promise<void> {
  const rows = await tx.query<{ id: string }>('SELECT id FROM document_recipients WHERE incoming_id = $1', [incomingId]);
  await recordRecipientStatus(tx, rows, code, description);
}

/** A status reported by the recipients `rows`: their last status, and one more line of their history each. */
export async function recordRecipientStatus(tx: Queryable, rows: { id: string }[], code: string, description: string | null): Promise<void> {
  for (const r of rows) await tx.query('UPDATE document_recipients SET status_code = $2, status_at = now() WHERE id = $1', [r.id, code]);
  for (const r of rows) {
    await tx.query('INSERT INTO document_recipient_statuses (recipient_id, status_code, description) VALUES ($1, $2, $3)', [r.id, code, description]);
  }
}

interface Sent {
  number: number;
  notation: string;
  issuedAt: Date;
  from: string;
  file: Buffer;
}

/** A copy arriving at a receiving organisation ('arrived', 01), from the platform or through the gateway. */
export interface Arrival {
  organisation: { id: string; path: string };
  typeCode: string;
  subject: string;
  urgency: number;
  urgentAt: Date | null;
  secrecy: string;
  sourceId: string | null;
  fromAgencyId: string | null;
  fromName: string;
  sourceNotation: string;
  sourceDate: string;
  arrivedAt: Date;
  exchange: { documentId: string; fromOrganId: string } | null;
  main: { name: string; content: Buffer };
}

/** Writes an arrived copy in the receiving organisation's register (its văn thư's inbox) with its main file. */
export async function registerArrival(tx: Queryable, a: Arrival): Promise<string> {
  // A secret document is named to the receiving agency's văn thư and leaders; the units and handler join as they are named.
  const readers =
    a.secrecy === 'thuong'
      ? []
      : (await activeStaffIn(tx, a.organisation.path)).filter((m) => m.roles.some((role) => role === 'clerk' || role === 'agency_leader')).map((m) => m.id);
  const [copy] = await tx.query<{ id: string }>(
    `INSERT INTO documents (direction, agency_id, status, type_code, subject, urgency, urgent_at, secrecy, readers, source_id, from_agency_id,
       from_name, source_notation, source_date, channel, arrived_at, exchange_document_id, from_organ_id)
     VALUES ('incoming', $1, 'arrived', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
    [
      a.organisation.id,
      a.typeCode,
      a.subject,
      a.urgency,
      a.urgentAt,
      a.secrecy,
      readers,
      a.sourceId,
      a.fromAgencyId,
      a.fromName,
      a.sourceNotation,
      a.sourceDate,
      a.exchange ? 'exchange' : 'platform',
      a.arrivedAt,
      a.exchange?.documentId ?? null,
      a.exchange?.fromOrganId ?? null,
    ],
  );
  await insertFile(tx, copy.id, { version: 1, kind: 'main', name: a.main.name, mime: 'application/pdf', content: a.main.content }, null);
  await insertEvent(tx, copy.id, null, null, { action: 'arrive', data: { from: a.fromName, notation: a.sourceNotation } }, 'arrived');
  return copy.id;
}

/**
 * Sends an issued document to its recipients on the platform, in the issuing transaction: each receiving agency gets
 * its copy (the issued file and the attachments, byte for byte) in its văn thư's inbox, and reports 01 (đã đến) back.
 */
async function deliver(tx: Queryable, c: DocumentCase, sent: Sent): Promise<string[]> {
  const recipients = await tx.query<{ id: string; agency_id: string }>(
    'SELECT id, agency_id FROM document_recipients WHERE document_id = $1 AND agency_id IS NOT NULL ORDER BY id',
    [c.row.id],
  );
  const names: string[] = [];
  const full = `${formatNumber(sent.number)}/${sent.notation}`;
  for (const r of recipients) {
    const org = await organisationOf(tx, r.agency_id);
    const copyId = await registerArrival(tx, {
      organisation: org,
      typeCode: c.row.type_code,
      subject: c.row.subject,
      urgency: c.row.urgency,
      urgentAt: c.row.urgent_at,
      secrecy: c.row.secrecy,
      sourceId: c.row.id,
      fromAgencyId: c.row.agency_id,
      fromName: sent.from,
      sourceNotation: full,
      sourceDate: vietnamDate(sent.issuedAt),
      arrivedAt: sent.issuedAt,
      exchange: null,
      main: { name: 'van-ban.pdf', content: sent.file },
    });
    await tx.query(
      `INSERT INTO document_files (document_id, version, kind, name, mime, size, sha256, content)
       SELECT $1, 1, kind, name, mime, size, sha256, content FROM document_files WHERE document_id = $2 AND version = $3 AND kind = 'attachment'`,
      [copyId, c.row.id, c.row.version],
    );
    await tx.query('UPDATE document_recipients SET incoming_id = $2 WHERE id = $1', [r.id, copyId]);
    await reportStatus(tx, copyId, NATIONAL_STATUS.arrived, null);
    names.push(org.name);
  }
  return names;
}

/**
 * Hands an issued document to the exchange module for the recipients outside the platform (one edXML package, the
 * sealed PDF and the attachments), in the issuing transaction: it is sent if and only if the issue commits. Their
 * statuses come back through statusFromOutside. Returns the package's DocumentId, or null without outside recipients.
 */
async function deliverOutside(tx: Queryable, c: DocumentCase, sent: Sent, sender: OutsideSender): Promise<string | null> {
  const outside = await tx.query<{ organ_id: string; organ_name: string }>(
    'SELECT organ_id, organ_name FROM document_recipients WHERE document_id = $1 AND organ_id IS NOT NULL ORDER BY organ_id',
    [c.row.id],
  );
  if (!outside.length) return null;
  const date = vietnamDate(sent.issuedAt);
  const code = { number: formatNumber(sent.number), notation: sent.notation };
  const documentId = documentIdOf(sender.from.organId, date, code);
  const attachments = await tx.query<{ name: string; mime: string; content: Uint8Array }>(
    `SELECT name, mime, content FROM document_files WHERE document_id = $1 AND version = $2 AND kind = 'attachment' ORDER BY created_at, id`,
    [c.row.id, c.row.version],
  );
  // "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC": the competence mark and the signer's own position.
  const [line, position] = (c.row.signer_line ?? '').split(' / ');
  const competence = /^(KT|TM|TL|TUQ)\./.exec(line)?.[0];
  await sendDocument(tx, {
    from: sender.from,
    to: outside.map((o) => ({ organId: o.organ_id, organName: o.organ_name })),
    code,
    promulgation: { place: sender.place, date },
    documentType: { type: '1', typeDetail: sender.type.abbreviation ?? undefined, typeName: sender.type.typeName },
    subject: c.row.subject,
    signer: { competence, position: position ?? line, fullName: sender.signerName },
    steeringType: 1,
    priority: c.row.urgency as Priority,
    toPlaces: outside.map((o) => o.organ_name),
    responseFor: [],
    documentId,
    traces: [{ organId: sender.from.organId, timestamp: sent.issuedAt }],
    business: { docType: 0, paper: 0 },
    attachments: [
      { contentId: 'van-ban', contentType: 'application/pdf', name: 'van-ban.pdf', data: sent.file },
      ...attachments.map((a, i) => ({ contentId: `dinh-kem-${i + 1}`, contentType: a.mime, name: a.name, data: Buffer.from(a.content) })),
    ],
  });
  return documentId;
}

export async function loadDocument(tx: Queryable, id: string, direction: 'outgoing' | 'incoming', lock: boolean): Promise<DocumentCase | null> {
  const [row] = await tx.query<DocumentsRow>(`SELECT * FROM documents WHERE id = $1 AND direction = $2${lock ? ' FOR UPDATE' : ''}`, [id, direction]);
  return row ? { row } : null;
}

async function visibleTo(tx: Queryable, by: Party, c: DocumentCase): Promise<boolean> {
  if (by.kind !== 'staff') return false;
  return canSee(by.actor, (await organisationOf(tx, by.actor.agencyId)).id, c.row);
}

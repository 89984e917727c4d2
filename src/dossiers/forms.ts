// A dossier's printed forms: the data of Mẫu 01–05 and the control slip, taken from the dossier and the event that
// issued each form, rendered by the forms module and sealed with the issuing agency's digital signature.
import type { Database, Queryable } from '../db/index.ts';
import type { DossierEventsRow, FormNumbersRow, FormSequencesRow } from '../db/schema.ts';
import { agencyNames, getAgencyRow } from '../agencies/service.ts';
import { getProcedureVersion } from '../catalog/service.ts';
import type { ProcedureContent } from '../catalog/types.ts';
import { staffContact } from '../identity/service.ts';
import { count2 } from '../forms/format.ts';
import { AGENCY_HEAD, FORM_NUMBERS, FORM_TITLES, renderForm } from '../forms/pdf.ts';
import type { FormComponent, FormData, FormKind } from '../forms/types.ts';
import { sealDocument, type SigningProvider } from '../signing/service.ts';
import { conflict } from '../shared/errors.ts';
import { getDossier, type Who } from './service.ts';
import { chainHead } from './chain.ts';
import { extraDocumentsOf } from './supplement.ts';
import { vietnamYear } from '../shared/time.ts';

export const ACTION_NAMES: Record<string, string> = {
  submit: 'Nộp hồ sơ',
  accept: 'Tiếp nhận hồ sơ',
  request_supplement: 'Yêu cầu bổ sung, hoàn thiện',
  submit_supplement: 'Nộp bổ sung',
  refuse: 'Từ chối tiếp nhận',
  forward: 'Chuyển xử lý',
  send_back: 'Trả lại để xử lý lại',
  assign: 'Phân công cán bộ xử lý',
  consult: 'Xin ý kiến',
  answer_consultation: 'Trả lời xin ý kiến',
  apologize: 'Xin lỗi, hẹn lại ngày trả',
  approve: 'Phê duyệt, chuyển kết quả về Bộ phận Một cửa',
  return_result: 'Trả kết quả',
  request_payment: 'Yêu cầu thực hiện nghĩa vụ tài chính',
  record_payment: 'Ghi nhận đã nộp phí, lệ phí',
  withdraw: 'Công dân yêu cầu rút hồ sơ',
  stop: 'Dừng xử lý',
  sign_result: 'Ký số, phát hành kết quả điện tử',
};

/** The event that issues each form; the control slip exists from submission on. */
const ISSUED_BY: Record<Exclude<FormKind, 'control'>, string> = {
  receipt: 'accept',
  supplement: 'request_supplement',
  refusal: 'refuse',
  apology: 'apologize',
  stop: 'stop',
};

/**
 * The forms the handling agency issues under its own name, numbered in its own series per year (Số: 01/PXL), and
 * signed by its head; the others come from the one-stop desk that received the dossier.
 */
const NUMBERED: Partial<Record<FormKind, string>> = { apology: 'PXL', stop: 'TB-DXL' };

const PLACE = 'Cần Thơ';

/** Mẫu 04 is signed by the head of the handling agency (only its leaders may apologise); Mẫu 05 by whoever stopped the dossier for it. */
const SIGNERS: Partial<Record<FormKind, { title: string; note: string }>> = {
  apology: AGENCY_HEAD,
  stop: { title: 'ĐẠI DIỆN CƠ QUAN, ĐƠN VỊ GIẢI QUYẾT HỒ SƠ', note: '(Ký và ghi rõ họ tên)' },
};

/** "01 ngày làm việc", "04 giờ làm việc". */
const processingTime = (t: ProcedureContent['processingTime']) =>
  t.unit === 'same_day'
    ? `trong ngày (tiếp nhận sau ${t.cutoff ?? '15:00'} thì trả trong ngày làm việc tiếp theo)`
    : `${count2(t.value)} ${t.unit === 'working_hours' ? 'giờ' : 'ngày'} làm việc`;

/**
 * What was actually handed in: every component with a file (uploaded, scanned at the desk, or taken from the data
 * store), and the required ones of a paper dossier (the desk accepted it complete); optional papers nobody gave are
 * left out. Each keeps the procedure's number of originals and copies.
 */
function submittedComponents(content: ProcedureContent, files: { componentIndex: number | null; digitised: boolean }[], channel: string): FormComponent[] {
  return content.components.flatMap((c, i) => {
    const own = files.filter((f) => f.componentIndex === i);
    if (!own.length && !(c.required && channel !== 'online')) return [];
    const digitised = own.length > 0 && own.every((f) => f.digitised);
    return [{ name: c.name, originals: c.originals, copies: c.copies, electronic: own.length > 0 && !digitised, digitised }];
  });
}

/** The number of a numbered form, taken on its first printing from the agency's series of that year and kept. */
async function formNumber(db: Database, eventId: number, agencyId: string, kind: string, at: Date): Promise<number> {
  const year = vietnamYear(at);
  return db.transaction(async (tx) => {
    // The row lock on the series serialises first printings, so two at once cannot both number one event.
    const [seq] = await tx.query<Pick<FormSequencesRow, 'last'>>(
      `INSERT INTO form_sequences (agency_id, kind, year, last) VALUES ($1, $2, $3, 0)
       ON CONFLICT (agency_id, kind, year) DO UPDATE SET last = form_sequences.last RETURNING last`,
      [agencyId, kind, year],
    );
    const [kept] = await tx.query<Pick<FormNumbersRow, 'number'>>('SELECT number FROM form_numbers WHERE event_id = $1', [eventId]);
    if (kept) return kept.number;
    const number = seq.last + 1;
    await tx.query('UPDATE form_sequences SET last = $4 WHERE agency_id = $1 AND kind = $2 AND year = $3', [agencyId, kind, year, number]);
    await tx.query('INSERT INTO form_numbers (event_id, agency_id, kind, year, number) VALUES ($1, $2, $3, $4, $5)', [eventId, agencyId, kind, year, number]);
    return number;
  });
}

async function actorOf(db: Queryable, eventId: number): Promise<string | null> {
  const [e] = await db.query<Pick<DossierEventsRow, 'actor_id'>>('SELECT actor_id FROM dossier_events WHERE id = $1', [eventId]);
  return e?.actor_id ?? null;
}

/** The form as issued electronically: rendered, then sealed with the issuing agency's digital signature. */
export async function renderDossierForm(db: Database, provider: SigningProvider, by: Who, id: string, kind: FormKind, publicUrl: string): Promise<Buffer> {
  const d = await getDossier(db, by, id);
  const content = await getProcedureVersion(db, d.procedure.id, d.procedure.version);
  const issuing = kind === 'control' ? d.events[0] : [...d.events].reverse().find((e) => e.action === ISSUED_BY[kind]);
  if (!issuing) throw conflict('FORM_NOT_AVAILABLE', 'Hồ sơ chưa có phiếu này (chưa thực hiện thao tác tương ứng).');
  const series = NUMBERED[kind];
  const issuer = (await getAgencyRow(db, series ? d.homeAgencyId : d.receivingAgencyId))!;
  const names = await agencyNames(db, [
    d.receivingAgencyId,
    d.homeAgencyId,
    issuer.parent_id,
    ...d.events.flatMap((e) => [e.fromAgency, e.toAgency]).filter(Boolean),
  ]);
  const data = issuing.data as Record<string, any>;
  const issuedAt = new Date(kind === 'control' ? Date.now() : issuing.at);
  const contact = kind === 'supplement' ? await actorOf(db, issuing.id).then((u) => (u ? staffContact(db, u) : null)) : null;
  const desk = names.get(d.receivingAgencyId) ?? '';
  const form: FormData = {
    kind,
    // Mẫu 04 and 05 are the handling agency's own documents: its name under its parent's, and its number.
    authority: series ? (names.get(issuer.parent_id ?? '') ?? '') : desk,
    unit: series ? issuer.name : 'Bộ phận Tiếp nhận và Trả kết quả',
    number: series ? `Số: ${count2(await formNumber(db, issuing.id, issuer.id, kind, issuedAt))}/${series}` : undefined,
    place: PLACE,
    issuedAt,
    dossierCode: d.code,
    procedureName: content.name,
    applicant: d.applicant,
    receivedAt: new Date(d.receivedAt ?? d.submittedAt!),
    dueAt: d.dueAt ? new Date(kind === 'apology' ? data.previousDueAt : d.dueAt) : undefined,
    processingTime: processingTime(content.processingTime),
    resultPlace: `Bộ phận Tiếp nhận và Trả kết quả — ${desk}${d.channel === 'online' ? '; hoặc nhận kết quả điện tử trên Cổng Dịch vụ công' : ''}`,
    // The electronic tracking book (sổ theo dõi hồ sơ, dossiers/register.ts) is kept by dossier code.
    bookNumber: d.code,
    components: submittedComponents(content, d.files, d.channel),
    reasons: data.reasons ?? (issuing.note ? [issuing.note] : undefined),
    extraDocuments: kind === 'supplement' ? extraDocumentsOf(data) : undefined,
    newDueAt: data.newDueAt ? new Date(data.newDueAt) : undefined,
    entries: d.events.map((e) => ({
      at: new Date(e.at),
      from: e.actorName,
      to: names.get(e.toAgency ?? '') ?? '',
      action: ACTION_NAMES[e.action] ?? e.action,
      result: e.data?.stepResult,
      note: e.note ?? undefined,
    })),
    officerName: issuing.actorName,
    contact: contact ? { name: contact.name, phone: contact.phone ?? undefined } : undefined,
    signer: SIGNERS[kind] && { ...SIGNERS[kind], name: issuing.actorName },
    chainHead: kind === 'receipt' ? ((await chainHead(db, d.id, issuing.id)) ?? undefined) : undefined,
    lookupUrl: `${publicUrl}/tra-cuu/${encodeURIComponent(d.code)}`,
  };
  const pdf = await renderForm(form);
  return sealDocument(db, provider, { agencyId: issuer.id, agencyCode: issuer.code, agencyName: issuer.name }, pdf, {
    reason: `Mau ${FORM_NUMBERS[kind]} ${FORM_TITLES[kind]}`,
    location: PLACE,
  });
}

// A dossier's printed forms: the data of Mẫu 01–04 and the control slip, taken from the dossier and the event that
// issued each form, rendered by the forms module.
import type { Queryable } from '../db/index.ts';
import { agencyNames } from '../agencies/service.ts';
import { getProcedureVersion } from '../catalog/service.ts';
import { renderForm } from '../forms/pdf.ts';
import type { FormData, FormKind } from '../forms/types.ts';
import { conflict } from '../shared/errors.ts';
import { getDossier, type Who } from './service.ts';
import { chainHead } from './chain.ts';

export const ACTION_NAMES: Record<string, string> = {
  submit: 'Nộp hồ sơ', accept: 'Tiếp nhận hồ sơ', request_supplement: 'Yêu cầu bổ sung, hoàn thiện', submit_supplement: 'Nộp bổ sung',
  refuse: 'Từ chối tiếp nhận', forward: 'Chuyển xử lý', send_back: 'Trả lại để xử lý lại', assign: 'Phân công cán bộ xử lý', consult: 'Xin ý kiến',
  answer_consultation: 'Trả lời xin ý kiến',
  apologize: 'Xin lỗi, hẹn lại ngày trả', approve: 'Phê duyệt, chuyển kết quả về Bộ phận Một cửa', return_result: 'Trả kết quả',
  request_payment: 'Yêu cầu thực hiện nghĩa vụ tài chính', record_payment: 'Ghi nhận đã nộp phí, lệ phí',
  withdraw: 'Công dân yêu cầu rút hồ sơ', stop: 'Dừng xử lý', sign_result: 'Ký số, phát hành kết quả điện tử',
};

/** The event that issues each form; the control slip exists from submission on. */
const ISSUED_BY: Record<Exclude<FormKind, 'control'>, string> = {
  receipt: 'accept', supplement: 'request_supplement', refusal: 'refuse', apology: 'apologize',
};

export async function renderDossierForm(db: Queryable, by: Who, id: string, kind: FormKind, publicUrl: string): Promise<Uint8Array> {
  const d = await getDossier(db, by, id);
  const content = await getProcedureVersion(db, d.procedure.id, d.procedure.version);
  const issuing = kind === 'control' ? d.events[0] : [...d.events].reverse().find((e) => e.action === ISSUED_BY[kind]);
  if (!issuing) throw conflict('FORM_NOT_AVAILABLE', 'Hồ sơ chưa có phiếu này (chưa thực hiện thao tác tương ứng).');
  const names = await agencyNames(db, [d.receivingAgencyId, d.homeAgencyId, ...d.events.flatMap((e) => [e.fromAgency, e.toAgency]).filter(Boolean)]);
  const data = issuing.data as Record<string, any>;
  const form: FormData = {
    kind,
    authority: names.get(d.receivingAgencyId) ?? '',
    unit: 'Bộ phận Tiếp nhận và Trả kết quả',
    place: 'Cần Thơ',
    issuedAt: new Date(kind === 'control' ? Date.now() : issuing.at),
    dossierCode: d.code,
    procedureName: content.name,
    applicant: d.applicant,
    receivedAt: new Date(d.receivedAt ?? d.submittedAt!),
    dueAt: d.dueAt ? new Date(kind === 'apology' ? data.previousDueAt : d.dueAt) : undefined,
    components: content.components.map((c) => ({ name: c.name, originals: c.originals, copies: c.copies })),
    reasons: data.reasons ?? (issuing.note ? [issuing.note] : undefined),
    newDueAt: data.newDueAt ? new Date(data.newDueAt) : undefined,
    entries: d.events.map((e) => ({
      at: new Date(e.at), from: e.actorName, to: names.get(e.toAgency ?? '') ?? '', action: ACTION_NAMES[e.action] ?? e.action,
      result: e.data?.stepResult, note: e.note ?? undefined,
    })),
    officerName: issuing.actorName,
    chainHead: kind === 'receipt' ? (await chainHead(db, d.id, issuing.id)) ?? undefined : undefined,
    lookupUrl: `${publicUrl}/tra-cuu/${encodeURIComponent(d.code)}`,
  };
  return renderForm(form);
}

// Checks on a document package that arrived (Decree 30, art. 21(2a–b): verify authenticity and integrity, return what is
// invalid or misrouted). Each failure has a machine code and a Vietnamese reason; the service answers it with a 02
// (từ chối tiếp nhận) carrying the reason, and nothing reaches the documents module.
import type { X509Certificate } from 'node:crypto';
import type { Queryable } from '../db/index.ts';
import { checkPdfSignatures } from '../signing/verify.ts';
import type { DocumentPackage } from './edxml.ts';

export interface Refusal {
  code: string;
  reason: string;
}

/** What the checks need from the modules that know (passed in: the exchange reads no other module's tables). */
export interface IncomingLookups {
  /** The sender is an agency this platform exchanges with (the national directory, the province's agencies). */
  isKnownOrganisation(db: Queryable, organId: string): Promise<boolean>;
  /** The document type (DocumentType Type/TypeDetail/TypeName) is one the documents module registers. */
  isKnownDocumentType(db: Queryable, type: DocumentPackage['documentType']): Promise<boolean>;
  /** The authorities whose certificates sign documents; without it the PDFs' signatures are not checked. */
  trustedAuthorities?(db: Queryable): Promise<X509Certificate[]>;
}

/** The refusal of a parsed document package addressed to `receiver`, or null when it may be registered. */
export async function checkIncomingDocument(db: Queryable, doc: DocumentPackage, receiver: string, lookups: IncomingLookups): Promise<Refusal | null> {
  if (!doc.to.some((t) => t.organId === receiver)) {
    return { code: 'EXCHANGE_NOT_ADDRESSED', reason: `Văn bản không gửi tới cơ quan ${receiver} (gửi nhầm nơi nhận).` };
  }
  if (!(await lookups.isKnownOrganisation(db, doc.from.organId))) {
    return { code: 'EXCHANGE_UNKNOWN_SENDER', reason: `Cơ quan gửi ${doc.from.organId} không có trong danh mục mã định danh.` };
  }
  if (!(await lookups.isKnownDocumentType(db, doc.documentType))) {
    const t = doc.documentType;
    return { code: 'EXCHANGE_UNKNOWN_TYPE', reason: `Loại văn bản "${t.typeName}" (mã ${t.type}${t.typeDetail ? `/${t.typeDetail}` : ''}) không hợp lệ.` };
  }
  if (lookups.trustedAuthorities) {
    const pdfs = doc.attachments.filter((a) => a.contentType === 'application/pdf');
    const trusted = await lookups.trustedAuthorities(db);
    let signed = false;
    for (const pdf of pdfs) {
      for (const check of checkPdfSignatures(pdf.data, trusted)) {
        signed = true;
        if (!check.intact)
          return { code: 'EXCHANGE_SIGNATURE_INVALID', reason: `Chữ ký số trên tệp "${pdf.name}" không hợp lệ: tệp đã bị thay đổi sau khi ký.` };
        if (!check.trusted)
          return { code: 'EXCHANGE_SIGNATURE_UNTRUSTED', reason: `Chữ ký số trên tệp "${pdf.name}" không do tổ chức chứng thực được tin cậy cấp.` };
      }
    }
    if (!signed) return { code: 'EXCHANGE_UNSIGNED', reason: 'Văn bản điện tử không có chữ ký số của cơ quan ban hành.' };
  }
  return null;
}

// The data a printed one-stop form needs (TT 03/2025/TT-VPCP Phụ lục I). Filled by the dossiers module.

export type FormKind =
  | 'receipt' // Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả
  | 'supplement' // Mẫu 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ
  | 'refusal' // Mẫu 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ
  | 'apology' // Mẫu 04: Phiếu xin lỗi và hẹn lại ngày trả kết quả
  | 'stop' // Mẫu 05: Thông báo dừng giải quyết hồ sơ
  | 'control'; // Mẫu 06: Phiếu kiểm soát quá trình giải quyết hồ sơ

/**
 * A paper handed in: số bản chính, số bản sao, and how it reached the desk — on paper, as an electronic file, or on
 * paper scanned at the desk (digitised).
 */
export interface FormComponent {
  name: string;
  originals: number;
  copies: number;
  electronic?: boolean;
  digitised?: boolean;
}

/** Who signs a form (its signature block); the receiving officer unless the form names someone else. */
export interface FormSigner {
  title: string;
  note: string;
  name: string;
}

export interface ControlEntry {
  at: Date; // thời gian giao/nhận
  from: string; // bên giao (person — unit)
  to: string; // bên nhận (person — unit)
  action: string; // e.g. "Tiếp nhận", "Chuyển xử lý", "Trình ký"
  result?: 'early' | 'on_time' | 'late'; // trước hạn / đúng hạn / quá hạn
  note?: string;
}

export interface FormData {
  kind: FormKind;
  /** Số và ký hiệu ("Số: 01/PXL") of the forms that are numbered (Mẫu 04, 05). */
  number?: string;
  /** Issuing authority lines, top-left: e.g. "ỦY BAN NHÂN DÂN THÀNH PHỐ CẦN THƠ" / "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG". */
  authority: string;
  unit: string;
  /** Place for the date line: "Cần Thơ". */
  place: string;
  issuedAt: Date;
  dossierCode: string;
  procedureName: string;
  applicant: { name: string; idNumber?: string; address?: string; phone?: string; email?: string };
  receivedAt: Date;
  dueAt?: Date;
  /** receipt: thời hạn giải quyết theo quy định ("01 ngày làm việc"). */
  processingTime?: string;
  /** receipt: nơi trả kết quả. */
  resultPlace?: string;
  /** receipt: số theo dõi in the dossier tracking book (sổ theo dõi hồ sơ). */
  bookNumber?: string;
  /** supplement: the officer to contact while completing the dossier, and their phone. */
  contact?: { name: string; phone?: string };
  components: FormComponent[];
  /** supplement: what to add or fix; refusal: why; apology: why late; stop: why stopped. */
  reasons?: string[];
  /** supplement: documents asked for outside the procedure's components, listed after the reasons. */
  extraDocuments?: string[];
  /** apology: the new appointment. */
  newDueAt?: Date;
  /** control: the hand-over history. */
  entries?: ControlEntry[];
  officerName: string;
  /** The signature block when it is not the receiving officer's (Mẫu 04, 05: the handling agency's leader). */
  signer?: FormSigner;
  /** receipt: the head of the dossier's event hash chain when it was issued (proof against a later rewrite). */
  chainHead?: string;
  /** Public lookup URL of the dossier, printed as a QR code. */
  lookupUrl: string;
}

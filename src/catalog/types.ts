// The content of one version of an administrative procedure (thủ tục hành chính, TTHC).
// Stored as JSON in procedure_versions.content; validated by procedureContentSchema.

/** Competent agency level (cấp thực hiện). */
export type AgencyLevel = 'province' | 'department' | 'commune';
/** Online level: toàn trình (full), một phần (partial), trực tiếp only (offline). */
export type OnlineLevel = 'full' | 'partial' | 'offline';
export type ApplicantType = 'citizen' | 'business' | 'organization';

export interface FeeItem {
  /** 'fee' = phí, 'charge' = lệ phí. */
  kind: 'fee' | 'charge';
  name: string;
  /** Amount in VND; null means "theo quy định" (set by regulation case by case). 0 = free. */
  amount: number | null;
  note?: string;
  /**
   * A fee per unit (e.g. 8.000 đồng per bản sao): `amount` is for one unit and is multiplied by the whole number the
   * applicant gives in the form field `field` (a required integer of the form schema); `unit` names it ("bản").
   */
  per?: { field: string; unit: string };
}

export interface DossierComponent {
  /** Thành phần hồ sơ. */
  name: string;
  originals: number; // số bản chính
  copies: number; // số bản sao
  templateName?: string; // mẫu đơn, tờ khai (e.g. "Tờ khai đăng ký khai sinh")
  templateUrl?: string;
  required: boolean;
}

export interface WorkflowStep {
  key: string; // e.g. "receive", "review", "approve"
  name: string; // Vietnamese label
  role: 'counter_officer' | 'specialist' | 'unit_leader' | 'agency_leader';
  /** Time budget in working hours. */
  hours: number;
  /** Liên thông: the step is done by another agency of this level/code. */
  transferTo?: { agencyLevel?: AgencyLevel; agencyCode?: string };
}

export interface ProcedureContent {
  nationalCode: string; // "1.001193"
  localSuffix?: string; // "000.00.00.H13"
  name: string;
  field: string; // lĩnh vực, e.g. "Hộ tịch"
  agencyLevel: AgencyLevel;
  competentAgency: string; // cơ quan thực hiện, e.g. "Ủy ban nhân dân cấp xã"
  onlineLevel: OnlineLevel;
  /** Online submission needs an e-ID of at least this identity level (VNeID mức 2); absent = any signed-in citizen. */
  minIdentityLevel?: 2;
  /**
   * Thời hạn giải quyết. 'same_day' (trong ngày): due at the close of the day of reception, or of the next working day
   * when received after `cutoff` ('HH:MM', default 15:00) or on a day off; `value` is then 1.
   */
  processingTime: { value: number; unit: 'working_days' | 'working_hours' | 'same_day'; cutoff?: string; note?: string };
  fees: FeeItem[];
  components: DossierComponent[];
  applicantTypes: ApplicantType[];
  applicants: string; // đối tượng thực hiện, free text
  legalBasis: string[]; // căn cứ pháp lý
  resultType: string; // kết quả thực hiện
  steps: string; // trình tự thực hiện
  methods: string; // cách thức thực hiện
  requirements?: string; // yêu cầu, điều kiện
  formSchema: Record<string, unknown>; // JSON Schema (draft 2020-12 subset) of the online form
  workflow: WorkflowStep[];
}

// Vietnamese labels of the API's codes, and number, money and date formatting.
import type {
  AgencyKind,
  AgencyLevel,
  ApplicantType,
  Channel,
  DossierStatus,
  FormKind,
  OnlineLevel,
  ProcedureContent,
  ProcedureStatus,
  Role,
  Timeliness,
} from './api.ts';

export const SITE_NAME = 'Cổng dịch vụ công — Thành phố Cần Thơ';
/** Code of the installation's province (đơn vị hành chính cấp tỉnh), when the agency tree in scope does not tell. */
export const DEFAULT_PROVINCE = '92';

export const AGENCY_LEVELS: Record<AgencyLevel, string> = { province: 'Cấp tỉnh', department: 'Sở, ban, ngành', commune: 'Cấp xã' };
export const ONLINE_LEVELS: Record<OnlineLevel, string> = { full: 'Toàn trình', partial: 'Một phần', offline: 'Trực tiếp' };
export const STATUSES: Record<ProcedureStatus, string> = { draft: 'Bản nháp', published: 'Đang công bố', unpublished: 'Ngừng công bố' };
export const APPLICANT_TYPES: Record<ApplicantType, string> = { citizen: 'Công dân', business: 'Doanh nghiệp', organization: 'Tổ chức' };
export const AGENCY_KINDS: Record<AgencyKind, string> = {
  province_committee: 'UBND cấp tỉnh',
  department: 'Sở, ban, ngành',
  commune_committee: 'UBND cấp xã',
  unit: 'Đơn vị trực thuộc',
};
export const ROLES: Record<Role, string> = {
  counter_officer: 'Cán bộ một cửa',
  specialist: 'Chuyên viên',
  unit_leader: 'Lãnh đạo phòng',
  agency_leader: 'Lãnh đạo cơ quan',
  ioc_viewer: 'Theo dõi IOC',
  agency_admin: 'Quản trị cơ quan',
  system_admin: 'Quản trị hệ thống',
  clerk: 'Văn thư',
};
export const TIME_UNITS: Record<ProcedureContent['processingTime']['unit'], string> = {
  working_days: 'ngày làm việc',
  working_hours: 'giờ làm việc',
  same_day: 'trong ngày',
};

/** The keys of a label table, typed (Object.keys loses the key type). */
export const keysOf = <K extends string>(labels: Record<K, string>) => Object.keys(labels) as K[];

const numberFormat = new Intl.NumberFormat('vi-VN');
export const formatNumber = (n: number) => numberFormat.format(n);
/** 2000 → "2.000 đồng"; 0 → "Miễn phí"; null → "Theo quy định". */
export const formatMoney = (amount: number | null) => (amount === null ? 'Theo quy định' : amount === 0 ? 'Miễn phí' : `${numberFormat.format(amount)} đồng`);
/** Dates and times are shown one way everywhere: dd/mm/yyyy and 24-hour HH:MM, in Vietnam time whatever the device's zone. */
const VN_PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Ho_Chi_Minh',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
function vietnamParts(iso: string) {
  const p = Object.fromEntries(VN_PARTS.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return { date: `${p.day}/${p.month}/${p.year}`, time: `${p.hour}:${p.minute}` };
}
/** "05/03/2026". */
export const formatDate = (iso: string | null | undefined) => (iso ? vietnamParts(iso).date : '');
/** "14:05 ngày 22/11/2026" (Vietnam time). */
export const formatDateTime = (iso: string | null | undefined) => {
  if (!iso) return '';
  const { date, time } = vietnamParts(iso);
  return `${time} ngày ${date}`;
};
export const formatTime = (t: ProcedureContent['processingTime']) =>
  t.unit === 'same_day'
    ? `Trong ngày (tiếp nhận sau ${t.cutoff ?? '15:00'} thì trả trong ngày làm việc tiếp theo)`
    : `${numberFormat.format(t.value)} ${TIME_UNITS[t.unit] ?? t.unit}`;

// ---- dossiers ----
export const CHANNELS: Record<Channel, string> = { online: 'Trực tuyến', counter: 'Trực tiếp', post: 'Bưu chính' };
export const RETURN_METHODS: Record<'counter' | 'post' | 'online', string> = {
  counter: 'Trực tiếp tại Bộ phận Một cửa',
  post: 'Qua dịch vụ bưu chính',
  online: 'Trực tuyến',
};
export const TIMELINESS: Record<Timeliness, string> = {
  early: 'Trước hạn',
  on_time: 'Đúng hạn',
  late: 'Quá hạn',
  in_time: 'Trong hạn',
  at_risk: 'Sắp đến hạn',
  overdue: 'Quá hạn',
};
export const TIMELINESS_TONES: Record<Timeliness, 'green' | 'amber' | 'red'> = {
  early: 'green',
  on_time: 'green',
  late: 'red',
  in_time: 'green',
  at_risk: 'amber',
  overdue: 'red',
};
export const STATUS_TONES: Record<DossierStatus, 'neutral' | 'green' | 'blue' | 'amber' | 'red'> = {
  1: 'blue',
  2: 'blue',
  3: 'red',
  4: 'blue',
  5: 'amber',
  6: 'amber',
  7: 'neutral',
  8: 'neutral',
  9: 'green',
  10: 'green',
};
/** Names of the dossier timeline's actions. */
export const ACTIONS: Record<string, string> = {
  submit: 'Nộp hồ sơ',
  accept: 'Tiếp nhận hồ sơ',
  request_supplement: 'Yêu cầu bổ sung',
  submit_supplement: 'Nộp bổ sung',
  refuse: 'Từ chối tiếp nhận',
  forward: 'Chuyển xử lý',
  send_back: 'Trả lại để xử lý lại',
  assign: 'Phân công cán bộ xử lý',
  consult: 'Xin ý kiến',
  answer_consultation: 'Trả lời xin ý kiến',
  apologize: 'Xin lỗi và hẹn lại',
  approve: 'Phê duyệt kết quả',
  return_result: 'Trả kết quả',
  withdraw: 'Yêu cầu rút hồ sơ',
  stop: 'Dừng xử lý',
  request_payment: 'Yêu cầu thực hiện nghĩa vụ tài chính',
  record_payment: 'Ghi nhận đã nộp phí, lệ phí',
};
export const FORM_NAMES: Record<FormKind, string> = {
  receipt: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01)',
  supplement: 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)',
  refusal: 'Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03)',
  apology: 'Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04)',
  stop: 'Thông báo dừng giải quyết hồ sơ (Mẫu 05)',
  control: 'Phiếu kiểm soát quá trình giải quyết hồ sơ',
};

/** An instant in Vietnam time, whatever the device's time zone: "14:05 22/11/2026". */
export const formatInstant = (iso: string | null | undefined) => {
  if (!iso) return '—';
  const { date, time } = vietnamParts(iso);
  return `${time} ${date}`;
};
/** 43 → "43 byte"; 12_345 → "12,1 KB"; 3_500_000 → "3,3 MB". */
export const formatSize = (bytes: number) =>
  bytes < 1024
    ? `${bytes} byte`
    : bytes < 1024 * 1024
      ? `${numberFormat.format(Math.round(bytes / 102.4) / 10)} KB`
      : `${numberFormat.format(Math.round(bytes / 104857.6) / 10)} MB`;

// ---- operations centre ----
const percentFormat = new Intl.NumberFormat('vi-VN', { style: 'percent', maximumFractionDigits: 1 });
const decimalFormat = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 });
/** 0.875 → "87,5%"; null → "—". */
export const formatPercent = (ratio: number | null | undefined) => (ratio === null || ratio === undefined ? '—' : percentFormat.format(ratio));
/** 4.25 → "4,3"; null → "—". */
export const formatDecimal = (n: number | null | undefined) => (n === null || n === undefined ? '—' : decimalFormat.format(n));
/** "2026-11-27" → "27/11/2026" (a calendar day, no time zone shift). */
export const formatDay = (day: string) => day.split('-').reverse().join('/');
/** The current time in Vietnam, "14:05:12". */
export const formatClock = (d: Date) => d.toLocaleTimeString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', second: '2-digit' });

// Vietnamese labels of the API's codes, and number, money and date formatting.
import type { AgencyKind, AgencyLevel, ApplicantType, OnlineLevel, ProcedureContent, ProcedureStatus, Role } from './api.ts';

export const SITE_NAME = 'Cổng dịch vụ công — Thành phố Cần Thơ';
/** Code of the installation's province (đơn vị hành chính cấp tỉnh), when the agency tree in scope does not tell. */
export const DEFAULT_PROVINCE = '92';

export const AGENCY_LEVELS: Record<AgencyLevel, string> = { province: 'Cấp tỉnh', department: 'Sở, ban, ngành', commune: 'Cấp xã' };
export const ONLINE_LEVELS: Record<OnlineLevel, string> = { full: 'Toàn trình', partial: 'Một phần', offline: 'Trực tiếp' };
export const STATUSES: Record<ProcedureStatus, string> = { draft: 'Bản nháp', published: 'Đang công bố', unpublished: 'Ngừng công bố' };
export const APPLICANT_TYPES: Record<ApplicantType, string> = { citizen: 'Công dân', business: 'Doanh nghiệp', organization: 'Tổ chức' };
export const AGENCY_KINDS: Record<AgencyKind, string> = {
  province_committee: 'UBND cấp tỉnh', department: 'Sở, ban, ngành', commune_committee: 'UBND cấp xã', unit: 'Đơn vị trực thuộc',
};
export const ROLES: Record<Role, string> = {
  counter_officer: 'Cán bộ một cửa', specialist: 'Chuyên viên', unit_leader: 'Lãnh đạo phòng', agency_leader: 'Lãnh đạo cơ quan',
  ioc_viewer: 'Theo dõi IOC', agency_admin: 'Quản trị cơ quan', system_admin: 'Quản trị hệ thống',
};
export const TIME_UNITS: Record<ProcedureContent['processingTime']['unit'], string> = { working_days: 'ngày làm việc', working_hours: 'giờ làm việc' };

/** The keys of a label table, typed (Object.keys loses the key type). */
export const keysOf = <K extends string>(labels: Record<K, string>) => Object.keys(labels) as K[];

const numberFormat = new Intl.NumberFormat('vi-VN');
export const formatNumber = (n: number) => numberFormat.format(n);
/** 2000 → "2.000 đồng"; 0 → "Miễn phí"; null → "Theo quy định". */
export const formatMoney = (amount: number | null) =>
  amount === null ? 'Theo quy định' : amount === 0 ? 'Miễn phí' : `${numberFormat.format(amount)} đồng`;
export const formatDate = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleDateString('vi-VN') : '');
/** "14:05 ngày 22/11/2026". */
export const formatDateTime = (iso: string | null | undefined) => {
  if (!iso) return '';
  const d = new Date(iso);
  return `${d.toLocaleTimeString('vi-VN', { hour: '2-digit', minute: '2-digit' })} ngày ${d.toLocaleDateString('vi-VN')}`;
};
export const formatTime = (t: ProcedureContent['processingTime']) => `${numberFormat.format(t.value)} ${TIME_UNITS[t.unit] ?? t.unit}`;

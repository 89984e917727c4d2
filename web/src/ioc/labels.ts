// Vietnamese names and colours of the operations-centre indicators, and the address of a drill-down list.
import { withQuery } from '../api.ts';
import { periodParams, type Period, type Scope } from './period.ts';
import type { BreakdownBy, Indicator, ShareKey } from './types.ts';

export const INDICATOR_NAMES: Record<Indicator, string> = {
  received: 'Hồ sơ tiếp nhận',
  early: 'Hồ sơ giải quyết trước hạn',
  on_time: 'Hồ sơ giải quyết đúng hạn',
  late: 'Hồ sơ giải quyết quá hạn',
  finished_other: 'Hồ sơ kết thúc khác (từ chối, dừng xử lý)',
  in_time: 'Hồ sơ đang giải quyết trong hạn',
  at_risk: 'Hồ sơ đang giải quyết sắp đến hạn',
  overdue: 'Hồ sơ đang giải quyết quá hạn',
  supplements: 'Hồ sơ có yêu cầu bổ sung',
  apologies: 'Hồ sơ có phiếu xin lỗi',
};

export const SHARE_NAMES: Record<ShareKey, string> = {
  fullOnline: 'Hồ sơ trực tuyến toàn trình',
  paidOnline: 'Hồ sơ thanh toán trực tuyến',
  digitisedComponents: 'Số hóa thành phần hồ sơ',
  digitisedResults: 'Số hóa kết quả giải quyết',
  electronicResults: 'Cấp kết quả điện tử',
  reusedData: 'Tái sử dụng dữ liệu đã số hóa',
  satisfaction: 'Mức độ hài lòng của người dân, doanh nghiệp',
};

export const BREAKDOWN_NAMES: Record<BreakdownBy, string> = { agency: 'Cơ quan', commune: 'Xã, phường', field: 'Lĩnh vực', procedure: 'Thủ tục' };

/** One colour per indicator, the same on every chart and bar. */
export const COLOURS = {
  received: '#2f6fbf',
  early: '#1e8c4e',
  on_time: '#62b86b',
  late: '#d23f31',
  finished_other: '#8c959f',
  in_time: '#3a9e8f',
  at_risk: '#e0a100',
  overdue: '#b3261e',
} as const;

/** The list of dossiers behind a number: the same period and scope, with `extra` narrowing the scope further. */
export const drillHref = (indicator: Indicator, period: Period, scope: Scope, extra: Scope = {}) =>
  withQuery('/dieu-hanh/ho-so', { indicator, ...periodParams(period, { ...scope, ...extra }) });

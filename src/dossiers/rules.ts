// The one-stop rules that need no database: national status codes, dossier codes, on-time classification,
// masking of personal data. (Decree 118/2025/NĐ-CP, Circular 03/2025/TT-VPCP, DVCQG's 766 computation.)
import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import type { Clock, StateDeclaration } from '../workflow/engine.ts';
import { vietnamDate, yymmdd } from '../shared/time.ts';

/** National dossier status codes (mã trạng thái hồ sơ đồng bộ DVCQG). */
export const Status = {
  New: 1, // Mới đăng ký
  Received: 2, // Được tiếp nhận
  Refused: 3, // Không được tiếp nhận
  Processing: 4, // Đang xử lý
  SupplementRequested: 5, // Yêu cầu bổ sung giấy tờ
  PaymentRequested: 6, // Yêu cầu thực hiện nghĩa vụ tài chính
  WithdrawalRequested: 7, // Công dân yêu cầu rút hồ sơ
  Stopped: 8, // Dừng xử lý
  Done: 9, // Đã xử lý xong
  Returned: 10, // Đã trả kết quả
} as const;
export type StatusCode = (typeof Status)[keyof typeof Status];

/**
 * The dossier's states for the workflow engine: each status's name and how the working-time clock stands in it. A
 * withdrawal request (7) keeps the clock as it was (a request made while waiting for the citizen stays paused until
 * the officer stops the dossier); it is declared running, as it is judged.
 */
export const DOSSIER_STATES: Record<StatusCode, StateDeclaration> = {
  1: { name: 'Mới đăng ký', clock: 'not_started' },
  2: { name: 'Được tiếp nhận', clock: 'runs' },
  3: { name: 'Không được tiếp nhận', clock: 'stopped', final: true },
  4: { name: 'Đang xử lý', clock: 'runs' },
  5: { name: 'Yêu cầu bổ sung giấy tờ', clock: 'paused' },
  6: { name: 'Yêu cầu thực hiện nghĩa vụ tài chính', clock: 'paused' },
  7: { name: 'Công dân yêu cầu rút hồ sơ', clock: 'runs' },
  8: { name: 'Dừng xử lý', clock: 'stopped', final: true },
  9: { name: 'Đã xử lý xong', clock: 'stopped' },
  10: { name: 'Đã trả kết quả', clock: 'stopped', final: true },
};

export const STATUS_NAMES = Object.fromEntries(Object.entries(DOSSIER_STATES).map(([s, d]) => [s, d.name])) as Record<StatusCode, string>;

/** The statuses whose clock is one of `clocks`. */
const statusesWhere = (...clocks: Clock[]): StatusCode[] =>
  Object.entries(DOSSIER_STATES)
    .filter(([, d]) => clocks.includes(d.clock))
    .map(([s]) => Number(s) as StatusCode);

// Re-exported for service.ts, which still imports it from here.
export { vietnamDate };

/** Mã hồ sơ: {agency electronic identifier}-{YYMMDD}-{daily sequence, at least 4 digits}. */
/** Every dossier code the system can hold: its own (`H13.102-261122-0001`) and imported ones (`CU-2024-000001`, `EC-C`);
 * shared by the import, the public lookup and the lookup page, so that any stored code can be looked up. */
export const DOSSIER_CODE_PATTERN = '^[0-9A-Za-z][0-9A-Za-z._/-]{0,59}$';
export const dossierCode = (agencyCode: string, at: Date, sequence: number) => `${dossierCodePrefix(agencyCode, at)}${String(sequence).padStart(4, '0')}`;
/** The code before its sequence number (the submission pads the number in SQL, as dossierCode does). */
export const dossierCodePrefix = (agencyCode: string, at: Date) => `${agencyCode}-${yymmdd(at)}-`;

export type Timeliness = 'early' | 'on_time' | 'late';
export const TIMELINESS_NAMES: Record<Timeliness, string> = { early: 'Trước hạn', on_time: 'Đúng hạn', late: 'Quá hạn' };

/**
 * A finished dossier or step (trước hạn / đúng hạn / quá hạn). `due` already includes the time spent waiting for
 * the citizen (it moves forward when the clock restarts). More than one supplement request makes a dossier late.
 * Early = finished on a working day before the due date; on time = on the due date, at or before the due time.
 */
export function classifyFinished(finishedAt: Date, due: Date, supplementRequests = 0): Timeliness {
  if (supplementRequests > 1 || finishedAt > due) return 'late';
  return vietnamDate(finishedAt) < vietnamDate(due) ? 'early' : 'on_time';
}

/**
 * A `dossiers` row as the on-time rule reads it: status, received_at, finished_at, due_at, original_due_at,
 * supplement_requests, paused_at.
 */
export type TimingRow = Record<string, any>;

/**
 * The appointment a dossier is judged against: the one given at reception (original_due_at), moved only by the time
 * spent waiting for the citizen (supplement, fee). An apology (Mẫu 04) gives the citizen a new date (due_at), but a
 * dossier late against its first appointment stays late.
 */
export function judgedDueAt(d: TimingRow): Date | null {
  const v = d.original_due_at ?? d.due_at;
  return v ? new Date(v as string) : null;
}

/** Received and not finished: the statuses an accepted dossier waits in (its clock runs or is paused). */
export const OPEN_RECEIVED: readonly number[] = statusesWhere('runs', 'paused');
/** Not finished: waiting for reception, or received and open. */
export const OPEN: readonly number[] = statusesWhere('not_started', 'runs', 'paused');

/**
 * DVCQG 766: an accepted dossier ends when its result is issued (9, then 10) or when it is stopped or withdrawn (8),
 * and is judged at that end against its appointment. Refused (3) or withdrawn before acceptance: never judged.
 */
export const isJudgedFinish = (d: TimingRow) => [8, 9, 10].includes(Number(d.status)) && Boolean(d.received_at && d.finished_at) && judgedDueAt(d) !== null;

/** A judged finish: trước hạn / đúng hạn / quá hạn at its end against its judged appointment (null: not judged). */
export function finishedTimeliness(d: TimingRow): Timeliness | null {
  return isJudgedFinish(d) ? classifyFinished(new Date(d.finished_at), judgedDueAt(d)!, Number(d.supplement_requests)) : null;
}

/**
 * The on-time rule for one dossier, the one every screen and count uses: a judged finish is trước hạn / đúng hạn /
 * quá hạn; a received open dossier whose clock runs is trong hạn / sắp đến hạn / quá hạn; otherwise null.
 */
export function dossierTimeliness(d: TimingRow, calendar: WorkingCalendar, now: Date, riskShare: number): Timeliness | OpenTimeliness | null {
  const due = judgedDueAt(d);
  if (isJudgedFinish(d)) return finishedTimeliness(d);
  if (OPEN_RECEIVED.includes(Number(d.status)) && d.received_at && due && !d.paused_at) {
    return classifyOpen(calendar, new Date(d.received_at), due, now, riskShare);
  }
  return null;
}

export type OpenTimeliness = 'in_time' | 'at_risk' | 'overdue';
export const OPEN_TIMELINESS_NAMES: Record<OpenTimeliness, string> = { in_time: 'Trong hạn', at_risk: 'Sắp đến hạn', overdue: 'Quá hạn' };

/** An open dossier or step: overdue past its due time; at risk when less than `riskShare` of its working time is left. */
export function classifyOpen(calendar: WorkingCalendar, start: Date, due: Date, now: Date, riskShare = 0.2): OpenTimeliness {
  if (now > due) return 'overdue';
  const total = calendar.workingHoursBetween(start, due);
  const left = calendar.workingHoursBetween(now, due);
  return total > 0 && left < riskShare * total ? 'at_risk' : 'in_time';
}

/**
 * "Nguyễn Văn An" → "N. V. A.": enough to recognise one's own dossier, nothing to identify a stranger — initials
 * only, since the length of each word would narrow a name down to a few candidates.
 */
export function maskName(name: string): string {
  return name
    .normalize('NFC')
    .trim()
    .split(/\s+/)
    .map((w) => `${[...w][0]}.`)
    .join(' ');
}

/** The last four digits of an ID number or phone number: the second factor of the public lookup. */
export const lastFourDigits = (value: unknown) =>
  String(value ?? '')
    .replace(/\D/g, '')
    .slice(-4);

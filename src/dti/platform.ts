// The adapter between DTI components measured by the platform and the modules' own statistics functions (never their
// tables). One place to repoint at the indicator dictionary once it exists: each key names a ratio of the year.
import type { Queryable } from '../db/index.ts';
import { feedbackStats } from '../feedback/stats.ts';
import { vietnamDate } from '../shared/time.ts';
import { summary } from '../stats/query.ts';

export interface PlatformRatio {
  numerator: number;
  denominator: number;
  /** Where the figure comes from, shown beside the value. */
  source: string;
}

export const AUTO_KEYS = ['dossiers.fullOnline', 'dossiers.onTime', 'dossiers.electronicResults', 'feedback.answeredOnTime'] as const;
export type AutoKey = (typeof AUTO_KEYS)[number];
export const isAutoKey = (k: string): k is AutoKey => (AUTO_KEYS as readonly string[]).includes(k);

/** The year up to today (or its last day once over), as the operations centre would ask for it. */
function yearPeriod(year: number) {
  const today = vietnamDate(new Date());
  const last = `${year}-12-31`;
  return { from: `${year}-01-01`, to: last < today ? last : today };
}

/** The platform's figures for the keys asked, for the year; a key without data (denominator 0) is left out: missing, not 0. */
export async function platformRatios(db: Queryable, year: number, keys: AutoKey[]): Promise<Map<AutoKey, PlatformRatio>> {
  const out = new Map<AutoKey, PlatformRatio>();
  if (!keys.length) return out;
  const period = yearPeriod(year);
  const put = (key: AutoKey, numerator: number | null, denominator: number | null, source: string) => {
    if (numerator !== null && denominator) out.set(key, { numerator, denominator, source });
  };
  if (keys.some((k) => k.startsWith('dossiers.'))) {
    const s = await summary(db, period);
    const where = `Trung tâm điều hành, ${period.from}..${period.to}`;
    put('dossiers.fullOnline', s.shares.fullOnline.numerator, s.shares.fullOnline.denominator, `${where}: hồ sơ trực tuyến toàn trình / hồ sơ tiếp nhận`);
    put(
      'dossiers.electronicResults',
      s.shares.electronicResults.numerator,
      s.shares.electronicResults.denominator,
      `${where}: kết quả điện tử / hồ sơ có kết quả`,
    );
    // The DVCQG on-time ratio's own parts: finished early or on time + unfinished in time, over finished classified + unfinished.
    put(
      'dossiers.onTime',
      s.finished.early + s.finished.onTime + s.openAtEnd.inTime,
      s.finished.early + s.finished.onTime + s.finished.late + s.openAtEnd.total,
      `${where}: cách tính của Cổng Dịch vụ công quốc gia`,
    );
  }
  if (keys.includes('feedback.answeredOnTime')) {
    const f = await feedbackStats(db, period);
    put('feedback.answeredOnTime', f.handled.onTime, f.handled.total, `Phản ánh, kiến nghị ${period.from}..${period.to}: trả lời đúng hạn / đã trả lời`);
  }
  return new Map([...out].filter(([k]) => keys.includes(k)));
}

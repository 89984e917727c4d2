// The indicator dictionary (từ điển chỉ tiêu): one definition per code and year, edited by system administrators, and
// the one way other modules read an indicator's value: a figure the platform computes comes from the owning module's
// statistics functions (the operations centre, the feedback module), never from their tables; a figure the agencies
// report comes from their accepted reports. A value nobody has is null, never 0.
import type { Queryable } from '../db/index.ts';
import type { ReportIndicatorsRow } from '../db/schema.ts';
import { type Actor, requireSystemAdmin } from '../shared/actor.ts';
import { badRequest } from '../shared/errors.ts';
import { summary } from '../stats/query.ts';
import { feedbackStats } from '../feedback/stats.ts';

export const AGGREGATIONS = ['sum', 'average', 'ratio', 'last'] as const;
export const DISAGGREGATIONS = ['commune', 'agency', 'field'] as const;

export interface Period {
  from: string;
  to: string;
}
/** Where a value is read: the whole province, or an agency and everything under it. */
export interface ValueScope {
  agencyId?: string;
}

type Share = { ratio: number | null } | null;
const percent = (s: Share) => (s?.ratio == null ? null : Math.round(s.ratio * 10000) / 100);

/** The platform's figures an indicator can be computed by, each from its module's statistics functions. */
export const COMPUTED: Record<string, { label: string; value: (db: Queryable, period: Period, scope: ValueScope) => Promise<number | null> }> = {
  'dossiers.received': {
    label: 'Hồ sơ tiếp nhận (trung tâm điều hành)',
    value: async (db, p, s) => (await summary(db, { ...p, agency: s.agencyId })).received.total,
  },
  'dossiers.full_online_share': {
    label: 'Tỷ lệ trực tuyến toàn trình (trung tâm điều hành)',
    value: async (db, p, s) => percent((await summary(db, { ...p, agency: s.agencyId })).shares.fullOnline),
  },
  'dossiers.on_time_ratio': {
    label: 'Tỷ lệ đúng hạn theo cách tính DVCQG (trung tâm điều hành)',
    value: async (db, p, s) => percent({ ratio: (await summary(db, { ...p, agency: s.agencyId })).onTimeRatio }),
  },
  'dossiers.electronic_results_share': {
    label: 'Tỷ lệ trả kết quả điện tử (trung tâm điều hành)',
    value: async (db, p, s) => percent((await summary(db, { ...p, agency: s.agencyId })).shares.electronicResults),
  },
  'feedback.on_time_ratio': {
    label: 'Tỷ lệ phản ánh trả lời đúng hạn (phản ánh, kiến nghị)',
    value: async (db, p, s) => percent({ ratio: (await feedbackStats(db, { ...p, agency: s.agencyId })).onTimeRatio }),
  },
};

export interface Indicator {
  code: string;
  year: number;
  name: string;
  unit: string;
  area: string;
  definition: string;
  formula: string;
  aggregation: (typeof AGGREGATIONS)[number];
  disaggregations: (typeof DISAGGREGATIONS)[number][];
  source: 'computed' | 'reported';
  computedBy: string | null;
  numerator: string | null;
  denominator: string | null;
  updatedAt: string;
}

const toIndicator = (r: ReportIndicatorsRow): Indicator => ({
  code: r.code,
  year: r.year,
  name: r.name,
  unit: r.unit,
  area: r.area,
  definition: r.definition,
  formula: r.formula,
  aggregation: r.aggregation as Indicator['aggregation'],
  disaggregations: r.disaggregations as Indicator['disaggregations'],
  source: r.source as Indicator['source'],
  computedBy: r.computed_by,
  numerator: r.numerator,
  denominator: r.denominator,
  updatedAt: new Date(r.updated_at).toISOString(),
});

/** The dictionary as it stands for a year: each code's version of that year, or its latest one before it. */
export async function indicatorsForYear(db: Queryable, year: number): Promise<Map<string, Indicator>> {
  const rows = await db.query<ReportIndicatorsRow>(`SELECT DISTINCT ON (code) * FROM report_indicators WHERE year <= $1 ORDER BY code, year DESC`, [year]);
  return new Map(rows.map((r) => [r.code, toIndicator(r)]));
}

export async function listIndicators(db: Queryable, year: number): Promise<Indicator[]> {
  return [...(await indicatorsForYear(db, year)).values()];
}

export interface IndicatorInput {
  name: string;
  unit: string;
  area: string;
  definition: string;
  formula: string;
  aggregation: Indicator['aggregation'];
  disaggregations: Indicator['disaggregations'];
  source: Indicator['source'];
  computedBy?: string | null;
  numerator?: string | null;
  denominator?: string | null;
}

/**
 * Writes the year's version of an indicator (a new year starts a new version; earlier years keep theirs). Checked
 * before anything is written: a computed one names a figure the platform has, a reported ratio names its parts.
 */
export async function saveIndicator(db: Queryable, actor: Actor | null, code: string, year: number, input: IndicatorInput): Promise<Indicator> {
  const admin = requireSystemAdmin(actor, 'Chỉ quản trị hệ thống được sửa từ điển chỉ tiêu.');
  const computedBy = input.source === 'computed' ? (input.computedBy ?? null) : null;
  if (input.source === 'computed' && !(computedBy && COMPUTED[computedBy]))
    throw badRequest('INVALID_COMPUTATION', 'Chỉ tiêu do hệ thống tính phải chọn một số liệu hệ thống có.', { choices: Object.keys(COMPUTED) });
  const parts = input.source === 'reported' && input.aggregation === 'ratio' ? [input.numerator ?? null, input.denominator ?? null] : [null, null];
  if (input.source === 'reported' && input.aggregation === 'ratio') {
    const known = await indicatorsForYear(db, year);
    for (const part of parts)
      if (!part || part === code || known.get(part)?.source !== 'reported')
        throw badRequest('INVALID_RATIO_PARTS', 'Tỷ lệ do đơn vị báo cáo phải nêu tử số và mẫu số là hai chỉ tiêu do đơn vị báo cáo khác.');
  }
  const [row] = await db.query<ReportIndicatorsRow>(
    `INSERT INTO report_indicators (code, year, name, unit, area, definition, formula, aggregation, disaggregations, source, computed_by, numerator, denominator, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
     ON CONFLICT (code, year) DO UPDATE SET name = $3, unit = $4, area = $5, definition = $6, formula = $7, aggregation = $8,
       disaggregations = $9, source = $10, computed_by = $11, numerator = $12, denominator = $13, updated_by = $14, updated_at = now()
     RETURNING *`,
    [
      code,
      year,
      input.name,
      input.unit,
      input.area,
      input.definition,
      input.formula,
      input.aggregation,
      input.disaggregations,
      input.source,
      computedBy,
      ...parts,
      admin.userId,
    ],
  );
  return toIndicator(row);
}

/** The value of an indicator computed by the platform, for a period and scope (null when the platform has none). */
export async function computedValue(db: Queryable, indicator: Indicator, period: Period, scope: ValueScope): Promise<number | null> {
  return indicator.computedBy ? COMPUTED[indicator.computedBy].value(db, period, scope) : null;
}

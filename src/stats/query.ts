// Reading the service-quality indicators from the aggregates: any period is cut into whole years, whole months and
// the remaining days, so a query sums a few thousand aggregate rows whatever the number of dossiers; scope filters
// (agency, commune, field, procedure) resolve to sets of agency and procedure ids through small lookups.
import type { Queryable, Row } from '../db/index.ts';
import { listAgencies } from '../agencies/service.ts';
import { listUnits } from '../geo/service.ts';
import { workingCalendar } from '../calendar/service.ts';
import { satisfactionStats } from '../satisfaction/service.ts';
import { COUNTERS, type Counter } from './service.ts';
import { addDays, HOUR_MS, sqlVietnamDate, sqlVietnamDayStart, vietnamDate, vietnamDayStart } from '../shared/time.ts';

export interface Scope {
  agency?: string;
  commune?: string;
  field?: string;
  procedure?: string;
}
export interface PeriodQuery extends Scope {
  from: string;
  to: string;
}

// ---- dimensions ---------------------------------------------------------------------------------

export interface AgencyInfo {
  id: string;
  name: string;
  code: string;
  parentId: string | null;
  unitCode: string | null;
  kind: string;
}
export interface ProcedureInfo {
  id: string;
  name: string;
  code: string;
  field: string;
  onlineLevel: string;
}
export interface Dimensions {
  agencies: Map<string, AgencyInfo>;
  procedures: Map<string, ProcedureInfo>;
  communes: Map<string, string>;
}

const dimensionCache = new WeakMap<Queryable, { key: string; value: Dimensions }>();

/**
 * Agencies, procedures and communes by id/code, kept per database until an agency or procedure row changes (one
 * small query tells). Agencies, procedures and units are read directly for that check and for the procedure listing
 * (read-only): the catalogue has no service function that lists every procedure with its field and online level.
 */
export async function dimensions(db: Queryable): Promise<Dimensions> {
  const [r] = await db.query(
    `SELECT (SELECT count(*) || '|' || coalesce(max(updated_at)::text, '') FROM agencies) || '|' ||
            (SELECT count(*) || '|' || coalesce(max(updated_at)::text, '') FROM procedures) || '|' ||
            (SELECT count(*) FROM admin_units WHERE valid_to IS NULL) AS key`,
  );
  const hit = dimensionCache.get(db);
  if (hit && hit.key === r.key) return hit.value;
  const value = await loadDimensions(db);
  dimensionCache.set(db, { key: r.key, value });
  return value;
}

async function loadDimensions(db: Queryable): Promise<Dimensions> {
  const agencies = (await listAgencies(db, null)).map((a) => ({
    id: a.id,
    name: a.name,
    code: a.code,
    parentId: a.parentId,
    unitCode: a.unitCode,
    kind: a.kind,
  }));
  const procedures = await db.query('SELECT id, name, code, field, online_level FROM procedures');
  const communes = await listUnits(db, { level: 'commune' });
  return {
    agencies: new Map(agencies.map((a) => [a.id, a])),
    procedures: new Map(procedures.map((p) => [p.id as string, { id: p.id, name: p.name, code: p.code, field: p.field, onlineLevel: p.online_level }])),
    communes: new Map(communes.map((c) => [c.code, c.fullName])),
  };
}

/** The agency ids and procedure ids a scope covers (null: no restriction). An agency covers its sub-units. */
export interface ResolvedScope {
  agencyIds: string[] | null;
  procedureIds: string[] | null;
}

export function resolveScope(dims: Dimensions, s: Scope): ResolvedScope {
  const children = new Map<string, string[]>();
  for (const a of dims.agencies.values()) if (a.parentId) children.set(a.parentId, [...(children.get(a.parentId) ?? []), a.id]);
  const withUnits = (roots: string[]) => {
    const out = new Set<string>();
    const walk = (id: string) => {
      out.add(id);
      for (const c of children.get(id) ?? []) walk(c);
    };
    roots.forEach(walk);
    return out;
  };
  let agencyIds: Set<string> | null = null;
  const narrow = (ids: Set<string>) => {
    agencyIds = agencyIds ? new Set([...agencyIds].filter((x) => ids.has(x))) : ids;
  };
  if (s.agency) narrow(withUnits([s.agency]));
  if (s.commune) narrow(withUnits([...dims.agencies.values()].filter((a) => a.unitCode === s.commune).map((a) => a.id)));
  let procedureIds: string[] | null = null;
  if (s.field) procedureIds = [...dims.procedures.values()].filter((p) => p.field === s.field).map((p) => p.id);
  if (s.procedure) procedureIds = (procedureIds ?? [s.procedure]).filter((id) => id === s.procedure);
  return { agencyIds: agencyIds ? [...(agencyIds as Set<string>)] : null, procedureIds };
}

// ---- periods ------------------------------------------------------------------------------------

type Grain = 'day' | 'week' | 'month' | 'year';
const TABLE: Record<Grain, string> = { day: 'stats_daily', week: 'stats_weekly', month: 'stats_monthly', year: 'stats_yearly' };
/** Before any dossier: prefix sums start here. */
const EPOCH = '1990-01-01';

const monthEnd = (day: string) => addDays(`${nextMonth(day.slice(0, 7))}-01`, -1);
const nextMonth = (ym: string) => {
  const [y, m] = ym.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
};

/**
 * [from, to] as ranges of whole years, months, weeks and days (no coarser than `coarsest`; weeks with months). A week is
 * used only inside one month, so a month's figures never include another month's days.
 */
export function periodParts(from: string, to: string, coarsest: Grain = 'year'): { table: string; from: string; to: string }[] {
  const parts: { table: string; from: string; to: string }[] = [];
  // Consecutive rows of one table merge into one range of their start days.
  const add = (grain: Grain, start: string) => {
    const last = parts[parts.length - 1];
    if (last && last.table === TABLE[grain]) last.to = start;
    else parts.push({ table: TABLE[grain], from: start, to: start });
  };
  let day = from;
  while (day <= to) {
    const yearEnd = `${day.slice(0, 4)}-12-31`;
    if (coarsest === 'year' && day.slice(5) === '01-01' && yearEnd <= to) {
      add('year', day);
      day = addDays(yearEnd, 1);
      continue;
    }
    const mEnd = monthEnd(day);
    if (coarsest !== 'day' && day.slice(8) === '01' && mEnd <= to) {
      add('month', day);
      day = addDays(mEnd, 1);
      continue;
    }
    const sunday = addDays(day, 6);
    if (coarsest !== 'day' && new Date(`${day}T00:00:00Z`).getUTCDay() === 1 && sunday <= to && sunday <= mEnd) {
      add('week', day);
      day = addDays(sunday, 1);
      continue;
    }
    add('day', day);
    day = addDays(day, 1);
  }
  return parts;
}

// ---- sums ---------------------------------------------------------------------------------------

export type Sums = Record<Counter, number> & {
  received_online: number;
  received_counter: number;
  received_post: number;
  full_received: number;
  full_online: number;
};
const plus = (a: Sums, b: Sums): Sums => Object.fromEntries(Object.keys(a).map((k) => [k, a[k as keyof Sums] + b[k as keyof Sums]])) as Sums;
const zeroSums = (): Sums =>
  Object.fromEntries([...COUNTERS, 'received_online', 'received_counter', 'received_post', 'full_received', 'full_online'].map((k) => [k, 0])) as Sums;
export type GroupKey = 'agency_id' | 'procedure_id' | 'day' | 'month' | null;

/** Counter sums over [from, to] in a scope, grouped by agency, procedure, day or month ('' when not grouped). */
export async function sums(
  db: Queryable,
  from: string,
  to: string,
  scope: ResolvedScope,
  fullOnlineIds: string[],
  group: GroupKey = null,
  coarsest: Grain = 'year',
): Promise<Map<string, Sums>> {
  const parts = periodParts(from, to, coarsest);
  const out = new Map<string, Sums>();
  if (!parts.length) return out;
  const params: unknown[] = [scope.agencyIds, scope.procedureIds, fullOnlineIds];
  const filter = `($1::uuid[] IS NULL OR agency_id = ANY($1::uuid[])) AND ($2::uuid[] IS NULL OR procedure_id = ANY($2::uuid[]))`;
  const union = parts
    .map((p) => {
      params.push(p.from, p.to);
      return `SELECT * FROM ${p.table} WHERE day BETWEEN $${params.length - 1}::date AND $${params.length}::date AND ${filter}`;
    })
    .join(' UNION ALL ');
  const key = group === null ? `''` : group === 'month' ? `to_char(day, 'YYYY-MM')` : group === 'day' ? 'day::text' : `${group}::text`;
  const rows = await db.query(
    `SELECT ${key} AS key, ${COUNTERS.map((c) => `sum(${c})::float8 AS ${c}`).join(', ')},
            coalesce(sum(received) FILTER (WHERE channel = 'online'), 0)::float8 AS received_online,
            coalesce(sum(received) FILTER (WHERE channel = 'counter'), 0)::float8 AS received_counter,
            coalesce(sum(received) FILTER (WHERE channel = 'post'), 0)::float8 AS received_post,
            coalesce(sum(received) FILTER (WHERE procedure_id = ANY($3::uuid[])), 0)::float8 AS full_received,
            coalesce(sum(received) FILTER (WHERE channel = 'online' AND procedure_id = ANY($3::uuid[])), 0)::float8 AS full_online
       FROM (${union}) AS t GROUP BY 1`,
    params,
  );
  for (const r of rows) {
    const s = zeroSums();
    for (const k of Object.keys(s) as (keyof Sums)[]) s[k] = Number(r[k]);
    out.set(r.key as string, s);
  }
  return out;
}

/** Open dossiers now, or (for a past day) the ones still open now that were received and already late by its end. */
async function openCounts(db: Queryable, scope: ResolvedScope, group: 'agency_id' | 'procedure_id' | null, lateBy: string | null) {
  const key = group === null ? `''` : `${group}::text`;
  const rows = await db.query(
    `SELECT ${key} AS key,
            count(*) FILTER (WHERE coalesce(paused_at, now()) > due_at)::int AS overdue,
            count(*) FILTER (WHERE NOT coalesce(coalesce(paused_at, now()) > due_at, false) AND coalesce(paused_at, now()) >= at_risk_from)::int AS at_risk,
            count(*)::int AS open,
            count(*) FILTER (WHERE $3::date IS NOT NULL AND received_day <= $3::date AND late_from <= $3::date)::int AS late_by
       FROM stats_open
      WHERE ($1::uuid[] IS NULL OR agency_id = ANY($1::uuid[])) AND ($2::uuid[] IS NULL OR procedure_id = ANY($2::uuid[]))
      GROUP BY 1`,
    [scope.agencyIds, scope.procedureIds, lateBy],
  );
  return new Map(
    rows.map((r) => [r.key as string, { overdue: r.overdue as number, atRisk: r.at_risk as number, open: r.open as number, lateBy: r.late_by as number }]),
  );
}

// ---- indicators ---------------------------------------------------------------------------------

export interface Share {
  numerator: number | null;
  denominator: number | null;
  ratio: number | null;
  available: boolean;
}
const share = (numerator: number, denominator: number): Share => ({
  numerator,
  denominator,
  ratio: denominator ? numerator / denominator : null,
  available: true,
});
/** Data the platform does not hold yet: shown as not available, never as a number. */
const NOT_HELD: Share = { numerator: null, denominator: null, ratio: null, available: false };

export interface Figures {
  received: { total: number; online: number; counter: number; post: number };
  carriedOver: number;
  finished: { total: number; early: number; onTime: number; late: number; other: number };
  /** Unfinished at the end of the period (or now, for a period not over yet), split by the deadline then. */
  openAtEnd: { total: number; inTime: number; late: number };
  /** DVCQG: (finished early/on time + unfinished still in time) / (finished classified + unfinished), over the dossiers of the period. */
  onTimeRatio: number | null;
  averageWorkingDays: number | null;
  open: { inTime: number; atRisk: number; overdue: number };
  supplementRequests: number;
  apologies: number;
  shares: Record<'fullOnline' | 'paidOnline' | 'digitisedComponents' | 'digitisedResults' | 'electronicResults' | 'reusedData' | 'satisfaction', Share>;
  /** Not in the contract's object: the raw sums, for the 766 index. */
  sums: Sums;
}

export interface IndicatorContext {
  dims: Dimensions;
  today: string;
  hoursPerDay: number;
}

export async function indicatorContext(db: Queryable): Promise<IndicatorContext> {
  const calendar = await workingCalendar(db);
  return { dims: await dimensions(db), today: vietnamDate(new Date()), hoursPerDay: calendar.dayMs / HOUR_MS };
}

const fullOnlineIds = (dims: Dimensions) => [...dims.procedures.values()].filter((p) => p.onlineLevel === 'full').map((p) => p.id);

/** The indicators of a period, per agency or procedure (or '' for the whole scope). */
export async function figuresBy(
  db: Queryable,
  ctx: IndicatorContext,
  q: PeriodQuery,
  group: 'agency_id' | 'procedure_id' | null,
): Promise<Map<string, Figures>> {
  const scope = resolveScope(ctx.dims, q);
  const full = fullOnlineIds(ctx.dims);
  const ended = q.to < ctx.today;
  const [period, before, open, satisfaction] = await Promise.all([
    sums(db, q.from, q.to, scope, full, group),
    sums(db, EPOCH, addDays(q.from, -1), scope, full, group),
    openCounts(db, scope, group, ended ? q.to : null),
    satisfactionShare(db, q, group),
  ]);
  const keys = new Set([...period.keys(), ...open.keys(), ...(ended ? before.keys() : [])]);
  if (group === null) keys.add('');
  const out = new Map<string, Figures>();
  for (const key of keys) {
    const s = period.get(key) ?? zeroSums();
    const b = before.get(key) ?? zeroSums();
    const o = open.get(key) ?? { overdue: 0, atRisk: 0, open: 0, lateBy: 0 };
    const carriedOver = b.received - b.closed;
    let openAtEnd: Figures['openAtEnd'];
    if (ended) {
      // Everything up to the end of the period: what came before it plus the period itself.
      const e = plus(b, s);
      const late = e.late_open_delta + o.lateBy;
      openAtEnd = { total: e.received - e.closed, inTime: e.received - e.closed - late, late };
    } else {
      openAtEnd = { total: o.open, inTime: o.open - o.overdue, late: o.overdue };
    }
    const classified = s.finished_early + s.finished_on_time + s.finished_late;
    const population = classified + openAtEnd.total;
    out.set(key, {
      received: { total: s.received, online: s.received_online, counter: s.received_counter, post: s.received_post },
      carriedOver,
      finished: { total: classified + s.finished_other, early: s.finished_early, onTime: s.finished_on_time, late: s.finished_late, other: s.finished_other },
      openAtEnd,
      onTimeRatio: population ? (s.finished_early + s.finished_on_time + openAtEnd.inTime) / population : null,
      averageWorkingDays: classified ? Math.round((s.processing_hours / ctx.hoursPerDay / classified) * 100) / 100 : null,
      open: { inTime: o.open - o.overdue - o.atRisk, atRisk: o.atRisk, overdue: o.overdue },
      supplementRequests: s.supplements,
      apologies: s.apologies,
      shares: {
        fullOnline: share(s.full_online, s.full_received),
        paidOnline: share(s.paid_online, s.paid),
        digitisedComponents: share(s.paper_digitised, s.paper_received),
        digitisedResults: share(s.results_signed, s.approved),
        electronicResults: share(s.returned_online, s.returned),
        reusedData: share(s.reused_data, s.submitted),
        satisfaction,
      },
      sums: s,
    });
  }
  return out;
}

/**
 * Satisfied ratings / ratings in the period, from the satisfaction module: for the province or one agency (the
 * ratings are kept per agency only, so not by commune, field or procedure, nor per row of a breakdown).
 */
async function satisfactionShare(db: Queryable, q: PeriodQuery, group: string | null): Promise<Share> {
  if (group !== null || q.commune || q.field || q.procedure) return NOT_HELD;
  const s = await satisfactionStats(db, { from: vietnamDayStart(q.from), to: vietnamDayStart(addDays(q.to, 1)), agencyId: q.agency });
  return share(s.satisfied, s.ratings);
}

export async function summary(db: Queryable, q: PeriodQuery) {
  const ctx = await indicatorContext(db);
  const f = (await figuresBy(db, ctx, q, null)).get('')!;
  const { sums: _raw, ...figures } = f;
  return {
    period: { from: q.from, to: q.to },
    agency: q.agency ?? null,
    commune: q.commune ?? null,
    field: q.field ?? null,
    procedure: q.procedure ?? null,
    ...figures,
  };
}

// ---- trend and breakdown --------------------------------------------------------------------------

const ratio = (s: Pick<Sums, 'finished_early' | 'finished_on_time' | 'finished_late'>) => {
  const n = s.finished_early + s.finished_on_time + s.finished_late;
  return n ? (s.finished_early + s.finished_on_time) / n : null;
};

/** Received and finished per day or month; the ratio of a point counts the dossiers finished in it. */
export async function trend(db: Queryable, q: PeriodQuery & { grain: 'day' | 'month' }) {
  const ctx = await indicatorContext(db);
  const rows = await sums(db, q.from, q.to, resolveScope(ctx.dims, q), [], q.grain, q.grain);
  const points = [];
  for (let day = q.from; day <= q.to; day = q.grain === 'day' ? addDays(day, 1) : `${nextMonth(day.slice(0, 7))}-01`) {
    const period = q.grain === 'day' ? day : day.slice(0, 7);
    const s = rows.get(period) ?? zeroSums();
    points.push({ period, received: s.received, early: s.finished_early, onTime: s.finished_on_time, late: s.finished_late, onTimeRatio: ratio(s) });
  }
  return { grain: q.grain, points };
}

export type BreakdownBy = 'agency' | 'commune' | 'field' | 'procedure';

export interface BreakdownRow {
  key: string;
  name: string;
  received: number;
  finished: number;
  early: number;
  onTime: number;
  late: number;
  onTimeRatio: number | null;
  overdueOpen: number;
  rank: number;
}

/** Figures per agency, commune, field or procedure, ranked by on-time ratio then received. */
export async function breakdown(db: Queryable, q: PeriodQuery & { by: BreakdownBy }): Promise<{ by: BreakdownBy; rows: BreakdownRow[] }> {
  const ctx = await indicatorContext(db);
  const byAgency = q.by === 'agency' || q.by === 'commune';
  const figures = await figuresBy(db, ctx, q, byAgency ? 'agency_id' : 'procedure_id');
  const groups = new Map<string, { name: string; parts: Figures[] }>();
  for (const [id, f] of figures) {
    let key: string | null | undefined;
    let name: string | undefined;
    if (q.by === 'agency') {
      key = id;
      name = ctx.dims.agencies.get(id)?.name;
    } else if (q.by === 'commune') {
      const unit = ctx.dims.agencies.get(id)?.unitCode;
      name = unit ? ctx.dims.communes.get(unit) : undefined;
      key = name ? unit : null; // departments and the province committee belong to no commune
    } else if (q.by === 'procedure') {
      key = id;
      name = ctx.dims.procedures.get(id)?.name;
    } else {
      key = ctx.dims.procedures.get(id)?.field;
      name = key ?? undefined;
    }
    if (!key) continue;
    const g = groups.get(key) ?? { name: name ?? key, parts: [] };
    g.parts.push(f);
    groups.set(key, g);
  }
  const rows = [...groups]
    .map(([key, g]) => {
      const sum = (pick: (f: Figures) => number) => g.parts.reduce((n, f) => n + pick(f), 0);
      const early = sum((f) => f.finished.early);
      const onTime = sum((f) => f.finished.onTime);
      const late = sum((f) => f.finished.late);
      const openTotal = sum((f) => f.openAtEnd.total);
      const openInTime = sum((f) => f.openAtEnd.inTime);
      const population = early + onTime + late + openTotal;
      return {
        key,
        name: g.name,
        received: sum((f) => f.received.total),
        finished: sum((f) => f.finished.total),
        early,
        onTime,
        late,
        onTimeRatio: population ? (early + onTime + openInTime) / population : null,
        overdueOpen: sum((f) => f.open.overdue),
        rank: 0,
      };
    })
    .filter((r) => r.received || r.finished || r.onTimeRatio !== null || r.overdueOpen);
  rows.sort((a, b) => (b.onTimeRatio ?? -1) - (a.onTimeRatio ?? -1) || b.received - a.received || a.name.localeCompare(b.name, 'vi'));
  rankRows(rows, (r) => `${r.onTimeRatio}|${r.received}`);
  return { by: q.by, rows };
}

/** Competition ranking (1, 2, 2, 4) over sorted rows; equal sort keys share a rank. */
export function rankRows<T extends { rank: number }>(rows: T[], tie: (r: T) => string) {
  rows.forEach((r, i) => {
    r.rank = i > 0 && tie(rows[i - 1]) === tie(r) ? rows[i - 1].rank : i + 1;
  });
}

// ---- drill-down ----------------------------------------------------------------------------------

export const INDICATORS = ['received', 'early', 'on_time', 'late', 'finished_other', 'in_time', 'at_risk', 'overdue', 'supplements', 'apologies'] as const;
export type Indicator = (typeof INDICATORS)[number];

const VN_DAY = sqlVietnamDate;
/** Inside the period's Vietnam dates, as instant bounds an index on the column can use. */
const IN_PERIOD = (col: string) => `${col} >= ${sqlVietnamDayStart('$3::date')}
  AND ${col} < ${sqlVietnamDayStart('($4::date + 1)')}`;
// The on-time rule (rules.finishedTimeliness) in SQL: an accepted dossier's end against its original appointment.
const DUE = `coalesce(d.original_due_at, d.due_at)`;
const LATE = `(d.supplement_requests > 1 OR d.finished_at > ${DUE})`;
const EARLY = `(NOT ${LATE} AND ${VN_DAY('d.finished_at')} < ${VN_DAY(DUE)})`;
const JUDGED = `(d.status IN (8, 9, 10) AND d.received_at IS NOT NULL AND d.finished_at IS NOT NULL AND ${DUE} IS NOT NULL)`;
const CLASSIFIED = `${JUDGED} AND ${IN_PERIOD('d.finished_at')}`;
const OVERDUE_NOW = `coalesce(o.paused_at, now()) > o.due_at`;
const AT_RISK_NOW = `(NOT coalesce(${OVERDUE_NOW}, false) AND coalesce(o.paused_at, now()) >= o.at_risk_from)`;
// From the events of the period (a partial index keeps these two actions), not from every dossier in scope.
const EVENT_IN_PERIOD = (action: string) => `d.id IN (SELECT e.dossier_id FROM dossier_events e WHERE e.action = '${action}' AND ${IN_PERIOD('e.at')})`;

/** The condition that picks the dossiers behind each number (the same definitions as the counters). */
const CONDITION: Record<Indicator, string> = {
  received: IN_PERIOD('d.received_at'),
  early: `${CLASSIFIED} AND ${EARLY}`,
  on_time: `${CLASSIFIED} AND NOT ${LATE} AND NOT ${EARLY}`,
  late: `${CLASSIFIED} AND ${LATE}`,
  finished_other: `${IN_PERIOD('d.finished_at')} AND NOT ${JUDGED}`,
  in_time: `o.dossier_id IS NOT NULL AND NOT coalesce(${OVERDUE_NOW}, false) AND NOT ${AT_RISK_NOW}`,
  at_risk: `o.dossier_id IS NOT NULL AND ${AT_RISK_NOW}`,
  overdue: `o.dossier_id IS NOT NULL AND ${OVERDUE_NOW}`,
  supplements: EVENT_IN_PERIOD('request_supplement'),
  apologies: EVENT_IN_PERIOD('apologize'),
};
const OPEN_INDICATORS: Indicator[] = ['in_time', 'at_risk', 'overdue'];
/**
 * The counter whose sum is the number a drill-down lists (the same definition, which the property test and the bench's
 * full scan check): the total then comes from the aggregates, and only the page is read from the dossier rows, in the
 * order of an index, so a month of a province is as quick as a day of a commune.
 */
const COUNTED_BY: Partial<Record<Indicator, Counter>> = {
  received: 'received',
  early: 'finished_early',
  on_time: 'finished_on_time',
  late: 'finished_late',
  finished_other: 'finished_other',
};

export interface DrillItem {
  id: string;
  code: string;
  procedureName: string;
  agencyName: string;
  status: number;
  receivedAt: string | null;
  dueAt: string | null;
  finishedAt: string | null;
  timeliness: string | null;
}

/**
 * The dossiers behind a number, newest first. Reads the dossier rows (read-only) with the counters' definitions;
 * the open ones through stats_open.
 */
export async function drillDown(db: Queryable, q: PeriodQuery & { indicator: Indicator; page: number; pageSize: number }) {
  const ctx = await indicatorContext(db);
  const scope = resolveScope(ctx.dims, q);
  const open = OPEN_INDICATORS.includes(q.indicator);
  const params = [scope.agencyIds, scope.procedureIds, q.from, q.to];
  const paging = [...params, q.pageSize, (q.page - 1) * q.pageSize];
  const columns = `d.id, d.code, d.procedure_id, d.home_agency_id, d.status, d.received_at, d.due_at, d.finished_at, d.supplement_requests,
    o.dossier_id AS open_id, ${open || q.indicator === 'received' ? `${OVERDUE_NOW} AS overdue_now, ${AT_RISK_NOW} AS at_risk_now` : 'null AS overdue_now, null AS at_risk_now'},
    ${LATE} AS late, ${EARLY} AS early, ${JUDGED} AS judged`;
  let total: number;
  let rows: Row[];
  if (open) {
    // The open set alone holds the scope and the deadlines: counted and paged there, joined to the dossiers for the page only.
    const openFrom = `FROM stats_open o WHERE ($1::uuid[] IS NULL OR o.agency_id = ANY($1::uuid[])) AND ($2::uuid[] IS NULL OR o.procedure_id = ANY($2::uuid[]))
      AND $3::date <= $4::date AND ${CONDITION[q.indicator]}`; // "now": the period only types its parameters
    total = (await db.query(`SELECT count(*)::int AS total ${openFrom}`, params))[0].total;
    rows = await db.query(
      `SELECT ${columns} FROM (SELECT o.* ${openFrom} ORDER BY o.due_at, o.dossier_id LIMIT $5 OFFSET $6) o JOIN dossiers d ON d.id = o.dossier_id
        ORDER BY o.due_at, d.id`,
      paging,
    );
  } else {
    const from = `FROM dossiers d LEFT JOIN stats_open o ON o.dossier_id = d.id
      WHERE ($1::uuid[] IS NULL OR d.home_agency_id = ANY($1::uuid[])) AND ($2::uuid[] IS NULL OR d.procedure_id = ANY($2::uuid[]))
        AND $3::date <= $4::date AND ${CONDITION[q.indicator]}`;
    const counter = COUNTED_BY[q.indicator];
    total = counter
      ? ((await sums(db, q.from, q.to, scope, [])).get('')?.[counter] ?? 0)
      : (await db.query(`SELECT count(*)::int AS total ${from}`, params))[0].total;
    // Finished indicators have a finished_at: plain DESC walks the index on it backwards.
    const order = q.indicator === 'received' ? 'd.received_at DESC' : counter ? 'd.finished_at DESC' : 'd.finished_at DESC NULLS LAST';
    rows = await db.query(`SELECT ${columns} ${from} ORDER BY ${order}, d.id LIMIT $5 OFFSET $6`, paging);
  }
  const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
  const items: DrillItem[] = rows.map((r: Row) => ({
    id: r.id,
    code: r.code,
    procedureName: ctx.dims.procedures.get(r.procedure_id)?.name ?? '',
    agencyName: ctx.dims.agencies.get(r.home_agency_id)?.name ?? '',
    status: r.status,
    receivedAt: iso(r.received_at),
    dueAt: iso(r.due_at),
    finishedAt: iso(r.finished_at),
    timeliness: timelinessOf(r),
  }));
  return { total, items };
}

function timelinessOf(r: Row): string | null {
  if (r.open_id) return r.overdue_now ? 'overdue' : r.at_risk_now ? 'at_risk' : 'in_time';
  if (r.judged) return r.late ? 'late' : r.early ? 'early' : 'on_time';
  return null;
}

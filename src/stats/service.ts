// Service-quality indicators (IOC). Counters in stats_daily are updated by a dossier-event hook inside the
// transaction that writes the event, and by the historical import for the dossiers it writes in bulk;
// recomputeStatistics rebuilds them from the raw rows and is the reference both paths must equal.
//
// What a dossier contributes (one definition, used by the hook, the import and the recomputation):
//  - live events (written by the dossier service):
//      accept → 2            received +1 on the reception day (dossiers.received_at, Vietnam time)
//      approve → 9           finished early / on time / late on the finishing day, classified by
//                            classifyFinished(finished_at, due_at, supplement_requests); processing hours
//                            = working hours reception → finish minus paused hours. Returned (10) adds nothing.
//      refuse → 3, stop → 8  finished_other +1 on the finishing day
//      request_supplement    supplements +1 on the day of the event;   apologize   apologies +1 on that day
//  - an imported dossier (it has an 'import' event) contributes from its row what it held when imported: received on
//    received_at, its finish if finished (9/10 classified, 3/8 other), its supplement_requests counted on the submission
//    day; the parts a later live event recorded (reception, finish, supplement) are left to that event.
import type { Database, Queryable, Row } from '../db/index.ts';
import type { DossierEventHook, DossierEventRecord } from '../dossiers/hooks.ts';
import { classifyFinished, classifyOpen, vietnamDate } from '../dossiers/rules.ts';
import { atRiskShare } from '../dossiers/service.ts';
import { workingCalendar } from '../calendar/service.ts';
import type { WorkingCalendar } from '../calendar/working-calendar.ts';

export const COUNTERS = ['received', 'finished_early', 'finished_on_time', 'finished_late', 'finished_other', 'processing_hours', 'supplements', 'apologies'] as const;
export type Counter = (typeof COUNTERS)[number];

/** One change to one aggregate row. */
export interface Delta { day: string; agencyId: string; procedureId: string; channel: string; counter: Counter; amount: number }

const FINISHED_COUNTER = { early: 'finished_early', on_time: 'finished_on_time', late: 'finished_late' } as const;
/** Hours as a decimal string with a fixed precision: sums in `numeric` are then exact whatever their order. */
const hoursText = (h: number) => (Math.round(h * 1e6) / 1e6).toFixed(6);

const at = (v: unknown) => new Date(v as string);

/** The finish of a dossier (status 9/10 classified, 3/8 other) as deltas on the finishing day. */
function finishDeltas(d: Row, calendar: () => WorkingCalendar, day: string): Delta[] {
  const base = { day, agencyId: d.home_agency_id, procedureId: d.procedure_id, channel: d.channel };
  if ((d.status === 9 || d.status === 10) && d.finished_at && d.due_at) {
    const timeliness = classifyFinished(at(d.finished_at), at(d.due_at), d.supplement_requests);
    const start = at(d.received_at ?? d.submitted_at);
    const hours = Math.max(0, calendar().workingHoursBetween(start, at(d.finished_at)) - Number(d.paused_hours));
    return [{ ...base, counter: FINISHED_COUNTER[timeliness], amount: 1 }, { ...base, counter: 'processing_hours', amount: Number(hoursText(hours)) }];
  }
  return [{ ...base, counter: 'finished_other', amount: 1 }];
}

const dayOf = (v: unknown) => vietnamDate(at(v));

/** What one live event adds; `d` is the dossier as it is after the event (or later: the fields used do not change afterwards). */
export function eventDeltas(d: Row, e: Pick<DossierEventRecord, 'action' | 'toStatus' | 'at'>, calendar: () => WorkingCalendar): Delta[] {
  const base = { agencyId: d.home_agency_id as string, procedureId: d.procedure_id as string, channel: d.channel as string };
  switch (e.action) {
    case 'accept':
      return e.toStatus === 2 ? [{ ...base, day: dayOf(d.received_at ?? e.at), counter: 'received', amount: 1 }] : [];
    case 'approve':
      return e.toStatus === 9 ? finishDeltas(d, calendar, dayOf(d.finished_at ?? e.at)) : [];
    case 'refuse':
    case 'stop':
      return e.toStatus === 3 || e.toStatus === 8 ? finishDeltas(d, calendar, dayOf(d.finished_at ?? e.at)) : [];
    case 'request_supplement':
      return [{ ...base, day: dayOf(e.at), counter: 'supplements', amount: 1 }];
    case 'apologize':
      return [{ ...base, day: dayOf(e.at), counter: 'apologies', amount: 1 }];
    default:
      return [];
  }
}

/** Live actions of an imported dossier that already counted a part of what its row shows. */
interface LiveParts { accepted: boolean; finished: boolean; supplements: number }

/** What an imported dossier's row contributes, apart from what later live events counted. */
export function importedDeltas(d: Row, calendar: () => WorkingCalendar, live: LiveParts = { accepted: false, finished: false, supplements: 0 }): Delta[] {
  const base = { agencyId: d.home_agency_id as string, procedureId: d.procedure_id as string, channel: d.channel as string };
  const out: Delta[] = [];
  if (d.received_at && !live.accepted) out.push({ ...base, day: dayOf(d.received_at), counter: 'received', amount: 1 });
  if ([3, 8, 9, 10].includes(d.status) && !live.finished) {
    out.push(...finishDeltas(d, calendar, dayOf(d.finished_at ?? d.received_at ?? d.submitted_at)));
  }
  const supplements = Number(d.supplement_requests) - live.supplements;
  // On the submission day: the old system gave no request dates, and submitted_at (unlike received_at) never changes later.
  if (supplements > 0) out.push({ ...base, day: dayOf(d.submitted_at), counter: 'supplements', amount: supplements });
  return out;
}

type Bucket = { day: string; agencyId: string; procedureId: string; channel: string } & Record<Counter, number | string>;

/** Sums deltas per aggregate row (hours summed as exact decimals via integer micro-hours). */
function buckets(deltas: Delta[]): Bucket[] {
  const map = new Map<string, Bucket & { micro: bigint }>();
  for (const x of deltas) {
    const key = `${x.day}|${x.agencyId}|${x.procedureId}|${x.channel}`;
    let b = map.get(key);
    if (!b) {
      b = { day: x.day, agencyId: x.agencyId, procedureId: x.procedureId, channel: x.channel, micro: 0n,
        ...Object.fromEntries(COUNTERS.map((c) => [c, 0])) } as Bucket & { micro: bigint };
      map.set(key, b);
    }
    if (x.counter === 'processing_hours') b.micro += BigInt(Math.round(x.amount * 1e6));
    else (b[x.counter] as number) += x.amount;
  }
  return [...map.values()].map(({ micro, ...b }) => ({ ...b, processing_hours: microText(micro) }));
}

const microText = (micro: bigint) => {
  const sign = micro < 0n ? '-' : '';
  const abs = micro < 0n ? -micro : micro;
  return `${sign}${abs / 1_000_000n}.${String(abs % 1_000_000n).padStart(6, '0')}`;
};

/** Adds deltas to stats_daily: INSERT … ON CONFLICT DO UPDATE SET x = x + …, one statement per batch. */
export async function applyDeltas(tx: Queryable, deltas: Delta[]): Promise<void> {
  const rows = buckets(deltas);
  for (let i = 0; i < rows.length; i += 5000) {
    const part = rows.slice(i, i + 5000);
    await tx.query(
      `INSERT INTO stats_daily (day, agency_id, procedure_id, channel, ${COUNTERS.join(', ')})
       SELECT * FROM unnest($1::date[], $2::uuid[], $3::uuid[], $4::text[], $5::int[], $6::int[], $7::int[], $8::int[], $9::int[],
                            $10::numeric[], $11::int[], $12::int[])
       ON CONFLICT (day, agency_id, procedure_id, channel) DO UPDATE SET
         ${COUNTERS.map((c) => `${c} = stats_daily.${c} + excluded.${c}`).join(', ')}`,
      [part.map((r) => r.day), part.map((r) => r.agencyId), part.map((r) => r.procedureId), part.map((r) => r.channel),
        ...COUNTERS.map((c) => part.map((r) => r[c]))]);
  }
}

/** Lazily built calendar: only finishing events need it. */
function lazyCalendar(tx: Queryable) {
  let calendar: WorkingCalendar | undefined;
  return {
    async ready(needed: boolean) { if (needed && !calendar) calendar = await workingCalendar(tx); },
    get: () => { if (!calendar) throw new Error('calendar not loaded'); return calendar; },
  };
}

/** The dossier-event hook: register with `onDossierEvent(recordDossierStatistics)`. */
export const recordDossierStatistics: DossierEventHook = async (tx, dossier, event) => {
  if (!dossier || event.data?.imported) return;
  const cal = lazyCalendar(tx);
  await cal.ready(['approve', 'refuse', 'stop'].includes(event.action));
  const deltas = eventDeltas(dossier, event, cal.get);
  if (deltas.length) await applyDeltas(tx, deltas);
};

/** For the historical import: call in the transaction that wrote the dossiers (after their rows are inserted). */
export async function recordImportedDossiers(tx: Queryable, dossierIds: string[]): Promise<void> {
  if (!dossierIds.length) return;
  const rows = await tx.query('SELECT * FROM dossiers WHERE id = ANY($1::uuid[])', [dossierIds]);
  const cal = lazyCalendar(tx);
  await cal.ready(true);
  await applyDeltas(tx, rows.flatMap((d) => importedDeltas(d, cal.get)));
}

/** Every contribution of the dossiers in `rows` with their events, by the definition above. */
function dossierDeltas(rows: Row[], events: Map<string, Row[]>, calendar: () => WorkingCalendar): Delta[] {
  const out: Delta[] = [];
  for (const d of rows) {
    const list = events.get(d.id) ?? [];
    const imported = list.some((e) => e.action === 'import' && e.data?.imported);
    const live = list.filter((e) => !e.data?.imported);
    for (const e of live) out.push(...eventDeltas(d, { action: e.action, toStatus: e.to_status, at: at(e.at) }, calendar));
    if (imported) {
      out.push(...importedDeltas(d, calendar, {
        accepted: live.some((e) => e.action === 'accept' && e.to_status === 2),
        finished: live.some((e) => (e.action === 'approve' && e.to_status === 9) || (['refuse', 'stop'].includes(e.action) && [3, 8].includes(e.to_status))),
        supplements: live.filter((e) => e.action === 'request_supplement').length,
      }));
    }
  }
  return out;
}

/**
 * Rebuilds stats_daily from dossiers and dossier_events, a page of dossiers at a time, in one transaction (the
 * reference for the incremental counters, and the repair after a change of definition or calendar).
 */
export async function recomputeStatistics(db: Database, pageSize = 2000): Promise<void> {
  const calendar = await workingCalendar(db);
  await db.transaction(async (tx) => {
    await tx.query('DELETE FROM stats_daily');
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = await tx.query('SELECT * FROM dossiers WHERE id > $1 ORDER BY id LIMIT $2', [after, pageSize]);
      if (!rows.length) break;
      after = rows[rows.length - 1].id;
      const events = new Map<string, Row[]>();
      const list = await tx.query(
        `SELECT dossier_id, at, action, to_status, data FROM dossier_events
          WHERE dossier_id = ANY($1::uuid[]) AND (action IN ('accept', 'approve', 'refuse', 'stop', 'request_supplement', 'apologize', 'import'))
          ORDER BY id`, [rows.map((r) => r.id)]);
      for (const e of list) {
        if (!events.has(e.dossier_id)) events.set(e.dossier_id, []);
        events.get(e.dossier_id)!.push(e);
      }
      await applyDeltas(tx, dossierDeltas(rows, events, () => calendar));
    }
  });
}

// ---- reading -----------------------------------------------------------------------------------

export interface SummaryQuery { from: string; to: string; agency?: string; procedure?: string }

export interface Summary {
  period: { from: string; to: string }; agency: string | null; procedure: string | null;
  received: { total: number; online: number; counter: number; post: number };
  finished: { total: number; early: number; onTime: number; late: number; other: number };
  /** (trước hạn + đúng hạn) / (trước hạn + đúng hạn + quá hạn); null when nothing was classified. */
  onTimeRatio: number | null;
  averageWorkingDays: number | null;
  supplementRequests: number; apologies: number;
  /** Current open dossiers (not period-bound), by their deadline now; paused ones as of when their clock stopped. */
  open: { inTime: number; atRisk: number; overdue: number };
}

const SCOPE_SQL = `($3::uuid IS NULL OR agency_id = $3::uuid) AND ($4::uuid IS NULL OR procedure_id = $4::uuid)`;

/** The indicators for a period (Vietnam dates, inclusive) and scope (competent agency, procedure). */
export async function summary(db: Queryable, q: SummaryQuery): Promise<Summary> {
  const params = [q.from, q.to, q.agency ?? null, q.procedure ?? null];
  const rows = await db.query(
    `SELECT channel, ${COUNTERS.map((c) => `sum(${c})::text AS ${c}`).join(', ')} FROM stats_daily
      WHERE day BETWEEN $1::date AND $2::date AND ${SCOPE_SQL} GROUP BY channel`, params);
  const total = (c: Counter) => rows.reduce((s, r) => s + Number(r[c]), 0);
  const byChannel = (ch: string) => Number(rows.find((r) => r.channel === ch)?.received ?? 0);
  const early = total('finished_early');
  const onTime = total('finished_on_time');
  const late = total('finished_late');
  const classified = early + onTime + late;
  const calendar = await workingCalendar(db);
  const hoursPerDay = calendar.dayMs / 3600_000;

  const open = { inTime: 0, atRisk: 0, overdue: 0 };
  const share = await atRiskShare(db);
  const now = new Date();
  const openRows = await db.query(
    `SELECT received_at, due_at, paused_at FROM dossiers
      WHERE status IN (2, 4, 5, 6, 7) AND due_at IS NOT NULL AND received_at IS NOT NULL
        AND ($1::uuid IS NULL OR home_agency_id = $1::uuid) AND ($2::uuid IS NULL OR procedure_id = $2::uuid)`, [q.agency ?? null, q.procedure ?? null]);
  for (const d of openRows) {
    const t = classifyOpen(calendar, at(d.received_at), at(d.due_at), d.paused_at ? at(d.paused_at) : now, share);
    if (t === 'in_time') open.inTime++; else if (t === 'at_risk') open.atRisk++; else open.overdue++;
  }
  return {
    period: { from: q.from, to: q.to }, agency: q.agency ?? null, procedure: q.procedure ?? null,
    received: { total: total('received'), online: byChannel('online'), counter: byChannel('counter'), post: byChannel('post') },
    finished: { total: classified + total('finished_other'), early, onTime, late, other: total('finished_other') },
    onTimeRatio: classified ? (early + onTime) / classified : null,
    averageWorkingDays: classified ? Math.round((total('processing_hours') / hoursPerDay / classified) * 100) / 100 : null,
    supplementRequests: total('supplements'), apologies: total('apologies'), open,
  };
}

/** stats_daily as comparable rows (tests, checks): zero rows dropped, ordered. */
export async function statisticsSnapshot(db: Queryable): Promise<Row[]> {
  return db.query(
    `SELECT day::text, agency_id, procedure_id, channel, ${COUNTERS.map((c) => `${c}::text AS ${c}`).join(', ')} FROM stats_daily
      WHERE ${COUNTERS.map((c) => `${c} <> 0`).join(' OR ')} ORDER BY 1, 2, 3, 4`);
}

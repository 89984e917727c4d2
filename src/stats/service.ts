// Service-quality counters (IOC). stats_daily, stats_weekly, stats_monthly and stats_yearly hold the same counters per
// day, week, month and year × competent agency × procedure × channel; stats_open holds the received dossiers not finished yet. Both are
// updated by a dossier-event hook inside the transaction that writes the event, and by the historical import for the
// dossiers it writes in bulk; recomputeStatistics rebuilds them from the raw rows and is the reference both paths
// must equal.
//
// What a dossier contributes (one definition, used by the hook, the import and the recomputation):
//  - live events (written by the dossier service):
//      submit                  submitted +1, reused_data +1 when a component came from the applicant's data store;
//                              counter/post: paper_received +1, paper_digitised +1 when files came with it (scans made at the counter)
//      accept → 2              received +1 on the reception day (dossiers.received_at, Vietnam time)
//      approve → 9             approved +1 (a result to issue)
//      approve → 9, stop → 8   of an accepted dossier: finished early / on time / late on the finishing day, judged by the
//                              one on-time rule (rules.finishedTimeliness: the end against the original appointment, which
//                              an apology does not move); processing hours = working hours reception → end minus paused hours.
//      refuse → 3, stop → 8    of a dossier never accepted: finished_other +1 on the finishing day
//      any finish of a received dossier: closed +1 that day (it leaves the open balance), and when it had been open
//                              past its deadline, late_open_delta +1 on the first late day and -1 on the finishing day
//                              (so the late open dossiers at the end of any past day are a running sum)
//      sign_result             results_signed +1: the result issued as a digitally signed electronic document
//      record_payment          paid +1, paid_online +1 when the platform settled it (VNPay, VietQR), not an officer at the desk
//      return_result           returned +1, returned_online +1 when the result went out electronically
//      request_supplement      supplements +1 on the day of the event;   apologize   apologies +1 on that day
//  - an imported dossier (it has an 'import' event) contributes from its row what it held when imported: received on
//    received_at, its finish if finished (judged as above, or other), its supplement_requests counted on the submission
//    day; the parts a later live event recorded (reception, finish, supplement) are left to that event.
import type { Database, Queryable, Row } from '../db/index.ts';
import type { DossierEventRecord, DossiersImportedHook } from '../dossiers/hooks.ts';
import { finishedTimeliness, judgedDueAt, OPEN_RECEIVED } from '../dossiers/rules.ts';
import { atRiskShare } from '../dossiers/service.ts';
import { workingCalendar } from '../calendar/service.ts';
import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import { vietnamDate } from '../shared/time.ts';

export const COUNTERS = [
  'received',
  'finished_early',
  'finished_on_time',
  'finished_late',
  'finished_other',
  'processing_hours',
  'supplements',
  'apologies',
  'closed',
  'late_open_delta',
  'returned',
  'returned_online',
  'paper_received',
  'paper_digitised',
  'submitted',
  'reused_data',
  'paid',
  'paid_online',
  'approved',
  'results_signed',
] as const;
export type Counter = (typeof COUNTERS)[number];

/** The aggregate tables: the same counters per day, week, month and year (day = the period's first day; a week's Monday). */
export const GRAINS = [{ table: 'stats_daily' }, { table: 'stats_weekly' }, { table: 'stats_monthly' }, { table: 'stats_yearly' }] as const;

/** One change to one aggregate row. */
export interface Delta {
  day: string;
  agencyId: string;
  procedureId: string;
  channel: string;
  counter: Counter;
  amount: number;
}

const FINISHED_COUNTER = { early: 'finished_early', on_time: 'finished_on_time', late: 'finished_late' } as const;
/** Hours as a decimal string with a fixed precision: sums in `numeric` are then exact whatever their order. */
const hoursText = (h: number) => (Math.round(h * 1e6) / 1e6).toFixed(6);

const at = (v: unknown) => new Date(v as string);
const dayOf = (v: unknown) => vietnamDate(at(v));
const baseOf = (d: Row) => ({ agencyId: d.home_agency_id as string, procedureId: d.procedure_id as string, channel: d.channel as string });

/**
 * The first day at whose end a received, unfinished dossier counts late (DVCQG: an unfinished dossier is judged at
 * the end of the period; one waiting for its single supplement is judged when it was asked, so it is not late while
 * it waits if it was asked in time; more than one supplement request makes it late). Null: not late.
 */
export function lateFrom(d: Row): string | null {
  const received = dayOf(d.received_at);
  if (Number(d.supplement_requests) > 1) return received;
  const judged = judgedDueAt(d);
  if (!judged) return null;
  if (d.paused_at && at(d.paused_at) <= judged) return null;
  const due = dayOf(judged);
  // biome-ignore lint/complexity/useMathMinMax: these are YYYY-MM-DD strings; Math.max would turn them into NaN
  return due > received ? due : received;
}

/** The finish of a dossier (judged by the on-time rule when accepted, otherwise other) as deltas on the finishing day. */
function finishDeltas(d: Row, calendar: () => WorkingCalendar, day: string): Delta[] {
  const base = { day, ...baseOf(d) };
  const out: Delta[] = [];
  const timeliness = finishedTimeliness(d);
  if (timeliness) {
    const start = at(d.received_at ?? d.submitted_at);
    const hours = Math.max(0, calendar().workingHoursBetween(start, at(d.finished_at)) - Number(d.paused_hours));
    out.push({ ...base, counter: FINISHED_COUNTER[timeliness], amount: 1 }, { ...base, counter: 'processing_hours', amount: Number(hoursText(hours)) });
  } else {
    out.push({ ...base, counter: 'finished_other', amount: 1 });
  }
  if (d.received_at) {
    out.push({ ...base, counter: 'closed', amount: 1 });
    const late = lateFrom({ ...d, paused_at: null });
    if (late && late < day) out.push({ ...base, day: late, counter: 'late_open_delta', amount: 1 }, { ...base, counter: 'late_open_delta', amount: -1 });
  }
  return out;
}

type EventFacts = Pick<DossierEventRecord, 'action' | 'toStatus' | 'at' | 'actorKind' | 'data'>;

/** What one live event adds; `d` is the dossier as it is after the event (or later: the fields used do not change afterwards). */
export function eventDeltas(d: Row, e: EventFacts, calendar: () => WorkingCalendar): Delta[] {
  const base = baseOf(d);
  const one = (counter: Counter, day = dayOf(e.at)): Delta => ({ ...base, day, counter, amount: 1 });
  switch (e.action) {
    case 'submit': {
      const out = [one('submitted')];
      if (Number(e.data?.reusedFromStore ?? 0) > 0) out.push(one('reused_data'));
      if (d.channel !== 'online') out.push(one('paper_received'), ...(Number(e.data?.files ?? 0) > 0 ? [one('paper_digitised')] : []));
      return out;
    }
    case 'accept':
      return e.toStatus === 2 ? [one('received', dayOf(d.received_at ?? e.at))] : [];
    case 'approve':
      return e.toStatus === 9 ? [...finishDeltas(d, calendar, dayOf(d.finished_at ?? e.at)), one('approved')] : [];
    case 'sign_result':
      return [one('results_signed')];
    case 'record_payment':
      return e.actorKind === 'system' ? [one('paid'), one('paid_online')] : [one('paid')];
    case 'refuse':
    case 'stop':
      return e.toStatus === 3 || e.toStatus === 8 ? finishDeltas(d, calendar, dayOf(d.finished_at ?? e.at)) : [];
    case 'return_result':
      return e.data?.method === 'online' ? [one('returned'), one('returned_online')] : [one('returned')];
    case 'request_supplement':
      return [one('supplements')];
    case 'apologize':
      return [one('apologies')];
    default:
      return [];
  }
}

/** Live actions of an imported dossier that already counted a part of what its row shows. */
interface LiveParts {
  accepted: boolean;
  finished: boolean;
  supplements: number;
}

/** What an imported dossier's row contributes, apart from what later live events counted. */
export function importedDeltas(d: Row, calendar: () => WorkingCalendar, live: LiveParts = { accepted: false, finished: false, supplements: 0 }): Delta[] {
  const base = baseOf(d);
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

/** Sums deltas per daily row (hours summed as exact decimals via integer micro-hours). */
function buckets(deltas: Delta[]): Bucket[] {
  const map = new Map<string, Bucket & { micro: bigint }>();
  for (const x of deltas) {
    const key = `${x.day}|${x.agencyId}|${x.procedureId}|${x.channel}`;
    let b = map.get(key);
    if (!b) {
      b = {
        day: x.day,
        agencyId: x.agencyId,
        procedureId: x.procedureId,
        channel: x.channel,
        micro: 0n,
        ...Object.fromEntries(COUNTERS.map((c) => [c, 0])),
      } as Bucket & { micro: bigint };
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

const typeOf = (c: Counter) => (c === 'processing_hours' ? 'numeric' : 'int');
const upsert = (table: string, period: string, counters: Counter[]) => `INSERT INTO ${table} (day, agency_id, procedure_id, channel, ${counters.join(', ')})
    SELECT ${period}, agency_id, procedure_id, channel, ${counters.map((c) => `sum(${c})::${typeOf(c)}`).join(', ')}
      FROM input GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (day, agency_id, procedure_id, channel) DO UPDATE SET ${counters.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ')}`;
/**
 * One statement adds the deltas to the day, week, month and year rows. Only
 * the counters that change are named: a narrow statement is planned several times faster (it runs with every event).
 * Rows are locked in key order, day before week before month before year, so concurrent transactions cannot deadlock on them.
 */
const recordSql = (counters: Counter[]) => `WITH input AS (
    SELECT * FROM unnest($1::date[], $2::uuid[], $3::uuid[], $4::text[], ${counters.map((c, k) => `$${k + 5}::${typeOf(c)}[]`).join(', ')})
      AS t (day, agency_id, procedure_id, channel, ${counters.join(', ')})),
  daily AS (${upsert('stats_daily', 'day', counters)}),
  weekly AS (${upsert('stats_weekly', `date_trunc('week', day)::date`, counters)}),
  monthly AS (${upsert('stats_monthly', `date_trunc('month', day)::date`, counters)}),
  yearly AS (${upsert('stats_yearly', `date_trunc('year', day)::date`, counters)})
  SELECT 1`;

/** Adds deltas to the aggregates (INSERT … ON CONFLICT DO UPDATE SET x = x + …). */
export async function applyDeltas(tx: Queryable, deltas: Delta[]): Promise<void> {
  const rows = buckets(deltas);
  const counters = COUNTERS.filter((c) => deltas.some((d) => d.counter === c));
  if (!counters.length) return;
  const sql = recordSql(counters);
  for (let i = 0; i < rows.length; i += 5000) {
    const part = rows.slice(i, i + 5000);
    await tx.query(sql, [
      part.map((r) => r.day),
      part.map((r) => r.agencyId),
      part.map((r) => r.procedureId),
      part.map((r) => r.channel),
      ...counters.map((c) => part.map((r) => r[c])),
    ]);
  }
}

// ---- the open set -------------------------------------------------------------------------------

/** The stats_open row of a dossier, or null when it is not a received, unfinished dossier. */
function openRow(d: Row, calendar: WorkingCalendar, riskShare: number) {
  if (!d.received_at || !OPEN_RECEIVED.includes(d.status)) return null;
  // The appointment the on-time rule judges it against (an apology's new date does not count).
  const due = judgedDueAt(d);
  let atRiskFrom: string | null = null;
  if (due) {
    const total = calendar.workingHoursBetween(at(d.received_at), due);
    atRiskFrom = calendar.addWorkingHours(at(d.received_at), (1 - riskShare) * total).toISOString();
  }
  return {
    ...baseOf(d),
    dossierId: d.id as string,
    receivedDay: dayOf(d.received_at),
    dueAt: due ? due.toISOString() : null,
    pausedAt: d.paused_at ? at(d.paused_at).toISOString() : null,
    lateFrom: lateFrom(d),
    atRiskFrom,
  };
}

/** Brings stats_open in line with the given dossier rows (inserted, changed or removed when finished). */
async function syncOpen(tx: Queryable, dossiers: Row[], calendar: WorkingCalendar): Promise<void> {
  if (!dossiers.length) return;
  const open = dossiers.filter((d) => d.received_at && OPEN_RECEIVED.includes(d.status));
  const share = open.length ? await atRiskShare(tx) : 0;
  const rows = open.map((d) => openRow(d, calendar, share)!);
  const kept = new Set(rows.map((r) => r.dossierId));
  const gone = dossiers.map((d) => d.id as string).filter((id) => !kept.has(id));
  if (gone.length) await tx.query('DELETE FROM stats_open WHERE dossier_id = ANY($1::uuid[])', [gone]);
  for (let i = 0; i < rows.length; i += 5000) {
    const part = rows.slice(i, i + 5000);
    const col = <K extends keyof (typeof part)[number]>(k: K) => part.map((r) => r[k]);
    await tx.query(
      `INSERT INTO stats_open (dossier_id, agency_id, procedure_id, channel, received_day, due_at, paused_at, late_from, at_risk_from)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::date[], $6::timestamptz[], $7::timestamptz[], $8::date[], $9::timestamptz[])
       ON CONFLICT (dossier_id) DO UPDATE SET agency_id = excluded.agency_id, procedure_id = excluded.procedure_id, channel = excluded.channel,
         received_day = excluded.received_day, due_at = excluded.due_at, paused_at = excluded.paused_at, late_from = excluded.late_from,
         at_risk_from = excluded.at_risk_from`,
      [
        col('dossierId'),
        col('agencyId'),
        col('procedureId'),
        col('channel'),
        col('receivedDay'),
        col('dueAt'),
        col('pausedAt'),
        col('lateFrom'),
        col('atRiskFrom'),
      ],
    );
  }
}

/** Re-reads the given dossiers into stats_open (after a correction made directly in the dossier rows). */
export async function refreshOpenDossiers(db: Database, dossierIds: string[]): Promise<void> {
  await db.transaction(async (tx) => {
    await syncOpen(tx, await tx.query('SELECT * FROM dossiers WHERE id = ANY($1::uuid[])', [dossierIds]), await workingCalendar(tx));
  });
}

// ---- the hooks -----------------------------------------------------------------------------------

/** The dossier-event hook (registered in dossier-hooks.ts). */
export async function recordDossierStatistics(tx: Queryable, dossier: Row, event: DossierEventRecord) {
  if (!dossier || event.data?.imported) return;
  const calendar = await workingCalendar(tx);
  await applyDeltas(
    tx,
    eventDeltas(dossier, event, () => calendar),
  );
  // A dossier never received has no place in the open set, now or before.
  if (dossier.received_at) await syncOpen(tx, [dossier], calendar);
}

/** The historical import's hook (registered in dossier-hooks.ts). */
export const recordImportedDossiers: DossiersImportedHook = async (tx, dossierIds) => {
  if (dossierIds.length) await recordImportedRows(tx, await tx.query('SELECT * FROM dossiers WHERE id = ANY($1::uuid[])', [dossierIds]));
};

/** Counts imported dossiers as their rows stood when imported. */
export async function recordImportedRows(tx: Queryable, rows: Row[]): Promise<void> {
  const calendar = await workingCalendar(tx);
  await applyDeltas(
    tx,
    rows.flatMap((d) => importedDeltas(d, () => calendar)),
  );
  await syncOpen(tx, rows, calendar);
}

// ---- the reference -------------------------------------------------------------------------------

const COUNTED_ACTIONS = [
  'submit',
  'accept',
  'approve',
  'refuse',
  'stop',
  'return_result',
  'request_supplement',
  'apologize',
  'sign_result',
  'record_payment',
  'import',
];

/** Every contribution of the dossiers in `rows` with their events, by the definition above. */
function dossierDeltas(rows: Row[], events: Map<string, Row[]>, calendar: () => WorkingCalendar): Delta[] {
  const out: Delta[] = [];
  for (const d of rows) {
    const list = events.get(d.id) ?? [];
    const imported = list.some((e) => e.action === 'import' && e.data?.imported);
    const live = list.filter((e) => !e.data?.imported);
    for (const e of live) {
      out.push(...eventDeltas(d, { action: e.action, toStatus: e.to_status, at: at(e.at), actorKind: e.actor_kind, data: e.data ?? {} }, calendar));
    }
    if (imported) {
      out.push(
        ...importedDeltas(d, calendar, {
          accepted: live.some((e) => e.action === 'accept' && e.to_status === 2),
          finished: live.some((e) => (e.action === 'approve' && e.to_status === 9) || (['refuse', 'stop'].includes(e.action) && [3, 8].includes(e.to_status))),
          supplements: live.filter((e) => e.action === 'request_supplement').length,
        }),
      );
    }
  }
  return out;
}

/**
 * Rebuilds the counters and the open set from dossiers and dossier_events, a page of dossiers at a time, in one
 * transaction (the reference for the incremental counters, and the repair after a change of definition or calendar).
 */
export async function recomputeStatistics(db: Database, pageSize = 2000): Promise<void> {
  const calendar = await workingCalendar(db);
  await db.transaction(async (tx) => {
    for (const g of GRAINS) await tx.query(`DELETE FROM ${g.table}`);
    await tx.query('DELETE FROM stats_open');
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = await tx.query('SELECT * FROM dossiers WHERE id > $1 ORDER BY id LIMIT $2', [after, pageSize]);
      if (!rows.length) break;
      after = rows[rows.length - 1].id;
      const events = new Map<string, Row[]>();
      const list = await tx.query(
        `SELECT dossier_id, at, action, actor_kind, to_status, data FROM dossier_events
          WHERE dossier_id = ANY($1::uuid[]) AND action = ANY($2::text[]) ORDER BY id`,
        [rows.map((r) => r.id), COUNTED_ACTIONS],
      );
      for (const e of list) {
        if (!events.has(e.dossier_id)) events.set(e.dossier_id, []);
        events.get(e.dossier_id)!.push(e);
      }
      await applyDeltas(
        tx,
        dossierDeltas(rows, events, () => calendar),
      );
      await syncOpen(tx, rows, calendar);
    }
  });
}

/** The aggregates and the open set as comparable rows (tests, checks): zero rows dropped, ordered. */
export async function statisticsSnapshot(db: Queryable): Promise<Row[]> {
  const out: Row[] = [];
  for (const g of GRAINS) {
    out.push(
      ...(await db.query(
        `SELECT '${g.table}' AS grain, day::text, agency_id, procedure_id, channel, ${COUNTERS.map((c) => `${c}::${c === 'processing_hours' ? 'numeric(20, 6)::' : ''}text AS ${c}`).join(', ')} FROM ${g.table}
        WHERE ${COUNTERS.map((c) => `${c} <> 0`).join(' OR ')} ORDER BY 2, 3, 4, 5`,
      )),
    );
  }
  out.push(
    ...(await db.query(
      `SELECT 'stats_open' AS grain, dossier_id, agency_id, procedure_id, channel, received_day::text, due_at::text, paused_at::text,
            late_from::text, at_risk_from::text FROM stats_open ORDER BY dossier_id`,
    )),
  );
  return out;
}

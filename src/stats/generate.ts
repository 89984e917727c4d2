// Realistic historical dossiers for the demo province, as import lines (congso.dossiers/1), so that they enter through
// the historical-import path and its counters: procedures weighted by popularity (Zipf), commune procedures spread over
// the communes, channels by the procedure's online level, seasonality with the Tết lull and the rush before it,
// receptions in office hours on working days, appointments from the statutory time, supplements (a few asked twice),
// early, on-time and late finishes, refusals and stops, and recent dossiers still open.
import type { Database, Queryable } from '../db/index.ts';
import { seedDemo } from '../demo/seed.ts';
import { importDossiers } from '../dossiers/import.ts';
import { getPublishedProcedure } from '../catalog/service.ts';
import { listAgencies } from '../agencies/service.ts';
import { workingCalendar } from '../calendar/service.ts';
import type { ImportLine } from '../dossiers/import.ts';
import { addDays, HOUR_MS, vietnamDayStart } from '../shared/time.ts';

/** A seeded PRNG (mulberry32): the same seed gives the same province. */
export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GenerateOptions {
  count: number;
  from: string;
  to: string;
  seed: number;
  now?: Date;
}

interface Kind {
  code: string;
  agencyCodes: string[];
  onlineShare: number;
  days: number;
  hours: boolean;
  weight: number;
}

/** Month factors: busier at the end of the year, a quieter summer (Tết is placed from the calendar, below). */
const SEASON = [1.05, 1.0, 1.05, 1.0, 1.0, 0.95, 0.9, 0.9, 1.05, 1.05, 1.05, 1.2];
/** The rush in the working days before the Tết holidays and the slow restart after them. */
const BEFORE_TET = { days: 10, factor: 1.5 };
const AFTER_TET = { days: 5, factor: 0.6 };
const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Huỳnh', 'Hoàng', 'Võ', 'Phan', 'Trương', 'Bùi', 'Đặng', 'Đỗ', 'Ngô', 'Dương', 'Lý'];
const MIDDLE = ['Văn', 'Thị', 'Minh', 'Ngọc', 'Thanh', 'Hoàng', 'Quốc', 'Thu', 'Hữu', 'Kim'];
const GIVEN = [
  'An',
  'Bình',
  'Châu',
  'Dũng',
  'Hà',
  'Hải',
  'Hạnh',
  'Hùng',
  'Khoa',
  'Lan',
  'Linh',
  'Long',
  'Mai',
  'Nam',
  'Nhung',
  'Phúc',
  'Quân',
  'Tâm',
  'Thảo',
  'Tuấn',
  'Vy',
];
const OFFICERS = ['Lê Thị Thu Trang', 'Nguyễn Minh Tâm', 'Trần Quốc Việt', 'Phạm Ngọc Hân', 'Võ Thanh Phong'];

/** The import lines, lazily: memory stays flat whatever the count. */
export async function* generateDossierLines(db: Queryable, opts: GenerateOptions): AsyncGenerator<string> {
  const rand = prng(opts.seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const calendar = await workingCalendar(db);
  const now = opts.now ?? new Date();
  const agencies = await listAgencies(db, null);
  const communes = agencies.filter((a) => a.kind === 'commune_committee').map((a) => a.code);
  const codeOf = new Map(agencies.map((a) => [a.id, a.code]));
  const procedures = await db.query(`SELECT code FROM procedures WHERE status = 'published' ORDER BY code`);
  const kinds: Kind[] = [];
  for (const [rank, p] of procedures.entries()) {
    const { content, agencyId } = await getPublishedProcedure(db, p.code);
    kinds.push({
      code: p.code,
      agencyCodes: content.agencyLevel === 'commune' ? communes : [codeOf.get(agencyId)!],
      onlineShare: content.onlineLevel === 'full' ? 0.6 : content.onlineLevel === 'partial' ? 0.3 : 0.05,
      days: content.processingTime.value,
      hours: content.processingTime.unit === 'working_hours',
      weight: 1 / (rank + 1) ** 1.1,
    });
  }
  // Shuffle popularity so that it does not follow the code order.
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [kinds[i].weight, kinds[j].weight] = [kinds[j].weight, kinds[i].weight];
  }
  const kindCumulative = cumulative(kinds.map((k) => k.weight));
  const communeWeights = cumulative(communes.map(() => 0.3 + rand()));

  // Working days in the span, each with its share of the total by season, Tết and weekday.
  const days: string[] = [];
  const dayWeights: number[] = [];
  const tet = tetFactors(calendar, opts.from, opts.to);
  for (let d = opts.from; d <= opts.to; d = addDays(d, 1)) {
    if (!calendar.isWorkingDay(d)) continue;
    const weekday = new Date(`${d}T00:00:00Z`).getUTCDay();
    days.push(d);
    dayWeights.push(
      SEASON[Number(d.slice(5, 7)) - 1] * (tet.get(d) ?? 1) * (weekday === 1 ? 1.2 : weekday === 5 ? 0.9 : weekday === 6 ? 0.3 : 1) * (0.85 + 0.3 * rand()),
    );
  }
  if (!days.length) return;
  const dayCumulative = cumulative(dayWeights);
  const sequences = new Map<string, number>();

  // Exactly `count` lines: a reception time drawn after now (later today) is drawn again, so a caller asking for one
  // dossier gets one (the dashboard bench once waited for a push for a dossier that was never generated).
  for (let n = 0, misses = 0; n < opts.count; ) {
    const kind = kinds[sample(kindCumulative, rand())];
    const agencyCode = kind.agencyCodes.length > 1 ? kind.agencyCodes[sample(communeWeights, rand())] : kind.agencyCodes[0];
    const day = days[sample(dayCumulative, rand())];
    const dayHours = calendar.dayMs / HOUR_MS;
    const received = calendar.addWorkingHours(vietnamDayStart(day), rand() * dayHours * 0.999);
    if (received > now) {
      if (++misses > 10_000) return; // the span has (almost) no working time before now
      continue;
    }
    misses = 0;
    n++;
    const r = rand();
    const channel = r < kind.onlineShare ? 'online' : r < kind.onlineShare + 0.06 ? 'post' : 'counter';
    const submitted = channel === 'online' ? new Date(received.getTime() - Math.floor(rand() * 20) * HOUR_MS) : received;
    const due = kind.hours ? calendar.addWorkingHours(received, kind.days) : calendar.addWorkingDays(received, kind.days);
    const span = calendar.workingHoursBetween(received, due);
    const supplementRequests = rand() < 0.07 ? (rand() < 0.05 ? 2 : 1) : 0;
    // The clock stops while the citizen supplements: the appointment moves by the time waited.
    const waited = supplementRequests ? Math.floor(rand() * 5 * dayHours) : 0;
    const movedDue = waited ? calendar.addWorkingHours(due, waited) : due;
    const o = rand();
    let status = 9;
    let finished: Date | null;
    if (o < 0.02) {
      status = 3;
      finished = new Date(submitted.getTime() + HOUR_MS);
    } else if (o < 0.03) {
      status = 8;
      finished = calendar.addWorkingHours(received, span * rand());
    } else if (o < 0.8)
      finished = calendar.addWorkingHours(received, waited + span * (0.15 + 0.7 * rand())); // early
    else if (o < 0.91)
      finished = new Date(movedDue.getTime() - Math.floor(rand() * 3 * HOUR_MS)); // on the due date
    else finished = calendar.addWorkingHours(movedDue, (0.2 + rand() * 6) * dayHours); // late
    if (status === 9 && finished < received) finished = new Date(received.getTime() + HOUR_MS);
    if (finished > now) {
      status = supplementRequests && rand() < 0.3 ? 5 : rand() < 0.2 ? 2 : 4;
      finished = null;
    }
    const returned = status === 9 && finished ? new Date(finished.getTime() + Math.floor(rand() * 30) * HOUR_MS) : null;
    if (returned && returned <= now) status = 10;
    const key = `${agencyCode}-${day}`;
    const seq = (sequences.get(key) ?? 0) + 1;
    sequences.set(key, seq);
    const refused = status === 3;
    const line: ImportLine = {
      code: `${agencyCode}-${day.slice(2).replaceAll('-', '')}-G${opts.seed}-${String(seq).padStart(4, '0')}`,
      procedureCode: kind.code,
      agencyCode,
      channel,
      status,
      applicant: { name: `${pick(FAMILY)} ${pick(MIDDLE)} ${pick(GIVEN)}`, idNumber: `0921${String(Math.floor(rand() * 1e8)).padStart(8, '0')}` },
      submittedAt: submitted.toISOString(),
      receivedAt: refused ? null : received.toISOString(),
      dueAt: refused ? null : movedDue.toISOString(),
      finishedAt: finished?.toISOString() ?? null,
      returnedAt: status === 10 ? returned!.toISOString() : null,
      supplementRequests: refused ? 0 : supplementRequests,
      events: refused
        ? [{ at: finished!.toISOString(), action: 'refuse', actorName: pick(OFFICERS), fromStatus: 1, toStatus: 3 }]
        : [
            { at: received.toISOString(), action: 'accept', actorName: pick(OFFICERS), fromStatus: 1, toStatus: 2 },
            ...(finished
              ? [{ at: finished.toISOString(), action: status === 8 ? 'stop' : 'approve', actorName: pick(OFFICERS), toStatus: status === 8 ? 8 : 9 }]
              : []),
          ],
    };
    yield JSON.stringify(line);
  }
}

/** Factors for the working days around each year's Tết: the longest run of weekday holidays between January and March. */
function tetFactors(calendar: Awaited<ReturnType<typeof workingCalendar>>, from: string, to: string): Map<string, number> {
  const out = new Map<string, number>();
  for (let year = Number(from.slice(0, 4)); year <= Number(to.slice(0, 4)); year++) {
    type Run = { start: string; end: string; length: number };
    let best: Run | undefined;
    let run: Run | undefined;
    for (let d = `${year}-01-10`; d <= `${year}-03-10`; d = addDays(d, 1)) {
      const weekday = new Date(`${d}T00:00:00Z`).getUTCDay();
      if (calendar.isWorkingDay(d)) {
        run = undefined;
        continue;
      }
      if (weekday === 0 || weekday === 6) {
        if (run) run.end = d;
        continue;
      }
      const next: Run = run ? { start: run.start, end: d, length: run.length + 1 } : { start: d, end: d, length: 1 };
      run = next;
      if (!best || next.length > best.length) best = { start: next.start, end: next.end, length: next.length };
    }
    if (!best || best.length < 3) continue;
    const mark = (start: string, step: number, rule: { days: number; factor: number }) => {
      for (let d = addDays(start, step), n = 0; n < rule.days; d = addDays(d, step)) {
        if (calendar.isWorkingDay(d)) {
          out.set(d, rule.factor);
          n++;
        }
      }
    };
    mark(best.start, -1, BEFORE_TET);
    mark(best.end, 1, AFTER_TET);
  }
  return out;
}

function cumulative(weights: number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => {
    sum += w;
    out[i] = sum;
  });
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

/** The index whose cumulative share first reaches u (binary search). */
function sample(cum: Float64Array, u: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid] < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Generates and imports (the demo province first when the database is empty); returns the import report. The caller
 * registers the dossier hooks (registerDossierHooks) so that the IOC's counters follow.
 */
export async function generateDossiers(db: Database, opts: { count: number; from: string; to: string; seed: number }, progress?: (done: number) => void) {
  const [{ n }] = await db.query('SELECT count(*)::int AS n FROM agencies');
  if (!n) await seedDemo(db);
  let done = 0;
  async function* counted() {
    for await (const line of generateDossierLines(db, opts)) {
      yield line;
      if (++done % 50_000 === 0) progress?.(done);
    }
  }
  return importDossiers(db, counted(), { chunkSize: 2000 });
}
